"""Every PSC 119 write: escalations from a resident (app, chatbot) or a nurse (danger
alert), and the operators' steps. Each step is stored with its console event in one
transaction; the push to the console and the messages go after commit."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict, NotFound
from core.models import (
    Escalation,
    EscalationAction,
    Facility,
    PscEvent,
    PscEventCounter,
    Region,
    User,
)
from core.psc import rules
from core.psc.error_codes import PscErrorCode
from core.psc.selectors import console_group, escalation_frame, queue_item
from core.services.notifications import notify

logger = logging.getLogger(__name__)

TRIGGER_WINDOW = dt.timedelta(hours=24)
NOTE_MAX = 1000


# --- Where and what: the kab/kota, the point and the minimum health data ----------


def _regency_of(region: Region | None) -> Region | None:
    while region is not None and region.level > Region.Level.REGENCY:
        region = region.parent
    return (
        region if region is not None and region.level == Region.Level.REGENCY else None
    )


def _district_at(lat: float, lng: float) -> Region | None:
    from core.areas.selectors import area_locate

    try:
        hit = area_locate(lat=lat, lng=lng)
    except ApplicationError:
        return None
    return Region.objects.filter(code=hit.code).first()


def _place(
    *, lat: float | None, lng: float | None, fallbacks: list[Region | None]
) -> tuple[Region, Region | None, float | None, float | None, str]:
    """(kab/kota, kecamatan, lat, lng, location source)."""
    district = None
    source = ""
    if lat is not None and lng is not None:
        district = _district_at(lat, lng)
        source = "gps"
    for candidate in fallbacks:
        if district is not None:
            break
        district = candidate
    regency = _regency_of(district)
    if regency is None:
        raise ApplicationError(
            "Lokasi tidak diketahui: bagikan lokasi Anda atau lengkapi alamat profil.",
            code=PscErrorCode.LOCATION_REQUIRED,
            fields={"lat": "Bagikan lokasi (lat, lng)."},
        )
    if lat is None or lng is None:
        place = district
        while place is not None and place.latitude is None:
            place = place.parent
        if place is not None:
            lat, lng = place.latitude, place.longitude
            source = place.get_level_display()
    kecamatan = district
    while kecamatan is not None and kecamatan.level > Region.Level.DISTRICT:
        kecamatan = kecamatan.parent
    return regency, kecamatan, lat, lng, source


def _health_from_assessment(assessment) -> dict:
    a = assessment.answers or {}
    return {
        "kind": "selfcheck",
        "at": assessment.created_at.isoformat(),
        "risk_level": assessment.risk_level,
        "reasons": list(assessment.reasons or [])[:10],
        "spo2": a.get("spo2"),
        "breathing_rate": a.get("respiratory_rate"),
        "temperature": a.get("temperature_c"),
        "danger_signs": list(a.get("danger_signs") or []),
        "symptoms": list(a.get("symptoms") or []),
        "age": a.get("age"),
    }


def _health_from_checkin(checkin) -> dict:
    return {
        "kind": "checkin",
        "at": checkin.measured_at.isoformat(),
        "spo2": checkin.spo2,
        "breathing_rate": checkin.breathing_rate,
        "temperature": float(checkin.temperature)
        if checkin.temperature is not None
        else None,
        "danger_signs": list(checkin.danger_signs or []),
        "symptoms": list(checkin.symptoms or []),
    }


def _trigger_for_resident(*, resident: User, assessment_id, now: dt.datetime):
    """The critical self-check or danger check-in (last 24 h) that allows asking."""
    from isolation.models import CheckIn
    from selfcheck.models import Assessment

    since = now - TRIGGER_WINDOW
    assessments = Assessment.objects.filter(
        owner=resident, risk_level="critical", created_at__gte=since
    ).select_related("district__parent")
    if assessment_id is not None:
        assessment = assessments.filter(pk=assessment_id).first()
        if assessment is None:
            raise NotFound(
                "Hasil cek mandiri gawat darurat tidak ditemukan (24 jam terakhir).",
                code=PscErrorCode.ASSESSMENT_NOT_FOUND,
                fields={"assessment_id": "Bukan hasil gawat darurat Anda."},
            )
        return Escalation.Trigger.SELFCHECK, assessment, None
    assessment = assessments.order_by("-created_at").first()
    checkin = (
        CheckIn.objects.filter(
            isolation__patient=resident, danger=True, measured_at__gte=since
        )
        .select_related("isolation__facility__district__parent")
        .order_by("-measured_at")
        .first()
    )
    if checkin is not None and (
        assessment is None or checkin.measured_at >= assessment.created_at
    ):
        return Escalation.Trigger.CHECKIN, None, checkin
    if assessment is not None:
        return Escalation.Trigger.SELFCHECK, assessment, None
    raise Conflict(
        "Permintaan bantuan PSC 119 tersedia setelah cek mandiri gawat darurat atau "
        "laporan isolasi dengan tanda bahaya. Dalam keadaan darurat, telepon 119.",
        code=PscErrorCode.NOT_ELIGIBLE,
    )


def _active_isolation(resident: User):
    from isolation.models import Isolation

    return (
        Isolation.objects.select_related("facility__district__parent")
        .filter(patient=resident, status=Isolation.Status.ACTIVE)
        .first()
    )


def _home_village(resident: User) -> Region | None:
    profile = getattr(resident, "profile", None)
    if profile is None or not profile.home_village_id:
        return None
    return Region.objects.select_related("parent__parent").get(
        pk=profile.home_village_id
    )


# --- Creation ----------------------------------------------------------------------


@transaction.atomic
def escalation_create_by_resident(
    *,
    resident: User,
    consent: bool,
    client_key: str = "",
    lat: float | None = None,
    lng: float | None = None,
    assessment_id=None,
    note: str = "",
    source: str = Escalation.Source.APP,
    now: dt.datetime | None = None,
) -> tuple[Escalation, bool]:
    """ "Minta bantuan PSC 119". Returns (escalation, created). The same client_key,
    or any open escalation of the resident, is returned as it is."""
    now = now or timezone.now()
    if consent is not True:
        raise ApplicationError(
            "Setujui berbagi lokasi dan data kesehatan terakhir Anda dengan PSC 119.",
            code=PscErrorCode.CONSENT_REQUIRED,
            fields={"consent": "Wajib disetujui."},
        )
    if client_key:
        existing = Escalation.objects.filter(
            resident=resident, client_key=client_key
        ).first()
        if existing is not None:
            return existing, False
    open_one = Escalation.objects.filter(
        resident=resident, status__in=rules.OPEN_STATUSES
    ).first()
    if open_one is not None:
        return open_one, False
    trigger, assessment, checkin = _trigger_for_resident(
        resident=resident, assessment_id=assessment_id, now=now
    )
    isolation = (
        checkin.isolation if checkin is not None else _active_isolation(resident)
    )
    health = (
        _health_from_assessment(assessment)
        if assessment is not None
        else _health_from_checkin(checkin)
    )
    fallbacks = [
        assessment.district if assessment is not None else None,
        _home_village(resident),
        isolation.facility.district if isolation is not None else None,
    ]
    regency, district, lat, lng, located = _place(lat=lat, lng=lng, fallbacks=fallbacks)
    escalation = Escalation(
        resident=resident,
        region=regency,
        district=district,
        source=source,
        trigger=trigger,
        created_by=resident,
        client_key=client_key or "",
        assessment_id=assessment.pk if assessment is not None else None,
        checkin_id=checkin.pk if checkin is not None else None,
        facility=isolation.facility if isolation is not None else None,
        latitude=lat,
        longitude=lng,
        location_source=located,
        urgency=rules.urgency(
            spo2=health.get("spo2"), danger_signs=health.get("danger_signs", ())
        ),
        health=health,
        consent_at=now,
        note=note[:NOTE_MAX],
        created_at=now,
    )
    return _escalation_store(
        escalation,
        actor=resident,
        note=note,
        now=now,
        # The same client_key, sent twice at once.
        existing=lambda: Escalation.objects.get(
            resident=resident, client_key=client_key
        ),
    )


@transaction.atomic
def escalation_create_by_nurse(
    *, nurse: User, alert_id: int, note: str = "", now: dt.datetime | None = None
) -> tuple[Escalation, bool]:
    """A nurse escalates a danger alert of their facility (once per alert)."""
    from isolation.models import Alert, CheckIn
    from isolation.selectors import alert_get_for_worker

    now = now or timezone.now()
    alert = alert_get_for_worker(actor=nurse, alert_id=alert_id)
    if alert.kind != Alert.Kind.DANGER:
        raise ApplicationError(
            "Hanya peringatan tanda bahaya yang dapat diteruskan ke PSC 119.",
            code=PscErrorCode.NOT_A_DANGER_ALERT,
            fields={"alert_id": "Bukan peringatan tanda bahaya."},
        )
    existing = Escalation.objects.filter(alert_id=alert.pk).first()
    if existing is not None:
        return existing, False
    isolation = alert.isolation
    resident = isolation.patient
    checkin = CheckIn.objects.get(pk=alert.checkin_id)
    health = _health_from_checkin(checkin)
    facility = Facility.objects.select_related("district__parent").get(
        pk=isolation.facility_id
    )
    regency, district, lat, lng, located = _place(
        lat=None, lng=None, fallbacks=[_home_village(resident), facility.district]
    )
    escalation = Escalation(
        resident=resident,
        region=regency,
        district=district,
        source=Escalation.Source.NURSE,
        trigger=Escalation.Trigger.ALERT,
        created_by=nurse,
        alert_id=alert.pk,
        checkin_id=checkin.pk,
        facility=facility,
        latitude=lat,
        longitude=lng,
        location_source=located,
        urgency=rules.urgency(
            spo2=health.get("spo2"), danger_signs=health.get("danger_signs", ())
        ),
        health=health,
        # Escalated by the patient's own health worker for their vital interest
        # (UU PDP art. 20(2)(d)); the patient consented to monitoring at enrolment.
        consent_at=now,
        note=note[:NOTE_MAX],
        created_at=now,
    )
    return _escalation_store(
        escalation,
        actor=nurse,
        note=note,
        now=now,
        existing=lambda: Escalation.objects.get(alert_id=alert.pk),
    )


def _escalation_store(
    escalation: Escalation,
    *,
    actor: User,
    note: str,
    now: dt.datetime,
    existing: Callable[[], Escalation],
) -> tuple[Escalation, bool]:
    """Save a new escalation and its first step; when a unique key says it exists
    already (a request sent twice at once), return that one instead."""
    try:
        with transaction.atomic():
            escalation.save()
    except IntegrityError:
        return existing(), False
    _step(escalation, actor=actor, action="create", note=note, now=now)
    return escalation, True


# --- Operator steps ---------------------------------------------------------------


def _scoped(operator: User):
    return Escalation.objects.filter(region_id=operator.psc_region_id)


def _holder_name(escalation: Escalation) -> str:
    taker = escalation.taken_by
    return (taker.full_name or f"operator #{taker.pk}") if taker else ""


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
            "Eskalasi tidak ditemukan.", code=PscErrorCode.ESCALATION_NOT_FOUND
        )
    if not won:
        if escalation.taken_by_id is not None:
            who = _holder_name(escalation)
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
    _step(escalation, actor=operator, action="take", note=note, now=now)
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
            "Eskalasi tidak ditemukan.", code=PscErrorCode.ESCALATION_NOT_FOUND
        )
    if (
        action not in ("note", "cancel")
        and escalation.taken_by_id is not None
        and escalation.taken_by_id != operator.pk
    ):
        who = _holder_name(escalation)
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
    _step(escalation, actor=operator, action=action, note=note, now=now, data=data)
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
            "Eskalasi tidak ditemukan.", code=PscErrorCode.ESCALATION_NOT_FOUND
        )
    if escalation.status != rules.NEW:
        raise Conflict(
            "Petugas PSC sudah menangani permintaan ini; hubungi 119 untuk membatalkan.",
            code=PscErrorCode.INVALID_TRANSITION,
            fields={"status": escalation.status},
        )
    escalation.status = rules.CANCELLED
    escalation.closed_at = now
    escalation.save(update_fields=["status", "closed_at", "updated_at"])
    _step(escalation, actor=resident, action="cancel", note="", now=now)
    return escalation


# --- One step: history, console event, messages ------------------------------------

MESSAGES = {
    "create": {
        "id": "Permintaan bantuan Anda sudah diteruskan ke PSC 119 {region}. Petugas "
        "akan segera menghubungi Anda. Bila memburuk, telepon 119.",
        "en": "Your request for help was sent to PSC 119 {region}. An officer will "
        "contact you shortly. If it gets worse, call 119.",
    },
    "take": {
        "id": "Petugas PSC 119 ({operator}) sedang menangani permintaan Anda.",
        "en": "A PSC 119 officer ({operator}) is handling your request.",
    },
    "call": {
        "id": "Petugas PSC 119 mencoba menelepon Anda. Mohon angkat telepon.",
        "en": "A PSC 119 officer is calling you. Please answer the phone.",
    },
    "dispatch": {
        "id": "Ambulans sedang menuju lokasi Anda.",
        "en": "An ambulance is on its way to you.",
    },
    "refer": {
        "id": "Anda dirujuk ke {hospital}.",
        "en": "You are referred to {hospital}.",
    },
    "resolve": {
        "id": "Penanganan PSC 119 untuk permintaan Anda selesai.",
        "en": "PSC 119 has closed your request.",
    },
    "cancel": {
        "id": "Permintaan bantuan PSC 119 dibatalkan.",
        "en": "The request to PSC 119 was cancelled.",
    },
}
NURSE_MESSAGES = {
    "create": "Pasien {patient} diteruskan ke PSC 119 {region}.",
    "take": "PSC 119 menangani pasien {patient} ({operator}).",
    "dispatch": "PSC 119: ambulans diberangkatkan untuk pasien {patient}.",
    "refer": "PSC 119: pasien {patient} dirujuk ke {hospital}.",
    "resolve": "PSC 119: penanganan pasien {patient} selesai.",
    "cancel": "PSC 119: permintaan untuk pasien {patient} dibatalkan.",
}


def _step(
    escalation: Escalation,
    *,
    actor: User | None,
    action: str,
    note: str,
    now: dt.datetime,
    data: dict | None = None,
) -> None:
    step = EscalationAction.objects.create(
        escalation=escalation,
        actor=actor,
        action=action,
        status=escalation.status,
        note=note[:NOTE_MAX],
        data=data or {},
        created_at=now,
    )
    event = _event_record(escalation, kind=action, now=now)
    frame = escalation_frame(event)
    group = console_group(escalation.region_id)
    transaction.on_commit(lambda: console_push(group, [frame]))
    _notify(escalation, action=action, step=step, data=data or {})


def _event_record(escalation: Escalation, *, kind: str, now: dt.datetime) -> PscEvent:
    """Number the event under the region's counter row lock (commit order)."""
    PscEventCounter.objects.bulk_create(
        [PscEventCounter(region_id=escalation.region_id, last_seq=0)],
        ignore_conflicts=True,
    )
    table = connection.ops.quote_name(PscEventCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1 WHERE region_id = %s "
            "RETURNING last_seq",
            [escalation.region_id],
        )
        (seq,) = cursor.fetchone()
    return PscEvent.objects.create(
        region_id=escalation.region_id,
        seq=seq,
        kind=kind,
        escalation=escalation,
        payload=queue_item(escalation, now=now),
        created_at=now,
    )


