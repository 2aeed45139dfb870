"""The PSC 119 console: server-rendered pages, live queue over websocket."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError, NotFound
from core.models import User
from core.pages import staff_page
from core.psc import rules, selectors, services
from core.services.audit import audit_record

ACTION_LABELS = {
    "take": "Ambil",
    "call": "Sudah ditelepon",
    "dispatch": "Ambulans berangkat",
    "refer": "Rujuk",
    "resolve": "Selesai",
    "cancel": "Batalkan",
    "note": "Catatan",
}


psc_operator_required = staff_page(
    lambda user: user.role == User.Role.PSC_OPERATOR and bool(user.psc_region_id),
    forbidden_template="psc/forbidden.html",
)


@psc_operator_required
def console(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    # The event number first: whatever commits in between is replayed on connect.
    last_seq = selectors.last_event_seq(operator=request.user)
    rows = selectors.escalation_queue(operator=request.user, now=now)
    items = [selectors.queue_item(e, now=now) for e in rows]
    audit_record(
        actor=request.user,
        action="psc.queue.view",
        target=request.user.psc_region,
        detail={"escalations": [e.pk for e in rows][:200]},
    )
    return render(
        request,
        "psc/console.html",
        {
            "items": items,
            "last_seq": last_seq,
            "region": request.user.psc_region,
            "ack_target_s": int(rules.ACK_TARGET.total_seconds()),
            "dispatch_target_s": int(rules.DISPATCH_TARGET.total_seconds()),
        },
    )


@psc_operator_required
def escalation(request: HttpRequest, escalation_id: int) -> HttpResponse:
    case = selectors.escalation_get_for_operator(
        operator=request.user, escalation_id=escalation_id
    )
    audit_record(
        actor=request.user,
        action="psc.escalation.view",
        target=case,
        patient=case.resident,
    )
    detail = selectors.escalation_detail(case)
    allowed = [
        (a, ACTION_LABELS[a])
        for a, (starts, _after) in rules.ACTIONS.items()
        if case.status in starts
    ]
    return render(
        request,
        "psc/escalation.html",
        {
            "case": detail,
            "actions": allowed,
            "region": request.user.psc_region,
            # The public map's basemap setting: the resident's location goes to no
            # tile server unless one is configured.
            "map_config": {
                "tile_url": settings.MAP_TILE_URL,
                "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            },
        },
    )


@require_POST
@psc_operator_required
def escalation_action(request: HttpRequest, escalation_id: int, action: str):
    if action not in rules.ACTIONS:
        raise Http404("unknown action")
    facility_id = request.POST.get("facility_id") or None
    try:
        services.escalation_act(
            escalation_id=escalation_id,
            operator=request.user,
            action=action,
            note=request.POST.get("note", "")[: services.NOTE_MAX],
            facility_id=int(facility_id)
            if facility_id and facility_id.isdigit()
            else None,
        )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        audit_record(
            actor=request.user,
            action=f"psc.escalation.{action}",
            target=request.user.psc_region,
            detail={"escalation": escalation_id},
        )
        messages.success(request, f"{ACTION_LABELS[action]}: tersimpan.")
    return redirect("psc:escalation", escalation_id=escalation_id)
