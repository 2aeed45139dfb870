"""What the staff pages (isolation dashboard, PSC console) share."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.exceptions import NotFound


def staff_page(allowed: Callable[..., bool], *, forbidden_template: str):
    """A page for signed-in staff that `allowed(user)` accepts: others get the 403
    page; a service's NotFound (another facility's or region's row) is a 404."""

    def decorator(view):
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not allowed(request.user):
                return render(request, forbidden_template, status=403)
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc

        return wrapped

    return decorator


def role_home_url(user) -> str:
    """The page a signed-in person starts from, by role (the operator: the admin)."""
    from core.models import User

    homes = {
        User.Role.CURATOR: "/admin/",
        User.Role.HEALTH_WORKER: "/dashboard/",
        User.Role.HEALTH_OFFICE: "/kantor/",
        User.Role.PSC_OPERATOR: "/psc/",
        User.Role.HOSPITAL_STAFF: "/beds/",
    }
    return "/admin/" if user.is_superuser else homes.get(user.role, "/peta/")


class RoleHomeLoginMixin:
    """For a sign-in page (`LoginView`): without a safe `next`, each role lands on
    its own home, so a curator or a health office is not sent to the nurses'
    dashboard and its 403."""

    def get_default_redirect_url(self):
        return role_home_url(self.request.user)


def signed_in_home(request: HttpRequest) -> HttpResponse:
    """LOGIN_REDIRECT_URL, for the sign-ins that are not ours (the admin's, without
    `next`): on to the person's home."""
    from django.conf import settings
    from django.shortcuts import redirect

    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return redirect(role_home_url(request.user))
