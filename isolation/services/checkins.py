from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.db import insert_one, insert_select, one_statement, select_first
from core.exceptions import ApplicationError, Conflict, PermissionDenied
from core.models import User
from core.services.accounts import consent_require
from core.services.audit import audit_entry
from isolation import rules
from isolation.error_codes import IsolationErrorCode
from isolation.hooks import danger_alert_hooks
from isolation.messages import message
from isolation.models import Alert, CheckIn, DashboardEvent, Isolation
from isolation.services.dispatch import task_enqueue
from isolation.services.events import (
    NewEvent,
    event_ctes,
    event_stored,
    events_record,
)
from isolation.services.payloads import alert_payload, checkin_payload

# Devices' clocks drift; a report "from the future" beyond this is refused.
CLOCK_SKEW = dt.timedelta(minutes=5)

# What a check-in can answer with (API names): at least one is needed.
# A check-in's reported values, by their names on the model and in the rules.
REPORT_FIELDS = (
    "temperature",
    "spo2",
    "breathing_rate",
    "symptoms",
    "danger_signs",
    "note",
)
CHECKIN_ANSWER_FIELDS = (
    "temperature_c",
    "spo2",
    "respiratory_rate",
    "symptoms",
    "danger_signs",
    "note",
)

CHECKIN_CONSENT_REQUIRED = {
    "id": "Berikan persetujuan pemrosesan data kesehatan dulu, di pengaturan akun "
    "Anda, untuk mengirim laporan harian isolasi.",
    "en": "Give consent to health-data processing first, in your account settings, "
    "to send isolation check-ins.",
}


def _existing(
    patient: User, client_id: str, isolation: Isolation | None = None
) -> CheckIn | None:
    found = CheckIn.objects.select_related("isolation").filter(
        isolation__patient=patient, client_id=client_id
    )
    if isolation is not None:
        # The one the unique key (isolation, client_id) refused the insert for.
        found = found.filter(isolation=isolation)
    found = found.order_by()[:1]
    return found[0] if found else None


def _replay(existing: CheckIn, *, sent: dict, measured_at: dt.datetime | None):
    """The stored check-in for a retry of it; a conflict when the client_id was used
    for another report: storing nothing then would lose the new one without a word
    (and, for a dangerous one, its alert), so the app must send it under a new id."""
    stored = rules.report_values(
        **{name: getattr(existing, name) for name in REPORT_FIELDS}
    )
    same_time = rules.same_measurement_time(
        measured_at,
        stored=existing.measured_at,
        received_at=existing.created_at,
        skew=CLOCK_SKEW,
    )
    if stored["symptoms"] == [] and sent["symptoms"] is None:
        # Stored before "left out" was kept as no answer (isolation/0004): the same
        # report, retried by a phone that queued it offline.
        stored["symptoms"] = None
    if stored != sent or not same_time:
        raise Conflict(
            message("client_id_reused"),
            code=IsolationErrorCode.CLIENT_ID_REUSED,
            fields={"client_id": message("client_id_reused_field")},
        )
    return existing


def checkin_submit(
    *,
    patient: User,
    client_id: str,
    measured_at: dt.datetime | None = None,
    temperature: Decimal | None = None,
    spo2: int | None = None,
    breathing_rate: int | None = None,
    symptoms: list[str] | None = None,
    danger_signs: list[str] | None = None,
    note: str = "",
) -> tuple[CheckIn, bool]:
    """Store one report; return (check-in, created).

    Retrying with the same ``client_id`` and the same report returns the stored one
    and changes nothing, so an app that lost the response can safely send again, even
    after the isolation closed or consent was withdrawn. The same ``client_id`` with
    another report is a conflict (409 ``client_id_reused``), never a silent drop. The
    unique key decides, so concurrent retries are safe too. ``symptoms=None`` is no
    answer, ``[]`` the answer "none"; a report must say something (400
    ``empty_checkin``). A dangerous report stores its alert in the same transaction;
    delivery happens after commit. Like every health-data write, a new report needs
    the patient's consent.
    """
    danger_signs = danger_signs or []
    report = {
        "temperature": temperature,
        "spo2": spo2,
        "breathing_rate": breathing_rate,
        "symptoms": symptoms,
        "danger_signs": danger_signs,
        "note": note,
    }
    if not rules.report_says_something(**report):
        raise ApplicationError(
            message("checkin_empty"),
            code=IsolationErrorCode.EMPTY_CHECKIN,
            fields={
                name: message("checkin_empty_field") for name in CHECKIN_ANSWER_FIELDS
            },
        )
    sent = rules.report_values(**report)
    try:
        consent_require(patient, messages=CHECKIN_CONSENT_REQUIRED)
    except PermissionDenied:
        # A retry of a report stored while consent was given: answered as before.
        existing = _existing(patient, client_id)
        if existing is None:
            raise
        return _replay(existing, sent=sent, measured_at=measured_at), False
    isolation = select_first(
        Isolation,
        "patient_id = %s AND status = %s",
        [patient.pk, Isolation.Status.ACTIVE],
    )
    if isolation is None:
        # A retry of a report sent before the isolation was closed.
        existing = _existing(patient, client_id)
        if existing is not None:
            return _replay(existing, sent=sent, measured_at=measured_at), False
        raise Conflict(
            message("no_active_isolation"), code=IsolationErrorCode.NO_ACTIVE_ISOLATION
        )
    isolation.patient = patient  # the caller's row: no join, no second query
    checkin, reasons = checkin_build(
        isolation=isolation,
        client_id=client_id,
        measured_at=checkin_validate_time(isolation=isolation, measured_at=measured_at),
        temperature=temperature,
        spo2=spo2,
        breathing_rate=breathing_rate,
        symptoms=sent["symptoms"],
        danger_signs=sent["danger_signs"],
        note=note,
    )
    try:
        stored = None
        if not reasons and connection.vendor == "postgresql":
            stored = _store_at_once(isolation=isolation, checkin=checkin)
        if stored is None:
            stored = _store(isolation=isolation, checkin=checkin, reasons=reasons)
        return stored, True
    except IntegrityError:
        existing = _existing(patient, client_id, isolation)
        if existing is None:
            raise
        return _replay(existing, sent=sent, measured_at=measured_at), False


