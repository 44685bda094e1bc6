"""Authentication for the API: a bearer token, or the portal's session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from registrar.accounts.loading import user_from_rows, user_rows_sql
from registrar.sql import cursor as prepared_cursor

from .models import ApiToken, digest

User = get_user_model()
# Where `is_active` sits in a row (the user's columns come first, in field order).
_IS_ACTIVE = [f.attname for f in User._meta.concrete_fields].index("is_active")


# Every API call starts here: the token's user as the portal's session user is loaded
# (`accounts.loading`: one plain statement, no ORM compilation).
TOKEN_SQL = user_rows_sql(
    f"{ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id",
    "t.key_digest = %s AND t.revoked_at IS NULL")


def user_for_token(key: str) -> Any:
    """The active user the key belongs to, with `user.student`, `user.staff` and the
    permission scope already loaded; None for an unknown or revoked key or an inactive user."""
    with prepared_cursor() as cursor:
        cursor.execute(TOKEN_SQL, [digest(key)])
        rows = cursor.fetchall()
    if not rows or not rows[0][_IS_ACTIVE]:
        return None
    return user_from_rows(rows)


class TokenAuth(HttpBearer):
    def authenticate(self, request: Any, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


AUTH = [TokenAuth(), SessionAuth()]


# AUTH as the OpenAPI schema states it (ninja names a scheme by its class), for operations
# that authenticate in their handler.
SECURITY_SCHEMA: dict[str, Any] = {"security": [{type(a).__name__: []} for a in AUTH]}


def authenticate(request: Any) -> Any:
    """AUTH as ninja runs it before an operation, for an operation declared with `auth=None`
    that must try something first (the registration lane): the user, or a 401."""
    for callback in AUTH:
        user = callback(request)
        if user:
            request.auth = user
            return user
    raise AuthenticationError
