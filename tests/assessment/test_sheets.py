"""Grade sheets of one section from the first rating to the resit (§6): entry, lock, final
results, the academic history, permissions, appeals and corrections, dean-approved reopening.

Expected letters are computed by hand from §6 (AR = (R1 + R2) / 2, final = 0.6 × AR + 0.4 × E,
rounded half-up, exam below 50 → FX, not admitted → F) and written in the tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from registrar.assessment import services
from registrar.assessment.models import (
    ChangeKind,
    FinalResult,
    GradeChange,
    GradeEntry,
    GradeSheet,
    ReopenState,
    SheetKind,
    SheetState,
)
from registrar.assessment.services import GradingRefused
from registrar.audit.models import AuditEvent
from registrar.records import services as records
from registrar.records.models import AcademicDebt, Attempt, AttemptKind, DebtState

from .conftest import (
    AFTER_EXAM,
    AFTER_RESIT,
    EXAM_AT,
    EXAM_DEADLINE,
    IN_R1,
    IN_R2,
    R1_DEADLINE,
    RESIT_AT,
    at,
)

D = Decimal

# The term of the five students (index into world.students), each line worked out from §6:
#   0 Abenov        R1 parts 90, 100 → 95; R2 96 → AR 95.5; E 94 → 57.3 + 37.6 = 94.9 → 95 → A
#   1 Bekova        R1 80; R2 70 → AR 75;                  E 60 → 45 + 24 = 69 → C
#   2 Dzhaksybekov  R1 parts 70, 80, 90 → 80; R2 90 → AR 85; E 40 < 50 → 51 + 16 = 67 → FX
#   3 Ermekova      R1 60; R2 60 → AR 60;                  E 30 < 50 → 36 + 12 = 48 → FX
#   4 Zhumabaev     R1 45 < 50, R2 90 → not admitted (per-rating rule) → F, no final score
R1_ROWS = [{"parts": ["90", "100"]}, {"score": "80"}, {"parts": ["70", "80", "90"]},
           {"score": "60"}, {"score": "45"}]
R2_ROWS = [{"score": "96"}, {"score": "70"}, {"score": "90"}, {"score": "60"}, {"score": "90"}]
EXAM_ROWS = {0: "94", 1: "60", 2: "40", 3: "30"}
EXPECTED = [
    # r1, r2, AR, admitted, exam, final, letter, points, passed, may_resit
    ("95.00", "96.00", "95.50", True, "94.00", "94.90", "A", "4.00", True, False),
    ("80.00", "70.00", "75.00", True, "60.00", "69.00", "C", "2.00", True, False),
    ("80.00", "90.00", "85.00", True, "40.00", "67.00", "FX", "0.50", False, True),
    ("60.00", "60.00", "60.00", True, "30.00", "48.00", "FX", "0.50", False, True),
    ("45.00", "90.00", "67.50", False, None, None, "F", "0.00", False, False),
]


def rows(students, values):
    return [dict(v, student_id=s.pk) for s, v in zip(students, values, strict=True)]


def enter_ratings(w):
    services.enter_scores(w.r1, rows(w.students, R1_ROWS), by=w.teacher, now=IN_R1)
    services.submit_sheet(w.r1, by=w.teacher, now=IN_R1)
    services.enter_scores(w.r2, rows(w.students, R2_ROWS), by=w.teacher, now=IN_R2)
    services.submit_sheet(w.r2, by=w.teacher, now=IN_R2)


def grade_the_term(w):
    """R1 and R2 entered and locked, the exam entered and locked: final results exist."""
    enter_ratings(w)
    services.enter_scores(w.exam, [{"student_id": w.students[i].pk, "score": score}
                                   for i, score in EXAM_ROWS.items()],
                          by=w.teacher, now=AFTER_EXAM)
    services.submit_sheet(w.exam, by=w.teacher, now=AFTER_EXAM)
    refresh(w)


def refresh(w):
    """The services re-read the sheets they change; the world's copies are re-read here."""
    for sheet in (w.r1, w.r2, w.exam):
        sheet.refresh_from_db()