def checkin_validate_time(
    *, isolation: Isolation, measured_at: dt.datetime | None
) -> dt.datetime:
    """When the measurement was taken: not in the future (beyond the clock skew of a
    device), not before the isolation; now when the app did not say."""
    now = timezone.now()
    measured_at = measured_at or now
    if measured_at > now + CLOCK_SKEW:
        raise ApplicationError(
            message("measured_in_future"),
            fields={"measured_at": message("measured_in_future_field")},
        )
    isolation_start = dt.datetime.combine(
        isolation.start_date, dt.time(), tzinfo=isolation.tz
    )
    if measured_at < min(isolation_start, isolation.started_at):
        raise ApplicationError(
            message("measured_before_start"),
            fields={"measured_at": message("measured_before_start_field")},
        )
    return min(measured_at, now)


def checkin_build(
    *,
    isolation: Isolation,
    client_id: str,
    measured_at: dt.datetime,
    temperature: Decimal | None,
    spo2: int | None,
    breathing_rate: int | None,
    symptoms: list[str],
    danger_signs: list[str],
    note: str,
) -> tuple[CheckIn, list[str]]:
    """The check-in, judged (danger, unwell) and placed in its slot, with its danger
    reasons; its fields validated (the unique client_id is the database's job)."""
    reasons = rules.danger_reasons(
        spo2=spo2, breathing_rate=breathing_rate, danger_signs=danger_signs
    )
    unwell = rules.is_unwell(
        danger=bool(reasons), temperature=temperature, symptoms=symptoms
    )
    slot = rules.slot_for(measured_at, isolation.tz)
    late = rules.received_late(
        slot,
        received_at=timezone.now(),
        tz=isolation.tz,
        grace=dt.timedelta(hours=settings.SIGAP_LATE_CHECKIN_HOURS),
    )
    checkin = CheckIn(
        isolation=isolation,
        client_id=client_id,
        measured_at=measured_at,
        slot_date=slot.day,
        slot=slot.slot,
        temperature=temperature,
        spo2=spo2,
        breathing_rate=breathing_rate,
        symptoms=symptoms,
        danger_signs=danger_signs,
        note=note,
        danger=bool(reasons),
        unwell=unwell,
        late=late,
    )
    # Field validation only; the unique client_id is the database's job (race-safe).
    checkin.full_clean(
        exclude=["isolation"], validate_unique=False, validate_constraints=False
    )
    return checkin, reasons


def _symptom_day_moves(isolation: Isolation, checkin: CheckIn) -> bool:
    """An unwell report on a later day than the last one moves the isolation's last
    symptom day and so its estimated end; set both on `isolation`, say whether."""
    if not checkin.unwell or (
        isolation.last_symptom_day is not None
        and checkin.slot_date <= isolation.last_symptom_day
    ):
        return False
    isolation.last_symptom_day = checkin.slot_date
    isolation.estimated_end = rules.estimated_end(
        test_date=isolation.test_date,
        start_date=isolation.start_date,
        symptom_days=[isolation.symptom_onset, isolation.last_symptom_day],
        extended_until=isolation.extended_until,
    )
    return True


def _audit(isolation: Isolation, checkin: CheckIn):
    return audit_entry(
        actor=isolation.patient,
        action="isolation.checkin.create",
        target=checkin,
        patient=isolation.patient,
        detail={"isolation": isolation.pk},
    )


