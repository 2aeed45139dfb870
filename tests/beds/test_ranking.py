"""A critical self-check and a danger alert's consultation proposal rank referral
hospitals by free beds of the needed kind, then distance."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.beds.helpers import figures, report
from tests.isolation.helpers import danger_alert_create
from tests.selfcheck.helpers import body as selfcheck_body

SELFCHECK = "/api/v1/selfcheck/assessments"


def critical(**overrides) -> dict:
    """A self-check whose answers call for a hospital (SpO2 93, fever, fast breathing)."""
    answers = {"age": 50, "temperature_c": 38.5, "spo2": 93, "respiratory_rate": 22}
    return selfcheck_body(**{**answers, **overrides})


def hospitals(data: dict) -> list[dict]:
    return [
        s["facility"] for s in data["next_steps"] if s["kind"] == "referral_hospital"
    ]


def test_a_critical_selfcheck_puts_free_isolation_beds_before_distance(
    api_client, tembalang_located, kariadi, wongsonegoro
):
    # Wongsonegoro is nearer to Tembalang, but its isolation wards are full.
    report(
        wongsonegoro,
        {"isolation": {"total": 20, "free": 0}, "icu": {"total": 5, "free": 5}},
    )
    report(kariadi, {"isolation_negative": {"total": 10, "free": 3}})

    data = api_client.post(SELFCHECK, critical(), format="json").json()

    ranked = hospitals(data)
    assert [h["name"] for h in ranked] == [
        "RSUP Dr. Kariadi",
        "RSUD K.R.M.T. Wongsonegoro",
    ]
    assert ranked[0]["free_needed"] == 3 and ranked[0]["stale"] is False
    assert figures(ranked[0]["beds"]) == {
        "isolation_negative": {"free": 3, "total": 10}
    }
    assert ranked[1]["free_needed"] == 0
    assert ranked[0]["distance_km"] > ranked[1]["distance_km"]


def test_a_severe_selfcheck_needs_intensive_beds(
    api_client, tembalang_located, kariadi, wongsonegoro
):
    report(
        wongsonegoro,
        {"isolation": {"total": 20, "free": 0}, "icu": {"total": 5, "free": 5}},
    )
    report(kariadi, {"isolation_negative": {"total": 10, "free": 3}})

    data = api_client.post(SELFCHECK, critical(spo2=86), format="json").json()

    ranked = hospitals(data)
    assert ranked[0]["name"] == "RSUD K.R.M.T. Wongsonegoro"
    assert ranked[0]["free_needed"] == 5
    assert ranked[0]["needed_kinds"][0] == "icu_ventilator"


def test_a_stale_report_ranks_after_a_fresh_one(
    api_client, tembalang_located, kariadi, wongsonegoro
):
    report(
        wongsonegoro,
        {"isolation": {"total": 20, "free": 9}},
        reported_at=timezone.now() - dt.timedelta(hours=25),
    )
    report(kariadi, {"isolation": {"total": 10, "free": 1}})

    ranked = hospitals(api_client.post(SELFCHECK, critical(), format="json").json())

    assert [h["name"] for h in ranked] == [
        "RSUP Dr. Kariadi",
        "RSUD K.R.M.T. Wongsonegoro",
    ]
    assert ranked[1]["stale"] is True


# --- The danger alert's consultation proposal ---------------------------------------

NOW = dt.datetime(2030, 3, 3, 12, 0, tzinfo=dt.UTC)
START = dt.datetime(2030, 3, 4, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_danger_alerts_proposal_ranks_hospitals_by_free_beds(
    clock, schedule, nurse, alice, kariadi, wongsonegoro
):
    from core.models import Notification
    from isolation.teleconsult import tasks
    from isolation.teleconsult.models import ConsultationProposal

    report(wongsonegoro, {"isolation": {"total": 20, "free": 0}})
    report(kariadi, {"isolation": {"total": 10, "free": 4}})
    alert = danger_alert_create(
        patient=alice,
        facility=nurse.facility,
        start_date=START.date(),
        measured_at=NOW - timedelta(hours=1),
        slot_date=NOW.date(),
        slot="pm",
        spo2=93,
    )

    tasks.propose_consultation_for_alert.apply(args=[alert.pk])

    proposal = ConsultationProposal.objects.get(alert_id=alert.pk)
    assert [h["name"] for h in proposal.referral_hospitals][:2] == [
        "RSUP Dr. Kariadi",
        "RSUD K.R.M.T. Wongsonegoro",
    ]
    assert proposal.referral_hospitals[0]["free_needed"] == 4
    message = Notification.objects.filter(
        user=alice, kind="teleconsult.proposal"
    ).first()
    assert "RSUP Dr. Kariadi (4 kosong)" in message.body