def final_of(w, i) -> FinalResult:
    return FinalResult.objects.select_related("attempt").get(section=w.section,
                                                             student=w.students[i])


def entry_of(sheet, student) -> GradeEntry:
    return GradeEntry.objects.get(sheet=sheet, student=student)


def open_debts(student):
    return AcademicDebt.objects.filter(student=student, state=DebtState.OPEN)


def scores(sheet):
    return {e.student_id: e.score for e in GradeEntry.objects.filter(sheet=sheet)}


# --- a full semester ----------------------------------------------------------------------

def test_a_full_semester_gives_the_letters_of_section_6(world):
    """§6: ratings (some from parts), admission, exam, final score → letter, points."""
    w = world
    grade_the_term(w)
    assert GradeSheet.objects.get(pk=w.exam.pk).state == SheetState.LOCKED
    assert entry_of(w.r1, w.students[2]).parts == ["70", "80", "90"]
    for i, expected in enumerate(EXPECTED):
        r = final_of(w, i)
        got = (str(r.r1), str(r.r2), str(r.admission_rating), r.admitted,
               None if r.exam is None else str(r.exam),
               None if r.final_score is None else str(r.final_score),
               r.letter, str(r.points), r.passed, r.may_resit)
        assert got == expected, w.students[i].last_name_en
    assert final_of(w, 4).not_admitted_reason == "rating"


def test_final_results_write_regular_attempts_with_a_snapshot(world):
    """§6/§7: one regular attempt per student, title and credits copied, passed flags; the
    not-admitted F opens a debt, an FX does not (the resit comes first)."""
    w = world
    grade_the_term(w)
    attempts = {a.student_id: a for a in Attempt.objects.filter(discipline=w.discipline)}
    assert set(attempts) == {s.pk for s in w.students}
    for i, expected in enumerate(EXPECTED):
        a = attempts[w.students[i].pk]
        assert a.kind == AttemptKind.REGULAR and a.period == w.autumn
        assert (a.letter, str(a.points), a.passed) == (expected[6], expected[7], expected[8])
        assert (a.title_en, a.title_ru, a.credits) == ("Mathematics", "Математика", 5)
        assert a.counts_in_gpa is True
        assert final_of(w, i).attempt == a
    w.discipline.name_en = "Higher Mathematics"
    w.discipline.credits = 6
    w.discipline.save()
    kept = Attempt.objects.get(pk=attempts[w.students[0].pk].pk)
    assert (kept.title_en, kept.credits) == ("Mathematics", 5)
    assert [s.pk for s in w.students if open_debts(s).exists()] == [w.students[4].pk]


def test_a_not_admitted_student_cannot_get_an_exam_score(world):
    """§6: R1 45 < 50 → not admitted: the exam statement refuses a score for them."""
    w = world
    enter_ratings(w)
    zhumabaev = w.students[4]
    with pytest.raises(GradingRefused) as refused:
        services.enter_scores(w.exam, [{"student_id": w.students[0].pk, "score": "90"},
                                       {"student_id": zhumabaev.pk, "score": "90"}],
                              by=w.teacher, now=AFTER_EXAM)
    assert refused.value.student == "Zhumabaev Student"
    assert set(scores(w.exam).values()) == {None}  # the admitted student's row was not kept


