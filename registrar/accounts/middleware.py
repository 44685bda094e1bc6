"""Keep a half-signed-in session (password given, code still owed) out of everything
but the code step; with TOTP required, keep staff without a device on the setup page. And
django-otp's middleware, with the session's device read without compiling a query."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.models import Device

from registrar.sql import instance_by_pk

from . import second_factor


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's: every request of a verified staff session loads the device it was
    verified with (``Device.from_persistent_id``, an ORM query compiled each time, about a
    tenth of a staff page's CPU); here by a statement compiled once (`registrar.sql`). The
    same device or None, then django-otp's own checks (its user, confirmed)."""

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        persistent_id = self._normalize_persistent_id(persistent_id)
        with suppress(ValueError, LookupError):
            model_label, device_id = persistent_id.rsplit("/", 1)
            device_class = apps.get_model(model_label)
            if issubclass(device_class, Device):
                return instance_by_pk(device_class, int(device_id))
        return None

# Open whatever is owed: signing in again or out, and changing the language.
_ALWAYS_OPEN = {"login", "logout", "set_language"}
_STEP_VIEW = {second_factor.VERIFY: "accounts:verify", second_factor.ENROL: "accounts:security"}


class SecondFactorMiddleware:
    """Goes after AuthenticationMiddleware and django_otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any,
                     view_kwargs: Any) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        step = second_factor.pending_step(request)
        if step == second_factor.DONE:
            return None
        if request.path_info.startswith("/api/"):
            # To the API such a session is no session; bearer tokens are checked by the
            # API's own authentication, which sets request.user itself.
            request.user = AnonymousUser()
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in _ALWAYS_OPEN or name == _STEP_VIEW[step]:
            return None
        if getattr(view_func, "login_required", True) is False:
            return None  # public pages (document verification) stay public
        return redirect_to_login(request.get_full_path(), reverse(_STEP_VIEW[step]))
