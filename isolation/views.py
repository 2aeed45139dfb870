"""The health workers' dashboard: server-rendered pages, live updates by websocket."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.auth_forms import SignInLimitMixin
from core.exceptions import ApplicationError, NotFound
from core.models import Facility, User
from core.pages import RoleHomeLoginMixin, staff_page
from core.rules import InvalidPhone, normalise_phone
from core.services.audit import audit_record
from isolation import content, rules, selectors, services
from isolation.models import Isolation


class PhoneLoginForm(SignInLimitMixin, AuthenticationForm):
    """Accepts 0812… as well as +62812…."""

    username = forms.CharField(
        label="Nomor HP", widget=forms.TextInput(attrs={"autofocus": True})
    )

    def clean(self):
        raw = self.cleaned_data.get("username")
        if raw:
            try:
                self.cleaned_data["username"] = normalise_phone(raw)
            except InvalidPhone:
                pass
        return super().clean()


class LoginView(RoleHomeLoginMixin, auth_views.LoginView):
    template_name = "isolation/login.html"
    authentication_form = PhoneLoginForm
    redirect_authenticated_user = True


# Times on the pages are the health worker's wall time (WIB/WITA/WIT):
# core.middleware.WallTimeMiddleware.
health_worker_required = staff_page(
    lambda user: user.role == User.Role.HEALTH_WORKER and bool(user.facility_id),
    forbidden_template="isolation/forbidden.html",
)


def _flash_error(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ApplicationError):
        detail = "; ".join(str(v) for v in exc.fields.values())
        messages.error(request, f"{exc.message} {detail}".strip())
    else:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


TREND_ARROWS = {rules.UP: "↑", rules.DOWN: "↓", rules.FLAT: "→"}


def _last_known(checkins, name: str):
    return next(
        (getattr(c, name) for c in checkins if getattr(c, name) is not None), None
    )


def _labels(rows) -> None:
    for row in rows:
        row.status_label = content.DAILY_STATUS_LABELS[row.today_status]["id"]
        row.spo2_arrow = TREND_ARROWS[row.spo2_trend]
        row.temperature_arrow = TREND_ARROWS[row.temperature_trend]
        # What the page needs to move the trend on a live check-in (dashboard.js).
        latest = getattr(row.isolation, "latest_checkins", None) or []
        row.spo2_known = _last_known(latest, "spo2")
        row.temperature_known = _last_known(latest, "temperature")


@health_worker_required
def board(request: HttpRequest) -> HttpResponse:
    # Read the event number before the rows: whatever commits in between is
    # replayed on connect (handlers are idempotent), never skipped.
    last_seq = selectors.last_event_seq(actor=request.user)
    rows = selectors.isolation_board(actor=request.user)
    _labels(rows)
    alerts = list(selectors.alerts_open_for_board(actor=request.user)[:500])
    for alert in alerts:
        alert.kind_label = content.ALERT_LABELS[alert.kind]["id"]
        alert.reason_labels = [
            content.DANGER_LABELS.get(r, {"id": r})["id"] for r in alert.reasons
        ]
    pending = selectors.requests_pending_for_worker(actor=request.user).count()
    audit_record(
        actor=request.user,
        action="isolation.list",
        target=request.user.facility,
        detail={"patients": [r.isolation.pk for r in rows]},
    )
    return render(
        request,
        "isolation/board.html",
        {
            "rows": rows,
            "alerts": alerts,
            "pending_requests": pending,
            "last_seq": last_seq,
            "facility": request.user.facility,
        },
    )


class StatusForm(forms.Form):
    # No default: a final status is a decision, never the first option by accident.
    status = forms.ChoiceField(
        label="Status akhir",
        choices=[("", "— Pilih status akhir —")]
        + [
            (s.value, s.label) for s in Isolation.Status if s != Isolation.Status.ACTIVE
        ],
    )
    referral_facility_id = forms.ModelChoiceField(
        label="Rumah sakit rujukan",
        queryset=Facility.objects.none(),
        required=False,
    )
    note = forms.CharField(
        label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_open_danger = forms.BooleanField(
        label="Saya sudah memeriksa peringatan tanda bahaya yang masih terbuka",
        required=False,
    )

    def __init__(self, *args, open_danger: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral_facility_id"].queryset = selectors.referral_facilities()
        if not open_danger and not self.data:
            del self.fields["confirm_open_danger"]


class ExtendForm(forms.Form):
    days = forms.IntegerField(label="Tambah hari", min_value=1, max_value=30)
    note = forms.CharField(label="Alasan", required=False)


@health_worker_required
def patient(request: HttpRequest, isolation_id: int) -> HttpResponse:
    isolation = selectors.isolation_get_for_worker(
        actor=request.user, isolation_id=isolation_id
    )
    audit_record(
        actor=request.user,
        action="isolation.view",
        target=isolation,
        patient=isolation.patient,
    )
    timeline = selectors.isolation_timeline(isolation=isolation)
    for entry in timeline:
        item = entry.item
        if entry.kind == "alert":
            item.kind_label = content.ALERT_LABELS[item.kind]["id"]
            item.reason_labels = [
                content.DANGER_LABELS.get(r, {"id": r})["id"] for r in item.reasons
            ]
        elif entry.kind == "checkin":
            item.symptoms_unanswered = item.symptoms is None
            item.symptom_labels = [
                content.SYMPTOM_LABELS.get(s, {"id": s})["id"]
                for s in item.symptoms or ()
            ] + [
                content.DANGER_LABELS.get(s, {"id": s})["id"] for s in item.danger_signs
            ]
    row = selectors.board_row(isolation, now=dt.datetime.now(dt.UTC))
    _labels([row])
    missed = selectors.missed_slot_list(isolation)
    return render(
        request,
        "isolation/patient.html",
        {
            "isolation": isolation,
            "row": row,
            "timeline": timeline,
            "missed": [
                (s.day, content.SLOT_LABELS[s.slot]["id"]) for s in missed[-10:]
            ],
            "missed_count": len(missed),
            "status_label": content.ISOLATION_STATUS_LABELS[isolation.status]["id"],
            "status_form": StatusForm(open_danger=row.open_danger),
            "extend_form": ExtendForm(),
            "last_seq": selectors.last_event_seq(actor=request.user),
        },
    )


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    return redirect(request.POST.get("next") or fallback)


@require_POST
@health_worker_required
def alert_ack(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        services.alert_acknowledge(
            actor=request.user, alert_id=alert_id, note=request.POST.get("note", "")
        )
        messages.success(request, "Peringatan ditandai sudah ditangani.")
    except NotFound:
        raise
    except (ApplicationError, ValidationError) as exc:
        _flash_error(request, exc)
    return _back(request, reverse("dashboard:board"))


@require_POST
@health_worker_required
def alert_escalate(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Hand a danger alert to the patient's kab/kota PSC 119."""
    from core.psc.services import escalation_create_by_nurse

    try:
        escalation, created = escalation_create_by_nurse(
            nurse=request.user,
            alert_id=alert_id,
            note=request.POST.get("note", "")[:1000],
        )
    except NotFound:
        raise
    except (ApplicationError, ValidationError) as exc:
        _flash_error(request, exc)
    else:
        messages.success(
            request,
            f"Diteruskan ke PSC 119 (#{escalation.pk})."
            if created
            else f"Sudah diteruskan ke PSC 119 (#{escalation.pk}).",
        )
    return _back(request, reverse("dashboard:board"))


