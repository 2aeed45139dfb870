"""Helpers of the beds tests (plain functions and data; fixtures stay in
conftest.py)."""

from __future__ import annotations

KARIADI = "R3374070001"
WONGSONEGORO = "R3374060001"
TELOGOREJO = "R3374010001"


def report(facility, beds: dict, **kwargs):
    from core.beds.services import bed_report_submit

    kwargs.setdefault("source", "admin")
    return bed_report_submit(facility=facility, beds=beds, **kwargs)[0]


def figures(beds: dict) -> dict:
    """{kind: {total, free}} of a picture or an API row, without the times."""
    return {k: {"total": v["total"], "free": v["free"]} for k, v in beds.items()}