def test_the_fx_resit_lists_only_fx_students_and_replaces_the_fx(world):
    """§6: FX → one exam resit without re-study. Dzhaksybekov: AR 85, resit 70 →
    51 + 28 = 79 → B- 2.67, passed; the FX attempt stays in the history outside the GPA."""
    w = world
    grade_the_term(w)
    resit = services.open_resit(w.section, by=w.registrar, exam_at=RESIT_AT)
    assert resit.kind == SheetKind.RESIT
    assert set(resit.entries.values_list("student_id", flat=True)) == {
        w.students[2].pk, w.students[3].pk}
    dz, erm = w.students[2], w.students[3]
    services.enter_scores(resit, [{"student_id": dz.pk, "score": "70"},
                                  {"student_id": erm.pk, "score": "40"}],
                          by=w.teacher, now=AFTER_RESIT)
    services.submit_sheet(resit, by=w.teacher, now=AFTER_RESIT)

    r = final_of(w, 2)
    assert (r.resit, str(r.exam), str(r.final_score), r.letter, str(r.points), r.passed) == (
        True, "70.00", "79.00", "B-", "2.67", True)
    assert r.attempt.kind == AttemptKind.RESIT and r.attempt.passed
    assert r.attempt.counts_in_gpa is True
    fx = Attempt.objects.get(student=dz, discipline=w.discipline, kind=AttemptKind.REGULAR)
    assert (fx.letter, fx.passed, fx.counts_in_gpa) == ("FX", False, False)
    assert not open_debts(dz).exists()
    # the others keep their regular results
    assert final_of(w, 0).letter == "A" and final_of(w, 0).resit is False

    # Ermekova: AR 60, resit 40 < 50 → failed again; no second resit → must re-study: a debt
    failed = final_of(w, 3)
    assert (failed.passed, failed.may_resit, failed.resit) == (False, False, True)
    assert failed.attempt.kind == AttemptKind.RESIT and not failed.attempt.passed
    assert open_debts(erm).get().failed_attempt == failed.attempt

    with pytest.raises(GradingRefused, match="only one resit"):
        services.open_resit(w.section, by=w.registrar, exam_at=RESIT_AT + dt.timedelta(days=7))


def test_a_failed_resit_is_f(world):
    """§6: FX may resit once; failing the resit (AR 60, resit 40 < 50 → total 52 but exam
    failed) leaves only re-study: F 0.00."""
    w = world
    grade_the_term(w)
    resit = services.open_resit(w.section, by=w.registrar, exam_at=RESIT_AT)
    services.enter_scores(resit, [{"student_id": w.students[2].pk, "score": "70"},
                                  {"student_id": w.students[3].pk, "score": "40"}],
                          by=w.teacher, now=AFTER_RESIT)
    services.submit_sheet(resit, by=w.teacher, now=AFTER_RESIT)
    r = final_of(w, 3)
    assert (r.letter, str(r.points)) == ("F", "0.00")
    assert (r.attempt.letter, str(r.attempt.points)) == ("F", "0.00")


def test_no_resit_without_an_fx(world):
    w = world
    grade_the_term(w)
    for i in (2, 3):  # both FX turned into passes by the appeal commission
        services.change_locked_grade(entry_of(w.exam, w.students[i]), by=w.registrar,
                                     new_score="80", kind=ChangeKind.APPEAL,
                                     minutes_number=f"AC-{i}", reason="recount")
    with pytest.raises(GradingRefused, match="no FX"):
        services.open_resit(w.section, by=w.registrar, exam_at=RESIT_AT)


def test_retake_rules_and_a_later_pass_clears_the_debt(world):
    """§6: no retake to raise a positive grade; a failed discipline is re-studied later and
    the passing attempt (72 → C+ 2.33) clears the debt."""
    w = world
    grade_the_term(w)
    abenov, zhumabaev = w.students[0], w.students[4]
    with pytest.raises(records.RetakeRefused, match="MAT1102"):
        records.check_retake_allowed(abenov, w.discipline)
    assert records.check_retake_allowed(zhumabaev, w.discipline) is None
    debt = open_debts(zhumabaev).get()
    assert debt.failed_attempt == final_of(w, 4).attempt

    later = records.record_attempt(
        student=zhumabaev, discipline=w.discipline, period=w.spring, kind=AttemptKind.RESTUDY,
        final_score=D("72.00"), letter="C+", points=D("2.33"), passed=True, may_resit=False,
        by=w.registrar)
    debt.refresh_from_db()
    assert (debt.state, debt.cleared_by) == (DebtState.CLEARED, later)
    assert not open_debts(zhumabaev).exists()
    with pytest.raises(records.RetakeRefused):
        records.check_retake_allowed(zhumabaev, w.discipline)


# --- who may enter, and when ----------------------------------------------------------------

