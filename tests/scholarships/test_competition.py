"""Vacant state grants by competition on GPA (§10 "ties: all A/A- first"), and the change of
funding order for the winners (§9 "change of funding (… vacant grant award …)").

Candidates: paid, studying students of the programme (and year), with a cumulative GPA and no
open academic debt. Order: higher GPA; equal GPA: all grades A/A- first; then fewer failed
attempts; then the name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from registrar.contingent.choices import OrderType
from registrar.contingent.services import apply_order, approve_order, cancel_order
from registrar.people.models import Student
from registrar.policy import scholarships as rules
from registrar.scholarships import services
from registrar.scholarships.models import RoundState
from registrar.scholarships.services import ScholarshipRefused

from .builders import enrol, grade

pytestmark = pytest.mark.django_db

EFFECTIVE = dt.date(2026, 2, 1)


def paid(w, name: str, *letters: str, **kw) -> Student:
    s, = enrol(w, funding="paid", last_name_ru=name, **kw)
    for letter in letters:
        grade(w, s, w.autumn, letter)
    return s


def competition(w, grants=2, by=None, **kw):
    return services.create_competition(by=by or w.registrar, period=w.autumn,
                                       programme=w.programme, grants=grants, **kw)


def test_tie_rule_all_excellent_first_then_retakes_then_name(world):
    """GPA with 5-credit disciplines:
    Ахметов  A, B+         → (4.00 + 3.33) / 2 = 3.665
    Бекова   A-, A-        → 3.67  (all A/A-)
    Жумабаев A, B, A-      → (4.00 + 3.00 + 3.67) / 3 = 3.5567
    Ержанова A, B+         → 3.665 (same GPA as Ахметов; name decides)
    Гани     A-, A-, FX, A → (3.67·2 + 0.50 + 4.00) / 4 = 2.96, one failed attempt
    A 3.67 with all A/A- beats 3.665; 3.665 tie between Ахметов and Ержанова → by name.
    Two grants: Бекова (1), Ахметов (2)."""
    w = world
    akhmetov = paid(w, "Ахметов", "A", "B+")
    bekova = paid(w, "Бекова", "A-", "A-")
    zhumabaev = paid(w, "Жумабаев", "A", "B", "A-")
    yerzhanova = paid(w, "Ержанова", "A", "B+")
    gani = paid(w, "Гани", "A-", "A-", "FX", "A")
    c = services.rank(competition(w), by=w.registrar)
    entries = list(c.entries.order_by("position"))
    assert [e.student_id for e in entries] == [bekova.pk, akhmetov.pk, yerzhanova.pk,
                                               zhumabaev.pk, gani.pk]
    assert [e.awarded for e in entries] == [True, True, False, False, False]
    assert entries[0].gpa == Decimal("3.6700") and entries[0].all_excellent
    assert [e.decided_by for e in entries] == [rules.FIRST, rules.BY_GPA, rules.BY_NAME,
                                               rules.BY_GPA, rules.BY_GPA]
    assert entries[4].retakes == 1 and not entries[4].all_excellent


def test_equal_gpa_all_excellent_first(world):
    """An exact tie on GPA 3.67: Абаев A (34 credits) + B+ (33 credits) = (136.00 + 109.89) / 67
    = 245.89 / 67 = 3.67; Яковлева A- (5 credits) = 3.67, all A/A-. Яковлева comes first
    although Абаев comes first by name; the place is decided by "all A/A-"."""
    w = world
    mixed, = enrol(w, funding="paid", last_name_ru="Абаев")
    grade(w, mixed, w.autumn, "A", credits=34)
    grade(w, mixed, w.autumn, "B+", credits=33)
    excellent, = enrol(w, funding="paid", last_name_ru="Яковлева")
    grade(w, excellent, w.autumn, "A-", credits=5)
    c = services.rank(competition(w, grants=1), by=w.registrar)
    entries = list(c.entries.order_by("position"))
    assert [(e.student_id, e.gpa, e.awarded) for e in entries] == [
        (excellent.pk, Decimal("3.6700"), True), (mixed.pk, Decimal("3.6700"), False)]
    assert entries[1].decided_by == rules.BY_EXCELLENT


def test_only_paid_studying_students_without_debts_compete(world):
    w = world
    candidate = paid(w, "Асанов", "B")
    enrol(w, funding="state_grant")  # already on a grant
    with_debt = paid(w, "Берик", "A", "F")
    no_gpa, = enrol(w, funding="paid")
    other_year = paid(w, "Вадим", "A", year_of_study=2)
    other_programme = paid(w, "Галым", "A", programme=w.other_programme)
    c = services.rank(competition(w, year_of_study=1), by=w.registrar)
    assert list(c.entries.values_list("student_id", flat=True)) == [candidate.pk]
    assert {with_debt.pk, no_gpa.pk, other_year.pk, other_programme.pk}.isdisjoint(
        c.entries.values_list("student_id", flat=True))


def test_winners_get_a_funding_change_order(world):
    w = world
    first = paid(w, "Алиев", "A")
    second = paid(w, "Болатова", "B")
    third = paid(w, "Волков", "C")
    c = services.rank(competition(w, grants=2), by=w.registrar)
    order = services.draft_competition_order(c, by=w.registrar, effective_date=EFFECTIVE)
    assert (order.order_type, order.faculty) == (OrderType.FUNDING_CHANGE, w.faculty)
    assert sorted(order.items.values_list("student_id", "to_funding")) == sorted(
        [(first.pk, "state_grant"), (second.pk, "state_grant")])
    assert "place 1, GPA 4.00" in order.items.get(student=first).basis
    c.refresh_from_db()
    assert c.state == RoundState.ORDERED
    with pytest.raises(ScholarshipRefused, match="frozen"):
        services.rank(c, by=w.registrar)
    apply_order(approve_order(order, by=w.registrar), by=w.registrar)
    first.refresh_from_db()
    third.refresh_from_db()
    assert (first.funding, third.funding) == ("state_grant", "paid")


def test_cancelled_order_reopens_the_competition(world):
    paid(world, "Алиев", "A")
    c = services.rank(competition(world, grants=1), by=world.registrar)
    order = services.draft_competition_order(c, by=world.registrar, effective_date=EFFECTIVE)
    cancel_order(order, by=world.registrar, reason="the number of grants changed")
    c = services.rank(c, by=world.registrar)
    assert c.state == RoundState.DRAFT and c.entries.count() == 1


def test_competition_is_checked_and_scoped(world):
    with pytest.raises(ScholarshipRefused, match="At least one"):
        competition(world, grants=0)
    with pytest.raises(ScholarshipRefused, match="between 1 and 4"):
        competition(world, year_of_study=5)
    c = competition(world, by=world.dean)
    with pytest.raises(ScholarshipRefused, match="already exists"):
        competition(world)
    with pytest.raises(PermissionDenied):
        services.rank(c, by=world.other_dean)
    with pytest.raises(PermissionDenied):
        services.create_competition(by=world.other_dean, period=world.spring,
                                    programme=world.programme, grants=1)
    with pytest.raises(ScholarshipRefused, match="Rank"):
        services.draft_competition_order(c, by=world.dean, effective_date=EFFECTIVE)
