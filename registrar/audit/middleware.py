"""Every refused request is logged (issue 10: "every denied access logged").

- a 403, whatever made it (PermissionDenied in a view or a service, a CSRF failure, the API's
  403 answer), with the user, method, path, view and client address;
- a 404 of a URL that named an object (a URL pattern matched and took arguments) for a
  signed-in user: objects outside a user's scope answer 404 so their existence is not
  disclosed, which makes this the trace of someone trying ids outside their scope. Plain
  404s of unknown addresses and anonymous 404s are not logged (noise, and anyone can cause
  them). The sign-in lockout (429) and failed sign-ins are django-axes' (AccessAttempt,
  AccessFailureLog).

Each one becomes an `AccessDenial` row (append-only; the registrar's page lists them) and a
warning on the `django.security.denied` logger. Logging never changes the answer: if the row
cannot be written the error is logged and the response goes out as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponseBase

from . import services

logger = logging.getLogger("django.security.denied")


class AccessDenialMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        status = response.status_code
        if status == 403:
            self._log(request, status, getattr(request, "_denial_reason", "forbidden"))
        elif status == 404 and self._object_url(request):
            self._log(request, status, "not found or outside scope")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            request._denial_reason = (  # type: ignore[attr-defined]
                f"permission denied: {exception}" if str(exception) else "permission denied")
        return None

    @staticmethod
    def _object_url(request: HttpRequest) -> bool:
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        return bool(match and (match.kwargs or match.args)
                    and getattr(user, "is_authenticated", False))

    @staticmethod
    def _log(request: HttpRequest, status: int, reason: str) -> None:
        user: Any = getattr(request, "user", None)
        name = user.get_username() if getattr(user, "is_authenticated", False) else "-"
        logger.warning("Access denied (%s): %s %s %s by %s from %s", status, reason,
                       request.method, request.get_full_path(), name,
                       services.client_ip(request))
        try:
            with transaction.atomic():
                services.access_denied(request, status, reason)
        except DatabaseError:
            logger.exception("Could not record the access denial")
