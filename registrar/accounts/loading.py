"""The signed-in user of a request in two plain statements.

Every portal page and every API call starts by loading its user, the user's student and
staff rows and their role assignments (the permission scope and the navigation need all
four). Through the ORM that is a three-table ``select_related`` compiled on every request and
a role query; here the SQL is written once at import, the rows become instances with
``Model.from_db`` (as the ORM would make them) and the scope is cached on the user
(``people.roles.remember_scope``). About 2 ms of CPU per request on the benchmark machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model

from registrar.people.models import RoleAssignment, Staff, Student
from registrar.people.roles import remember_scope

User = get_user_model()


def _select(alias: str, model: type[Model]) -> str:
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(f.column)}" for f in model._meta.concrete_fields)


def user_rows_sql(source: str, where: str) -> str:
    """SELECT the user (alias ``u``), student and staff columns FROM ``source`` (which joins
    ``u``) WHERE ``where``; rows for ``user_from_row``. Callers pass constants only."""
    return (
        f"SELECT {_select('u', User)}, {_select('st', Student)}, {_select('sf', Staff)}"  # noqa: S608
        f" FROM {source}"
        f" LEFT JOIN {Student._meta.db_table} st ON st.user_id = u.id"
        f" LEFT JOIN {Staff._meta.db_table} sf ON sf.user_id = u.id"
        f" WHERE {where}"
    )


USER_BY_ID_SQL = user_rows_sql(f"{User._meta.db_table} u", "u.id = %s")
ROLES_SQL = (
    f"SELECT role, faculty_id FROM {RoleAssignment._meta.db_table} WHERE user_id = %s"  # noqa: S608
)

# Each model's attribute names, and where its columns sit in a row.
_ATTNAMES: dict[type[Model], list[str]] = {
    model: [f.attname for f in model._meta.concrete_fields] for model in (User, Student, Staff)
}


def _converters(model: type[Model]) -> list[tuple[int, Any, Any]]:
    """What the ORM applies to a column's raw value (SQLite's datetimes are naive text until
    its converter makes them aware, for example): (position, converter, column)."""
    found = []
    for i, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        for convert in (connection.ops.get_db_converters(column)
                        + column.get_db_converters(connection)):
            found.append((i, convert, column))
    return found


_CONVERTERS = {model: _converters(model) for model in _ATTNAMES}
_USER_END = len(_ATTNAMES[User])
_STUDENT_END = _USER_END + len(_ATTNAMES[Student])


def _instance(model: type[Model], values: Sequence[Any]) -> Any:
    if values[0] is None:  # the LEFT JOIN found no row
        return None
    converters = _CONVERTERS[model]
    if converters:
        values = list(values)
        for i, convert, column in converters:
            values[i] = convert(values[i], column, connection)
    return model.from_db(connection.alias, _ATTNAMES[model], values)


def user_from_row(cursor: Any, row: Sequence[Any]) -> Any:
    """The user of a ``user_rows_sql`` row with ``user.student``, ``user.staff`` and the
    permission scope loaded (the roles read with ``cursor``)."""
    user = _instance(User, row[:_USER_END])
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


def user_by_id(user_id: Any) -> Any:
    """The user with that primary key, loaded as above; None when there is none."""
    try:
        pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - a malformed id in a session is no user
        return None
    with connection.cursor() as cursor:
        cursor.execute(USER_BY_ID_SQL, [pk])
        row = cursor.fetchone()
        return None if row is None else user_from_row(cursor, row)
