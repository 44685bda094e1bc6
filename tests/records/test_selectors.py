"""Debtors list and academic rating (§7, §12).

"Academic rating within a group/programme/year is the ranking by GPA (for scholarships, vacant
grants, honours)" (§7). Ranked by the exact stored GPA; equal figures share a rank (1, 1, 3).
"A student may be promoted with academic debts (failed disciplines) and clears them later for a
fee" (§7): the debtors list shows each open debt with its credits and the term it was failed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from registrar.records.selectors import RecordsRefused, academic_rating, debts_list, rank
from tests import factories

from .builders import discipline, enrol, exact, grade, grades

pytestmark = pytest.mark.django_db


# --- Debtors ------------------------------------------------------------------------------

def test_debts_list_shows_open_debts_with_credits_and_term(world):
    """§7: an F opens a debt; its credits and the term failed are listed; a cleared debt is
    not; the list can be narrowed to a faculty or a programme."""
    a, b = enrol(world, 2)
    (elsewhere,) = enrol(world, programme=world.other_programme)
    physics = discipline(6, "PHY1001")
    grade(world, a, world.autumn, "F", subject=physics)
    history = discipline(3, "HIS1002")
    grade(world, a, world.spring, "F", subject=history)
    grade(world, a, world.summer, "B", subject=history)  # cleared in the summer
    grade(world, b, world.spring, "F", 4)
    grade(world, elsewhere, world.autumn, "F", 5)

    rows = debts_list(world.faculty, by=world.registrar)
    assert [(r.student, r.discipline.code, r.credits, r.term, r.letter) for r in rows
            if r.student == a] == [(a, "PHY1001", 6, world.autumn, "F")]
    assert {r.student for r in rows} == {a, b}
    assert {r.student for r in debts_list(by=world.registrar)} == {a, b, elsewhere}
    assert [r.student for r in debts_list(programme=world.other_programme,
                                          by=world.registrar)] == [elsewhere]


def test_debts_list_is_scoped_to_the_deans_faculty(world):
    """§1: a dean sees the lists of their own faculty only; the whole university is the
    registrar's."""
    assert debts_list(world.faculty, by=world.dean) == []
    with pytest.raises(PermissionDenied):
        debts_list(world.other_faculty, by=world.dean)
    with pytest.raises(PermissionDenied):
        debts_list(by=world.dean)
    with pytest.raises(PermissionDenied):
        debts_list(programme=world.other_programme, by=world.dean)
    with pytest.raises(RecordsRefused) as refused:
        debts_list(world.faculty, world.other_programme, by=world.registrar)
    assert refused.value.field == "programme"


# --- Rating -------------------------------------------------------------------------------

def test_rank_ties_share_a_rank_and_the_next_skips():
    """Competition ranking: 3.50, 3.50, 3.4975, 2.00, none → 1, 1, 3, 4, unranked."""
    values = [("c", exact("3.4975")), ("none", None), ("a", exact("3.5000")),
              ("d", exact("2.0000")), ("b", exact("3.5000"))]
    assert [(r, item) for r, item, _v in rank(values)] == [
        (1, "a"), (1, "b"), (3, "c"), (4, "d"), (None, "none")]


@pytest.fixture
def rated_group(world):
    """A group of five: A- 1 cr + B+ 1 cr = 7.00/2 = 3.5000; A 1 cr + B 1 cr = 7/2 = 3.5000;
    A 1 cr + B+ 3 cr = (4 + 9.99)/4 = 13.99/4 = 3.4975 (displayed 3.50 too); C 5 cr = 2.0000;
    one without grades."""
    students = enrol(world, 5)
    grades(world, students[0], world.autumn, ("A-", 1), ("B+", 1))
    grades(world, students[1], world.autumn, ("A", 1), ("B", 1))
    grades(world, students[2], world.autumn, ("A", 1), ("B+", 3))
    grades(world, students[3], world.autumn, ("C", 5))
    return students


