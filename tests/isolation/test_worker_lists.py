"""The health workers' lists, a page at a time: patients by urgency, open alerts
danger first, pending requests oldest first; each order kept across pages, forward
and back, whatever the page size."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.models import AuditLog
from core.rules import WIB, WIB_ZONE, WIT, WITA
from isolation import rules, selectors
from isolation.models import Alert, CheckIn, Isolation, IsolationRequest
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/isolation"
DAY = dt.date(2030, 3, 4)


def walk(client, url: str, **params) -> list[dict]:
    """Every page from the first, following `next`; then back again by `previous`,
    which must give the same pages."""
    pages = [client.get(url, params).json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    back = [pages[-1]]
    while back[-1]["previous"]:
        back.append(client.get(back[-1]["previous"]).json())
    assert [p["results"] for p in reversed(back)] == [p["results"] for p in pages]
    assert pages[0]["previous"] is None
    return pages


def ids(pages: list[dict], key=lambda row: row["id"]) -> list[int]:
    return [key(row) for page in pages for row in page["results"]]


def at(day: dt.date, hour: int, minute: int = 0, *, zone=WIB_ZONE) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def varied_board(
    nurse, count: int = 30, phones: str = "+62813", quiet: int = 6
) -> list[Isolation]:
    """Active isolations in the three zones with every kind of urgency: enrolled
    days ago or this afternoon or evening (a slot not yet due), ending yesterday,
    today or later, checked in today (well or not) or only yesterday or never, SpO2
    low, tied or missing, open danger and missed alerts (some at the same moment),
    acknowledged ones (by `nurse`); and `quiet` ones alike in all but the end date
    and an open release-due alert. All at the nurse's puskesmas."""
    made = []
    for i in range(count):
        zone = (WIB, WITA, WIT)[i % 3]
        tz = ZoneInfo(zone)
        started = (
            at(DAY - dt.timedelta(days=3), 7, zone=tz),
            at(DAY, 13, zone=tz),
            at(DAY, 21, zone=tz),
        )[(i // 3) % 3]
        isolation = Isolation.objects.create(
            patient=ResidentFactory(phone=f"{phones}{i:08d}"),
            facility=nurse.facility,
            reason=Isolation.Reason.POSITIVE_TEST,
            start_date=started.date(),
            started_at=started,
            timezone=zone,
            estimated_end=DAY + dt.timedelta(days=(-1, 0, 5)[(i // 2) % 3]),
        )
        today = i % 4  # 0 nothing today, 1 well, 2 unwell, 3 well twice
        if i % 8 != 7:  # 7: never checked in
            CheckIn.objects.create(
                isolation=isolation,
                client_id="yesterday",
                measured_at=at(DAY - dt.timedelta(days=1), 18, zone=tz),
                slot_date=DAY - dt.timedelta(days=1),
                slot=rules.EVENING,
                spo2=97,
            )
        for n in range({0: 0, 1: 1, 2: 1, 3: 2}[today]):
            CheckIn.objects.create(
                isolation=isolation,
                client_id=f"today-{n}",
                measured_at=at(DAY, 9, n, zone=tz),
                slot_date=DAY,
                slot=rules.MORNING,
                spo2=(None, 92, 95, 95, 98)[i % 5],
                unwell=today == 2,
            )
        created = at(DAY, 8) - dt.timedelta(hours=i % 4)
        kinds = {
            1: ["danger"],
            2: ["missed"],
            3: ["danger", "missed"],
            4: ["danger*"],
            5: ["release_due"],
        }.get(i % 6, [])
        for kind in kinds:
            alert_create(
                isolation,
                kind.rstrip("*"),
                created_at=created,
                **(
                    {"acknowledged_at": created, "acknowledged_by": nurse}
                    if kind.endswith("*")
                    else {}
                ),
            )
        made.append(isolation)
    # Alike but for the end date and an open release-due alert's time: the last
    # parts of the key decide between them.
    for j in range(quiet):
        started = at(DAY - dt.timedelta(days=3), 7)
        isolation = Isolation.objects.create(
            patient=ResidentFactory(phone=f"{phones}9{j:07d}"),
            facility=nurse.facility,
            reason=Isolation.Reason.POSITIVE_TEST,
            start_date=started.date(),
            started_at=started,
            estimated_end=DAY + dt.timedelta(days=(-1, 0, 5)[j % 3]),
        )
        CheckIn.objects.create(
            isolation=isolation,
            client_id="today",
            measured_at=at(DAY, 9),
            slot_date=DAY,
            slot=rules.MORNING,
            spo2=96,
        )
        if j % 2:  # the oldest of two open alerts counts (j=3: 5:00 before 7:00)
            first = at(DAY, 8) - dt.timedelta(hours=j)
            for slot, moment in (
                (rules.MORNING, first),
                (rules.EVENING, first + dt.timedelta(hours=j, minutes=30)),
            ):
                alert_create(isolation, "release_due", slot=slot, created_at=moment)
        made.append(isolation)
    return made


def alert_create(isolation, kind: str, **fields) -> Alert:
    """An alert row; a danger alert with the check-in it is about (two days old, so
    not the latest: the board's last SpO2 and today's status stay as set)."""
    checkin = None
    if kind == "danger":
        checkin = CheckIn.objects.create(
            isolation=isolation,
            client_id=f"danger-{Alert.objects.count()}",
            measured_at=at(DAY - dt.timedelta(days=2), 8),
            slot_date=DAY - dt.timedelta(days=2),
            slot=rules.MORNING,
            danger=True,
            danger_signs=["chest_pain"],
        )
    fields.setdefault("slot_date", DAY)
    fields.setdefault("slot", rules.MORNING)
    return Alert.objects.create(
        isolation=isolation, kind=kind, checkin=checkin, **fields
    )


@pytest.mark.parametrize(
    "now",
    [at(DAY, 5), at(DAY, 13), at(DAY, 15), at(DAY, 22, 30), at(DAY, 23, 59)],
    ids=str,
)
def test_the_database_orders_the_board_as_the_rules_do(nurse, now):
    varied_board(nurse)

    by_database = list(selectors.isolations_by_urgency(actor=nurse, now=now))
    rows = selectors.board_rows(by_database, now=now)
    by_rules = sorted(rows, key=lambda row: row.sort_key)

    assert [r.isolation.pk for r in rows] == [r.isolation.pk for r in by_rules]
    statuses = {r.today_status for r in rows}
    assert {rules.SEEN_OK, rules.SEEN_NOT_OK, rules.NOT_DUE} <= statuses
    if now.hour >= 14:
        assert rules.MISSED in statuses
    assert {r.release_due for r in rows} == {True, False}


def test_it_pages_the_board_in_urgency_order(nurse, nurse2, auth_client):
    isolations = varied_board(nurse)
    varied_board(nurse2, count=3, phones="+62815", quiet=0)  # never listed

    with time_machine.travel(at(DAY, 15), tick=False):
        expected = [r.isolation.pk for r in selectors.isolation_board(actor=nurse)]
        pages = walk(auth_client(nurse), f"{API}/patients", page_size=7)

    assert ids(pages, key=lambda row: row["isolation"]["id"]) == expected
    assert sorted(expected) == sorted(i.pk for i in isolations)
    assert [len(p["results"]) for p in pages] == [7, 7, 7, 7, 7, 1]
    audited = AuditLog.objects.filter(action="isolation.list", actor=nurse)
    assert [len(a.detail["patients"]) for a in audited.order_by("pk")][:6] == [
        7,
        7,
        7,
        7,
        7,
        1,
    ]


def test_the_dashboard_keeps_the_most_urgent_when_the_board_is_cut(nurse, monkeypatch):
    varied_board(nurse)
    now = at(DAY, 15)
    everyone = [r.isolation.pk for r in selectors.isolation_board(actor=nurse, now=now)]
    monkeypatch.setattr(selectors, "BOARD_LIMIT", 5)

    shown = [r.isolation.pk for r in selectors.isolation_board(actor=nurse, now=now)]

    assert shown == everyone[:5]


def open_alerts_in_board_order(alerts: list[Alert]) -> list[int]:
    opened = [a for a in alerts if a.acknowledged_at is None]
    opened.sort(key=lambda a: (a.kind != "danger", -a.created_at.timestamp(), -a.pk))
    return [a.pk for a in opened]


@pytest.mark.parametrize("page_size", [1, 3, 4, 50])
def test_it_pages_open_alerts_danger_first_newest_first(
    nurse, nurse2, auth_client, page_size
):
    isolations = varied_board(nurse, count=12)
    varied_board(nurse2, count=3, phones="+62815", quiet=0)
    # More alerts at one moment than a page holds: the order within them is by id.
    tied = at(DAY, 6)
    for isolation, kind in zip(
        isolations, itertools.cycle(["danger", "danger", "missed"]), strict=False
    ):
        alert_create(
            isolation,
            kind,
            slot_date=DAY - dt.timedelta(days=1),
            slot=rules.EVENING,
            created_at=tied,
        )
    mine = Alert.objects.filter(isolation__facility=nurse.facility)

    pages = walk(auth_client(nurse), f"{API}/alerts", page_size=page_size)

    expected = open_alerts_in_board_order(list(mine))
    assert ids(pages) == expected
    assert len(expected) > 20
    kinds = [row["kind"] for page in pages for row in page["results"]]
    assert kinds == sorted(kinds, key=lambda kind: kind != "danger")


def test_it_pages_pending_requests_oldest_first(alice, bob, nurse, nurse2, auth_client):
    def request(patient, facility, **fields) -> IsolationRequest:
        return IsolationRequest.objects.create(
            patient=patient,
            facility=facility,
            reason=Isolation.Reason.POSITIVE_TEST,
            test_date=DAY,
            **fields,
        )

    patients = [ResidentFactory(phone=f"+62814{i:08d}") for i in range(9)]
    made = [request(p, nurse.facility) for p in patients]
    request(alice, nurse2.facility)  # another puskesmas's
    request(bob, nurse.facility, status=IsolationRequest.Status.DECLINED)
    # Three asked at the same moment, the others a minute apart, newest made first.
    for n, req in enumerate(made):
        moment = at(DAY, 8) - dt.timedelta(minutes=max(n, 3))
        IsolationRequest.objects.filter(pk=req.pk).update(created_at=moment)

    pages = walk(auth_client(nurse), f"{API}/requests/pending", page_size=2)

    stored = IsolationRequest.objects.filter(pk__in=[r.pk for r in made])
    expected = [r.pk for r in sorted(stored, key=lambda r: (r.created_at, r.pk))]
    assert ids(pages) == expected
    assert len(pages) == 5


def test_a_page_size_out_of_bounds_changes_nothing(nurse, auth_client):
    response = auth_client(nurse).get(f"{API}/patients", {"page_size": 201})
    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() == {"page_size"}
    assert not AuditLog.objects.filter(action="isolation.list").exists()
