"""One step of an escalation: its history row and console event in the caller's
transaction; the push to the console and the messages after commit."""

from __future__ import annotations

import datetime as dt
import logging

from asgiref.sync import async_to_sync
from django.db import connection, transaction
from django.db.models import Q

from core.models import (
    Escalation,
    EscalationAction,
    PscEvent,
    PscEventCounter,
    Region,
    User,
)
from core.psc.selectors import console_group, escalation_frame, queue_item
from core.rules import initials
from core.services.notifications import notify

logger = logging.getLogger(__name__)

NOTE_MAX = 1000


def holder_name(escalation: Escalation) -> str:
    taker = escalation.taken_by
    return (taker.full_name or f"operator #{taker.pk}") if taker else ""


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
# To staff the patient is initials only, as in danger alerts: these rows stay in the
# nurse's outbox and an SMS passes through the operator's network.
NURSE_MESSAGES = {
    "create": "Pasien {patient} diteruskan ke PSC 119 {region}.",
    "take": "PSC 119 menangani pasien {patient} ({operator}).",
    "dispatch": "PSC 119: ambulans diberangkatkan untuk pasien {patient}.",
    "refer": "PSC 119: pasien {patient} dirujuk ke {hospital}.",
    "resolve": "PSC 119: penanganan pasien {patient} selesai.",
    "cancel": "PSC 119: permintaan untuk pasien {patient} dibatalkan.",
}


def step_record(
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
        "operator": holder_name(escalation) if escalation.taken_by_id else "",
        "hospital": (data.get("facility") or {}).get("name", ""),
        "patient": initials(escalation.resident.full_name)
        if escalation.resident.full_name
        else f"#{escalation.resident_id}",
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
            subject=escalation.resident,
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
            subject=escalation.resident,
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
