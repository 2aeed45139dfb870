"""The health office dashboard: its region only, sources, discrepancies with their
records, exports, zone changes and self-check signals."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone

from core.models import AreaDailyFigure, Region, User
from tests.helpers import local_phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(client, health_office):
    client.force_login(health_office)
    return client


def test_it_asks_for_a_sign_in(client):
    response = client.get("/kantor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/kantor/login/")


def test_it_signs_in_with_a_phone_number(client, health_office):
    response = client.post(
        "/kantor/login/",
        {
            "username": local_phone(health_office),
            "password": health_office.raw_password,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/kantor/"


def test_it_refuses_other_roles_and_offices_without_a_region(
    client, nurse, health_office
):
    client.force_login(nurse)
    assert client.get("/kantor/").status_code == 403
    User.objects.filter(pk=health_office.pk).update(region=None)
    client.force_login(health_office)
    assert client.get("/kantor/").status_code == 403


def test_it_shows_sources_and_discrepancies_of_its_region(office_client, demo_areas):
    page = office_client.get("/kantor/").content.decode()
    assert "Lab Demo Semarang" in page and "Puskesmas Demo Tembalang" in page
    assert "Meteseh" in page  # the puskesmas dates one case two days later
    assert "/kantor/selisih/33.74.10.1001/" in page


def test_it_drills_down_to_the_records(office_client, demo_areas):
    from core.models import CaseReport

    moved = CaseReport.objects.get(record_id="PKM-0003")
    original = CaseReport.objects.get(integrator__name="demo-lab", case=moved.case)
    page = office_client.get(
        f"/kantor/selisih/33.74.10.1001/{moved.event_date}/"
    ).content.decode()
    # The puskesmas counts the person on its date; the lab's record explains why
    # the integrated figure counts them two days earlier.
    assert "PKM-0003" in page and original.record_id in page
    assert moved.case.full_name not in page  # records, not names
    # Statuses and days in the page's language, as people write them.
    assert '<th scope="col">konfirmasi</th>' in page
    assert "· konfirmasi ·" in page and "confirmed" not in page
    assert "pada 2026-" not in page


def test_the_summary_names_statuses_in_the_page_language(office_client, demo_areas):
    page = office_client.get("/kantor/").content.decode()
    table = page.split("Selisih antarsumber")[1].split("</section>")[0]
    assert "konfirmasi" in table
    assert "confirmed" not in table and "suspect" not in table


def test_it_hides_areas_outside_its_region(office_client, demo_areas):
    assert office_client.get("/kantor/selisih/33/2026-01-01/").status_code == 404
    assert office_client.get("/kantor/selisih/31.71/2026-01-01/").status_code == 404


def test_it_exports_discrepancies_as_csv_and_xlsx(office_client, demo_areas):
    response = office_client.get("/kantor/selisih.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert "33.74.10.1001" in {r["kelurahan"] for r in rows}
    assert all(r["kelurahan"].startswith("33.74.") for r in rows)
    assert any("PKM-0003" in r["records"] for r in rows)

    from openpyxl import load_workbook

    response = office_client.get("/kantor/selisih.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "date" and len(values) == len(rows) + 1
    assert office_client.get("/kantor/selisih.pdf").status_code == 404


def test_it_lists_zones_that_changed_and_why(demo_areas):
    from core.office.selectors import zones_changed

    first = (
        AreaDailyFigure.objects.filter(region_id="33.74.10.1001")
        .exclude(zone="hijau")
        .order_by("date")
        .first()
    )
    changed = zones_changed(
        region=Region.objects.get(code="33.74"), lang="id", date=first.date
    )
    meteseh = next(c for c in changed if c["code"] == "33.74.10.1001")
    assert meteseh["before"] == "hijau" and meteseh["after"] == first.zone
    assert "rumah dengan kasus konfirmasi" in meteseh["why"]


def test_it_flags_a_quiet_source(office_client, demo_areas):
    from core.models import ReportBatch

    ReportBatch.objects.filter(integrator__name="demo-lab").update(
        started_at=timezone.now() - dt.timedelta(days=5)
    )
    page = office_client.get("/kantor/").content.decode()
    lab_row = page.split('data-source="demo-lab"')[1].split("</tr>")[0]
    assert "Sepi" in lab_row
    pkm_row = page.split('data-source="demo-puskesmas"')[1].split("</tr>")[0]
    assert "Sepi" not in pkm_row


def test_it_charts_signals_with_small_counts_hidden(office_client, demo_areas):
    from selfcheck.services import assessment_submit

    for _ in range(6):
        assessment_submit(
            actor=None,
            answers={"age": 30, "exposure": "none"},
            client_key=uuid.uuid4(),
            district_code="33.74.10",
        )
    assessment_submit(
        actor=None,
        answers={"age": 30, "exposure": "none", "symptoms": ["fever", "cough"]},
        client_key=uuid.uuid4(),
        district_code="33.74.10",
    )
    page = office_client.get("/kantor/").content.decode()
    tembalang = page.split('aria-label="Tembalang:')[1].split('"')[0]
    assert "rendah 6" in tembalang and "sedang &lt;5" in tembalang


def test_exported_cells_never_run_as_formulas(office_client, demo_areas):
    """A source named like a formula (it comes from another system's records) is
    text in both exports: escaped with "'" in CSV, a text cell in the workbook."""
    from core.models import CaseReport

    integrator = CaseReport.objects.get(record_id="PKM-0003").integrator
    integrator.name = '=HYPERLINK("http://example.org","x")'
    integrator.save(update_fields=["name"])
    response = office_client.get("/kantor/selisih.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(body)) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]

    from openpyxl import load_workbook

    response = office_client.get("/kantor/selisih.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith("=HYPERLINK") for c in texts)
    assert {c.data_type for c in texts} == {"s"}


def test_it_charts_no_self_checks_as_zero_not_as_small(office_client, demo_areas):
    page = office_client.get("/kantor/").content.decode()
    signals = page.split('id="signals"')[1].split("</section>")[0]
    tembalang = signals.split('aria-label="Tembalang:')[1].split('"')[0]
    assert tembalang.strip() == "0"
    assert "&lt;5" not in signals.split("</p>", 1)[1]  # only in the note above
    assert "flex:" not in signals  # no bar drawn for nothing
    assert '<span class="zero">0</span>' in signals  # dark text, not white on grey
    assert ">rendah<" in signals and ">low<" not in signals  # the key in Indonesian


def test_a_wrong_date_range_is_said_on_the_form(office_client):
    """Not a dead end: the page shows the usual range and says what was wrong."""
    page = office_client.get("/kantor/", {"from": "2026-01-01", "to": "2026-12-05"})
    body = page.content.decode()

    assert page.status_code == 200
    assert 'id="range-error"' in body and "paling panjang 93 hari" in body
    assert "Tidak diizinkan" not in body
    bad = office_client.get("/kantor/", {"from": "2026-13-01"}).content.decode()
    assert "Tanggal &#x27;from&#x27; tidak valid." in bad


def test_a_wrong_export_range_links_back(office_client):
    page = office_client.get("/kantor/selisih.csv", {"from": "2026-13-01"})
    assert page.status_code == 400
    body = page.content.decode()
    assert "Permintaan tidak valid" in body and 'href="/kantor/"' in body
