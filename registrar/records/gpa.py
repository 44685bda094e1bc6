"""Recomputing GPA snapshots from attempts (§7), one student or the whole university.

The figures come from `registrar.policy.gpa`: running integer sums per student (points × 100
and credits are whole numbers) divided once per figure by `gpa_from_sums`, which gives exactly
what `gpa()` gives for the same attempts. Reading integer columns keeps the database driver's
tuples free of per-value converters, and summing as we go keeps each student's work linear in
the number of attempts; this is what lets 50,000 students × 40 grades recompute in seconds
(bench/gpa_recompute.py, docs/performance.md).

Writing: a few students (a grade written or changed) are upserted; the whole university is
deleted and written again in one stream — COPY on PostgreSQL, executemany on SQLite — because
preparing 400,000 model instances and their parameters costs more than computing them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db import connection, transaction
from django.db.models import F, IntegerField
from django.db.models.functions import Cast, Round
from django.utils import timezone

from registrar.policy.gpa import gpa_from_sums

from .models import Attempt, GpaSnapshot

FOUR = Decimal("0.0001")
COLUMNS = ("student_id", "period_id", "term_gpa", "term_credits", "year_gpa",
           "cumulative_gpa", "credits_earned")
Figures = tuple[int, int, Decimal | None, int, Decimal | None, Decimal | None, int]


def _rows(student_ids: list[int] | None) -> Iterator[tuple]:
    attempts = Attempt.objects.all()
    if student_ids is not None:
        attempts = attempts.filter(student_id__in=student_ids)
    # Integer columns only (points × 100, flags as 0/1), read through the driver's cursor: the
    # ORM's iterator would still pass every value through a Python converter (int()).
    query = attempts.order_by("student_id", "period__starts_on", "period_id").values_list(
        "student_id", "period_id", "period__year_id",
        Cast(Round(F("points") * 100), IntegerField()), "credits",
        Cast("counts_in_gpa", IntegerField()), Cast("passed", IntegerField()),
    ).query
    sql, params = query.get_compiler(using=attempts.db).as_sql()
    with connection.chunked_cursor() as cursor:  # server-side on PostgreSQL
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def _figure(weighted_hundredths: int, credits: int) -> Decimal | None:
    # Stored with 4 decimals; displayed figures round these half-up to 2.
    value = gpa_from_sums(weighted_hundredths, credits)
    return None if value is None else value.quantize(FOUR)


def figures_for(rows: Iterable[tuple]) -> Iterator[Figures]:
    """One student's snapshot figures per term, from their attempt rows in term order."""
    cumulative_w = cumulative_c = earned = 0
    years: dict[int, tuple[int, int]] = {}  # year → (weighted, credits) so far
    for (student_id, period_id, year_id), term in groupby(rows, key=lambda r: r[:3]):
        term_w = term_c = 0
        for *_key, points_x100, credits, counts, passed in term:
            if counts and credits > 0:
                term_w += points_x100 * credits
                term_c += credits
            if passed:
                earned += credits
        year_w, year_c = years.get(year_id, (0, 0))
        year_w, year_c = year_w + term_w, year_c + term_c
        years[year_id] = (year_w, year_c)
        cumulative_w, cumulative_c = cumulative_w + term_w, cumulative_c + term_c
        yield (student_id, period_id, _figure(term_w, term_c), term_c, _figure(year_w, year_c),
               _figure(cumulative_w, cumulative_c), earned)


def _figures(student_ids: list[int] | None) -> Iterator[Figures]:
    for _student, rows in groupby(_rows(student_ids), key=lambda r: r[0]):
        yield from figures_for(rows)


def _upsert(student_ids: list[int]) -> int:
    snapshots = [GpaSnapshot(**dict(zip(COLUMNS, row, strict=True)))
                 for row in _figures(student_ids)]
    GpaSnapshot.objects.filter(student_id__in=student_ids).delete()
    # An upsert, not a plain insert: two writers recomputing the same student both succeed.
    GpaSnapshot.objects.bulk_create(
        snapshots, batch_size=2000, update_conflicts=True, unique_fields=["student", "period"],
        update_fields=[*COLUMNS[2:], "computed_at"])
    return len(snapshots)


def _write(rows: list[tuple]) -> None:
    """Insert snapshot rows of students the table no longer holds."""
    quote = connection.ops.quote_name
    table = quote(GpaSnapshot._meta.db_table)
    columns = ", ".join(quote(c) for c in (*COLUMNS, "computed_at"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
            # Only quoted identifiers are formatted into the SQL; values are parameters.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                               rows)


def _recompute_all(batch: int) -> int:
    if connection.vendor == "postgresql":
        # Readers go on reading the old figures; a concurrent upsert waits for this one.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(GpaSnapshot._meta.db_table)}"
                           " IN SHARE ROW EXCLUSIVE MODE")
    GpaSnapshot.objects.all().delete()
    now: Any = connection.ops.adapt_datetimefield_value(timezone.now())
    pending: list[tuple] = []
    total = 0
    for row in _figures(None):
        pending.append((*row, now))
        if len(pending) >= batch:
            _write(pending)
            total += len(pending)
            pending = []
    if pending:
        _write(pending)
        total += len(pending)
    return total


@transaction.atomic
def recompute(student_ids: list[int] | None = None, batch: int = 20000) -> int:
    """Recompute snapshots (all students when `student_ids` is None); returns the count."""
    if student_ids is None:
        return _recompute_all(batch)
    return _upsert(student_ids)
