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
    """One row per kind, empty: the rows filled in are reported, the others keep
    their last figure (prefilling them would re-date figures nobody counted)."""

    oxygen_days = forms.DecimalField(
        label="Stok oksigen (hari)",
        required=False,
        min_value=0,
        max_value=rules.MAX_OXYGEN_DAYS,
        decimal_places=1,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in BedKind.choices:
            for part, text in (("total", "total"), ("free", "kosong")):
                self.fields[f"{kind}__{part}"] = forms.IntegerField(
                    label=f"{label} — {text}",
                    required=False,
                    min_value=0,
                    max_value=rules.MAX_BEDS_PER_KIND,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )

    def clean(self):
        data = super().clean()
        for kind, label in BedKind.choices:
            total, free = data.get(f"{kind}__total"), data.get(f"{kind}__free")
            if f"{kind}__total" in self.errors or f"{kind}__free" in self.errors:
                continue
            if total is None and free is not None:
                self.add_error(f"{kind}__total", f"{label}: isi juga jumlah total.")
            elif free is None and total is not None:
                self.add_error(f"{kind}__free", f"{label}: isi juga jumlah kosong.")
            elif total is not None and free > total:
                self.add_error(
                    f"{kind}__free",
                    f"{label}: tempat tidur kosong ({free}) tidak boleh melebihi "
                    f"total ({total}).",
                )
        if not self.errors and not self.beds():
            raise forms.ValidationError(
                "Isi minimal satu jenis tempat tidur (total dan kosong)."
            )
        return data

    def beds(self) -> dict:
        out = {}
        for kind in rules.BED_KINDS:
            total = self.cleaned_data.get(f"{kind}__total")
            free = self.cleaned_data.get(f"{kind}__free")
            if total is None or free is None:
                continue
            out[kind] = {"total": total, "free": free}
        return out

    def add_service_errors(self, fields: dict) -> None:
        """The service's errors ({"beds.icu": …}) on the fields they are about."""
        labels = dict(BedKind.choices)
        for name, message in fields.items():
            if name.startswith("beds."):
                kind = name.removeprefix("beds.")
                if kind in labels:
                    self.add_error(f"{kind}__free", f"{labels[kind]}: {message}")
                    continue
            self.add_error("oxygen_days" if name == "oxygen_days" else None, message)

    def rows(self):
        for kind, label in BedKind.choices:
            yield kind, label, self[f"{kind}__total"], self[f"{kind}__free"]


@hospital_staff_required
def beds_form(request: HttpRequest) -> HttpResponse:
    facility = request.user.facility
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
                form.add_service_errors(exc.fields)
                messages.error(request, exc.message)
            else:
                messages.success(request, "Laporan tersimpan. Terima kasih.")
                return redirect("beds:form")
    else:
        form = BedForm()
    now = timezone.now()
    current = selectors.bed_picture_for_facility(facility=facility, now=now)
    history = selectors.bed_reports_for_facility(facility=facility, limit=20)
    for report in history:
        report.is_stale = rules.is_stale(report.reported_at, now)
        report.count_list = sorted(
            report.counts.all(), key=lambda c: rules.BED_KINDS.index(c.kind)
        )
    rows = [
        (kind, label, total, free, (current or {}).get("beds", {}).get(kind))
        for kind, label, total, free in form.rows()
    ]
    return render(
        request,
        "beds/form.html",
        {
            "form": form,
            "rows": rows,
            "facility": facility,
            "current": current,
            "history": history,
        },
    )