def test_only_the_sections_teacher_enters_scores(world):
    """§6: the teacher of the section enters; another teacher, a student, a dean cannot."""
    w = world
    student_user = w.students[0].user
    for user in (w.other_teacher, student_user, w.dean, w.other_dean):
        with pytest.raises(PermissionDenied):
            services.enter_scores(w.r1, [{"student_id": w.students[1].pk, "score": "80"}],
                                  by=user, now=IN_R1)
        with pytest.raises(PermissionDenied):
            services.submit_sheet(w.r1, by=user, now=IN_R1)
    assert set(scores(w.r1).values()) == {None}
    services.enter_scores(w.r1, [{"student_id": w.students[1].pk, "score": "80"}],
                          by=w.teacher, now=IN_R1)
    assert scores(w.r1)[w.students[1].pk] == D("80")


def test_entry_is_refused_after_the_deadline(world):
    """§6: scores are entered inside the entry window."""
    w = world
    row = [{"student_id": w.students[1].pk, "score": "80"}]
    services.enter_scores(w.r1, row, by=w.teacher, now=R1_DEADLINE)  # the last minute
    with pytest.raises(GradingRefused) as refused:
        services.enter_scores(w.r1, [{"student_id": w.students[1].pk, "score": "85"}],
                              by=w.teacher, now=R1_DEADLINE + dt.timedelta(minutes=1))
    assert refused.value.field == "sheet"
    assert scores(w.r1)[w.students[1].pk] == D("80")


def test_exam_window_opens_at_the_exam_and_closes_24_hours_later(world):
    """§6: default entry window: until 24 hours after the exam; nothing before the exam."""
    w = world
    enter_ratings(w)
    assert GradeSheet.objects.get(pk=w.exam.pk).entry_deadline == EXAM_AT + dt.timedelta(hours=24)
    row = [{"student_id": w.students[0].pk, "score": "94"}]
    with pytest.raises(GradingRefused, match="after the exam"):
        services.enter_scores(w.exam, row, by=w.teacher, now=EXAM_AT - dt.timedelta(minutes=1))
    with pytest.raises(GradingRefused, match="closed"):
        services.enter_scores(w.exam, row, by=w.teacher,
                              now=EXAM_DEADLINE + dt.timedelta(minutes=1))
    assert scores(w.exam)[w.students[0].pk] is None
    services.enter_scores(w.exam, row, by=w.teacher, now=EXAM_DEADLINE)
    assert scores(w.exam)[w.students[0].pk] == D("94")


def test_the_exam_sheet_is_locked_only_after_both_ratings(world):
    w = world
    services.enter_scores(w.r1, rows(w.students, R1_ROWS), by=w.teacher, now=IN_R1)
    services.submit_sheet(w.r1, by=w.teacher, now=IN_R1)
    with pytest.raises(GradingRefused, match="both rating statements"):
        services.submit_sheet(w.exam, by=w.teacher, now=AFTER_EXAM)
    assert GradeSheet.objects.get(pk=w.exam.pk).state == SheetState.OPEN
    assert not FinalResult.objects.exists()


def test_submitting_with_missing_scores_names_the_students(world):
    w = world
    services.enter_scores(w.r1, rows(w.students[:3], R1_ROWS[:3]), by=w.teacher, now=IN_R1)
    with pytest.raises(GradingRefused) as refused:
        services.submit_sheet(w.r1, by=w.teacher, now=IN_R1)
    assert refused.value.field == "score"
    assert "Ermekova Student" in str(refused.value)
    assert "Zhumabaev Student" in str(refused.value)
    assert "Abenov" not in str(refused.value)
    assert GradeSheet.objects.get(pk=w.r1.pk).state == SheetState.OPEN


def test_the_exam_sheet_needs_no_score_for_a_not_admitted_student(world):
    """§6: a not-admitted student has no exam; the missing-score check names admitted ones."""
    w = world
    enter_ratings(w)
    services.enter_scores(w.exam, [{"student_id": w.students[i].pk, "score": "70"}
                                   for i in (0, 1, 2)], by=w.teacher, now=AFTER_EXAM)
    with pytest.raises(GradingRefused) as refused:
        services.submit_sheet(w.exam, by=w.teacher, now=AFTER_EXAM)
    assert "Ermekova" in str(refused.value) and "Zhumabaev" not in str(refused.value)


