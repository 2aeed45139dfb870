"""Case reports from several sources become one case per person; figures follow."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from core.cases.figures import figures_recompute_all
from core.cases.services import reports_import_csv, reports_submit
from core.exceptions import ApplicationError
from core.models import (
    AreaDailyFigure,
    AuditLog,
    Case,
    CaseReport,
    FigureDirty,
    ReportBatch,
)

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/cases/reports"
TODAY = dt.date.today()
NIK = "3374101204910001"  # Tembalang, 12-04-1991, male
METESEH = "33.74.10.1001"
ROWOSARI = "33.74.10.1002"


def day(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def report(record_id: str, **overrides) -> dict:
    return {
        "record_id": record_id,
        "full_name": "Budi Santoso",
        "birth_date": "1991-04-12",
        "sex": "M",
        "kelurahan_code": METESEH,
        "household_id": "RT01-01",
        "status": "confirmed",
        "event_date": day(2),
        "specimen_type": "nasopharyngeal_swab",
        "test_type": "pcr",
        "test_result": "positive",
        **overrides,
    }


@pytest.fixture
def setup(regions_semarang, zone_rules):
    return None


# --- Auth -------------------------------------------------------------------------------------------


def test_it_wants_an_integrator_key(
    setup, api_client, auth_client, alice, health_office, lab
):
    assert api_client.post(REPORTS, {"reports": []}, format="json").status_code == 401
    bad = api_client.post(
        REPORTS,
        {"reports": []},
        format="json",
        HTTP_AUTHORIZATION="Bearer sgi_nope_nope",
    )
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "authentication_failed"
    # A signed-in person is not a data source.
    for user in (alice, health_office):
        assert (
            auth_client(user).post(REPORTS, {"reports": []}, format="json").status_code
            == 403
        )


def test_it_refuses_a_deactivated_or_rotated_key(setup, lab, integrator_client):
    from core.cases.services import integrator_key_rotate

    client = integrator_client(lab)
    old_key = lab.raw_key
    lab.raw_key = integrator_key_rotate(integrator=lab)
    assert (
        client.post(REPORTS, {"reports": [report("A")]}, format="json").status_code
        == 401
    )
    assert (
        integrator_client(lab)
        .post(REPORTS, {"reports": [report("A")]}, format="json")
        .status_code
        == 200
    )
    lab.is_active = False
    lab.save()
    assert (
        integrator_client(lab)
        .post(REPORTS, {"reports": [report("B")]}, format="json")
        .status_code
        == 401
    )
    assert old_key != lab.raw_key


def test_it_accepts_the_key_as_x_api_key_too(setup, lab, api_client):
    response = api_client.post(
        REPORTS, {"reports": [report("A")]}, format="json", HTTP_X_API_KEY=lab.raw_key
    )
    assert response.status_code == 200


# --- Batches ----------------------------------------------------------------------------------------


def test_it_stores_a_batch_and_says_what_happened(setup, lab, integrator_client):
    response = integrator_client(lab).post(
        REPORTS,
        {
            "reports": [
                report("A"),
                report("B", full_name="Siti", sex="F", birth_date="1990-01-01"),
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["received"], body["created"], body["cases_new"]) == (2, 2, 2)
    assert ReportBatch.objects.get(pk=body["batch_id"]).created == 2


def test_it_rejects_the_whole_batch_when_one_report_is_bad(
    setup, lab, integrator_client
):
    response = integrator_client(lab).post(
        REPORTS,
        {
            "reports": [
                report("A"),
                report("B", event_date="2021-02-30"),
                report("C", kelurahan_code="33.74.99.9999"),
                report("A"),
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_reports"
    assert set(error["fields"]) == {
        "reports.1.event_date",
        "reports.2.kelurahan_code",
        "reports.3.record_id",
    }
    assert CaseReport.objects.count() == 0 and Case.objects.count() == 0


def test_it_limits_a_batch_to_1000_reports(setup, lab, integrator_client):
    client = integrator_client(lab)
    too_many = client.post(
        REPORTS, {"reports": [report(str(i)) for i in range(1001)]}, format="json"
    )
    assert too_many.status_code == 400
    assert too_many.json()["error"]["code"] == "batch_too_large"
    empty = client.post(REPORTS, {"reports": []}, format="json")
    assert empty.json()["error"]["code"] == "empty_batch"
    not_a_list = client.post(REPORTS, {"reports": "x"}, format="json")
    assert (
        not_a_list.status_code == 400
        and "reports" in not_a_list.json()["error"]["fields"]
    )


def test_it_changes_nothing_when_a_batch_is_sent_again(setup, lab, integrator_client):
    client = integrator_client(lab)
    batch = {
        "reports": [
            report("A"),
            report("B", status="suspect", event_date=day(5), nik="", test_result=""),
        ]
    }
    client.post(REPORTS, batch, format="json")
    again = client.post(REPORTS, batch, format="json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert CaseReport.objects.count() == 2 and Case.objects.count() == 1


def test_it_updates_a_record_the_source_changed(setup, lab):
    reports_submit(
        integrator=lab,
        reports=[report("A", status="suspect", test_result="", test_type="")],
    )
    result = reports_submit(integrator=lab, reports=[report("A", status="confirmed")])
    assert (result.created, result.updated) == (0, 1)
    stored = CaseReport.objects.get(record_id="A")
    assert (stored.revision, stored.status) == (2, "confirmed")
    assert (stored.specimen_type, stored.test_type, stored.test_result) == (
        "nasopharyngeal_swab",
        "pcr",
        "positive",
    )
    assert Case.objects.get().status == "confirmed"


# --- One person, one case ----------------------------------------------------------------------------


def test_it_merges_the_same_nik_from_two_sources_into_one_case(
    setup, lab, puskesmas_source
):
    reports_submit(integrator=lab, reports=[report("LAB-1", nik=NIK)])
    reports_submit(
        integrator=puskesmas_source,
        reports=[
            report(
                "PKM-9",
                nik=NIK,
                full_name="BUDI SANTOSO, S.Kom",
                kelurahan_code=ROWOSARI,
                status="recovered",
                event_date=day(0),
            )
        ],
    )
    case = Case.objects.get()
    assert case.report_count == 2 and case.source_count == 2
    assert case.status == "recovered"
    assert case.kelurahan_id == ROWOSARI  # the later report moved the person
    assert case.provenance["kelurahan"]["source"] == "pkm-rowosari"
    assert case.provenance["confirmed_on"] == {
        "source": "lab-kariadi",
        "record_id": "LAB-1",
        "report_id": CaseReport.objects.get(record_id="LAB-1").pk,
        "event_date": day(2),
    }
    assert case.provenance["recovered_on"]["record_id"] == "PKM-9"
    assert CaseReport.objects.get(record_id="PKM-9").match == "nik"


def test_it_matches_without_nik_by_normalised_name_birth_date_and_kelurahan(
    setup, lab, puskesmas_source
):
    reports_submit(
        integrator=lab, reports=[report("LAB-1", full_name="Moh. Choirul Anam")]
    )
    reports_submit(
        integrator=puskesmas_source,
        reports=[report("PKM-1", full_name="Muhammad Khoirul Anam")],
    )
    assert Case.objects.count() == 1
    assert CaseReport.objects.get(record_id="PKM-1").match == "name"
    # Same name, other birth date or other kelurahan: another person.
    reports_submit(
        integrator=puskesmas_source,
        reports=[
            report("PKM-2", full_name="Muhammad Khoirul Anam", birth_date="1992-04-12"),
            report("PKM-3", full_name="Muhammad Khoirul Anam", kelurahan_code=ROWOSARI),
        ],
    )
    assert Case.objects.count() == 3


def test_it_joins_a_name_only_case_to_the_nik_case_once_a_report_links_them(
    setup, lab, puskesmas_source
):
    # Lab knows the NIK but another kelurahan spelling of the name; puskesmas has no NIK.
    reports_submit(
        integrator=lab, reports=[report("LAB-1", nik=NIK, full_name="Budi S")]
    )
    reports_submit(
        integrator=puskesmas_source, reports=[report("PKM-1", full_name="Budi Santoso")]
    )
    assert Case.objects.count() == 2
    # A later lab report carries both the NIK and the full name: the two are one person.
    result = reports_submit(
        integrator=lab, reports=[report("LAB-2", nik=NIK, event_date=day(1))]
    )
    assert result.cases_merged == 1
    case = Case.objects.get()
    assert case.report_count == 3 and case.nik_key


def test_it_never_merges_two_different_niks(setup, lab):
    other_nik = "3374101204910002"
    reports_submit(
        integrator=lab, reports=[report("A", nik=NIK), report("B", nik=other_nik)]
    )
    assert Case.objects.count() == 2


def test_it_keeps_no_nik_anywhere(setup, lab):
    reports_submit(integrator=lab, reports=[report("A", nik=NIK)])
    for model in (Case, CaseReport):
        rows = list(model.objects.values())
        assert len(rows) == 1
        assert NIK not in str(rows)
    assert Case.objects.get().nik_key  # matched by its keyed hash instead


# --- Figures and zones ---------------------------------------------------------------------------------


NAMES = ["Ani", "Budi", "Cici", "Dedi", "Eka", "Fajar", "Gita", "Hadi", "Ika", "Joni"]


def _households(n: int, kelurahan: str = METESEH, prefix: str = "H") -> list[dict]:
    return [
        report(
            f"{prefix}{i}",
            full_name=f"{NAMES[i]} {prefix}",
            household_id=f"{prefix}{i}",
            kelurahan_code=kelurahan,
            event_date=day(i % 5),
        )
        for i in range(n)
    ]


def test_it_derives_figures_and_zones_up_to_the_province(setup, lab):
    reports_submit(
        integrator=lab, reports=_households(6) + _households(3, ROWOSARI, "R")
    )
    assert FigureDirty.objects.count() == 2
    figures_recompute_all()
    assert FigureDirty.objects.count() == 0
    today = {f.region_id: f for f in AreaDailyFigure.objects.filter(date=TODAY)}
    assert today[METESEH].households_confirmed_7d == 6
    assert today[METESEH].zone == "merah"  # v1: more than 5
    assert today[METESEH].explanation["id"].startswith("merah: 6 rumah")
    assert today[ROWOSARI].zone == "oranye"
    kecamatan = today["33.74.10"]
    assert kecamatan.zone == "merah" and kecamatan.households_confirmed_7d == 9
    assert kecamatan.active_confirmed == 9
    assert kecamatan.zone_counts == {"hijau": 10, "kuning": 0, "oranye": 1, "merah": 1}
    assert "zona terberat dari 12 kelurahan/desa" in kecamatan.explanation["id"]
    assert today["33.74"].zone == "merah" and today["33"].zone == "merah"
    assert today["33.74"].zone_rule.version == "v1"


def test_it_recomputes_incrementally_when_a_later_event_arrives(setup, lab):
    reports_submit(integrator=lab, reports=_households(3))
    figures_recompute_all()
    before = AreaDailyFigure.objects.get(region_id=METESEH, date=TODAY)
    assert before.active_confirmed == 3
    reports_submit(
        integrator=lab,
        reports=[
            report(
                "H0-out",
                full_name="Ani H",
                household_id="H0",
                status="recovered",
                event_date=day(0),
            )
        ],
    )
    marks = dict(FigureDirty.objects.values_list("region_id", "since"))
    assert marks == {METESEH: TODAY}  # only today's figures changed
    figures_recompute_all()
    after = AreaDailyFigure.objects.get(region_id=METESEH, date=TODAY)
    assert (after.active_confirmed, after.recovered) == (2, 1)
    assert AreaDailyFigure.objects.get(region_id="33.74.10", date=TODAY).recovered == 1


def test_it_zones_by_the_rule_in_force_that_day(setup, lab, zone_rules):
    from core.areas.services import zone_rule_save

    reports_submit(integrator=lab, reports=_households(4))
    figures_recompute_all()
    assert (
        AreaDailyFigure.objects.get(region_id=METESEH, date=TODAY).zone == "oranye"
    )  # v1
    # The admin makes v0 the newest rule from yesterday on: 4 households are kuning.
    v0 = zone_rules["v0"]
    v0.effective_from = TODAY - dt.timedelta(days=1)
    zone_rule_save(rule=v0)
    from core.areas.services import zone_rules_changed

    zone_rules_changed(since=v0.effective_from)
    figures_recompute_all()
    row = AreaDailyFigure.objects.get(region_id=METESEH, date=TODAY)
    assert (row.zone, row.zone_rule.version) == ("kuning", "v0")
    older = AreaDailyFigure.objects.get(
        region_id=METESEH, date=TODAY - dt.timedelta(days=2)
    )
    assert older.zone_rule.version == "v1"


def test_it_keeps_a_used_rule_from_being_edited(setup, lab, zone_rules):
    from core.areas.services import zone_rule_save
    from core.exceptions import ApplicationError

    reports_submit(integrator=lab, reports=_households(1))
    figures_recompute_all()
    v1 = zone_rules["v1"]
    v1.thresholds = [{"max": 0, "zone": "hijau"}, {"max": None, "zone": "merah"}]
    with pytest.raises(ApplicationError) as exc:
        zone_rule_save(rule=v1)
    assert exc.value.code == "rule_in_use"


def test_it_still_protects_rules_and_cascades_regions_to_their_figures(setup, lab):
    # Area figures have no database foreign keys (bulk rewrites); Django keeps both.
    from django.db.models import ProtectedError

    from core.models import Region

    reports_submit(integrator=lab, reports=_households(1))
    figures_recompute_all()
    used = AreaDailyFigure.objects.filter(region_id=METESEH, date=TODAY).get()
    with pytest.raises(ProtectedError):
        used.zone_rule.delete()
    AreaDailyFigure.objects.create(region_id=ROWOSARI, date=TODAY, level=4)
    Region.objects.filter(code=ROWOSARI).delete()
    assert not AreaDailyFigure.objects.filter(region_id=ROWOSARI).exists()


def test_it_rolls_figures_forward_into_a_new_day(setup, lab):
    from core.cases.figures import figures_roll_forward

    d = TODAY
    utc = dt.UTC
    # 23:00 in Semarang (WIB): figures are made up to the day that is ending.
    with time_machine.travel(dt.datetime(d.year, d.month, d.day, 16, tzinfo=utc)):
        reports_submit(
            integrator=lab, reports=[report("A", event_date=str(d - dt.timedelta(3)))]
        )
        figures_recompute_all()
        assert figures_roll_forward() == 0  # nothing new yet
    assert not AreaDailyFigure.objects.filter(date__gt=d).exists()
    # 00:05 WIB, while UTC's date is still the old one: Semarang's new day starts.
    with time_machine.travel(dt.datetime(d.year, d.month, d.day, 17, 5, tzinfo=utc)):
        assert figures_roll_forward() == 1
        figures_recompute_all()
    new_day = AreaDailyFigure.objects.get(
        region_id=METESEH, date=d + dt.timedelta(days=1)
    )
    assert new_day.active_confirmed == 1


# --- CSV import -----------------------------------------------------------------------------------------

HEADER = "record_id,nik,full_name,birth_date,sex,kelurahan_code,household_id,status,event_date,specimen_type,test_type,test_result"


def _csv(tmp_path, lines: list[str], header: str = HEADER):
    path = tmp_path / "cases.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_it_imports_a_csv_keeping_valid_rows_and_reporting_bad_lines(
    setup, lab, tmp_path, capsys
):
    path = _csv(
        tmp_path,
        [
            f"C1,,Ani,1990-01-01,F,{METESEH},RT1,confirmed,{day(1)},,pcr,positive",
            f"C2,,Budi,1990-01-01,M,{METESEH},RT2,confirmed,31/02/2021,,pcr,positive",
            f"C3,,Cici,1990-01-01,F,33.74.10.9999,RT3,suspect,{day(1)},,,",
            f"C1,,Ani,1990-01-01,F,{METESEH},RT1,confirmed,{day(1)},,pcr,positive",
            f"C4,,Dodi,1990-01-01,M,{ROWOSARI},,suspect,{day(0)},,,",
        ],
    )
    call_command("import_cases", str(path), "--source", "lab-kariadi", "--no-progress")
    out, err = capsys.readouterr()
    assert "5 rows: 2 created, 0 updated, 0 unchanged, 3 rejected" in out
    assert "line 3 (C2): event_date" in err
    assert "line 4 (C3): kelurahan_code" in err
    assert "line 5 (C1): record_id: ID ganda dalam berkas (pertama di baris 2)" in err
    assert set(CaseReport.objects.values_list("record_id", flat=True)) == {"C1", "C4"}
    assert AreaDailyFigure.objects.filter(region_id=METESEH).exists()  # recomputed
    # Names memoised for matching do not outlive the import (personal data).
    from core.cases import rules

    assert rules.normalise_person_name.cache_info().currsize == 0


def test_it_stops_at_an_unreadable_line_keeping_the_chunks_before_it(
    setup, lab, tmp_path
):
    rows = [
        f"C{i},,Ani,1990-01-01,F,{METESEH},RT1,confirmed,{day(1)},,pcr,positive"
        for i in range(300)
    ]
    path = tmp_path / "cases.csv"
    # Past the first read buffers, so rows before it have been read and stored.
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode() + b"C999,,\xff\xfe\n")
    with pytest.raises(ApplicationError) as exc:
        reports_import_csv(integrator=lab, path=path, chunk_size=100)
    assert exc.value.code == "unreadable_csv"
    assert exc.value.message.startswith("Line ")
    stored = CaseReport.objects.count()
    assert 0 < stored < 300 and stored % 100 == 0
    batch = ReportBatch.objects.get()
    assert batch.finished_at is not None and batch.created == stored


def test_it_imports_the_same_csv_twice_without_changes(setup, lab, tmp_path, capsys):
    path = _csv(
        tmp_path,
        [f"C1,{NIK},Budi,1991-04-12,M,{METESEH},RT1,confirmed,{day(1)},,pcr,positive"],
    )
    call_command("import_cases", str(path), "--source", "lab-kariadi", "--no-progress")
    call_command("import_cases", str(path), "--source", "lab-kariadi", "--no-progress")
    out, _ = capsys.readouterr()
    assert "1 rows: 0 created, 0 updated, 1 unchanged, 0 rejected" in out
    assert CaseReport.objects.count() == 1


def test_it_refuses_a_wrong_header_and_writes_nothing(setup, lab, tmp_path):
    path = _csv(
        tmp_path,
        [f"C1,Budi,1990-01-01,M,{METESEH},confirmed,{day(1)}"],
        header="record_id,fullname,birth_date,sex,kelurahan_code,status,event_date",
    )
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_cases", str(path), "--source", "lab-kariadi", "--no-progress"
        )
    assert "fullname: Kolom tidak dikenal (maksud Anda full_name?)" in str(exc.value)
    assert CaseReport.objects.count() == 0 and ReportBatch.objects.count() == 0


def test_it_reads_semicolon_csv_with_bom_and_writes_an_error_file(setup, lab, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "\ufeff"
        + HEADER.replace(",", ";")
        + "\n"
        + f"C1;;Ani;01/01/1990;P;{METESEH};;konfirmasi;{day(1)};;pcr;positif\n"
        + f"C2;;Ani;01/01/1990;P;{METESEH};;konfirmasi;besok;;pcr;positif\n",
        encoding="utf-8",
    )
    errors = tmp_path / "errors.csv"
    call_command(
        "import_cases",
        str(path),
        "--source",
        "lab-kariadi",
        "--no-progress",
        "--errors",
        str(errors),
        "--no-recompute",
    )
    assert CaseReport.objects.get().sex == "F"
    assert "3,C2,event_date," in errors.read_text()


def test_it_reads_quotes_doubled_inside_quoted_cells_as_spreadsheets_write_them(
    setup, lab, tmp_path, capsys
):
    path = _csv(
        tmp_path,
        [
            f'"C1 ""x"", y",,Budi Empat,1990-01-01,M,{METESEH},RT1,confirmed,{day(1)},,,',
            f'C2,,"Santoso, Budi ""Bud""",1990-01-01,M,{METESEH},RT2,confirmed,{day(1)},,,',
        ],
    )
    call_command("import_cases", str(path), "--source", "lab-kariadi", "--no-progress")
    out, err = capsys.readouterr()

    assert "2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert err == ""
    assert set(CaseReport.objects.values_list("record_id", flat=True)) == {
        'C1 "x", y',
        "C2",
    }
    # Celery eager recomputed the figures at the batch's commit: said, not "0".
    assert "Figures recomputed for 0" not in out


