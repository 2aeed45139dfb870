"""A health worker's actions on a patient: notes, final status, extension."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict
from core.models import Facility, User
from core.services.audit import audit_record
from core.services.notifications import notify
from isolation import content, rules
from isolation.error_codes import IsolationErrorCode
from isolation.messages import message
from isolation.models import Alert, DashboardEvent, Isolation, Note
from isolation.services.alerts import alerts_close_for_isolation
from isolation.services.events import NewEvent, events_record
from isolation.services.payloads import patient_payload

FINAL_STATUSES = (
    Isolation.Status.RELEASED,
    Isolation.Status.REFERRED,
    Isolation.Status.LOST,
    Isolation.Status.DIED,
)
MAX_EXTENSION_DAYS = 30


def _isolation(actor: User, isolation_id: int) -> Isolation:
    from isolation.selectors import isolation_get_for_worker

    return isolation_get_for_worker(actor=actor, isolation_id=isolation_id, lock=True)


def _require_active(isolation: Isolation) -> None:
    if not isolation.is_active:
        raise Conflict(
            message("isolation_closed"), code=IsolationErrorCode.ISOLATION_CLOSED
        )


def _patient_event(isolation: Isolation, action: str, **extra) -> None:
    events_record(
        [
            NewEvent(
                facility_id=isolation.facility_id,
                kind=DashboardEvent.Kind.PATIENT,
                isolation_id=isolation.pk,
                payload={**patient_payload(isolation, action=action), **extra},
            )
        ]
    )


@transaction.atomic
def note_add(*, actor: User, isolation_id: int, text: str) -> Note:
    isolation = _isolation(actor, isolation_id)
    text = text.strip()
    if not text:
        raise ApplicationError(
            message("note_empty"), fields={"text": message("required")}
        )
    note = Note(isolation=isolation, author=actor, kind=Note.Kind.NOTE, text=text)
    note.full_clean()
    note.save()
    audit_record(
        actor=actor,
        action="isolation.note.create",
        target=note,
        patient=isolation.patient,
        detail={"isolation": isolation.pk},
    )
    _patient_event(isolation, "note", note_id=note.pk)
    return note


@transaction.atomic
def isolation_status_change(
    *,
    actor: User,
    isolation_id: int,
    status: str,
    referral_facility_id: int | None = None,
    note: str = "",
    confirm_open_danger: bool = False,
) -> Isolation:
    """Close an isolation: released, referred (to a hospital), lost, died.

    Releasing a patient whose danger signs nobody has looked at yet is refused unless
    the health worker says so explicitly: closing the isolation acknowledges those
    alerts, and "Selesai isolasi" is the one status that sends the patient home
    unwatched. Referring, lost and died are the expected answers to a danger sign.
    """
    isolation = _isolation(actor, isolation_id)
    if status not in FINAL_STATUSES:
        raise ApplicationError(
            message("final_status_invalid"),
            fields={"status": message("final_status_choose")},
        )
    _require_active(isolation)
    if status == Isolation.Status.RELEASED and not confirm_open_danger:
        open_danger = Alert.objects.filter(
            isolation=isolation,
            kind=Alert.Kind.DANGER,
            acknowledged_at__isnull=True,
        ).count()
        if open_danger:
            raise Conflict(
                message("open_danger_alerts", count=open_danger),
                code=IsolationErrorCode.OPEN_DANGER_ALERTS,
                fields={"confirm_open_danger": message("open_danger_confirm")},
            )
    referral = None
    if status == Isolation.Status.REFERRED:
        referral = (
            Facility.objects.filter(pk=referral_facility_id, is_active=True)
            .filter(Q(kind=Facility.Kind.HOSPITAL) | Q(is_referral=True))
            .first()
            if referral_facility_id
            else None
        )
        if referral is None:
            raise ApplicationError(
                message("referral_required"),
                fields={"referral_facility_id": message("referral_choose_active")},
            )
    elif referral_facility_id:
        raise ApplicationError(
            message("referral_only_referred"),
            fields={"referral_facility_id": message("referral_only_referred_field")},
        )
    previous = isolation.status
    isolation.status = status
    isolation.referral_facility = referral
    isolation.ended_at = timezone.now()
    isolation.full_clean(validate_unique=False)
    isolation.save(
        update_fields=["status", "referral_facility", "ended_at", "updated_at"]
    )
    Note.objects.create(
        isolation=isolation,
        author=actor,
        kind=Note.Kind.STATUS,
        text=note.strip(),
        data={
            "from": previous,
            "to": status,
            "referral_facility": referral.name if referral else None,
        },
    )
    alerts_close_for_isolation(
        actor=actor,
        isolation=isolation,
        note=note.strip() or content.ISOLATION_STATUS_LABELS[status]["id"],
    )
    audit_record(
        actor=actor,
        action="isolation.status.change",
        target=isolation,
        patient=isolation.patient,
        detail={
            "from": previous,
            "to": status,
            "referral": getattr(referral, "pk", None),
        },
    )
    _patient_event(isolation, "status")
    notify(
        user=isolation.patient,
        kind="isolation.status",
        text=content.final_status_text(status=status),
        dedupe_key=f"isolation:status:{isolation.pk}:{status}",
        data={"isolation_id": isolation.pk, "status": status},
    )
    return isolation


@transaction.atomic
def isolation_extend(
    *,
    actor: User,
    isolation_id: int,
    until: dt.date | None = None,
    days: int | None = None,
    note: str = "",
) -> Isolation:
    """Keep a patient in isolation longer than the rule says."""
    isolation = _isolation(actor, isolation_id)
    _require_active(isolation)
    if (until is None) == (days is None):
        raise ApplicationError(
            message("extend_one_of"),
            fields={"until": message("extend_one_of_field")},
        )
    current = isolation.estimated_end
    if until is None:
        until = current + dt.timedelta(days=days)
    if until <= current:
        raise ApplicationError(
            message("extend_after_end"),
            fields={
                "until": message("extend_after_end_field", current=current.isoformat())
            },
        )
    if until > current + dt.timedelta(days=MAX_EXTENSION_DAYS):
        raise ApplicationError(
            message("extend_max"),
            fields={"until": message("extend_max_field")},
        )
    isolation.extended_until = until
    isolation.estimated_end = rules.estimated_end(
        test_date=isolation.test_date,
        start_date=isolation.start_date,
        symptom_days=[isolation.symptom_onset, isolation.last_symptom_day],
        extended_until=until,
    )
    isolation.save(update_fields=["extended_until", "estimated_end", "updated_at"])
    alerts_close_for_isolation(
        actor=actor,
        isolation=isolation,
        note=note.strip() or "Isolasi diperpanjang",
        kinds=[Alert.Kind.RELEASE_DUE],
    )
    Note.objects.create(
        isolation=isolation,
        author=actor,
        kind=Note.Kind.EXTENSION,
        text=note.strip(),
        data={"from": current.isoformat(), "to": isolation.estimated_end.isoformat()},
    )
    audit_record(
        actor=actor,
        action="isolation.extend",
        target=isolation,
        patient=isolation.patient,
        detail={"from": current.isoformat(), "to": isolation.estimated_end.isoformat()},
    )
    _patient_event(isolation, "extended")
    return isolation