def test_group_rating_ranks_by_exact_gpa_with_ties(world, rated_group):
    """§7: ties by the exact stored GPA share a rank (1, 1, 3); 3.4975 shows as 3.50 but ranks
    below the two exact 3.50; a student without graded credits is listed last, unranked."""
    s = rated_group
    rows = academic_rating("group", s[0].group, 2025, by=world.registrar)
    assert [(r.rank, r.student, r.gpa, r.display) for r in rows] == [
        (1, s[0], exact("3.5000"), Decimal("3.50")),
        (1, s[1], exact("3.5000"), Decimal("3.50")),
        (3, s[2], exact("3.4975"), Decimal("3.50")),
        (4, s[3], exact("2.0000"), Decimal("2.00")),
        (None, s[4], None, None),
    ]
    assert [r.credits_earned for r in rows] == [2, 2, 4, 5, 0]


def test_year_rating_uses_the_year_gpa_cumulative_rating_the_whole_record(world, rated_group):
    """§7: in 2026-2027 the 2.00 student gets A 5 cr (year 4.0000, cumulative (10 + 20)/10 =
    3.0000); the first gets F 2 cr (year 0.0000, cumulative 7/4 = 1.7500). By the 2026-2027
    year GPA the A student is first and the F student second, the others have no grades that
    year; cumulatively 3.5000, 3.4975, 3.0000, 1.7500."""
    s = rated_group
    grade(world, s[3], world.next_autumn, "A", 5)
    grade(world, s[0], world.next_autumn, "F", 2)
    by_year = academic_rating("group", s[0].group, 2026, basis="year", by=world.registrar)
    assert [(r.rank, r.student, r.gpa) for r in by_year] == [
        (1, s[3], exact("4.0000")), (2, s[0], exact("0.0000")),
        (None, s[1], None), (None, s[2], None), (None, s[4], None)]
    cumulative = academic_rating("group", s[0].group, 2026, by=world.registrar)
    assert [(r.rank, r.student, r.gpa) for r in cumulative] == [
        (1, s[1], exact("3.5000")), (2, s[2], exact("3.4975")), (3, s[3], exact("3.0000")),
        (4, s[0], exact("1.7500")), (None, s[4], None)]
    # As of 2025-2026 the later grades do not count.
    assert [r.rank for r in academic_rating("group", s[0].group, 2025, by=world.registrar)] == [
        1, 1, 3, 4, None]


def test_programme_and_year_of_study_ratings(world, rated_group):
    """§7: the programme rating takes every group of the programme; the year-of-study rating
    every programme, or one programme or faculty; students of another year are not in it."""
    (second_year,) = enrol(world, year_of_study=2)
    grades(world, second_year, world.autumn, ("A", 5))  # 4.0000
    (other,) = enrol(world, programme=world.other_programme)
    grades(world, other, world.autumn, ("A-", 5))  # 3.6700
    programme_rows = academic_rating("programme", world.programme, 2025, by=world.registrar)
    assert [r.student for r in programme_rows][:2] == [second_year, rated_group[0]]
    assert other not in [r.student for r in programme_rows]

    first_years = academic_rating("year", 1, 2025, by=world.registrar)
    assert [(r.rank, r.student) for r in first_years][:3] == [
        (1, other), (2, rated_group[0]), (2, rated_group[1])]
    assert second_year not in [r.student for r in first_years]
    faculty_first_years = academic_rating("year", 1, 2025, faculty=world.faculty, by=world.dean)
    assert other not in [r.student for r in faculty_first_years]
    assert len(faculty_first_years) == 5


def test_rating_permissions_and_bad_arguments(world, rated_group):
    """§1: the dean rates their own faculty's groups, programmes and years only."""
    group = rated_group[0].group
    assert len(academic_rating("group", group, 2025, by=world.dean)) == 5
    with pytest.raises(PermissionDenied):
        academic_rating("group", group, 2025, by=world.other_dean)
    with pytest.raises(PermissionDenied):
        academic_rating("year", 1, 2025, by=world.dean)  # the whole university
    student_user = factories.user()
    with pytest.raises(PermissionDenied):
        academic_rating("programme", world.programme, 2025, by=student_user)
    for scope, key, field in [("class", group, "scope"), ("group", world.programme, "key"),
                              ("year", 0, "key")]:
        with pytest.raises(RecordsRefused) as refused:
            academic_rating(scope, key, 2025, by=world.registrar)  # type: ignore[arg-type]
        assert refused.value.field == field
    with pytest.raises(RecordsRefused) as refused:
        academic_rating("group", group, 2025, basis="term",  # type: ignore[arg-type]
                        by=world.registrar)
    assert refused.value.field == "basis"