def test_it_names_an_unknown_source(setup, tmp_path):
    with pytest.raises(CommandError, match="Unknown source 'nope'"):
        call_command("import_cases", str(_csv(tmp_path, [])), "--source", "nope")


# --- Discrepancies and case detail (health office) -----------------------------------------------------

DISCREPANCIES = "/api/v1/cases/discrepancies"


def test_it_shows_where_sources_disagree_and_why(
    setup, lab, puskesmas_source, auth_client, health_office
):
    reports_submit(
        integrator=lab,
        reports=[
            report("LAB-1", nik=NIK, event_date=day(3)),
            report(
                "LAB-2",
                full_name="Siti",
                sex="F",
                birth_date="1990-01-01",
                event_date=day(2),
            ),
        ],
    )
    reports_submit(
        integrator=puskesmas_source,
        reports=[
            # Same person as LAB-1, confirmed a day later by the puskesmas.
            report("PKM-1", nik=NIK, event_date=day(2)),
            # Siti twice under two record ids.
            report(
                "PKM-2",
                full_name="Siti",
                sex="F",
                birth_date="1990-01-01",
                event_date=day(2),
            ),
            report(
                "PKM-3",
                full_name="SITI",
                sex="F",
                birth_date="1990-01-01",
                event_date=day(2),
            ),
        ],
    )
    response = auth_client(health_office).get(
        DISCREPANCIES, {"area": "33.74.10", "date": day(2)}
    )
    assert response.status_code == 200
    body = response.json()
    assert (
        body["integrated"]["confirmed"] == 1
    )  # Siti; Budi was confirmed a day earlier
    counts = {s["source"]: s["counts"]["confirmed"] for s in body["sources"]}
    assert counts == {"lab-kariadi": 1, "pkm-rowosari": 3}
    assert body["agree"] is False
    kinds = {(d["source"], d["kind"]) for d in body["differences"]}
    assert ("pkm-rowosari", "other_date") in kinds
    assert ("pkm-rowosari", "duplicate_in_source") in kinds
    other_date = next(d for d in body["differences"] if d["kind"] == "other_date")
    assert {r["record_id"] for r in other_date["records"]} == {"PKM-1", "LAB-1"}
    assert "Siti" not in str(body) and NIK not in str(body)
    assert AuditLog.objects.filter(action="cases.discrepancies.view").count() == 1


