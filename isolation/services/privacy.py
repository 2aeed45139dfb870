"""UU PDP: a resident's isolation data, for export and erasure."""

from __future__ import annotations

from core.i18n import tr
from core.models import User
from isolation.models import (
    Alert,
    CheckIn,
    DashboardEvent,
    Isolation,
    IsolationRequest,
    Note,
)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def isolation_export(user: User) -> dict:
    isolations = []
    for isolation in Isolation.objects.filter(patient=user).select_related(
        "facility", "referral_facility"
    ):
        isolations.append(
            {
                "facility": isolation.facility.name,
                "reason": isolation.reason,
                "test_date": _iso(isolation.test_date),
                "symptom_onset": _iso(isolation.symptom_onset),
                "start_date": _iso(isolation.start_date),
                "estimated_end": _iso(isolation.estimated_end),
                "status": isolation.status,
                "ended_at": _iso(isolation.ended_at),
                "referral_facility": isolation.referral_facility.name
                if isolation.referral_facility
                else None,
                "checkins": [
                    {
                        "measured_at": _iso(c.measured_at),
                        "slot_date": _iso(c.slot_date),
                        "slot": c.slot,
                        "temperature": str(c.temperature)
                        if c.temperature is not None
                        else None,
                        "spo2": c.spo2,
                        "breathing_rate": c.breathing_rate,
                        "symptoms": c.symptoms,
                        "danger_signs": c.danger_signs,
                        "note": c.note,
                        "late": c.late,
                    }
                    for c in CheckIn.objects.filter(isolation=isolation).order_by(
                        "measured_at"
                    )
                ],
                "notes": [
                    {"kind": n.kind, "text": n.text, "created_at": _iso(n.created_at)}
                    for n in Note.objects.filter(isolation=isolation).order_by(
                        "created_at"
                    )
                ],
                "alerts": [
                    {
                        "kind": a.kind,
                        "reasons": a.reasons,
                        "slot_date": _iso(a.slot_date),
                        "slot": a.slot,
                        "created_at": _iso(a.created_at),
                        "acknowledged_at": _iso(a.acknowledged_at),
                        "acknowledged_by": a.acknowledged_by.full_name
                        if a.acknowledged_by
                        else None,
                        "acknowledgement_note": a.note,
                    }
                    for a in Alert.objects.filter(isolation=isolation)
                    .select_related("acknowledged_by")
                    .order_by("created_at")
                ],
            }
        )
    requests = [
        {
            "facility": r.facility.name,
            "reason": r.reason,
            "test_date": _iso(r.test_date),
            "symptom_onset": _iso(r.symptom_onset),
            "note": r.note,
            "status": r.status,
            "decided_at": _iso(r.decided_at),
            "decision_note": r.decision_note,
            "created_at": _iso(r.created_at),
        }
        for r in IsolationRequest.objects.filter(patient=user).select_related(
            "facility"
        )
    ]
    return {"isolations": isolations, "requests": requests}


def _monitoring(user: User) -> Isolation | None:
    return (
        Isolation.objects.filter(patient=user, status=Isolation.Status.ACTIVE)
        .select_related("facility")
        .first()
    )


def isolation_erasure_blockers(user: User) -> dict[str, str]:
    """An active isolation is the puskesmas's monitoring in progress: the account
    cannot be erased until the facility ends it (docs/privacy.md)."""
    active = _monitoring(user)
    if active is None:
        return {}
    return {"isolation": tr(ERASURE_BLOCKED, facility=active.facility.name)}


ERASURE_BLOCKED = {
    "id": "Isolasi mandiri Anda masih dipantau {facility}; akun dapat dihapus setelah "
    "puskesmas menyelesaikan isolasi.",
    "en": "Your home isolation is still monitored by {facility}; the account can be "
    "deleted once the puskesmas ends the isolation.",
}


CONSENT_BLOCKED = {
    "id": "Isolasi mandiri Anda masih dipantau {facility}: laporan harian dan "
    "peringatan tanda bahaya membutuhkan persetujuan Anda. Persetujuan dapat ditarik "
    "setelah puskesmas menyelesaikan isolasi.",
    "en": "Your home isolation is still monitored by {facility}: check-ins and "
    "danger-sign alerts need your consent. It can be withdrawn once the puskesmas "
    "ends the isolation.",
}


def isolation_consent_blockers(user: User) -> dict[str, str]:
    """The same monitoring blocks withdrawing consent: every check-in needs it, and
    refused check-ins would stop danger alerts without the nurse knowing
    (docs/privacy.md)."""
    active = _monitoring(user)
    if active is None:
        return {}
    return {"isolation": tr(CONSENT_BLOCKED, facility=active.facility.name)}


def isolation_erase(user: User) -> None:
    # Check-ins, alerts, notes and their dashboard events go with their isolation;
    # batched alert events (one per facility sweep, no isolation) name her too.
    isolation_ids = set(
        Isolation.objects.filter(patient=user).values_list("pk", flat=True)
    )
    _batched_events_forget(isolation_ids)
    IsolationRequest.objects.filter(patient=user).delete()
    Isolation.objects.filter(patient=user).delete()


def _batched_events_forget(isolation_ids: set[int]) -> None:
    if not isolation_ids:
        return
    events = DashboardEvent.objects.filter(
        kind=DashboardEvent.Kind.ALERTS, isolation__isnull=True
    ).filter(
        facility_id__in=Isolation.objects.filter(pk__in=isolation_ids).values(
            "facility_id"
        )
    )
    for event in events.iterator():
        alerts = event.payload.get("alerts") or []
        kept = [a for a in alerts if a.get("isolation_id") not in isolation_ids]
        if len(kept) != len(alerts):
            event.payload = {**event.payload, "alerts": kept}
            event.save(update_fields=["payload"])
