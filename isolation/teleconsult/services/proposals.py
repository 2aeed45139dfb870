"""Danger sign -> the earliest free slot at the patient's facility is *proposed*;
nothing is booked until the patient accepts. Meanwhile the slot is *held* for that
patient (SIGAP_TELECONSULT_PROPOSAL_HOLD_MINUTES, never past its start): other
residents see it as taken and cannot book it. Declining or expiry frees it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Facility, User
from core.services.notifications import notify
from isolation.teleconsult import rules
from isolation.teleconsult.error_codes import TeleconsultErrorCode
from isolation.teleconsult.models import ACTIVE, Booking, ConsultationProposal
from isolation.teleconsult.selectors import earliest_free_slot, held_slot_exists
from isolation.teleconsult.services.bookings import booking_create
from isolation.teleconsult.services.common import (
    conflict,
    local_label,
    not_found,
    schedule_lock,
)

logger = logging.getLogger(__name__)


def proposal_create_for_alert(
    *, alert_id: int, now: datetime | None = None
) -> ConsultationProposal | None:
    # Imported here so this app works while (or where) the isolation models differ.
    from isolation.models import Alert

    alert = (
        Alert.objects.select_related("isolation__patient", "isolation__facility")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None or alert.kind != Alert.Kind.DANGER:
        return None
    return proposal_create(
        patient=alert.isolation.patient,
        facility=alert.isolation.facility,
        alert_id=alert.pk,
        referral_hospitals=_hospitals_for_alert(alert),
        now=now,
    )


def _hospitals_for_alert(alert) -> list[dict]:
    """Referral hospitals for the danger in this alert: free beds of the needed kind
    first, then the nearest (from the patient's home, else their facility)."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from core.beds.rules import needed_bed_kinds
    from core.beds.selectors import (
        referral_hospitals_for_district,
        referral_hospitals_ranked,
        region_point,
    )

    checkin = alert.checkin
    kinds = needed_bed_kinds(
        spo2=checkin.spo2 if checkin else None,
        danger_signs=(checkin.danger_signs if checkin else None) or alert.reasons,
    )
    patient, facility = alert.isolation.patient, alert.isolation.facility
    profile = getattr(patient, "profile", None)
    home = profile.home_village if profile is not None else None
    origin = region_point(home)
    if origin is None and facility.latitude is not None:
        origin = (facility.latitude, facility.longitude)
    if origin is not None:
        found = referral_hospitals_ranked(origin=origin, kinds=kinds)
    else:
        found = referral_hospitals_for_district(
            district=home or facility.district, kinds=kinds
        )
    # JSON-ready (dates as ISO strings) for the proposal row.
    return json.loads(json.dumps(found, cls=DjangoJSONEncoder))


def _free_slot_locked(*, facility: Facility, patient: User, now: datetime):
    """The facility's earliest free slot, with its doctor's schedule row locked until
    commit and the slot checked again under the lock: a booking of that doctor
    waits for this proposal, and this proposal does not hold a slot a booking took
    between the look-up and the lock (then the next free slot is tried)."""
    for _ in range(3):
        found = earliest_free_slot(facility_id=facility.pk, now=now)
        if found is None:
            return None
        doctor, slot = found
        schedule_lock(doctor_id=doctor.pk)
        taken = Booking.objects.filter(
            ACTIVE, doctor=doctor, start__lt=slot.end, end__gt=slot.start
        ).exists() or held_slot_exists(
            doctor_id=doctor.pk,
            start=slot.start,
            end=slot.end,
            now=now,
            except_patient_id=0,
        )
        if not taken:
            return found
    return None


@transaction.atomic
def proposal_create(
    *,
    patient: User,
    facility: Facility,
    alert_id: int | None = None,
    referral_hospitals: list[dict] | None = None,
    now: datetime | None = None,
) -> ConsultationProposal | None:
    """Propose the facility's earliest free slot, unless the patient already has an
    upcoming consultation or an open proposal. Idempotent per alert."""
    now = now or timezone.now()
    if alert_id is not None:
        existing = ConsultationProposal.objects.filter(alert_id=alert_id).first()
        if existing is not None:
            return existing
    if (
        Booking.objects.filter(
            patient=patient, status=Booking.Status.BOOKED, end__gt=now
        ).exists()
        or ConsultationProposal.objects.filter(
            patient=patient, status=ConsultationProposal.Status.PROPOSED, start__gt=now
        ).exists()
    ):
        return None
    found = _free_slot_locked(facility=facility, patient=patient, now=now)
    if found is None:
        logger.info("no free teleconsultation slot at facility %s", facility.pk)
        return None
    doctor, slot = found
    proposal = ConsultationProposal(
        patient=patient,
        doctor=doctor,
        facility=facility,
        alert_id=alert_id,
        start=slot.start,
        end=slot.end,
        expires_at=rules.proposal_hold_until(
            start=slot.start,
            now=now,
            hold=timedelta(minutes=settings.SIGAP_TELECONSULT_PROPOSAL_HOLD_MINUTES),
        ),
        referral_hospitals=referral_hospitals or [],
    )
    proposal.full_clean(exclude=["patient", "doctor", "facility"])
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:  # the same alert, proposed concurrently
        return ConsultationProposal.objects.filter(alert_id=alert_id).first()
    when = local_label(slot.start, patient.tz)
    beds_id = beds_en = ""
    with_beds = [h for h in proposal.referral_hospitals if h.get("free_needed")]
    if with_beds:
        h = with_beds[0]
        beds_id = (
            f" RS rujukan terdekat dengan tempat tidur kosong: {h['name']} "
            f"({h['free_needed']} kosong)."
        )
        beds_en = (
            f" Nearest referral hospital with free beds: {h['name']} "
            f"({h['free_needed']} free)."
        )
    notify(
        user=patient,
        kind="teleconsult.proposal",
        text={
            "id": f"Laporan Anda menunjukkan tanda bahaya. Kami usulkan konsultasi "
            f"dengan {doctor.full_name} ({facility.name}) pada {when}. "
            f"Terima di aplikasi. Bila sesak berat, segera hubungi 119.{beds_id}",
            "en": f"Your report shows a danger sign. We propose a consultation with "
            f"{doctor.full_name} ({facility.name}) at {when}. Accept it in the app. "
            f"If breathing is very hard, call 119 now.{beds_en}",
        },
        urgent=True,
        dedupe_key=f"teleconsult:proposal:{proposal.pk}",
        data={"proposal_id": proposal.pk},
        subject=patient,
    )
    return proposal


def _locked_proposal(
    proposal_id: int, patient: User, now: datetime
) -> ConsultationProposal:
    proposal = (
        ConsultationProposal.objects.select_for_update()
        .filter(pk=proposal_id, patient=patient)
        .first()
    )
    if proposal is None:
        raise not_found(TeleconsultErrorCode.PROPOSAL_NOT_FOUND)
    if (
        proposal.status != ConsultationProposal.Status.PROPOSED
        or proposal.expires_at <= now
    ):
        raise conflict(TeleconsultErrorCode.PROPOSAL_NOT_OPEN)
    return proposal


@transaction.atomic
def proposal_accept(
    *, proposal_id: int, patient: User, reason: str = "", now: datetime | None = None
) -> tuple[Booking, bool]:
    """Book the proposed slot; returns (booking, created).

    The slot was held for this patient, so only a booking made before the hold (or
    a writer that skipped it) can be in the way. If the patient already booked this
    very slot herself, that booking is the answer (created False). A proposal
    follows a danger sign: it is not held to the cap on upcoming consultations.
    """
    now = now or timezone.now()
    proposal = _locked_proposal(proposal_id, patient, now)
    booking, created = booking_create(
        patient=patient,
        doctor_id=proposal.doctor_id,
        start=proposal.start,
        reason=reason,
        capped=False,
        now=now,
    )
    proposal.status = ConsultationProposal.Status.ACCEPTED
    if not ConsultationProposal.objects.filter(booking=booking).exists():
        proposal.booking = booking
    proposal.responded_at = now
    proposal.save(update_fields=["status", "booking", "responded_at"])
    return booking, created


@transaction.atomic
def proposal_decline(
    *, proposal_id: int, patient: User, now: datetime | None = None
) -> ConsultationProposal:
    now = now or timezone.now()
    proposal = _locked_proposal(proposal_id, patient, now)
    proposal.status = ConsultationProposal.Status.DECLINED
    proposal.responded_at = now
    proposal.save(update_fields=["status", "responded_at"])
    return proposal
