"""Starter knowledge for a new deployment (called by core's seed_demo)."""

from __future__ import annotations

from pathlib import Path

from chatbot.services.transfer import (
    FAQ_COLUMNS,
    HOAX_COLUMNS,
    faq_import,
    hoax_import,
    read_records,
)

DATA = Path(__file__).resolve().parent / "data"
FAQ_STARTER = DATA / "faq_starter.json"
HOAX_STARTER = DATA / "hoax_starter.json"


def chatbot_demo_seed() -> str:
    """Load the starter FAQ (Indonesian + English) and hoax entries; idempotent."""
    faq = faq_import(
        rows=read_records(
            FAQ_STARTER.read_bytes(), filename=FAQ_STARTER.name, required=FAQ_COLUMNS
        )
    )
    hoax = hoax_import(
        rows=read_records(
            HOAX_STARTER.read_bytes(), filename=HOAX_STARTER.name, required=HOAX_COLUMNS
        )
    )
    return f"FAQ {faq.summary()}; hoaks {hoax.summary()}"
