"""Plain SQL for the hottest reads, with the values the ORM would give, prepared once per
connection on PostgreSQL.

On the pages and API calls every request makes (the signed-in user, a student's grades, a
grade sheet's lines) compiling an ORM query costs several times the CPU of running it. These
reads are written as SQL once, at import or on first use, and their rows are converted as the
ORM converts the same fields (SQLite's datetimes, booleans and decimals; nothing on
PostgreSQL), so callers get the same values as from the models. On PostgreSQL they are sent
with server-side binding and prepared on the connection (`cursor`), so the server plans each
once per connection instead of on every request: a simple lookup costs it about half.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Model, QuerySet

# A column of a select list: (table alias in the statement, model, field name).
Column = tuple[str, type[Model], str]


def choice_labels(model: type[Model], field: str) -> dict[Any, Any]:
    """A field's choice labels by value, as `get_FOO_display` reads them (lazy: translated when
    shown), for values read as plain rows. A value outside the choices shows as itself there,
    so use ``.get(value, value)``."""
    return dict(model._meta.get_field(field).flatchoices)  # type: ignore[union-attr]


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


class _PreparedCursor(psycopg.Cursor):
    """Server-side binding, prepared on the connection (Django binds on the client side and
    the settings turn psycopg's automatic preparing off)."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None,
                binary: bool | None = None) -> Any:
        return super().execute(query, params, prepare=True, binary=binary)


class _LoggedCursor(CursorDebugWrapper):
    """Django's debug wrapper (DEBUG, or a test capturing queries) with the statement's text
    in the query log: Django reads it back from a client-side binding cursor, which a prepared
    statement does not use, and would log None."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)


@contextmanager
def cursor() -> Iterator[Any]:
    """A cursor of the default connection whose statements are prepared on PostgreSQL (a plain
    one elsewhere). It is Django's cursor wrapper, so error translation, execute wrappers and
    the debug query log still apply. Use it for statements with constant text."""
    if connection.vendor != "postgresql":
        with connection.cursor() as plain:
            yield plain
        return
    connection.ensure_connection()
    raw: Any = _PreparedCursor(connection.connection)
    wrapped = (_LoggedCursor(raw, connection) if connection.queries_logged
               else connection.make_cursor(raw))
    with wrapped:
        yield wrapped


def fetch(sql: str, params: Sequence[Any], columns: tuple[Column, ...]) -> list[list[Any]]:
    """The rows of ``sql``, whose select list is ``select_list(columns)``, converted."""
    with cursor() as c:
        c.execute(sql, params)
        return [convert(row, columns) for row in c.fetchall()]


class Statement:
    """A `values()` query written with the ORM, compiled to SQL once per database backend and
    then run (prepared, see `cursor`) with other arguments: on the busiest pages compiling a
    query costs several times the CPU of running it.

    ``build`` makes the queryset from its keyword arguments, each an ``int`` or a
    ``datetime.date`` as declared in ``kinds``. It is compiled with placeholder values no real
    argument takes; where they fall among the parameters is noted, and each run puts the
    arguments there. Rows are dicts converted as `values()` converts them."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: type) -> None:
        self._build, self._kinds = build, kinds
        self._compiled: dict[str, tuple[str, list[Any], list[tuple[int, str]], list[str],
                                        Any]] = {}

    @staticmethod
    def _adapt(kind: type, value: Any) -> Any:
        return connection.ops.adapt_datefield_value(value) if kind is dt.date else value

    def _compile(self) -> tuple[str, list[Any], list[tuple[int, str]], list[str], Any]:
        placeholders = {name: (-987_654_000 - n if kind is int else dt.date(1, 1, n))
                        for n, (name, kind) in enumerate(self._kinds.items(), 1)}
        query = self._build(**placeholders).query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        adapted = {name: self._adapt(self._kinds[name], value)
                   for name, value in placeholders.items()}
        slots = [(i, name) for i, param in enumerate(params)
                 for name, value in adapted.items() if type(param) is type(value)
                 and param == value]
        if {name for _i, name in slots} != set(self._kinds):
            raise ValueError(f"every argument must be a parameter of the query: {sql}")
        names = list(query.selected) if query.selected else [
            *query.extra_select, *query.values_select, *query.annotation_select]
        converters = compiler.get_converters([s[0] for s in compiler.select[:compiler.col_count]])
        return sql, list(params), slots, names, (compiler, converters)

    def rows(self, **arguments: Any) -> list[dict[str, Any]]:
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            compiled = self._compiled[connection.vendor] = self._compile()
        sql, params, slots, names, (compiler, converters) = compiled
        params = params.copy()
        for i, name in slots:
            params[i] = self._adapt(self._kinds[name], arguments[name])
        with cursor() as c:
            c.execute(sql, params)
            fetched = c.fetchall()
        if converters:
            fetched = compiler.apply_converters(fetched, converters)
        return [dict(zip(names, row, strict=True)) for row in fetched]

    def first(self, **arguments: Any) -> dict[str, Any] | None:
        found = self.rows(**arguments)
        return found[0] if found else None


@functools.cache
def _attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def instance_from_row(model: type[Model], values: Sequence[Any]) -> Any:
    """The instance of a row of ``model_columns(alias, model)`` values, converted (`convert`),
    as the ORM makes it (``Model.from_db``)."""
    return model.from_db(connection.alias, _attnames(model), values)


@functools.cache
def _by_pk_sql(model: type[Model]) -> tuple[str, tuple[Column, ...]]:
    columns = model_columns("t", model)
    pk = connection.ops.quote_name(model._meta.pk.column)  # type: ignore[union-attr]
    return (f"SELECT {select_list(columns)} FROM {connection.ops.quote_name(model._meta.db_table)}"  # noqa: S608
            f" t WHERE t.{pk} = %s", columns)


def instance_by_pk(model: type[Model], pk: Any) -> Any:
    """``model.objects.filter(pk=pk).first()`` (the default manager unfiltered), without
    compiling the query each time: for a row read on every request of some kind."""
    sql, columns = _by_pk_sql(model)
    rows = fetch(sql, [pk], columns)
    return instance_from_row(model, rows[0]) if rows else None
