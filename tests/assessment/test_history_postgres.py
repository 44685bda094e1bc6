"""On PostgreSQL the database itself keeps grade changes append-only (§6: "every change is kept
as history"): raw SQL past the ORM cannot rewrite or delete a GradeChange."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from registrar.assessment import services
from registrar.assessment.models import ChangeKind, GradeChange, GradeEntry

from .conftest import AFTER_EXAM, IN_R1, IN_R2

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's"),
]


@pytest.fixture
def change(world):
    """Ermekova: R1 60, R2 60, exam 30 → FX; a registrar correction to 75 (§6)."""
    w = world
    student = w.students[3]
    for sheet, now, score in ((w.r1, IN_R1, "60"), (w.r2, IN_R2, "60")):
        services.enter_scores(sheet, [{"student_id": s.pk, "score": score} for s in w.students],
                              by=w.teacher, now=now)
        services.submit_sheet(sheet, by=w.teacher, now=now)
    services.enter_scores(w.exam, [{"student_id": s.pk, "score": "30"} for s in w.students],
                          by=w.teacher, now=AFTER_EXAM)
    services.submit_sheet(w.exam, by=w.teacher, now=AFTER_EXAM)
    return services.change_locked_grade(
        GradeEntry.objects.get(sheet=w.exam, student=student), by=w.registrar, new_score="75",
        kind=ChangeKind.CORRECTION, reason="typing error")


def test_raw_update_of_a_grade_change_is_refused(change):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE assessment_gradechange SET new_score = 100 WHERE id = %s",
                           [change.pk])
    assert GradeChange.objects.get(pk=change.pk).new_score == 75


def test_raw_delete_of_a_grade_change_is_refused(change):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM assessment_gradechange WHERE id = %s", [change.pk])
    assert GradeChange.objects.filter(pk=change.pk).exists()


def test_a_queryset_update_or_delete_is_refused_too(change):
    """The ORM's bulk paths skip Model.save/delete; the trigger still stops them."""
    with pytest.raises(DatabaseError), transaction.atomic():
        GradeChange.objects.filter(pk=change.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        GradeChange.objects.filter(pk=change.pk).delete()
    assert GradeChange.objects.get(pk=change.pk).reason == "typing error"