def test_it_says_sources_agree_when_they_do(
    setup, lab, puskesmas_source, auth_client, health_office
):
    reports_submit(integrator=lab, reports=[report("LAB-1", nik=NIK)])
    reports_submit(integrator=puskesmas_source, reports=[report("PKM-1", nik=NIK)])
    body = (
        auth_client(health_office)
        .get(DISCREPANCIES, {"area": "33.74", "date": day(2)})
        .json()
    )
    assert body["agree"] is True and body["differences"] == []
    assert body["integrated"]["confirmed"] == 1


def test_it_keeps_discrepancies_for_the_health_office(
    setup, api_client, auth_client, alice, nurse, curator, regionless_office
):
    params = {"area": "33.74.10", "date": day(2)}
    assert api_client.get(DISCREPANCIES, params).status_code == 401
    assert auth_client(alice).get(DISCREPANCIES, params).status_code == 403
    assert auth_client(nurse).get(DISCREPANCIES, params).status_code == 403
    # Curators keep chatbot content, never case records (docs/privacy.md).
    assert auth_client(curator).get(DISCREPANCIES, params).status_code == 403
    assert auth_client(regionless_office).get(DISCREPANCIES, params).status_code == 403
    assert not AuditLog.objects.filter(action="cases.discrepancies.view").exists()


