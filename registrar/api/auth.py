"""Authentication for the API: a bearer token, or the portal's session (with CSRF)."""

from __future__ import annotations

from typing import Any

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
