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
