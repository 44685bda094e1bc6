"""The reports' figures on hand-worked worlds (§12); see conftest.py for each figure."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from registrar.assessment.models import SheetKind
from registrar.contingent.choices import OrderType
from registrar.curriculum.models import AssessmentForm
from registrar.people.models import Role
from registrar.policy import honours as honours_rule
from registrar.reports import selectors
from tests import factories
from tests.assessment_docs.conftest import discipline, grade, section
from tests.contingent.helpers import run

D = Decimal
day = dt.date
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def figures(f):
    return (f.students, f.admitted, f.sat, f.excellent, f.good, f.satisfactory, f.failed,
            f.absolute, f.quality)


# --- Session results ----------------------------------------------------------------------

def test_session_results_by_hand(session_world):
    w = session_world
    report = selectors.session_results(w.autumn, by=w.registrar)
    assert [(r.programme, r.year_of_study, r.language, r.study_form) for r in report.rows] == [
        (w.programme, 1, "ru", "full_time"), (w.programme_q, 1, "kk", "part_time")]
    p, q = report.rows
    assert figures(p.figures) == (6, 6, 5, 1, 1, 1, 2, D("60.0"), D("40.0"))
    assert p.figures.absent == 1  # Yesenov: admitted to physics, absent
    assert figures(q.figures) == (2, 2, 2, 1, 1, 0, 0, D("100.0"), D("100.0"))
    assert figures(report.total) == (8, 8, 7, 2, 2, 1, 2, D("71.4"), D("57.1"))
    assert [(k, figures(f)) for k, f in report.by_study_form] == [
        ("full_time", figures(p.figures)), ("part_time", figures(q.figures))]
    assert [k for k, _f in report.by_language] == ["kk", "ru"]
    assert [(k, figures(f)) for k, f in report.by_year] == [(1, figures(report.total))]


def test_session_results_place_students_by_their_state_at_the_end_of_the_term(session_world):
    """Gani (programme Q, 4 years) is promoted to year 2 on 1 Jul 2027, after the term: the
    autumn 2026 report still counts him in year 1, as on 31 Dec 2026."""
    w = session_world
    gani = w.q[0]
    run(OrderType.PROMOTION, gani, day(2027, 7, 1), by=w.registrar)
    gani.refresh_from_db()
    assert gani.year_of_study == 2
    report = selectors.session_results(w.autumn, by=w.registrar)
    assert [(r.programme, r.year_of_study) for r in report.rows] == [
        (w.programme, 1), (w.programme_q, 1)]
    assert figures(report.total) == (8, 8, 7, 2, 2, 1, 2, D("71.4"), D("57.1"))


def test_session_results_of_a_faculty_and_refusals(session_world):
    w = session_world
    mine = selectors.session_results(w.autumn, faculty=w.faculty, by=w.dean)
    assert figures(mine.total) == (8, 8, 7, 2, 2, 1, 2, D("71.4"), D("57.1"))
    other = selectors.session_results(w.autumn, faculty=w.other_faculty, by=w.registrar)
    assert other.rows == [] and other.total.absolute is None
    with pytest.raises(PermissionDenied):
        selectors.session_results(w.autumn, faculty=w.faculty, by=w.other_dean)
    with pytest.raises(PermissionDenied):
        selectors.session_results(w.autumn, by=w.dean)  # the whole university
    with pytest.raises(PermissionDenied):
        selectors.session_results(w.autumn, faculty=w.faculty, by=w.teacher)


# --- Contingent and movement --------------------------------------------------------------

def test_contingent_on_a_day_by_hand(contingent_world):
    w = contingent_world
    report = selectors.contingent(day(2026, 3, 15), day(2025, 9, 1), day(2026, 8, 31),
                                  faculty=w.faculty, by=w.registrar)
    rows = {(r.programme, r.year_of_study): r for r in report.rows}
    p = rows[(w.programme, 1)]
    assert (p.language, p.study_form) == ("ru", "full_time")
    # total, studying, on leave, state grant, paid, male, female, KZ, foreign
    assert p.figures == [6, 4, 2, 0, 6, 3, 3, 5, 1]
    m = rows[(w.master, 1)]
    assert m.language == "en" and m.figures == [2, 2, 0, 0, 2, 0, 2, 2, 0]
    assert report.total == [8, 6, 2, 0, 8, 3, 5, 7, 1]
    assert dict(report.statuses) == {"active": 6, "on_leave": 2, "expelled": 1,
                                     "transferred_out": 1, "graduated": 0}
    assert report.citizenship == [("KZ", 7), ("RU", 1)]
    assert [(k, v[0]) for k, v in report.by_language] == [("en", 2), ("ru", 6)]


def test_movement_from_applied_orders(contingent_world):
    w = contingent_world
    report = selectors.contingent(day(2026, 3, 15), day(2025, 9, 1), day(2026, 8, 31),
                                  faculty=w.faculty, by=w.registrar)
    moved = {(r.programme, r.year_of_study): r for r in report.movement}
    p = moved[(w.programme, 1)]
    assert (p.enrolled, p.reinstated, p.on_leave, p.returned, p.graduated) == (8, 1, 2, 0, 0)
    assert p.expelled == {"own_wish": 1, "poor_results": 1, "non_payment": 0,
                          "rule_violation": 0, "non_attendance": 0, "transfer": 1}
    assert p.expelled_total == 3
    m = moved[(w.master, 1)]
    assert (m.enrolled, m.expelled_total, m.graduated) == (2, 0, 2)
    # enrolled, 6 reasons, expelled, reinstated, leave, returned, graduated
    assert report.movement_total == [10, 1, 1, 0, 0, 0, 1, 3, 1, 2, 0, 2]


def test_contingent_later_day_and_period(contingent_world):
    """On 1 Sep 2026 student 3 is back from leave and the masters have graduated; from
    1 Jul to 15 Sep 2026 the movement is the two graduations and the return."""
    w = contingent_world
    report = selectors.contingent(day(2026, 9, 1), day(2026, 6, 1), day(2026, 9, 15),
                                  faculty=w.faculty, by=w.registrar)
    assert [(r.programme, r.figures[:3]) for r in report.rows] == [(w.programme, [6, 5, 1])]
    assert dict(report.statuses)["graduated"] == 2
    assert report.movement_total[-2:] == [1, 2]  # returned, graduated
    assert report.movement_total[0] == 0


def test_contingent_of_the_university_and_scope(contingent_world):
    w = contingent_world
    report = selectors.contingent(day(2026, 3, 15), day(2025, 9, 1), day(2026, 8, 31),
                                  by=w.registrar)
    assert report.total[0] == 9  # the outsider of the other faculty too
    assert report.movement_total[0] == 11
    before = selectors.contingent(day(2025, 8, 31), day(2025, 8, 1), day(2025, 8, 31),
                                  by=w.registrar)
    assert before.rows == [] and before.total[0] == 0
    with pytest.raises(PermissionDenied):
        selectors.contingent(day(2026, 3, 15), day(2025, 9, 1), day(2026, 8, 31),
                             faculty=w.faculty, by=w.other_dean)


# --- Debtors ------------------------------------------------------------------------------

def test_debtors(session_world):
    """Open debts: Fedorov (physics, F: not admitted) and Yesenov (calculus, F: not
    admitted); FX results wait for their resit and are no debt yet. 2 debtors, 2 debts,
    5 + 5 credits."""
    w = session_world
    report = selectors.debtors(faculty=w.faculty, by=w.dean)
    assert [(r.student.last_name_en, r.discipline.code, r.letter, r.credits)
            for r in report.rows] == [("Fedorov", "PHY1102", "F", 5),
                                      ("Yesenov", "MAT1101", "F", 5)]
    assert (report.debtors, report.debts, report.credits) == (2, 2, 10)
    assert selectors.debtors(faculty=w.other_faculty, by=w.registrar).rows == []
    other_term = selectors.debtors(period=factories_period(w), by=w.registrar)
    assert other_term.rows == [] and other_term.credits == 0
    with pytest.raises(PermissionDenied):
        selectors.debtors(faculty=w.faculty, by=w.other_dean)


def factories_period(w):
    from registrar.institution.models import AcademicPeriod, PeriodKind

    return AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.SPRING,
                                         starts_on=day(2027, 1, 12), ends_on=day(2027, 5, 31))


# --- Honours candidates -------------------------------------------------------------------

def test_honours_candidates(session_world):
    """Programme P lasts one year, so its six students are in their final year. Only Aliev
    (A, A-; GPA 3.835) has GPA ≥ 3.50, no grade below B- and no retake (§11); with no final
    attestation yet he awaits it. Gani (A) is in year 1 of 4: not a final-year student."""
    w = session_world
    report = selectors.honours_candidates(day(2027, 1, 5), faculty=w.faculty, by=w.registrar)
    assert report.final_year_students == 6
    assert [r.student.last_name_en for r in report.rows] == ["Aliev"]
    (aliev,) = report.rows
    assert aliev.cumulative_gpa == D("3.8350") and aliev.credits_earned == 10
    assert aliev.awaiting_final_attestation
    assert aliev.verdict.codes == (honours_rule.NO_FINAL_ATTESTATION,)


def test_honours_with_final_attestation(session_world):
    """A thesis graded A (95 95 95) for Aliev and B (80 80 80) for Bekova: Aliev meets every
    condition; Bekova still has a C+ in physics and stays out."""
    w = session_world
    thesis = discipline("THE1199", w.department, en="Thesis", ru="Диплом", kk="Диплом")
    thesis.assessment_form = AssessmentForm.THESIS
    thesis.save()
    aliev, bekova = w.p[0], w.p[1]
    grade(w, section(w, thesis, "THE1199-01", w.teacher, [aliev, bekova]), w.teacher,
          {aliev: (95, 95, 95), bekova: (80, 80, 80)})
    report = selectors.honours_candidates(day(2027, 1, 5), faculty=w.faculty, by=w.registrar)
    assert [r.student.last_name_en for r in report.rows] == ["Aliev"]
    assert report.rows[0].verdict.eligible and report.rows[0].final_attestation == ["A"]
    with pytest.raises(PermissionDenied):
        selectors.honours_candidates(day(2027, 1, 5), by=w.dean)


# --- Grade distribution -------------------------------------------------------------------

LETTERS = ["A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "FX", "F"]


def test_grade_distribution_per_discipline(session_world):
    """Calculus: A (Aliev, Gani), A- (Fedorov), B+ (Bekova), C+ (Zhanar), C (Sadykov),
    FX (Dosova), F (Yesenov) → 8 results, 6 passed = 75.0 %; mean points
    (4 × 2 + 3.67 + 3.33 + 2.33 + 2 + 0.5 + 0) / 8 = 19.83 / 8 = 2.47875 → 2.48.
    Physics: A- (Aliev), B (Sadykov, Dosova), C+ (Bekova), FX (Yesenov), F (Fedorov) → 6,
    4 passed = 66.7 %."""
    w = session_world
    report = selectors.grade_distribution(w.autumn, by=w.registrar)
    assert [b.letter for b in report.bands] == LETTERS
    calculus, physics = report.rows
    assert calculus.key == w.calculus and physics.key == w.physics
    assert dict(zip(LETTERS, calculus.counts, strict=True)) == {
        "A": 2, "A-": 1, "B+": 1, "B": 0, "B-": 0, "C+": 1, "C": 1, "C-": 0, "D+": 0, "D": 0,
        "FX": 1, "F": 1}
    assert (calculus.total, calculus.passed, calculus.pass_rate) == (8, 6, D("75.0"))
    assert report.mean_points(calculus) == D("2.48")
    assert (physics.total, physics.pass_rate, physics.other) == (6, D("66.7"), 0)
    assert report.total.total == 14 and report.total.counts[LETTERS.index("F")] == 2


def test_grade_distribution_per_teacher(session_world):
    w = session_world
    report = selectors.grade_distribution(w.autumn, grouping="teacher", faculty=w.faculty,
                                          by=w.dean)
    assert {r.key: r.total for r in report.rows} == {w.teacher.staff: 8, w.teacher2.staff: 6}
    with pytest.raises(PermissionDenied):
        selectors.grade_distribution(w.autumn, faculty=w.faculty,
                                     by=factories.user(role=Role.TEACHER))


def test_absent_at_the_exam_then_present_at_the_resit_has_sat(session_world):
    """Yesenov missed the physics exam (FX, may resit) and sits the resit: 80 80 and 75 →
    0.6 × 80 + 0.4 × 75 = 78 → B-. He has now sat an exam, and fails the session with his
    calculus F. P: students 6, sat 6; excellent 1, good 1, satisfactory 1, failed 3
    (Dosova, Yesenov, Fedorov); absolute 3 / 6 = 50.0 %, quality 2 / 6 = 33.3 %."""
    from registrar.assessment import services
    from registrar.assessment.models import GradeEntry, GradeSheet

    w = session_world
    yesenov = w.p[4]
    assert GradeEntry.objects.get(sheet__section=w.phys_section, sheet__kind=SheetKind.EXAM,
                                  student=yesenov).absent
    resit_at = dt.datetime(2027, 1, 12, 10, tzinfo=ALMATY)
    sheet = services.open_resit(w.phys_section, by=w.registrar, exam_at=resit_at)
    after = resit_at + dt.timedelta(hours=5)
    services.enter_scores(sheet, [{"student_id": yesenov.pk, "score": "75"}],
                          by=w.teacher2, now=after)
    services.submit_sheet(GradeSheet.objects.get(pk=sheet.pk), by=w.teacher2, now=after)
    p = selectors.session_results(w.autumn, by=w.registrar).rows[0]
    assert figures(p.figures) == (6, 6, 6, 1, 1, 1, 3, D("50.0"), D("33.3"))


def test_results_of_a_student_without_orders_count_by_current_fields(session_world):
    """A student with a final result but no applied order (imported history) has no state on
    the day: they are placed by their current fields (Q, year 1). One more excellent student
    in Q: students 3, sat 3, excellent 2, good 1."""
    from registrar.assessment.models import FinalResult, GradeEntry, GradeSheet

    w = session_world
    newcomer = factories.student(w.programme_q, status="active", group=w.group_q,
                                 year_of_study=1)
    FinalResult.objects.create(
        section=w.calc_section, student=newcomer, r1=D(95), r2=D(95),
        admission_rating=D(95), admitted=True, exam=D(95), final_score=D(95), letter="A",
        points=D("4.00"), traditional="excellent", passed=True)
    GradeEntry.objects.create(sheet=GradeSheet.objects.get(section=w.calc_section,
                                                           kind=SheetKind.EXAM),
                              student=newcomer, score=D(95))
    report = selectors.session_results(w.autumn, faculty=w.faculty, by=w.registrar)
    q = report.rows[1]
    assert q.programme == w.programme_q
    assert figures(q.figures) == (3, 3, 3, 2, 1, 0, 0, D("100.0"), D("100.0"))
    assert report.total.students == 9
