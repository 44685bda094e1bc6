"""Plain SQL for the hottest reads, with the values the ORM would give.

On the pages and API calls every request makes (the signed-in user, a student's grades, a
grade sheet's lines) compiling an ORM query costs several times the CPU of running it. These
reads are written as SQL once, at import or on first use, and their rows are converted as the
ORM converts the same fields (SQLite's datetimes, booleans and decimals; nothing on
PostgreSQL), so callers get the same values as from the models.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

# A column of a select list: (table alias in the statement, model, field name).
Column = tuple[str, type[Model], str]


def model_columns(alias: str, model: type[Model]) -> tuple[Column, ...]:
    """Every concrete column of a model, in field order (what `Model.from_db` takes)."""
    return tuple((alias, model, f.name) for f in model._meta.concrete_fields)


def select_list(columns: Sequence[Column]) -> str:
    qn = connection.ops.quote_name
    fields: list[Any] = [model._meta.get_field(name) for _alias, model, name in columns]
    return ", ".join(f"{alias}.{qn(field.column)}"
                     for (alias, _model, _name), field in zip(columns, fields, strict=True))


@functools.cache
def converters(columns: tuple[Column, ...]) -> list[tuple[int, list[Any], Any]]:
    """Per column that needs them: (position, the backend's and the field's converters, the
    column expression they take)."""
    found = []
    for i, (_alias, model, name) in enumerate(columns):
        field: Any = model._meta.get_field(name)
        col = field.get_col(model._meta.db_table)
        convert = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if convert:
            found.append((i, convert, col))
    return found


def convert(row: Sequence[Any], columns: tuple[Column, ...]) -> list[Any]:
    """A row read with ``select_list(columns)``, its values as the ORM would give them."""
    values = list(row)
    for i, found, col in converters(columns):
        value = values[i]
        for step in found:
            value = step(value, col, connection)
        values[i] = value
    return values


def fetch(sql: str, params: Sequence[Any], columns: tuple[Column, ...]) -> list[list[Any]]:
    """The rows of ``sql``, whose select list is ``select_list(columns)``, converted."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [convert(row, columns) for row in cursor.fetchall()]