@require_POST
@health_worker_required
def note_add(request: HttpRequest, isolation_id: int) -> HttpResponse:
    try:
        services.note_add(
            actor=request.user,
            isolation_id=isolation_id,
            text=request.POST.get("text", ""),
        )
        messages.success(request, "Catatan disimpan.")
    except NotFound:
        raise
    except (ApplicationError, ValidationError) as exc:
        _flash_error(request, exc)
    return redirect("dashboard:patient", isolation_id=isolation_id)


@require_POST
@health_worker_required
def status_change(request: HttpRequest, isolation_id: int) -> HttpResponse:
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Periksa isian status akhir.")
        return redirect("dashboard:patient", isolation_id=isolation_id)
    referral = form.cleaned_data["referral_facility_id"]
    try:
        services.isolation_status_change(
            actor=request.user,
            isolation_id=isolation_id,
            status=form.cleaned_data["status"],
            referral_facility_id=referral.pk if referral else None,
            note=form.cleaned_data["note"],
            confirm_open_danger=form.cleaned_data.get("confirm_open_danger", False),
        )
        messages.success(request, "Status akhir disimpan.")
    except NotFound:
        raise
    except (ApplicationError, ValidationError) as exc:
        _flash_error(request, exc)
    return redirect("dashboard:patient", isolation_id=isolation_id)


