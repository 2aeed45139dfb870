"""/kantor/: the health office's dashboard. Session sign-in like the nurses'
dashboard; a health office sees its own region (User.region) and nothing else."""

from __future__ import annotations

import csv
import datetime as dt
import functools

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import csvsafe
from core.areas.selectors import local_today
from core.exceptions import ApplicationError, NotFound
from core.i18n import request_language
from core.models import User
from core.office import selectors
from core.pages import RoleHomeLoginMixin
from core.public.http import parse_date
from core.services.audit import audit_record
from isolation.views import PhoneLoginForm

EXPORT_COLUMNS = [
    "date",
    "kelurahan",
    "kelurahan_name",
    "status",
    "source",
    "source_count",
    "integrated_count",
    "kind",
    "explanation",
    "case_id",
    "records",
]


class LoginView(RoleHomeLoginMixin, auth_views.LoginView):
    template_name = "office/login.html"
    authentication_form = PhoneLoginForm
    redirect_authenticated_user = True


def health_office_required(view):
    @login_required(login_url="kantor:login")
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if user.role != User.Role.HEALTH_OFFICE or not user.region_id:
            return render(request, "office/forbidden.html", status=403)
        try:
            return view(request, user.region, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ApplicationError as exc:
            return render(
                request,
                "office/forbidden.html",
                {"message": exc.message, "bad_request": True},
                status=400,
            )

    return wrapped


# The longest range the discrepancy table and its exports cover.
MAX_RANGE_DAYS = 93


def _range(request, region) -> tuple[dt.date, dt.date]:
    end = parse_date(request.GET.get("to"), "to") or local_today(region.code)
    start = parse_date(request.GET.get("from"), "from") or end - dt.timedelta(
        days=selectors.DISCREPANCY_DAYS - 1
    )
    if start > end or (end - start).days > MAX_RANGE_DAYS - 1:
        raise ApplicationError(
            _(
                "Rentang tanggal tidak valid: 'Dari' sebelum 'Sampai', paling "
                "panjang %(days)s hari."
            )
            % {"days": MAX_RANGE_DAYS}
        )
    return start, end


def _default_range(region) -> tuple[dt.date, dt.date]:
    end = local_today(region.code)
    return end - dt.timedelta(days=selectors.DISCREPANCY_DAYS - 1), end


@health_office_required
def home(request, region):
    lang = request_language(request)
    range_error = ""
    try:
        start, end = _range(request, region)
    except ApplicationError as exc:
        # Said on the form, next to the dates; the page shows the usual range.
        range_error = exc.message
        start, end = _default_range(region)
    rows = selectors.discrepancy_rows(region=region, start=start, end=end, lang=lang)
    signals = selectors.signals_by_kecamatan(region=region)
    _signal_bars(signals)
    audit_record(
        actor=request.user,
        action="kantor.view",
        target=region,
        detail={"from": start.isoformat(), "to": end.isoformat()},
    )
    return render(
        request,
        "office/home.html",
        {
            "region": region,
            "today": local_today(region.code),
            "start": start,
            "end": end,
            "sources": selectors.sources_health(region=region),
            "discrepancies": selectors.discrepancy_summary(rows),
            "difference_count": len(rows),
            "range_error": range_error,
            "max_range_days": MAX_RANGE_DAYS,
            "zones_changed": selectors.zones_changed(region=region, lang=lang),
            "signals": signals,
        },
    )


# The scale never shrinks below this many self-checks a row: a row of a few "<5"
# cells stays a short bar instead of filling the width.
SIGNAL_SCALE_MIN = 20


def _signal_bars(signals: dict) -> None:
    """Bar widths for the chart, all rows on one scale: a suppressed "<5" cell is
    drawn at 2.5 (the middle of 1-4), hatched; a zero draws nothing."""

    from selfcheck.models import Assessment

    labels = dict(Assessment.RiskLevel.choices)

    def value(n) -> float:
        return n if isinstance(n, int) else 2.5

    widest = max(
        [sum(value(n) for n in row["counts"].values()) for row in signals["rows"]]
        + [SIGNAL_SCALE_MIN]
    )
    signals["labels"] = [
        {"level": level, "label": labels.get(level, level)}
        for level in signals["levels"]
    ]
    for row in signals["rows"]:
        row["bars"] = [
            {
                "level": level,
                "name": labels.get(level, level),
                "label": n,
                "pct": round(100 * value(n) / widest, 1),
                "suppressed": not isinstance(n, int),
            }
            for level, n in row["counts"].items()
            if n != 0
        ]
        row["empty"] = not row["bars"]


@health_office_required
def discrepancy(request, region, code: str, date: str):
    day = parse_date(date, "date")
    report = selectors.discrepancy_detail(region=region, code=code, date=day)
    audit_record(
        actor=request.user,
        action="cases.discrepancies.view",
        target=region,
        detail={"area": code, "date": day.isoformat()},
    )
    lang = request_language(request)
    for diff in report["differences"]:
        diff["explanation_text"] = (
            diff["explanation"].get(lang) or diff["explanation"]["id"]
        )
    return render(
        request, "office/discrepancy.html", {"region": region, "report": report}
    )


class _Echo:
    def write(self, value):
        return value


@health_office_required
def discrepancy_export(request, region, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404("csv or xlsx")
    start, end = _range(request, region)
    lang = request_language(request)
    rows = selectors.discrepancy_rows(region=region, start=start, end=end, lang=lang)
    audit_record(
        actor=request.user,
        action="kantor.discrepancies.export",
        target=region,
        detail={"from": start.isoformat(), "to": end.isoformat(), "format": fmt},
    )
    name = f"selisih-{region.code}-{start}-{end}"
    if fmt == "xlsx":
        # Record ids come from other systems' files: text cells, never formulas.
        body = csvsafe.xlsx(
            "selisih",
            EXPORT_COLUMNS,
            ([row[c] for c in EXPORT_COLUMNS] for row in rows),
        )
        response = HttpResponse(
            body,
            content_type=csvsafe.XLSX_CONTENT_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            yield writer.writerow(csvsafe.row([row[c] for c in EXPORT_COLUMNS]))

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