_push_breaker = None
_push_executor = None


def console_push(group: str, frames: list[dict]) -> None:
    """Best effort: the stored event is the truth; consoles replay what they miss.
    After a failure the push pauses for a few seconds (its own breaker)."""
    global _push_breaker, _push_executor
    import asyncio

    from channels.layers import get_channel_layer

    from isolation.services.dispatch import Breaker

    if _push_breaker is None:
        _push_breaker = Breaker("psc console", cooldown=10.0)
    if _push_breaker.is_open:
        return
    layer = get_channel_layer()
    if layer is None:
        return

    def send() -> None:
        try:
            async_to_sync(layer.group_send)(
                group, {"type": "psc.events", "events": frames}
            )
        except Exception as exc:
            _push_breaker.trip()
            logger.warning("PSC console push failed (%s)", type(exc).__name__)

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop in this thread: the usual case (a view, a task)
        send()
        return
    # Called from async code's thread (a test, a consumer): send from another thread.
    if _push_executor is None:
        from concurrent.futures import ThreadPoolExecutor

        _push_executor = ThreadPoolExecutor(1, thread_name_prefix="psc-push")
    _push_executor.submit(send)


def _notify(escalation: Escalation, *, action: str, step: EscalationAction, data: dict):
    if action == "note":
        return
    region = Region.objects.filter(pk=escalation.region_id).first()
    values = {
        "region": region.name if region else "",
        "operator": _holder_name(escalation) if escalation.taken_by_id else "",
        "hospital": (data.get("facility") or {}).get("name", ""),
        "patient": escalation.resident.full_name or f"#{escalation.resident_id}",
    }
    text = MESSAGES.get(action)
    if text and not (action == "cancel" and step.actor_id == escalation.resident_id):
        notify(
            user=escalation.resident,
            kind=f"psc.{action}",
            text={k: v.format(**values) for k, v in text.items()},
            urgent=True,
            dedupe_key=f"psc:{escalation.pk}:{step.pk}",
            data={"escalation_id": escalation.pk, "status": escalation.status},
        )
    nurse_text = NURSE_MESSAGES.get(action)
    if nurse_text is None:
        return
    for nurse in _nurses_following(escalation):
        if nurse.pk == step.actor_id:
            continue
        notify(
            user=nurse,
            kind=f"psc.{action}",
            text=nurse_text.format(**values),
            urgent=True,
            dedupe_key=f"psc:{escalation.pk}:{step.pk}",
            data={"escalation_id": escalation.pk, "status": escalation.status},
        )


