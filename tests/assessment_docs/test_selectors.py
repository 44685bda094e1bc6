"""Who sees which sheet, the student's own scores, the final statement, the group summary with
its performance figures (§12) and the list of grade changes of a term."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from registrar.assessment import selectors, services
from registrar.assessment.models import ChangeKind, GradeEntry, GradeSheet, SheetKind
from registrar.institution.models import AcademicPeriod, PeriodKind
from registrar.people.models import Role
from tests import factories

from .conftest import IN_R1, build_world, discipline, enrol, grade, open_sheets, section

pytestmark = pytest.mark.django_db


def spring_of(world) -> AcademicPeriod:
    return AcademicPeriod.objects.create(year=world.year, kind=PeriodKind.SPRING,
                                         starts_on=dt.date(2027, 1, 12),
                                         ends_on=dt.date(2027, 5, 31))


# --- Visibility ---------------------------------------------------------------------------

def test_each_user_sees_the_sheets_they_may_see(world, sheets):
    other_discipline = discipline("PHY1102", world.department, en="Physics", ru="Физика",
                                  kk="Физика")
    other = section(world, other_discipline, "PHY1102-01", world.other_teacher,
                    world.students[:1])
    other_sheets = set(open_sheets(world, other).values())
    mine = set(sheets.values())
    # a section of another faculty's discipline, taught by nobody here, no students of ours
    foreign_faculty_discipline = discipline("LAW2001", factories.department(), en="Law",
                                            ru="Право", kk="Құқық")
    foreign = section(world, foreign_faculty_discipline, "LAW2001-01")
    foreign_sheets = set(open_sheets(world, foreign).values())

    def visible(user):
        return set(selectors.sheets_visible_to(user))

    assert visible(world.teacher) == mine
    assert visible(world.other_teacher) == other_sheets
    assert visible(world.registrar) == mine | other_sheets | foreign_sheets
    assert visible(world.dean) == mine | other_sheets
    assert visible(world.other_dean) == set()
    assert visible(factories.user()) == set()
    assert visible(factories.user(role=Role.TEACHER)) == set()
    for user in (world.teacher, world.dean, world.registrar):
        for sheet in visible(user):
            assert user.has_perm("assessment.view_gradesheet", sheet)
    # a dean also sees the sheets of another faculty's section where their students are graded
    shared = section(world, foreign_faculty_discipline, "LAW2001-02", None, world.students[:1])
    shared_sheets = set(open_sheets(world, shared).values())
    assert visible(world.dean) == mine | other_sheets | shared_sheets
    assert visible(world.other_dean) == set()


# --- The student's own scores -------------------------------------------------------------

def test_student_sees_a_score_as_soon_as_it_is_entered(world, sheets):
    a, b, _c = world.students
    assert [r.r1 for r in selectors.student_scores(a)] == [None]
    services.enter_scores(sheets[SheetKind.RATING_1], [{"student_id": a.pk, "score": "81.5"}],
                          by=world.teacher, now=IN_R1)
    (row,) = selectors.student_scores(a)
    assert row.discipline == world.calculus and row.section == world.section
    assert row.r1 == selectors.ScoreCell(D("81.50"), False, False)
    assert row.r2 is None and row.exam is None and row.final is None
    assert selectors.student_scores(b)[0].r1 is None  # only one's own scores
    assert selectors.student_scores(a, period=AcademicPeriod(pk=0)) == []


def test_student_scores_after_the_session(world, graded):
    a, b, _c = world.students
    (row,) = selectors.student_scores(a, period=world.autumn)
    assert row.r1 == selectors.ScoreCell(D("85.00"), False, True)
    assert row.exam == selectors.ScoreCell(D("94.00"), False, True)
    assert row.final is not None and row.final.letter == "A-"
    (row,) = selectors.student_scores(b)
    assert row.exam == selectors.ScoreCell(None, True, True)
    assert row.final.letter == "FX"


# --- Final statement ----------------------------------------------------------------------

def test_final_statement_rows(world, graded):
    rows = selectors.final_statement(world.section)
    assert [r.student.last_name_ru for r in rows] == ["Абаев", "Бекова", "Ержанов"]
    a, b, c = rows
    assert (a.r1, a.r2, a.admission_rating, a.exam, a.final_score, a.letter, a.points,
            a.traditional) == (D("85"), D("91"), D("88"), D("94"), D("90.40"), "A-",
                               D("3.67"), "excellent")
    assert b.exam_absent and b.letter == "FX" and b.final_score == D("44.93") and not b.passed
    assert b.admission_rating == D("74.88")
    assert (c.final_score, c.letter, c.traditional) == (D("63.20"), "C-", "satisfactory")


def test_final_statement_before_the_exam(world, sheets):
    a, b, _c = world.students
    for kind, score in ((SheetKind.RATING_1, "70"), (SheetKind.RATING_2, "81")):
        services.enter_scores(sheets[kind], [{"student_id": a.pk, "score": score}],
                              by=world.teacher, now=IN_R1)
    rows = {r.student: r for r in selectors.final_statement(world.section)}
    assert rows[a].admission_rating == D("75.50") and rows[a].result is None
    assert rows[a].letter == "" and rows[a].admitted is None
    assert rows[b].r1 is None and rows[b].admission_rating is None


# --- Group summary ------------------------------------------------------------------------

@pytest.fixture
def session_of_four(db):
    """4 students, 2 disciplines; by hand:

    ========  ==========================  =========================  ======  =========
    student   calculus (R1, R2, exam)     physics                    fails   quality
    ========  ==========================  =========================  ======  =========
    Абаев     95 95 95 → 95 A             85 85 88 → 86.2 B+         0       yes
    Бекова    80 80 80 → 80 B             65 65 70 → 67 C            0       no (C)
    Ержанов   90 90 90 → 90 A-            40 80 —  not admitted → F  1       no
    Жумабек   70 70 72 → 70.8 C+          75 75 78 → 76.2 B-         0       yes
    ========  ==========================  =========================  ======  =========

    absolute performance 3 / 4 = 75.0 %, quality performance 2 / 4 = 50.0 %. A fifth student
    of the group has no results (not assessed): listed, counted in neither figure.
    """
    w = build_world(n_students=4)
    a, b, c, d = w.students
    grade(w, w.section, w.teacher, {a: (95, 95, 95), b: (80, 80, 80), c: (90, 90, 90),
                                    d: (70, 70, 72)})
    w.physics = discipline("PHY1102", w.department, en="Physics", ru="Физика", kk="Физика")
    w.physics_section = section(w, w.physics, "PHY1102-01", w.teacher, w.students)
    grade(w, w.physics_section, w.teacher, {a: (85, 85, 88), b: (65, 65, 70),
                                            c: (40, 80, None), d: (75, 75, 78)})
    (w.unassessed,) = enrol([factories.student(w.programme, last_name_ru="Яковлев")], w.group,
                            by=w.registrar)
    return w


def test_group_summary_by_hand(session_of_four):
    w = session_of_four
    summary = selectors.group_summary(w.group, w.autumn)
    assert [d.code for d in summary.disciplines] == ["MAT1101", "PHY1102"]
    assert [r.student.last_name_ru for r in summary.rows] == [
        "Абаев", "Бекова", "Ержанов", "Жумабек", "Яковлев"]
    letters = [[c.letter if c else None for c in r.cells] for r in summary.rows]
    assert letters == [["A", "B+"], ["B", "C"], ["A-", "F"], ["C+", "B-"], [None, None]]
    assert [r.fails for r in summary.rows] == [0, 0, 1, 0, 0]
    assert summary.rows[0].cells[1].final_score == D("86.20")
    assert summary.rows[2].cells[1].final_score is None  # not admitted
    assert (summary.assessed, summary.without_fail, summary.quality) == (4, 3, 2)
    assert summary.absolute_performance == D("75.0")
    assert summary.quality_performance == D("50.0")
    assert summary.pending_sections == []


def test_group_summary_of_an_empty_term(world):
    spring = spring_of(world)
    summary = selectors.group_summary(world.group, spring)
    assert summary.disciplines == [] and summary.assessed == 0
    assert summary.absolute_performance is None and summary.quality_performance is None


def test_open_exam_statement_is_pending(world, sheets):
    summary = selectors.group_summary(world.group, world.autumn)
    assert summary.pending_sections == [world.section]
    assert [d.code for d in summary.disciplines] == ["MAT1101"]
    assert all(r.cells == [None] and not r.assessed for r in summary.rows)


@pytest.mark.parametrize("part,whole,expected", [
    (3, 4, "75.0"), (2, 3, "66.7"), (1, 3, "33.3"), (1, 16, "6.3"), (3, 16, "18.8"),
    (0, 5, "0.0"), (5, 5, "100.0"),
])
def test_percent_rounds_half_up_to_one_decimal(part, whole, expected):
    assert selectors.percent(part, whole) == D(expected)
    assert str(selectors.percent(part, whole)) == expected


def test_percent_of_nothing_is_none():
    assert selectors.percent(0, 0) is None


# --- Grade changes ------------------------------------------------------------------------

def test_grade_changes_of_a_term(world, graded):
    c = world.students[2]
    entry = GradeEntry.objects.get(sheet=graded[SheetKind.EXAM], student=c)
    services.change_locked_grade(entry, by=world.registrar, new_score="71",
                                 kind=ChangeKind.APPEAL, minutes_number="AC-7",
                                 reason="Appeal upheld: question 3 re-marked")
    b = world.students[1]
    entry_b = GradeEntry.objects.get(sheet=graded[SheetKind.RATING_1], student=b)
    services.change_locked_grade(entry_b, by=world.registrar, new_score="73",
                                 kind=ChangeKind.CORRECTION, reason="Typing error")
    rows = selectors.grade_changes(world.autumn)
    assert [(r.student, r.kind) for r in rows] == [(c, ChangeKind.APPEAL),
                                                   (b, ChangeKind.CORRECTION)]
    appeal = rows[0]
    assert appeal.discipline == world.calculus
    assert appeal.sheet == GradeSheet.objects.get(pk=graded[SheetKind.EXAM].pk)
    assert (appeal.old_score, appeal.new_score) == (D("66.50"), D("71"))
    assert appeal.minutes_number == "AC-7" and "question 3" in appeal.reason
    assert appeal.changed_by == world.registrar
    assert appeal.changed_by_name == world.registrar.staff.full_name
    assert appeal.changed_at is not None
    # another term has none
    spring = spring_of(world)
    assert selectors.grade_changes(spring) == []


def test_student_scores_print_plainly(world, graded):
    a, b, _c = world.students
    (row,) = selectors.student_scores(a)
    assert str(row.r1) == "85.00" and row.final_score == D("90.40") and row.letter == "A-"
    (row,) = selectors.student_scores(b)
    assert str(row.exam) == "did not appear" and row.letter == "FX"
