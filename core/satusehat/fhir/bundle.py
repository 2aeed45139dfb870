"""The transaction Bundle sent to the centre and what comes back: the ids it gave,
its OperationOutcome in words."""

from __future__ import annotations

from collections.abc import Iterable

from core.satusehat.fhir.entries import Entry


def transaction_bundle(entries: Iterable[Entry]) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [entry.body for entry in entries],
    }


def response_ids(response: dict) -> list[str]:
    """The id each entry of a transaction-response Bundle got (or was matched to),
    read from its `response.location` ("Patient/<id>/_history/1")."""
    ids: list[str] = []
    for entry in response.get("entry") or []:
        location = (entry.get("response") or {}).get("location") or ""
        parts = location.split("/")
        if len(parts) >= 2 and parts[1]:
            ids.append(parts[1])
        else:
            ids.append((entry.get("resource") or {}).get("id", ""))
    return ids


def outcome_text(outcome: dict) -> str:
    """SATUSEHAT's own words from an OperationOutcome."""
    parts = []
    for issue in (outcome or {}).get("issue") or []:
        text = issue.get("diagnostics") or (issue.get("details") or {}).get("text")
        code = issue.get("code", "")
        parts.append(f"{code}: {text}" if text else code)
    return "; ".join(p for p in parts if p)[:2000]