@pytest.mark.parametrize("bad", [101, -1, "abc", 2.345, "100.01", "NaN", "Infinity",
                                 "1e3", "12.5.1"])
def test_a_bad_score_is_refused_with_the_field_named(world, bad):
    w = world
    with pytest.raises(GradingRefused) as refused:
        services.enter_scores(w.r2, [{"student_id": w.students[1].pk, "score": bad}],
                              by=w.teacher, now=IN_R1)
    assert (refused.value.field, refused.value.student) == ("score", "Bekova Student")
    assert set(scores(w.r2).values()) == {None}


def test_a_bad_part_is_refused_with_the_field_named(world):
    w = world
    with pytest.raises(GradingRefused) as refused:
        services.enter_scores(w.r1, [{"student_id": w.students[0].pk, "parts": ["90", "101"]}],
                              by=w.teacher, now=IN_R1)
    assert (refused.value.field, refused.value.student) == ("parts", "Abenov Student")
    assert entry_of(w.r1, w.students[0]).parts == []


def test_a_batch_with_one_bad_row_changes_nothing(world):
    """All or nothing: four good rows and one bad one leave every entry empty, no audit."""
    w = world
    batch = rows(w.students, [{"score": "80"}, {"score": "70"}, {"parts": ["70", "80"]},
                              {"score": "60"}, {"score": "2.345"}])
    with pytest.raises(GradingRefused) as refused:
        services.enter_scores(w.r1, batch, by=w.teacher, now=IN_R1)
    assert refused.value.student == "Zhumabaev Student"
    assert set(scores(w.r1).values()) == {None}
    assert all(e.parts == [] and e.entered_by_id is None
               for e in GradeEntry.objects.filter(sheet=w.r1))
    assert not AuditEvent.objects.filter(action="grade.entered").exists()


def test_a_decimal_comma_is_read(world):
    w = world
    services.enter_scores(w.r1, [{"student_id": w.students[0].pk, "score": "85,5"}],
                          by=w.teacher, now=IN_R1)
    assert scores(w.r1)[w.students[0].pk] == D("85.5")


def test_an_absence_share_entered_after_the_score_is_kept(world):
    """§6: R2 90, then 25 % unexcused absence recorded → not admitted (attendance)."""
    w = world
    student = w.students[0]
    services.enter_scores(w.r2, [{"student_id": student.pk, "score": "90"}],
                          by=w.teacher, now=IN_R2)
    services.enter_scores(w.r2, [{"student_id": student.pk, "score": "90",
                                  "absence_share": "0.25"}], by=w.teacher, now=IN_R2)
    assert entry_of(w.r2, student).absence_share == D("0.25")


def test_cheating_marked_after_the_score_is_kept(world):
    w = world
    enter_ratings(w)
    student = w.students[0]
    services.enter_scores(w.exam, [{"student_id": student.pk, "score": "94"}],
                          by=w.teacher, now=AFTER_EXAM)
    services.enter_scores(w.exam, [{"student_id": student.pk, "score": "94",
                                    "cheating": True}], by=w.teacher, now=AFTER_EXAM)
    assert entry_of(w.exam, student).cheating is True


def test_cheating_gives_f_and_a_debt(world):
    """§6: cheating → F (re-study), whatever the scores: Abenov would have had an A."""
    w = world
    enter_ratings(w)
    services.enter_scores(w.exam, [
        {"student_id": w.students[0].pk, "score": "94", "cheating": True},
        *({"student_id": w.students[i].pk, "score": EXAM_ROWS[i]} for i in (1, 2, 3))],
        by=w.teacher, now=AFTER_EXAM)
    services.submit_sheet(w.exam, by=w.teacher, now=AFTER_EXAM)
    r = final_of(w, 0)
    assert (r.letter, str(r.points), r.passed, r.may_resit) == ("F", "0.00", False, False)
    assert open_debts(w.students[0]).exists()


