"""Sign-in forms' common part: a refused sign-in says why."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from core.auth_backends import login_blocked

LIMIT_MESSAGE = (
    "Terlalu banyak percobaan masuk yang gagal; coba lagi dalam 15 menit. "
    "Too many failed sign-ins; try again in 15 minutes."
)


class SignInLimitMixin:
    """Before the password is checked: when sign-ins for this account from this
    address are stopped (core.auth_backends), say so rather than "wrong password",
    which would send a health worker to reset a password that is right."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and login_blocked(username=username, request=self.request):
            raise ValidationError(LIMIT_MESSAGE, code="rate_limited")
        return super().clean()


class AdminSignInForm(SignInLimitMixin, AdminAuthenticationForm):
    pass
