"""Faults while locking a grade sheet (issue 10, §6): submitting is one transaction with the
final results and the academic records it writes; a failure half-way leaves the sheet open."""

from __future__ import annotations

import pytest

from registrar.assessment import services
from registrar.assessment.models import FinalResult, GradeEntry, GradeSheet, SheetState
from registrar.audit import services as audit_services
from registrar.records import services as records_services
from registrar.records.models import Attempt
from tests.assessment.conftest import AFTER_EXAM, IN_R1, build_world
from tests.assessment.test_sheets import EXAM_ROWS, R1_ROWS, enter_ratings, rows

from .helpers import Crash, crash_on_call, table_counts

# A failure injected in a service: the test's own transaction is enough to see what the
# service's transaction (a savepoint here) left behind. The concurrent tests commit for real.
pytestmark = pytest.mark.django_db


def sheet_state(sheet: GradeSheet) -> dict:
    stored = GradeSheet.objects.filter(pk=sheet.pk).values(
        "state", "submitted_by", "submitted_at", "reopened_until").get()
    stored["entries"] = list(GradeEntry.objects.filter(sheet=sheet).order_by("pk").values_list(
        "student_id", "score", "absent"))
    return stored


@pytest.mark.parametrize("call", [1, 3, 5])
def test_a_crash_while_locking_the_exam_sheet_leaves_it_open(monkeypatch, call):
    """The exam sheet's lock writes each student's final result and academic record; the
    failure comes at the `call`-th student's record."""
    w = build_world()
    enter_ratings(w)
    services.enter_scores(w.exam, [{"student_id": w.students[i].pk, "score": score}
                                   for i, score in EXAM_ROWS.items()],
                          by=w.teacher, now=AFTER_EXAM)
    before, counts = sheet_state(w.exam), table_counts()
    crash_on_call(monkeypatch, records_services, "record_attempt", call=call)

    with pytest.raises(Crash):
        services.submit_sheet(w.exam, by=w.teacher, now=AFTER_EXAM)

    assert sheet_state(w.exam) == before
    assert before["state"] != SheetState.LOCKED
    assert table_counts() == counts
    assert not FinalResult.objects.filter(section=w.section).exists()
    assert not Attempt.objects.exists()
    monkeypatch.undo()
    services.submit_sheet(w.exam, by=w.teacher, now=AFTER_EXAM)
    assert FinalResult.objects.filter(section=w.section).count() == len(w.students)


def test_a_crash_at_the_lock_audit_leaves_the_rating_sheet_open(monkeypatch):
    w = build_world()
    services.enter_scores(w.r1, rows(w.students, R1_ROWS), by=w.teacher, now=IN_R1)
    before, counts = sheet_state(w.r1), table_counts()
    crash_on_call(monkeypatch, audit_services, "record")

    with pytest.raises(Crash):
        services.submit_sheet(w.r1, by=w.teacher, now=IN_R1)

    assert sheet_state(w.r1) == before
    assert table_counts() == counts
    monkeypatch.undo()
    assert services.submit_sheet(w.r1, by=w.teacher, now=IN_R1).state == SheetState.LOCKED