def test_an_absence_share_above_20_percent_bars_admission(world):
    """§6: unexcused absence 25 % > 20 % → not admitted although R1 95, R2 96 → F."""
    w = world
    services.enter_scores(w.r1, rows(w.students, R1_ROWS), by=w.teacher, now=IN_R1)
    services.submit_sheet(w.r1, by=w.teacher, now=IN_R1)
    r2 = rows(w.students, R2_ROWS)
    r2[0]["absence_share"] = "0.25"
    services.enter_scores(w.r2, r2, by=w.teacher, now=IN_R2)
    services.submit_sheet(w.r2, by=w.teacher, now=IN_R2)
    with pytest.raises(GradingRefused, match="not admitted"):
        services.enter_scores(w.exam, [{"student_id": w.students[0].pk, "score": "94"}],
                              by=w.teacher, now=AFTER_EXAM)
    services.enter_scores(w.exam, [{"student_id": w.students[i].pk, "score": EXAM_ROWS[i]}
                                   for i in (1, 2, 3)], by=w.teacher, now=AFTER_EXAM)
    services.submit_sheet(w.exam, by=w.teacher, now=AFTER_EXAM)
    r = final_of(w, 0)
    assert (r.admitted, r.not_admitted_reason, r.letter, r.final_score) == (
        False, "attendance", "F", None)


# --- after the lock ---------------------------------------------------------------------------

def test_a_locked_sheet_refuses_entry(world):
    w = world
    grade_the_term(w)
    for sheet, now in ((w.r1, IN_R1), (w.exam, AFTER_EXAM)):
        with pytest.raises(GradingRefused, match="locked"):
            services.enter_scores(sheet, [{"student_id": w.students[1].pk, "score": "99"}],
                                  by=w.teacher, now=now)
    with pytest.raises(GradingRefused, match="already submitted"):
        services.submit_sheet(w.exam, by=w.teacher, now=AFTER_EXAM)
    assert entry_of(w.exam, w.students[1]).score == D("60")


def test_only_the_registrar_changes_a_locked_grade(world):
    w = world
    grade_the_term(w)
    entry = entry_of(w.exam, w.students[3])
    for user in (w.teacher, w.dean):
        with pytest.raises(PermissionDenied):
            services.change_locked_grade(entry, by=user, new_score="75", kind=ChangeKind.APPEAL,
                                         minutes_number="AC-7", reason="recount")
    assert not GradeChange.objects.exists()


def test_an_appeal_needs_minutes_and_a_correction_needs_a_reason(world):
    w = world
    grade_the_term(w)
    entry = entry_of(w.exam, w.students[3])
    with pytest.raises(GradingRefused) as refused:
        services.change_locked_grade(entry, by=w.registrar, new_score="75",
                                     kind=ChangeKind.APPEAL, reason="recount")
    assert refused.value.field == "minutes_number"
    with pytest.raises(GradingRefused) as refused:
        services.change_locked_grade(entry, by=w.registrar, new_score="75",
                                     kind=ChangeKind.CORRECTION, reason="  ")
    assert refused.value.field == "reason"
    with pytest.raises(GradingRefused) as refused:
        services.change_locked_grade(entry, by=w.registrar, new_score="75",
                                     kind=ChangeKind.REOPENED, reason="typo")
    assert refused.value.field == "kind"
    with pytest.raises(GradingRefused) as refused:
        services.change_locked_grade(entry, by=w.registrar, new_score="101",
                                     kind=ChangeKind.CORRECTION, reason="typo")
    assert refused.value.field == "new_score"
    assert not GradeChange.objects.exists()
    assert entry_of(w.exam, w.students[3]).score == D("30")
    assert final_of(w, 3).letter == "FX"


