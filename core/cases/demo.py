"""Demo case reports for Kota Semarang (seed_demo calls core.cases.services.area_demo_seed)."""

from __future__ import annotations

import datetime as dt

from core.areas.selectors import local_today
from core.cases.figures import figures_recompute_all
from core.models import Integrator, Region

METESEH = "33.74.10.1001"  # Tembalang
PENGGARON = "33.74.06.1001"  # Pedurungan
PUDAKPAYUNG = "33.74.11.1001"  # Banyumanik
MIROTO = "33.74.01.1001"  # Semarang Tengah

FIRST = ["Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gilang", "Hendra", "Indah",
         "Joko", "Kartika", "Lukman", "Maya", "Nanda", "Oki", "Putri", "Rizki", "Sari"]  # fmt: skip
LAST = ["Santoso", "Wibowo", "Lestari", "Saputra", "Rahayu", "Hidayat", "Susanti",
        "Nugroho", "Pratama", "Wulandari"]  # fmt: skip


def _person(n: int) -> tuple[str, str]:
    return (
        f"{FIRST[n % len(FIRST)]} {LAST[(n * 7) % len(LAST)]}",
        f"19{60 + n % 40:02d}-0{1 + n % 9}-1{n % 9}",
    )


def demo_integrator(name: str, display_name: str, kind: str) -> Integrator:
    integrator, _ = Integrator.objects.get_or_create(
        name=name, defaults={"display_name": display_name, "kind": kind}
    )
    return integrator


def seed(*, today: dt.date | None = None) -> dict:
    """Reports of two demo sources: clusters that zone Tembalang merah, Pedurungan
    oranye and Banyumanik kuning, an older recovered cluster, suspects, and people
    both sources reported (one with a date to explain). Running it again changes
    nothing."""
    from core.cases.services import reports_submit

    if not Region.objects.filter(code=METESEH).exists():
        return {
            "skipped": "Kota Semarang regions are not loaded (load_regions --root 33.74)"
        }
    demo = _DemoReports(today or local_today(METESEH))
    meteseh = _add_zoned_clusters(demo)
    _add_recovered_cluster(demo)
    _add_suspects(demo)
    _add_reported_twice(demo, meteseh)

    lab = demo_integrator("demo-lab", "Lab Demo Semarang", Integrator.Kind.LAB)
    puskesmas = demo_integrator(
        "demo-puskesmas", "Puskesmas Demo Tembalang", Integrator.Kind.PUSKESMAS
    )
    lab_result = reports_submit(integrator=lab, reports=demo.lab)
    pkm_result = reports_submit(integrator=puskesmas, reports=demo.puskesmas)
    recomputed = figures_recompute_all()
    return {
        "reports": len(demo.lab) + len(demo.puskesmas),
        "created": lab_result.created + pkm_result.created,
        "unchanged": lab_result.unchanged + pkm_result.unchanged,
        "kelurahan_recomputed": recomputed,
    }


class _DemoReports:
    """The reports of the lab and of the puskesmas, people numbered in the order
    they are added (so a second run builds the very same reports)."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.lab: list[dict] = []
        self.puskesmas: list[dict] = []
        self.people = 0

    def day(self, days_ago: int) -> str:
        return (self.today - dt.timedelta(days=days_ago)).isoformat()

    def add(
        self,
        target: list,
        kelurahan: str,
        household: str,
        status: str,
        days_ago: int,
        **extra,
    ) -> dict:
        name, birth = _person(self.people)
        self.people += 1
        report = {
            "record_id": f"DEMO-{len(target) + 1:04d}",
            "full_name": name,
            "birth_date": birth,
            "sex": "M" if self.people % 2 else "F",
            "kelurahan_code": kelurahan,
            "household_id": household,
            "status": status,
            "event_date": self.day(days_ago),
            **extra,
        }
        if status == "confirmed":
            report.update(
                specimen_type="nasopharyngeal_swab",
                test_type="pcr",
                test_result="positive",
            )
        target.append(report)
        return report


def _add_zoned_clusters(demo: _DemoReports) -> list[dict]:
    """Confirmed households this week: Meteseh's are returned (the puskesmas reports
    some of those people too)."""
    # Tembalang / Meteseh: 7 households with a confirmed case this week -> merah (v1).
    meteseh = [
        demo.add(demo.lab, METESEH, f"RT03-{h:02d}", "confirmed", h % 6)
        for h in range(7)
    ]
    # A second person in household 00.
    demo.add(demo.lab, METESEH, "RT03-00", "confirmed", 1)
    # Pedurungan: 4 households -> oranye; Banyumanik: 2 -> kuning.
    for h in range(4):
        demo.add(demo.lab, PENGGARON, f"RW02-{h:02d}", "confirmed", 2 + h)
    for h in range(2):
        demo.add(demo.lab, PUDAKPAYUNG, f"RW05-{h:02d}", "confirmed", 3 + h)
    return meteseh


def _add_recovered_cluster(demo: _DemoReports) -> None:
    # Semarang Tengah: an older cluster, recovered since -> hijau today, history shows it.
    for h in range(3):
        old = demo.add(demo.lab, MIROTO, f"RW01-{h:02d}", "confirmed", 25 + h)
        demo.puskesmas.append(
            {
                **old,
                "record_id": f"PKM-R{h}",
                "status": "recovered",
                "event_date": demo.day(12),
            }
        )


def _add_suspects(demo: _DemoReports) -> None:
    # Suspects waiting for a test.
    for h in range(3):
        demo.add(demo.puskesmas, METESEH, f"RT07-{h:02d}", "suspect", h)


def _add_reported_twice(demo: _DemoReports, meteseh: list[dict]) -> None:
    # The same people reported by the puskesmas too: one case each.
    for i, report in enumerate(meteseh[:3]):
        twin = {**report, "record_id": f"PKM-{i + 1:04d}"}
        if i == 1:
            twin["full_name"] = twin["full_name"].upper() + ", S.Kom"  # same person
        if i == 2:
            # The puskesmas dates it two days later: a discrepancy to explain.
            twin["event_date"] = (
                dt.date.fromisoformat(report["event_date"]) + dt.timedelta(days=2)
            ).isoformat()
            if twin["event_date"] > demo.today.isoformat():
                twin["event_date"] = demo.today.isoformat()
        demo.puskesmas.append(twin)
