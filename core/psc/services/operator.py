"""The PSC 119 operators' steps (take, act) and a resident's cancel."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict, NotFound
from core.models import (
    Escalation,
    Facility,
    User,
)
from core.psc import content, rules
from core.psc.error_codes import PscErrorCode
from core.psc.services.steps import holder_name, step_record


def _scoped(operator: User):
    return Escalation.objects.filter(region_id=operator.psc_region_id)


@transaction.atomic
def escalation_take(
    *,
    escalation_id: int,
    operator: User,
    note: str = "",
    now: dt.datetime | None = None,
) -> Escalation:
    """Exactly one operator wins: a conditional UPDATE on status 'new' (PostgreSQL
    re-checks the condition after a concurrent winner commits). The others get 409
    already_taken naming who has it."""
    now = now or timezone.now()
    won = (
        _scoped(operator)
        .filter(pk=escalation_id, status=rules.NEW)
        .update(status=rules.TAKEN, taken_by=operator, taken_at=now, updated_at=now)
    )
    escalation = (
        _scoped(operator).select_related("taken_by").filter(pk=escalation_id).first()
    )
    if escalation is None:
        raise NotFound(
            content.text(PscErrorCode.ESCALATION_NOT_FOUND),
            code=PscErrorCode.ESCALATION_NOT_FOUND,
        )
    if not won:
        if escalation.taken_by_id is not None:
            who = holder_name(escalation)
            raise Conflict(
                f"Sudah ditangani oleh {who}.",
                code=PscErrorCode.ALREADY_TAKEN,
                fields={"taken_by": who, "status": escalation.status},
            )
        raise Conflict(
            "Eskalasi ini sudah ditutup.",
            code=PscErrorCode.INVALID_TRANSITION,
            fields={"status": escalation.status},
        )
    step_record(escalation, actor=operator, action="take", note=note, now=now)
    return escalation


@transaction.atomic
def escalation_act(
    *,
    escalation_id: int,
    operator: User,
    action: str,
    note: str = "",
    facility_id: int | None = None,
    now: dt.datetime | None = None,
) -> Escalation:
    """call, note, dispatch, refer (facility_id: a hospital), resolve, cancel."""
    if action == "take":
        return escalation_take(
            escalation_id=escalation_id, operator=operator, note=note, now=now
        )
    if action not in rules.ACTIONS:
        raise NotFound("Langkah tidak dikenal.", code=PscErrorCode.UNKNOWN_ACTION)
    if action == "note" and not note.strip():
        # A note step is its text: an empty one would log a step that says nothing.
        raise ApplicationError(
            "Tulis catatannya.",
            code=PscErrorCode.INVALID,
            fields={"note": "Catatan tidak boleh kosong."},
        )
    now = now or timezone.now()
    escalation = (
        _scoped(operator)
        .select_for_update(of=("self",))
        .select_related("taken_by")
        .filter(pk=escalation_id)
        .first()
    )
    if escalation is None:
        raise NotFound(
            content.text(PscErrorCode.ESCALATION_NOT_FOUND),
            code=PscErrorCode.ESCALATION_NOT_FOUND,
        )
    if (
        action not in ("note", "cancel")
        and escalation.taken_by_id is not None
        and escalation.taken_by_id != operator.pk
    ):
        who = holder_name(escalation)
        raise Conflict(
            f"Ditangani oleh {who}.",
            code=PscErrorCode.HELD_BY_OTHER,
            fields={"taken_by": who},
        )
    try:
        after = rules.transition(escalation.status, action)
    except ValueError:
        raise Conflict(
            f"Langkah '{action}' tidak dapat dilakukan pada status "
            f"'{escalation.get_status_display()}'.",
            code=PscErrorCode.INVALID_TRANSITION,
            fields={"status": escalation.status},
        ) from None
    fields = ["status", "updated_at"]
    data: dict = {}
    if action == "refer":
        hospital = Facility.objects.filter(
            pk=facility_id, kind=Facility.Kind.HOSPITAL, is_active=True
        ).first()
        if hospital is None:
            raise ApplicationError(
                "Pilih rumah sakit tujuan rujukan.",
                code=PscErrorCode.INVALID,
                fields={"facility_id": "Rumah sakit aktif wajib dipilih."},
            )
        escalation.referred_to = hospital
        fields.append("referred_to")
        data["facility"] = {"id": hospital.pk, "name": hospital.name}
    if action == "cancel" and escalation.taken_by_id is None:
        escalation.taken_by = operator
        escalation.taken_at = escalation.taken_at or now
        fields += ["taken_by", "taken_at"]
    if action == "dispatch":
        escalation.dispatched_at = now
        fields.append("dispatched_at")
    if after in rules.CLOSED_STATUSES:
        escalation.closed_at = now
        fields.append("closed_at")
    escalation.status = after
    escalation.updated_at = now
    escalation.save(update_fields=fields)
    step_record(
        escalation, actor=operator, action=action, note=note, now=now, data=data
    )
    return escalation


@transaction.atomic
def escalation_cancel_by_resident(
    *, escalation_id: int, resident: User, now: dt.datetime | None = None
) -> Escalation:
    now = now or timezone.now()
    escalation = (
        Escalation.objects.select_for_update()
        .filter(pk=escalation_id, resident=resident)
        .first()
    )
    if escalation is None:
        raise NotFound(
            content.text(PscErrorCode.ESCALATION_NOT_FOUND),
            code=PscErrorCode.ESCALATION_NOT_FOUND,
        )
    if escalation.status != rules.NEW:
        raise Conflict(
            content.text(PscErrorCode.INVALID_TRANSITION),
            code=PscErrorCode.INVALID_TRANSITION,
            fields={"status": escalation.status},
        )
    escalation.status = rules.CANCELLED
    escalation.closed_at = now
    escalation.save(update_fields=["status", "closed_at", "updated_at"])
    step_record(escalation, actor=resident, action="cancel", note="", now=now)
    return escalation