def test_an_appeal_keeps_history_and_recomputes_the_result(world):
    """§6: Ermekova AR 60, exam 30 → FX; the appeal commission sets 75 →
    36 + 30 = 66 → C 2.00, passed; old and new kept, the attempt rewritten, audited."""
    w = world
    grade_the_term(w)
    erm = w.students[3]
    attempt_before = final_of(w, 3).attempt
    change = services.change_locked_grade(
        entry_of(w.exam, erm), by=w.registrar, new_score="75", kind=ChangeKind.APPEAL,
        minutes_number="AC-2027/03", reason="second examiner's recount")
    change.refresh_from_db()
    assert (change.old_score, change.new_score, change.changed_by, change.minutes_number) == (
        D("30"), D("75"), w.registrar, "AC-2027/03")
    assert change.kind == ChangeKind.APPEAL
    r = final_of(w, 3)
    assert (str(r.exam), str(r.final_score), r.letter, str(r.points), r.passed, r.may_resit) == (
        "75.00", "66.00", "C", "2.00", True, False)
    a = Attempt.objects.get(pk=attempt_before.pk)
    assert r.attempt == a
    assert (a.letter, str(a.points), a.passed, str(a.final_score)) == ("C", "2.00", True, "66.00")
    assert Attempt.objects.filter(student=erm, discipline=w.discipline).count() == 1
    event = AuditEvent.objects.get(action="grade.appeal")
    assert event.actor == w.registrar and "AC-2027/03" in event.reason
    # an FX no more: the resit lists Dzhaksybekov only
    resit = services.open_resit(w.section, by=w.registrar, exam_at=RESIT_AT)
    assert list(resit.entries.values_list("student_id", flat=True)) == [w.students[2].pk]


def test_a_correction_of_a_rating_recomputes_the_result(world):
    """§6: a registrar correction of R1 (with a reason): Bekova R1 80 → 90 → AR 80;
    E 60 → 48 + 24 = 72 → C+ 2.33 (was C)."""
    w = world
    grade_the_term(w)
    services.change_locked_grade(entry_of(w.r1, w.students[1]), by=w.registrar,
                                 new_score="90", kind=ChangeKind.CORRECTION,
                                 reason="typing error in the statement")
    r = final_of(w, 1)
    assert (str(r.admission_rating), str(r.final_score), r.letter, str(r.points)) == (
        "80.00", "72.00", "C+", "2.33")
    assert r.attempt.letter == "C+"


def test_grade_changes_are_append_only(world):
    w = world
    grade_the_term(w)
    change = services.change_locked_grade(
        entry_of(w.exam, w.students[3]), by=w.registrar, new_score="75",
        kind=ChangeKind.CORRECTION, reason="typing error")
    change.reason = "something else"
    with pytest.raises(ValueError, match="append-only"):
        change.save()
    with pytest.raises(ValueError, match="append-only"):
        change.delete()
    assert GradeChange.objects.get(pk=change.pk).reason == "typing error"


# --- reopening ---------------------------------------------------------------------------------

