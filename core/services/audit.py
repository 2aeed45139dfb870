from __future__ import annotations

from core.db import insert_one
from core.logging import request_id_var
from core.models import AuditLog, User


def audit_record(**entry) -> AuditLog:
    """Append one row to the audit log (who, what, when, which record): the row
    `audit_entry` describes, from the same keyword arguments."""
    return insert_one(audit_entry(**entry))


def audit_entry(
    *,
    actor: User | None,
    action: str,
    target,
    patient: User | None = None,
    detail: dict | None = None,
) -> AuditLog:
    """The audit row `audit_record` appends, unsaved (for a writer that stores it in
    the same statement as its target). ``actor`` is dropped when not signed in."""
    actor = (
        actor
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    return AuditLog(
        actor=actor,
        actor_role=actor.role if actor else "",
        action=action,
        target_type=target._meta.label_lower
        if hasattr(target, "_meta")
        else str(type(target).__name__),
        target_id=str(getattr(target, "pk", target)),
        patient=patient,
        request_id=request_id_var.get(),
        detail=detail or {},
    )
