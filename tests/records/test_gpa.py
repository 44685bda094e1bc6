"""GPA snapshots (§7): per term, per academic year (summer semester included) and cumulative.

"GPA = Σ(points × credits) / Σ(credits) over graded attempts in the period; shown per semester,
per academic year (summer semester included) and cumulative; rounded half-up to 2 decimals for
display, computed from exact values. Failed attempts count with 0 points in the period they
were taken; once a discipline is passed its credits are earned." (§7) Expected figures are
worked out by hand in each docstring; stored values carry 4 decimals.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from registrar.policy.gpa import display
from registrar.records import gpa, selectors
from registrar.records import services as records
from registrar.records.models import AcademicDebt, Attempt, AttemptKind, GpaSnapshot

from .builders import discipline, enrol, exact, grade, grades

pytestmark = pytest.mark.django_db


def figures(student):
    """(term, year, cumulative, credits earned) per term, in term order."""
    return [
        (s.period.kind, s.term_gpa, s.year_gpa, s.cumulative_gpa, s.credits_earned)
        for s in GpaSnapshot.objects.filter(student=student).select_related("period")
        .order_by("period__starts_on")
    ]


def test_seed_example_displays_3_87(world):
    """§7 seed example: 3.67×2 + 4.00×3 = 19.34; 19.34 / 5 = 3.868, displayed 3.87."""
    (student,) = enrol(world)
    grades(world, student, world.autumn, ("A-", 2), ("A", 3))
    snapshot = GpaSnapshot.objects.get(student=student)
    assert snapshot.term_gpa == exact("3.8680")
    assert display(snapshot.term_gpa) == Decimal("3.87")
    assert snapshot.term_credits == 5 and snapshot.credits_earned == 5


def test_term_year_and_cumulative_figures_with_a_summer_semester(world):
    """§7: autumn A- 2 cr + A 3 cr → term 19.34/5 = 3.8680 (3.87).
    Spring F 5 cr + B 5 cr → term 15/10 = 1.5000; the F counts with 0 points in the spring;
    year (19.34 + 15)/15 = 34.34/15 = 2.2893 (2.29); cumulative the same.
    Summer semester: the failed discipline re-studied, B+ 5 cr → term 3.3300; the year includes
    the summer: (34.34 + 16.65)/20 = 50.99/20 = 2.5495 (2.55); cumulative 2.5495.
    Next year's autumn C 5 cr → term and year 2.0000; cumulative (50.99 + 10)/25 = 60.99/25 =
    2.4396 (2.44). Credits earned: 5, 10 (the F earns none), 15, 20."""
    (student,) = enrol(world)
    grades(world, student, world.autumn, ("A-", 2), ("A", 3))
    failed = discipline(5)
    grade(world, student, world.spring, "F", subject=failed)
    grade(world, student, world.spring, "B", 5)
    grade(world, student, world.summer, "B+", subject=failed)
    grade(world, student, world.next_autumn, "C", 5)

    assert figures(student) == [
        ("autumn", exact("3.8680"), exact("3.8680"), exact("3.8680"), 5),
        ("spring", exact("1.5000"), exact("2.2893"), exact("2.2893"), 10),
        ("summer", exact("3.3300"), exact("2.5495"), exact("2.5495"), 15),
        ("autumn", exact("2.0000"), exact("2.0000"), exact("2.4396"), 20),
    ]
    assert [display(f[2]) for f in figures(student)] == [
        Decimal("3.87"), Decimal("2.29"), Decimal("2.55"), Decimal("2.00")]
    # The year GPA of 2025-2026 is carried by the snapshot of its last term, the summer.
    assert selectors.year_gpa(student, 2025) == exact("2.5495")
    assert selectors.year_gpa(student, 2026) == exact("2.0000")
    assert selectors.cumulative_gpa(student, 2025) == exact("2.5495")
    assert selectors.cumulative_gpa(student, 2026) == exact("2.4396")
    assert selectors.year_gpa(student, 2024) is None


def test_display_rounds_half_up(world):
    """§7 rounding: C+ 5 cr + D 5 cr = (11.65 + 5)/10 = 1.665 exactly; half-up shows 1.67
    (half-even would show 1.66)."""
    (student,) = enrol(world)
    grades(world, student, world.autumn, ("C+", 5), ("D", 5))
    snapshot = GpaSnapshot.objects.get(student=student)
    assert snapshot.term_gpa == exact("1.6650")
    assert display(snapshot.term_gpa) == Decimal("1.67")


def test_failed_attempts_count_with_zero_points_in_their_term(world):
    """§7: autumn F 4 cr + A 6 cr → (0 + 24)/10 = 2.4000, not 24/6 = 4.00; only the A earns
    credits (6); the F opens an academic debt."""
    (student,) = enrol(world)
    grades(world, student, world.autumn, ("F", 4), ("A", 6))
    snapshot = GpaSnapshot.objects.get(student=student)
    assert (snapshot.term_gpa, snapshot.term_credits, snapshot.credits_earned) == (
        exact("2.4000"), 10, 6)
    assert AcademicDebt.objects.filter(student=student, state="open").count() == 1


def test_fx_superseded_by_its_resit_does_not_count(world):
    """§6/§7: FX 5 cr (0.50) + A 5 cr → term (2.5 + 20)/10 = 2.2500. The resit gives C (2.00)
    and the FX is superseded: the term is (10 + 20)/10 = 3.0000 — not (2.5 + 10 + 20)/15 =
    2.1667; the FX stays in the history without counting."""
    (student,) = enrol(world)
    subject = discipline(5)
    fx = grade(world, student, world.autumn, "FX", subject=subject)
    grade(world, student, world.autumn, "A", 5)
    assert GpaSnapshot.objects.get(student=student).term_gpa == exact("2.2500")

    records.supersede(fx, by=world.registrar, reason="replaced by the exam resit")
    grade(world, student, world.autumn, "C", subject=subject, kind=AttemptKind.RESIT)
    snapshot = GpaSnapshot.objects.get(student=student)
    assert (snapshot.term_gpa, snapshot.term_credits, snapshot.credits_earned) == (
        exact("3.0000"), 10, 10)
    assert Attempt.objects.filter(student=student).count() == 3


def test_grade_change_recomputes_the_snapshot(world):
    """§6/§7: the seed term 3.87; the A- (3.67) is changed to B+ (3.33):
    (3.33×2 + 4.00×3)/5 = 18.66/5 = 3.7320 (3.73). A full recompute gives the same figure."""
    (student,) = enrol(world)
    changed, _a = grades(world, student, world.autumn, ("A-", 2), ("A", 3))
    grade(world, student, world.autumn, "B+", subject=changed.discipline, replaces=changed)
    assert GpaSnapshot.objects.get(student=student).term_gpa == exact("3.7320")
    assert gpa.recompute() == 1
    assert GpaSnapshot.objects.get(student=student).term_gpa == exact("3.7320")