def test_it_keeps_each_health_office_to_its_wilayah_kerja(
    setup, lab, auth_client, health_office, jakarta_office, curator
):
    reports_submit(integrator=lab, reports=[report("LAB-1", nik=NIK)])
    case = Case.objects.get()
    url = f"/api/v1/cases/{case.pk}"
    for user in (jakarta_office, curator):
        response = auth_client(user).get(url)
        assert response.status_code in (403, 404)
        assert "full_name" not in response.json()
    outside = auth_client(jakarta_office).get(url)
    assert outside.status_code == 404
    assert outside.json()["error"]["code"] == "case_not_found"
    for area in ("33.74.10", "33.74", "33"):
        response = auth_client(jakarta_office).get(
            DISCREPANCIES, {"area": area, "date": day(2)}
        )
        assert response.status_code == 404
        assert response.json()["error"] == {
            "code": "area_not_found",
            "message": "Wilayah di luar wilayah kerja Anda.",
            "fields": {},
        }
    # Kota Semarang's office reads its own areas, not the province above it.
    semarang = auth_client(health_office)
    assert semarang.get(url).status_code == 200
    assert (
        semarang.get(DISCREPANCIES, {"area": "33.74.10", "date": day(2)}).status_code
        == 200
    )
    assert semarang.get(DISCREPANCIES, {"area": "33", "date": day(2)}).status_code == (
        404
    )
    views = AuditLog.objects.filter(action__startswith="cases.")
    assert set(views.values_list("actor_id", flat=True)) == {health_office.pk}


