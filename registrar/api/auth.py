"""Authentication for the API: a bearer token, or the portal's session (with CSRF)."""

from __future__ import annotations

from typing import Any

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken, digest


class TokenAuth(HttpBearer):
    def authenticate(self, request: Any, token: str) -> Any:
        # The user's student and staff rows come along: the permission checks need them.
        found = (ApiToken.objects.select_related("user", "user__student", "user__staff")
                 .filter(key_digest=digest(token), revoked_at__isnull=True).first())
        if found is None or not found.user.is_active:
            return None
        request.user = found.user
        return found.user


AUTH = [TokenAuth(), SessionAuth()]


# How the OpenAPI schema names AUTH, for operations that authenticate in their handler.
SECURITY_SCHEMA: dict[str, Any] = {"security": [{"TokenAuth": []}, {"SessionAuth": []}]}


def authenticate(request: Any) -> Any:
    """AUTH as ninja runs it before an operation, for an operation declared with `auth=None`
    that must try something first (the registration lane): the user, or a 401."""
    for callback in AUTH:
        user = callback(request)
        if user:
            request.auth = user
            return user
    raise AuthenticationError