def _checkin_event(isolation: Isolation, checkin: CheckIn) -> NewEvent:
    today_status = _today_status(isolation, checkin)
    return NewEvent(
        facility_id=isolation.facility_id,
        kind=DashboardEvent.Kind.CHECKIN,
        isolation_id=isolation.pk,
        payload=checkin_payload(checkin, today_status=today_status),
    )


def _store_at_once(*, isolation: Isolation, checkin: CheckIn) -> CheckIn | None:
    """PostgreSQL, a report without danger: the check-in, the isolation's symptom day
    and estimated end (when they move), its audit row and its dashboard event in one
    statement, which is atomic on its own: one round trip instead of five (BEGIN,
    three writes, COMMIT), the same rows `_store` writes (tests compare them).
    None when a row cannot be written this way (then `_store` writes it)."""
    report = insert_select(checkin)
    audit_row = insert_select(
        _audit(isolation, checkin), refs={"target_id": "ck.id::text"}
    )
    if report is None or audit_row is None:
        return None
    moves = _symptom_day_moves(isolation, checkin)
    event = _checkin_event(isolation, checkin)
    sql, params = [f"ck AS ({report[0]} RETURNING id)"], list(report[1])
    if moves:
        # Never back: a later day written concurrently stays.
        sql.append(
            f"iso AS (UPDATE {connection.ops.quote_name(Isolation._meta.db_table)} "
            "SET last_symptom_day = %s, estimated_end = %s WHERE id = %s "
            "AND (last_symptom_day IS NULL OR last_symptom_day < %s))"
        )
        day = isolation.last_symptom_day
        params += [day, isolation.estimated_end, isolation.pk, day]
    sql.append(f"au AS ({audit_row[0]} FROM ck)")
    params += audit_row[1]
    event_sql, event_params, stored_event = event_ctes(
        event, payload_sql="jsonb_set(%s, '{checkin_id}', to_jsonb(ck.id))", after="ck"
    )
    sql.append(event_sql)
    params += event_params
    statement = "WITH " + ", ".join(sql) + " SELECT ck.id, ev.id, ev.seq FROM ck, ev"
    # A retried client_id refuses the whole statement (see `one_statement`).
    with one_statement(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        checkin_id, event_id, seq = cursor.fetchone()
    checkin.pk = checkin_id
    checkin._state.adding = False
    checkin._state.db = connection.alias
    stored_event.payload["checkin_id"] = checkin_id
    event_stored(stored_event, event_id, seq)
    return checkin


@transaction.atomic
def _store(*, isolation: Isolation, checkin: CheckIn, reasons: list[str]) -> CheckIn:
    insert_one(checkin)
    if _symptom_day_moves(isolation, checkin):
        # Never back: a later day written concurrently stays.
        Isolation.objects.filter(
            Q(last_symptom_day__isnull=True)
            | Q(last_symptom_day__lt=isolation.last_symptom_day),
            pk=isolation.pk,
        ).update(
            last_symptom_day=isolation.last_symptom_day,
            estimated_end=isolation.estimated_end,
        )
    patient = isolation.patient
    insert_one(_audit(isolation, checkin))
    events = [_checkin_event(isolation, checkin)]
    alert = None
    if reasons:
        alert = Alert.objects.create(
            isolation=isolation,
            kind=Alert.Kind.DANGER,
            checkin=checkin,
            slot_date=checkin.slot_date,
            slot=checkin.slot,
            reasons=reasons,
        )
        events.append(
            NewEvent(
                facility_id=isolation.facility_id,
                kind=DashboardEvent.Kind.ALERT,
                isolation_id=isolation.pk,
                alert_id=alert.pk,
                payload=alert_payload(alert, patient_name=patient.full_name),
            )
        )
    events_record(events)
    if alert is not None:
        alert_id = alert.pk
        transaction.on_commit(lambda: enqueue_alert_delivery(alert_id), robust=True)
        for hook in danger_alert_hooks():
            transaction.on_commit(functools.partial(hook, alert_id), robust=True)
    return checkin


def _today_status(isolation: Isolation, checkin: CheckIn) -> str:
    """Today's follow-up status after this report, without another query.

    ``last_symptom_day`` moves to the day of every unwell report (and starts at the
    symptom onset), so "an earlier report today was not ok" is a date comparison.
    """
    if checkin.unwell:
        return rules.SEEN_NOT_OK
    if checkin.slot_date != isolation.local_today():
        # A late offline report of an earlier day says nothing about today.
        return rules.SEEN_OK
    if isolation.last_symptom_day == checkin.slot_date:
        return rules.SEEN_NOT_OK
    return rules.SEEN_OK


def enqueue_alert_delivery(alert_id: int) -> None:
    """Hand the alert to a worker; if the broker is down the sweep delivers it."""
    from isolation.tasks import deliver_alert

    task_enqueue(
        lambda: deliver_alert.apply_async((alert_id,), retry=False),
        what=f"delivery of alert {alert_id}",
    )
