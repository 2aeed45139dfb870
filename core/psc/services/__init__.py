"""Every PSC 119 write: escalations from a resident (app, chatbot) or a nurse (danger
alert), and the operators' steps. Each step is stored with its console event in one
transaction; the push to the console and the messages go after commit. Public names
are re-exported here."""

from __future__ import annotations

from core.psc.services.creation import (
    TRIGGER_WINDOW,
    escalation_create_by_nurse,
    escalation_create_by_resident,
)
from core.psc.services.operator import (
    escalation_act,
    escalation_cancel_by_resident,
    escalation_take,
)
from core.psc.services.privacy import psc_erase, psc_erasure_blockers, psc_export
from core.psc.services.steps import NOTE_MAX, console_push

__all__ = [
    "NOTE_MAX",
    "TRIGGER_WINDOW",
    "console_push",
    "escalation_act",
    "escalation_cancel_by_resident",
    "escalation_create_by_nurse",
    "escalation_create_by_resident",
    "escalation_take",
    "psc_erase",
    "psc_erasure_blockers",
    "psc_export",
]
