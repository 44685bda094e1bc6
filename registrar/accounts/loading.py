"""The signed-in user of a request in one plain statement.

Every portal page and every API call starts by loading its user, the user's student and
staff rows and their role assignments (the permission scope and the navigation need all
four). Through the ORM that is a three-table ``select_related`` compiled on every request and
a role query; here the SQL is written once at import (and prepared on PostgreSQL, see
`registrar.sql`), the role assignments come in the same statement (a LEFT JOIN: one row per
assignment, one row with no role when there is none; a student holds none, their role comes
from the student row), the rows become instances with ``Model.from_db`` (as the ORM would
make them) and the scope is cached on the user (``people.roles.remember_scope``). About 2 ms
of CPU per request on the benchmark machine, and one round trip instead of two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model

from registrar.people.models import RoleAssignment, Staff, Student
from registrar.people.roles import remember_scope
from registrar.sql import convert, instance_from_row, model_columns, select_list
from registrar.sql import cursor as prepared_cursor

User = get_user_model()
_COLUMNS = (*model_columns("u", User), *model_columns("st", Student),
            *model_columns("sf", Staff))


def user_rows_sql(source: str, where: str) -> str:
    """SELECT the user (alias ``u``), student, staff and role assignment columns FROM
    ``source`` (which joins ``u``) WHERE ``where``; the rows of one user for
    ``user_from_rows``. Callers pass constants only."""
    return (
        f"SELECT {select_list(_COLUMNS)}, ra.role, ra.faculty_id"  # noqa: S608
        f" FROM {source}"
        f" LEFT JOIN {Student._meta.db_table} st ON st.user_id = u.id"
        f" LEFT JOIN {Staff._meta.db_table} sf ON sf.user_id = u.id"
        f" LEFT JOIN {RoleAssignment._meta.db_table} ra ON ra.user_id = u.id"
        f" WHERE {where}"
    )


USER_BY_ID_SQL = user_rows_sql(f"{User._meta.db_table} u", "u.id = %s")

# Where each model's columns sit in a row.
_USER_END = len(User._meta.concrete_fields)
_STUDENT_END = _USER_END + len(Student._meta.concrete_fields)


def _instance(model: type[Model], values: Sequence[Any]) -> Any:
    if values[0] is None:  # the LEFT JOIN found no row
        return None
    return instance_from_row(model, values)


def user_from_rows(rows: Sequence[Sequence[Any]]) -> Any:
    """The user of the ``user_rows_sql`` rows of one user (at least one) with
    ``user.student``, ``user.staff`` and the permission scope loaded."""
    width = len(_COLUMNS)
    row = convert(rows[0][:width], _COLUMNS)
    user = _instance(User, row[:_USER_END])
    for model, related in ((Student, _instance(Student, row[_USER_END:_STUDENT_END])),
                           (Staff, _instance(Staff, row[_STUDENT_END:]))):
        # Cached both ways: `user.student` and `student.user` make no query; None means
        # "no such row" (accessing it raises DoesNotExist, as after a select_related).
        to_user: Any = model._meta.get_field("user")
        to_user.remote_field.set_cached_value(user, related)
        if related is not None:
            to_user.set_cached_value(related, user)
    remember_scope(user, [(r[width], r[width + 1]) for r in rows if r[width] is not None])
    return user


def user_by_id(user_id: Any) -> Any:
    """The user with that primary key, loaded as above; None when there is none."""
    try:
        pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - a malformed id in a session is no user
        return None
    with prepared_cursor() as cursor:
        cursor.execute(USER_BY_ID_SQL, [pk])
        rows = cursor.fetchall()
    return user_from_rows(rows) if rows else None
