"""Authentication for the API: a bearer token, or the portal's session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from registrar.people.models import RoleAssignment, Staff, Student
from registrar.people.roles import remember_scope

from .models import ApiToken, digest

User = get_user_model()


def _select(alias: str, model: type[Model]) -> str:
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(f.column)}" for f in model._meta.concrete_fields)


# Every API call starts here, so the user, their student and staff rows and their role
# assignments are read with two plain statements and made into model instances with
# `Model.from_db`, instead of the ORM compiling a three-table select_related and the role
# query on every call (about 2 ms of CPU per call on the benchmark machine).
TOKEN_SQL = (
    f"SELECT {_select('u', User)}, {_select('st', Student)}, {_select('sf', Staff)}"  # noqa: S608 (constants only)
    f" FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id"
    f" LEFT JOIN {Student._meta.db_table} st ON st.user_id = u.id"
    f" LEFT JOIN {Staff._meta.db_table} sf ON sf.user_id = u.id"
    " WHERE t.key_digest = %s AND t.revoked_at IS NULL"
)
ROLES_SQL = (
    f"SELECT role, faculty_id FROM {RoleAssignment._meta.db_table} WHERE user_id = %s"  # noqa: S608
)


# Each model's attribute names, and where its columns sit in a TOKEN_SQL row.
_ATTNAMES: dict[type[Model], list[str]] = {
    model: [f.attname for f in model._meta.concrete_fields] for model in (User, Student, Staff)
}
_USER_END = len(_ATTNAMES[User])
_STUDENT_END = _USER_END + len(_ATTNAMES[Student])


def _instance(model: type[Model], values: tuple[Any, ...]) -> Any:
    if values[0] is None:  # the LEFT JOIN found no row
        return None
    return model.from_db(connection.alias, _ATTNAMES[model], values)


def user_for_token(key: str) -> Any:
    """The active user the key belongs to, with `user.student`, `user.staff` and the
    permission scope already loaded; None for an unknown or revoked key or an inactive user."""
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL, [digest(key)])
        row = cursor.fetchone()
        if row is None:
            return None
        user = _instance(User, row[:_USER_END])
        if not user.is_active:
            return None
        for model, related in ((Student, _instance(Student, row[_USER_END:_STUDENT_END])),
                               (Staff, _instance(Staff, row[_STUDENT_END:]))):
            # Cached both ways: `user.student` and `student.user` make no query; None means
            # "no such row" (accessing it raises DoesNotExist, as after a select_related).
            to_user: Any = model._meta.get_field("user")
            to_user.remote_field.set_cached_value(user, related)
            if related is not None:
                to_user.set_cached_value(related, user)
        cursor.execute(ROLES_SQL, [user.pk])
        remember_scope(user, list(cursor.fetchall()))
    return user


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
