"""Recomputing GPA snapshots from attempts (§7), one student or all of them in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import groupby

from django.db import transaction

from registrar.policy.gpa import GradedAttempt, credits_earned, gpa

from .models import Attempt, GpaSnapshot

FOUR = Decimal("0.0001")


def _rows(student_ids: list[int] | None) -> Iterator[tuple]:
    attempts = Attempt.objects.all()
    if student_ids is not None:
        attempts = attempts.filter(student_id__in=student_ids)
    return attempts.order_by("student_id", "period__starts_on", "period_id").values_list(
        "student_id", "period_id", "period__year_id", "points", "credits", "counts_in_gpa",
        "passed",
    ).iterator(chunk_size=5000)


def _quantize(value: Decimal | None) -> Decimal | None:
    # Stored with 4 decimals; displayed figures round these half-up to 2.
    return None if value is None else value.quantize(FOUR)


def snapshots_for(rows: Iterable[tuple]) -> list[GpaSnapshot]:
    """Snapshots of one student's attempts, given in term order."""
    snapshots = []
    so_far: list[GradedAttempt] = []
    by_year: dict[int, list[GradedAttempt]] = {}
    for (student_id, period_id, year_id), term_rows in groupby(rows, key=lambda r: r[:3]):
        term = [GradedAttempt(points=r[3], credits=r[4], counts_in_gpa=r[5], passed=r[6])
                for r in term_rows]
        so_far.extend(term)
        by_year.setdefault(year_id, []).extend(term)
        snapshots.append(GpaSnapshot(
            student_id=student_id, period_id=period_id,
            term_gpa=_quantize(gpa(term)),
            term_credits=sum(a.credits for a in term if a.counts_in_gpa),
            year_gpa=_quantize(gpa(by_year[year_id])),
            cumulative_gpa=_quantize(gpa(so_far)),
            credits_earned=credits_earned(so_far),
        ))
    return snapshots


def _save(snapshots: list[GpaSnapshot]) -> None:
    GpaSnapshot.objects.bulk_create(
        snapshots, batch_size=2000, update_conflicts=True,
        unique_fields=["student", "period"],
        update_fields=["term_gpa", "term_credits", "year_gpa", "cumulative_gpa",
                       "credits_earned"],
    )


@transaction.atomic
def recompute(student_ids: list[int] | None = None, batch: int = 20000) -> int:
    """Recompute snapshots (all students when `student_ids` is None); returns the count."""
    if student_ids is not None:
        GpaSnapshot.objects.filter(student_id__in=student_ids).delete()
    else:
        GpaSnapshot.objects.all().delete()
    pending: list[GpaSnapshot] = []
    total = 0
    for _student, rows in groupby(_rows(student_ids), key=lambda r: r[0]):
        pending.extend(snapshots_for(rows))
        if len(pending) >= batch:
            _save(pending)
            total += len(pending)
            pending = []
    if pending:
        _save(pending)
        total += len(pending)
    return total
