"""The hospital staff's mobile-friendly bed form (their hospital only)."""

from __future__ import annotations

import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.beds import rules, selectors, services
from core.exceptions import ApplicationError
from core.models import BedKind, BedReport, User


def hospital_staff_required(view):
    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if user.role != User.Role.HOSPITAL_STAFF or not user.facility_id:
            return render(request, "beds/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


class BedForm(forms.Form):
    oxygen_days = forms.DecimalField(
        label="Stok oksigen (hari)",
        required=False,
        min_value=0,
        max_value=rules.MAX_OXYGEN_DAYS,
        decimal_places=1,
    )

    def __init__(self, *args, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for kind, label in BedKind.choices:
            now = current.get(kind, {})
            for part, text in (("total", "total"), ("free", "kosong")):
                self.fields[f"{kind}__{part}"] = forms.IntegerField(
                    label=f"{label} — {text}",
                    required=False,
                    min_value=0,
                    max_value=rules.MAX_BEDS_PER_KIND,
                    initial=now.get(part),
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )

    def beds(self) -> dict:
        out = {}
        for kind in rules.BED_KINDS:
            total = self.cleaned_data.get(f"{kind}__total")
            free = self.cleaned_data.get(f"{kind}__free")
            if total is None and free is None:
                continue
            out[kind] = {"total": total or 0, "free": free or 0}
        return out

    def rows(self):
        for kind, label in BedKind.choices:
            yield label, self[f"{kind}__total"], self[f"{kind}__free"]


@hospital_staff_required
def beds_form(request: HttpRequest) -> HttpResponse:
    facility = request.user.facility
    current = getattr(facility, "bed_availability", None)
    if request.method == "POST":
        form = BedForm(request.POST)
        if form.is_valid():
            try:
                services.bed_report_submit(
                    facility=facility,
                    beds=form.beds(),
                    oxygen_days=form.cleaned_data.get("oxygen_days"),
                    source=BedReport.Source.FORM,
                    reported_by=request.user,
                )
            except ApplicationError as exc:
                detail = "; ".join(str(v) for v in exc.fields.values())
                messages.error(request, f"{exc.message} {detail}".strip())
            else:
                messages.success(request, "Laporan tersimpan. Terima kasih.")
                return redirect("beds:form")
    else:
        form = BedForm(current=current.beds if current else None)
        if current and current.oxygen_days is not None:
            form.fields["oxygen_days"].initial = current.oxygen_days
    now = timezone.now()
    history = selectors.bed_reports_for_facility(facility=facility, limit=20)
    for report in history:
        report.is_stale = rules.is_stale(report.reported_at, now)
        report.count_list = sorted(
            report.counts.all(), key=lambda c: rules.BED_KINDS.index(c.kind)
        )
    return render(
        request,
        "beds/form.html",
        {
            "form": form,
            "facility": facility,
            "current": current,
            "current_stale": rules.is_stale(
                current.reported_at if current else None, now
            ),
            "history": history,
            "labels": dict(BedKind.choices),
        },
    )
