"""Demo case reports for Kota Semarang (seed_demo calls core.cases.services.seed_area_demo)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

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
    from core.cases.services import reports_submit

    if not Region.objects.filter(code=METESEH).exists():
        return {
            "skipped": "Kota Semarang regions are not loaded (load_regions --root 33.74)"
        }
    today = (
        today or timezone.now().astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    )
    lab = demo_integrator("demo-lab", "Lab Demo Semarang", Integrator.Kind.LAB)
    puskesmas = demo_integrator(
        "demo-puskesmas", "Puskesmas Demo Tembalang", Integrator.Kind.PUSKESMAS
    )

    def day(n: int) -> str:
        return (today - dt.timedelta(days=n)).isoformat()

    lab_reports: list[dict] = []
    pkm_reports: list[dict] = []
    n = 0

    def add(
        target: list,
        kelurahan: str,
        household: str,
        status: str,
        days_ago: int,
        **extra,
    ):
        nonlocal n
        name, birth = _person(n)
        n += 1
        report = {
            "record_id": f"DEMO-{len(target) + 1:04d}",
            "full_name": name,
            "birth_date": birth,
            "sex": "M" if n % 2 else "F",
            "kelurahan_code": kelurahan,
            "household_id": household,
            "status": status,
            "event_date": day(days_ago),
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

    # Tembalang / Meteseh: 7 households with a confirmed case this week -> merah (v1).
    meteseh = [
        add(lab_reports, METESEH, f"RT03-{h:02d}", "confirmed", h % 6) for h in range(7)
    ]
    add(
        lab_reports, METESEH, "RT03-00", "confirmed", 1
    )  # a second person in household 00
    # Pedurungan: 4 households -> oranye; Banyumanik: 2 -> kuning.
    for h in range(4):
        add(lab_reports, PENGGARON, f"RW02-{h:02d}", "confirmed", 2 + h)
    for h in range(2):
        add(lab_reports, PUDAKPAYUNG, f"RW05-{h:02d}", "confirmed", 3 + h)
    # Semarang Tengah: an older cluster, recovered since -> hijau today, history shows it.
    for h in range(3):
        old = add(lab_reports, MIROTO, f"RW01-{h:02d}", "confirmed", 25 + h)
        pkm_reports.append(
            {
                **old,
                "record_id": f"PKM-R{h}",
                "status": "recovered",
                "event_date": day(12),
            }
        )
    # Suspects waiting for a test.
    for h in range(3):
        add(pkm_reports, METESEH, f"RT07-{h:02d}", "suspect", h)

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
            if twin["event_date"] > today.isoformat():
                twin["event_date"] = today.isoformat()
        pkm_reports.append(twin)

    lab_result = reports_submit(integrator=lab, reports=lab_reports)
    pkm_result = reports_submit(integrator=puskesmas, reports=pkm_reports)
    recomputed = figures_recompute_all()
    return {
        "reports": len(lab_reports) + len(pkm_reports),
        "created": lab_result.created + pkm_result.created,
        "unchanged": lab_result.unchanged + pkm_result.unchanged,
        "kelurahan_recomputed": recomputed,
    }
