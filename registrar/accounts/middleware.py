"""Keep a half-signed-in session (password given, code still owed) out of everything
but the code step; with TOTP required, keep staff without a device on the setup page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from . import second_factor

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