def _nurses_following(escalation: Escalation) -> list[User]:
    """The nurse who escalated; else the health workers of the resident's isolation
    facility."""
    if escalation.source == Escalation.Source.NURSE and escalation.created_by_id:
        return list(User.objects.filter(pk=escalation.created_by_id, is_active=True))
    if escalation.facility_id is None:
        return []
    return list(
        User.objects.filter(
            Q(role=User.Role.HEALTH_WORKER),
            facility_id=escalation.facility_id,
            is_active=True,
        )
    )


# --- Privacy: the resident's export and erasure -------------------------------------


def psc_export(user: User) -> dict:
    return {
        "escalations": [
            {
                "id": e.pk,
                "created_at": e.created_at.isoformat(),
                "source": e.source,
                "trigger": e.trigger,
                "status": e.status,
                "consent_at": e.consent_at.isoformat(),
                "latitude": e.latitude,
                "longitude": e.longitude,
                "health": e.health,
                "note": e.note,
                "steps": [
                    {"action": a.action, "at": a.created_at.isoformat(), "note": a.note}
                    for a in e.actions.all()
                ],
            }
            for e in Escalation.objects.filter(resident=user).prefetch_related(
                "actions"
            )
        ]
    }


def psc_erase(user: User) -> None:
    # Console events carry no contact or health data; they go with the escalation.
    Escalation.objects.filter(resident=user).delete()