def test_reopening_by_the_dean_for_24_hours(world):
    """§6: reopening needs the dean's approval and is logged. Bekova's exam 60 → 70 during
    the window: AR 75 → 45 + 28 = 73 → C+ 2.33 after the sheet is submitted again."""
    w = world
    grade_the_term(w)
    with pytest.raises(GradingRefused) as refused:
        services.request_reopen(w.exam, by=w.teacher, reason=" ")
    assert refused.value.field == "reason"
    with pytest.raises(PermissionDenied):
        services.request_reopen(w.exam, by=w.other_teacher, reason="typo")
    request = services.request_reopen(w.exam, by=w.teacher, reason="wrong row typed for Bekova")

    approved_at = at(2027, 1, 5, 9)
    with pytest.raises(PermissionDenied):
        services.decide_reopen(request, by=w.other_dean, approve=True, hours=24, now=approved_at)
    with pytest.raises(PermissionDenied):
        services.decide_reopen(request, by=w.teacher, approve=True, hours=24, now=approved_at)
    request = services.decide_reopen(request, by=w.dean, approve=True, hours=24, now=approved_at)
    assert (request.state, request.decided_by) == (ReopenState.APPROVED, w.dean)
    sheet = GradeSheet.objects.get(pk=w.exam.pk)
    assert (sheet.state, sheet.reopened_until) == (SheetState.REOPENED,
                                                   approved_at + dt.timedelta(hours=24))
    assert AuditEvent.objects.filter(action="sheet.reopen_approved").exists()
    with pytest.raises(GradingRefused, match="already decided"):
        services.decide_reopen(request, by=w.dean, approve=False, now=approved_at)

    bekova = w.students[1]
    services.enter_scores(w.exam, [{"student_id": bekova.pk, "score": "70"}],
                          by=w.teacher, now=approved_at + dt.timedelta(hours=2))
    change = GradeChange.objects.get(entry__sheet=w.exam)
    assert (change.kind, change.old_score, change.new_score, change.changed_by) == (
        ChangeKind.REOPENED, D("60"), D("70"), w.teacher)
    assert change.reason == "wrong row typed for Bekova"
    assert final_of(w, 1).letter == "C"  # until the sheet is submitted again

    services.submit_sheet(w.exam, by=w.teacher, now=approved_at + dt.timedelta(hours=3))
    assert GradeSheet.objects.get(pk=w.exam.pk).state == SheetState.LOCKED
    r = final_of(w, 1)
    assert (str(r.final_score), r.letter, str(r.points)) == ("73.00", "C+", "2.33")
    assert r.attempt.letter == "C+"
    assert final_of(w, 0).letter == "A"  # the others unchanged
    with pytest.raises(GradingRefused, match="locked"):
        services.enter_scores(w.exam, [{"student_id": bekova.pk, "score": "80"}],
                              by=w.teacher, now=approved_at + dt.timedelta(hours=4))


def test_entry_after_the_reopening_window_is_refused(world):
    w = world
    grade_the_term(w)
    request = services.request_reopen(w.exam, by=w.teacher, reason="typo")
    approved_at = at(2027, 1, 5, 9)
    services.decide_reopen(request, by=w.dean, approve=True, hours=24, now=approved_at)
    with pytest.raises(GradingRefused, match="reopening period has ended"):
        services.enter_scores(w.exam, [{"student_id": w.students[1].pk, "score": "70"}],
                              by=w.teacher, now=approved_at + dt.timedelta(hours=24, minutes=1))
    assert entry_of(w.exam, w.students[1]).score == D("60")
    assert not GradeChange.objects.exists()


def test_a_rejected_reopening_leaves_the_sheet_locked(world):
    w = world
    grade_the_term(w)
    request = services.request_reopen(w.exam, by=w.teacher, reason="typo")
    services.decide_reopen(request, by=w.dean, approve=False, now=at(2027, 1, 5, 9))
    assert GradeSheet.objects.get(pk=w.exam.pk).state == SheetState.LOCKED
    with pytest.raises(GradingRefused, match="locked"):
        services.enter_scores(w.exam, [{"student_id": w.students[1].pk, "score": "70"}],
                              by=w.teacher, now=at(2027, 1, 5, 10))


def test_an_open_sheet_cannot_be_reopened(world):
    w = world
    with pytest.raises(GradingRefused, match="locked"):
        services.request_reopen(w.r1, by=w.teacher, reason="typo")


def test_a_reopened_rating_sheet_recomputes_the_results_when_resubmitted(world):
    """§6: Bekova R1 80 → 90 during a reopening of R1 → AR 80; E 60 → 48 + 24 = 72 → C+."""
    w = world
    grade_the_term(w)
    request = services.request_reopen(w.r1, by=w.teacher, reason="midterm recount")
    approved_at = at(2027, 1, 5, 9)
    services.decide_reopen(request, by=w.dean, approve=True, hours=24, now=approved_at)
    services.enter_scores(w.r1, [{"student_id": w.students[1].pk, "score": "90"}],
                          by=w.teacher, now=approved_at + dt.timedelta(hours=1))
    services.submit_sheet(w.r1, by=w.teacher, now=approved_at + dt.timedelta(hours=2))
    r = final_of(w, 1)
    assert (str(r.final_score), r.letter) == ("72.00", "C+")