@require_POST
@health_worker_required
def extend(request: HttpRequest, isolation_id: int) -> HttpResponse:
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Isi jumlah hari perpanjangan (1-30).")
        return redirect("dashboard:patient", isolation_id=isolation_id)
    try:
        services.isolation_extend(
            actor=request.user,
            isolation_id=isolation_id,
            days=form.cleaned_data["days"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, "Isolasi diperpanjang.")
    except NotFound:
        raise
    except (ApplicationError, ValidationError) as exc:
        _flash_error(request, exc)
    return redirect("dashboard:patient", isolation_id=isolation_id)


class EnrolForm(forms.Form):
    phone = forms.CharField(label="Nomor HP pasien", max_length=32)
    full_name = forms.CharField(label="Nama lengkap pasien", max_length=150)
    consent_at_puskesmas = forms.BooleanField(
        label="Pasien telah memberi persetujuan pemrosesan data kesehatan di puskesmas",
    )
    reason = forms.ChoiceField(label="Alasan", choices=Isolation.Reason.choices)
    test_date = forms.DateField(
        label="Tanggal tes",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    symptom_onset = forms.DateField(
        label="Awal gejala",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@health_worker_required
def enrol(request: HttpRequest) -> HttpResponse:
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        services.isolation_enroll_audit(actor=request.user, outcome="invalid")
    if request.method == "POST" and form.is_valid():
        try:
            isolation = services.isolation_enroll(
                actor=request.user, **form.cleaned_data
            )
        except (ApplicationError, ValidationError) as exc:
            _flash_error(request, exc)
        else:
            messages.success(request, "Pasien didaftarkan dalam pemantauan isolasi.")
            return redirect("dashboard:patient", isolation_id=isolation.pk)
    return render(request, "isolation/enrol.html", {"form": form})


@health_worker_required
def requests_list(request: HttpRequest) -> HttpResponse:
    pending = selectors.requests_describe(
        list(selectors.requests_pending_for_worker(actor=request.user)[:200])
    )
    audit_record(
        actor=request.user,
        action="isolation.requests.list",
        target=request.user.facility,
        detail={
            "requests": [r.pk for r in pending],
            "assessments": [str(r.assessment["id"]) for r in pending if r.assessment],
        },
    )
    return render(request, "isolation/requests.html", {"pending": pending})


@require_POST
@health_worker_required
def request_decide(
    request: HttpRequest, request_id: int, decision: str
) -> HttpResponse:
    note = request.POST.get("note", "")
    try:
        if decision == "confirm":
            isolation = services.isolation_request_confirm(
                actor=request.user, request_id=request_id, note=note
            )
            messages.success(request, "Permintaan dikonfirmasi; pasien mulai dipantau.")
            return redirect("dashboard:patient", isolation_id=isolation.pk)
        services.isolation_request_decline(
            actor=request.user, request_id=request_id, note=note
        )
        messages.success(request, "Permintaan ditolak.")
    except NotFound:
        raise
    except (ApplicationError, ValidationError) as exc:
        _flash_error(request, exc)
    return redirect("dashboard:requests")