def test_it_validates_discrepancy_parameters(setup, auth_client, health_office):
    client = auth_client(health_office)
    missing = client.get(DISCREPANCIES, {"area": "33.74.10"})
    assert missing.status_code == 400 and "date" in missing.json()["error"]["fields"]
    unknown = client.get(DISCREPANCIES, {"area": "99.99", "date": day(1)})
    assert (
        unknown.status_code == 404
        and unknown.json()["error"]["code"] == "area_not_found"
    )


def test_it_shows_a_case_with_provenance_to_the_health_office_only(
    setup, lab, auth_client, health_office, alice
):
    reports_submit(integrator=lab, reports=[report("LAB-1", nik=NIK)])
    case = Case.objects.get()
    assert auth_client(alice).get(f"/api/v1/cases/{case.pk}").status_code == 403
    body = auth_client(health_office).get(f"/api/v1/cases/{case.pk}").json()
    assert body["has_nik"] is True and "nik_key" not in body
    assert body["provenance"]["status"]["record_id"] == "LAB-1"
    assert body["reports"][0]["source"] == "lab-kariadi"
    assert auth_client(health_office).get("/api/v1/cases/999999").status_code == 404
    assert AuditLog.objects.filter(action="cases.case.view").count() == 1


# --- Demo -------------------------------------------------------------------------------------------------


def test_it_seeds_a_demo_that_is_not_all_hijau_and_can_run_twice(setup):
    from core.cases.services import area_demo_seed

    first = area_demo_seed()
    again = area_demo_seed()
    assert first["created"] > 0 and again["created"] == 0
    today = dict(
        AreaDailyFigure.objects.filter(date=dt.date.today(), level=3).values_list(
            "region_id", "zone"
        )
    )
    assert today["33.74.10"] == "merah"
    assert today["33.74.06"] == "oranye"
    assert today["33.74.11"] == "kuning"
    assert Case.objects.filter(source_count=2).exists()
