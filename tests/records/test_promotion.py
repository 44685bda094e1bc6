"""Promotion to the next year (§7) through draft orders (§9).

"At the end of the academic year (after the summer semester) a student is promoted to the next
year if their year GPA reaches the transfer threshold for their year of study and study form
(defaults 1→2: 1.80, 2→3: 2.00, 3→4: 2.10 …). Otherwise they repeat the year (paid). A
state-grant student who repeats a year loses the grant. A student may be promoted with academic
debts" (§7). "An order is drafted, approved (signed), and only then applied" (§9).

The year GPA is the exact stored figure; a student whose GPA *displays* as the threshold but is
below it repeats the year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from registrar.contingent.choices import OrderState, OrderType
from registrar.contingent.models import Order
from registrar.contingent.services import (
    OrderRefused,
    add_item,
    apply_order,
    approve_order,
    cancel_order,
    create_order,
)
from registrar.people.models import Student
from registrar.policy.models import AcademicPolicy
from registrar.records import promotion
from registrar.records.models import AcademicDebt
from registrar.records.promotion import FINAL_YEAR, PROMOTE, REPEAT, PromotionRefused
from tests import factories

from .builders import enrol, exact, grade

pytestmark = pytest.mark.django_db

D = dt.date
EFFECTIVE = D(2026, 8, 25)  # after the summer semester (ends 2026-07-25)


def two_terms(w, student, autumn: tuple[str, int], spring: tuple[str, int]) -> None:
    grade(w, student, w.autumn, *autumn)
    grade(w, student, w.spring, *spring)


@pytest.fixture
def cohort(world):
    """Students just below / at / above the default thresholds, autumn + spring:
    year 1 (1.80): C+ 3 + D 2 = 8.99/5 = 1.7980 (shows 1.80); B 2 + D 3 = 9/5 = 1.8000;
                   B 2 + D+ 5 = 12.65/7 = 1.8071 (1.81).
    year 2 (2.00): B+ 1 + D+ 2 = 5.99/3 = 1.9967 (shows 2.00), a state-grant student;
                   B 1 + D 1 = 2.0000; C+ 1 + C 5 = 12.33/6 = 2.0550 (2.06).
    year 3 (2.10): C 6 + B- 1 = 14.67/7 = 2.0957 (shows 2.10); B 7 + F 3 = 21/10 = 2.1000
                   with one open debt; C+ 1 + C 2 = 6.33/3 = 2.1100.
    year 4 of 4: A 5 — the final year, left to graduation.
    Another faculty: one first-year student, A 5 = 4.0000."""
    w = world
    c = SimpleNamespace()
    c.y1_below, c.y1_at, c.y1_above = enrol(w, 3, year_of_study=1)
    c.y2_below, = enrol(w, year_of_study=2, funding="state_grant")
    c.y2_at, c.y2_above = enrol(w, 2, year_of_study=2, funding="state_grant")
    c.y3_below, c.y3_at, c.y3_above = enrol(w, 3, year_of_study=3)
    c.y4, = enrol(w, year_of_study=4, funding="state_grant")
    c.other, = enrol(w, programme=w.other_programme)
    two_terms(w, c.y1_below, ("C+", 3), ("D", 2))
    two_terms(w, c.y1_at, ("B", 2), ("D", 3))
    two_terms(w, c.y1_above, ("B", 2), ("D+", 5))
    two_terms(w, c.y2_below, ("B+", 1), ("D+", 2))
    two_terms(w, c.y2_at, ("B", 1), ("D", 1))
    two_terms(w, c.y2_above, ("C+", 1), ("C", 5))
    two_terms(w, c.y3_below, ("C", 6), ("B-", 1))
    two_terms(w, c.y3_at, ("B", 7), ("F", 3))
    two_terms(w, c.y3_above, ("C+", 1), ("C", 2))
    grade(w, c.y4, w.autumn, "A", 5)
    grade(w, c.other, w.autumn, "A", 5)
    return c


def test_preview_against_the_thresholds(world, cohort):
    """§7: exact year GPA against 1.80 / 2.00 / 2.10; below repeats even when it displays as the
    threshold; at or above is promoted (with debts allowed); the state-grant repeater loses the
    grant; the final year is not promoted (graduation is separate)."""
    c = cohort
    rows = {r.student: r for r in promotion.preview(2025, world.faculty, by=world.registrar)}
    expected = [
        (c.y1_below, 1, "1.7980", "1.80", "1.80", REPEAT, 0, False),
        (c.y1_at, 1, "1.8000", "1.80", "1.80", PROMOTE, 0, False),
        (c.y1_above, 1, "1.8071", "1.81", "1.80", PROMOTE, 0, False),
        (c.y2_below, 2, "1.9967", "2.00", "2.00", REPEAT, 0, True),
        (c.y2_at, 2, "2.0000", "2.00", "2.00", PROMOTE, 0, False),
        (c.y2_above, 2, "2.0550", "2.06", "2.00", PROMOTE, 0, False),
        (c.y3_below, 3, "2.0957", "2.10", "2.10", REPEAT, 0, False),
        (c.y3_at, 3, "2.1000", "2.10", "2.10", PROMOTE, 1, False),
        (c.y3_above, 3, "2.1100", "2.11", "2.10", PROMOTE, 0, False),
    ]
    for student, year, gpa, shown, threshold, decision, debts, loses in expected:
        row = rows[student]
        assert (row.year_of_study, row.year_gpa, row.year_gpa_display, row.threshold,
                row.decision, row.open_debts, row.loses_grant) == (
            year, exact(gpa), Decimal(shown), Decimal(threshold), decision, debts, loses
        ), student
    assert rows[c.y3_at].with_debts
    assert rows[c.y4].decision == FINAL_YEAR and rows[c.y4].threshold is None
    assert rows[c.y1_at].study_form == "full_time"
    assert c.other not in rows  # another faculty
    assert len(promotion.preview(2025, by=world.registrar)) == 11


def test_study_form_threshold_comes_from_the_policy_of_the_year(world):
    """§7 thresholds are "set yearly by the Academic Council" per year and study form: with a
    2025 policy of 2.20 for part-time first years, a part-time student at C 5 = 2.0000 repeats
    while a full-time one at the same GPA (threshold 1.80) is promoted."""
    AcademicPolicy.objects.create(start_year=2025, document={"promotion_thresholds": {
        "1": {"full_time": "1.80", "part_time": "2.20"}, "2": {"full_time": "2.00"},
        "3": {"full_time": "2.10"}}})
    part_time = factories.programme(world.faculty, study_form="part_time")
    (evening,) = enrol(world, programme=part_time)
    (day,) = enrol(world)
    grade(world, evening, world.autumn, "C", 5)
    grade(world, day, world.autumn, "C", 5)
    rows = {r.student: r for r in promotion.preview(2025, world.faculty, by=world.registrar)}
    assert (rows[evening].study_form, rows[evening].threshold, rows[evening].decision) == (
        "part_time", Decimal("2.20"), REPEAT)
    assert (rows[day].threshold, rows[day].decision) == (Decimal("1.80"), PROMOTE)


def test_preview_permissions(world, cohort):
    """§1: a dean previews their own faculty only; running is the registrar's."""
    assert len(promotion.preview(2025, world.faculty, by=world.dean)) == 10
    with pytest.raises(PermissionDenied):
        promotion.preview(2025, world.other_faculty, by=world.dean)
    with pytest.raises(PermissionDenied):
        promotion.preview(2025, by=world.dean)
    with pytest.raises(PermissionDenied):
        promotion.run(2025, by=world.dean, effective_date=EFFECTIVE)
    assert not Order.objects.filter(order_type=OrderType.PROMOTION).exists()


def items(order):
    return {i.student: i for i in order.items.select_related("student")}


def test_run_drafts_one_promotion_and_one_repeat_order_per_faculty(world, cohort):
    """§7/§9: the run drafts, per faculty, a promotion order with every promoted student and a
    repeat-year order with every repeater (no empty order: the other faculty has no repeater);
    the final-year student is in neither. The repeat order says the state grant is lost."""
    c = cohort
    orders = promotion.run(2025, by=world.registrar, effective_date=EFFECTIVE)
    assert all(o.state == OrderState.DRAFT for o in orders)
    kinds = {(o.faculty, o.order_type): o for o in orders}
    assert set(kinds) == {(world.faculty, OrderType.PROMOTION),
                          (world.faculty, OrderType.REPEAT_YEAR),
                          (world.other_faculty, OrderType.PROMOTION)}
    promoted = kinds[(world.faculty, OrderType.PROMOTION)]
    repeat = kinds[(world.faculty, OrderType.REPEAT_YEAR)]
    assert set(items(promoted)) == {c.y1_at, c.y1_above, c.y2_at, c.y2_above, c.y3_at,
                                    c.y3_above}
    assert set(items(repeat)) == {c.y1_below, c.y2_below, c.y3_below}
    assert set(items(kinds[(world.other_faculty, OrderType.PROMOTION)])) == {c.other}
    assert all(i.effective_date == EFFECTIVE for o in orders for i in o.items.all())
    assert "2025-2026" in promoted.title
    assert "lose the state grant" in repeat.title and "loses the state grant" in repeat.basis
    assert "state grant is lost" in items(repeat)[c.y2_below].basis
    # Displayed figures, except where the rounded one would read as the threshold itself.
    assert items(repeat)[c.y2_below].basis.startswith("year GPA 1.9967 below the threshold 2.00")
    assert items(promoted)[c.y1_above].basis == "year GPA 1.81, threshold 1.80"
    assert "state grant" not in items(repeat)[c.y1_below].basis  # a paid student
    assert "promoted with 1 academic debt" in items(promoted)[c.y3_at].basis
    # Nothing changed yet: drafts only.
    assert Student.objects.get(pk=c.y1_at.pk).year_of_study == 1


def test_second_run_is_refused_until_the_drafts_are_cancelled(world, cohort):
    """§9: the drafts wait for the registrar; running again for the same year is refused while
    they exist (and after they are signed); cancelled drafts allow a new run."""
    orders = promotion.run(2025, by=world.registrar, effective_date=EFFECTIVE)
    count = Order.objects.count()
    with pytest.raises(PromotionRefused) as refused:
        promotion.run(2025, by=world.registrar, effective_date=EFFECTIVE)
    assert refused.value.field == "start_year" and "already exist" in refused.value.message
    assert Order.objects.count() == count

    for order in orders:
        cancel_order(order, by=world.registrar, reason="figures re-checked")
    again = promotion.run(2025, by=world.registrar, effective_date=EFFECTIVE)
    assert len(again) == 3
    approve_order(again[0], by=world.registrar, signed_on=EFFECTIVE)
    for order in again[1:]:
        cancel_order(order, by=world.registrar, reason="test")
    with pytest.raises(PromotionRefused) as refused:
        promotion.run(2025, by=world.registrar, effective_date=EFFECTIVE)
    assert "already signed" in refused.value.message


def test_applying_the_orders_promotes_and_a_state_grant_repeater_becomes_paid(world, cohort):
    """§7: applying the repeat-year order keeps the year of study and turns the state-grant
    repeater's funding into paid; the promotion order moves the promoted to the next year."""
    c = cohort
    orders = promotion.run(2025, by=world.registrar, effective_date=EFFECTIVE)
    for order in orders:
        apply_order(approve_order(order, by=world.registrar, signed_on=EFFECTIVE),
                    by=world.registrar)

    def state(s):
        return Student.objects.values_list("year_of_study", "funding").get(pk=s.pk)
    assert state(c.y2_below) == (2, "paid")
    assert state(c.y2_at) == (3, "state_grant")
    assert state(c.y1_below) == (1, "paid")
    assert state(c.y3_at) == (4, "paid")
    assert state(c.y4) == (4, "state_grant")
    assert AcademicDebt.objects.filter(student=c.y3_at, state="open").count() == 1


def test_effective_date_must_follow_the_summer_semester(world, cohort):
    """§7: the decision is taken after the summer semester (ends 2026-07-25)."""
    with pytest.raises(PromotionRefused) as refused:
        promotion.run(2025, by=world.registrar, effective_date=D(2026, 7, 25))
    assert refused.value.field == "effective_date" and "2026-07-25" in refused.value.message
    with pytest.raises(PromotionRefused) as refused:
        promotion.run(2030, by=world.registrar, effective_date=D(2031, 9, 1))
    assert refused.value.field == "start_year"


def test_run_is_all_or_nothing(world, cohort):
    """§9: a student who cannot be put in an order (here: a status change after the effective
    date) refuses the whole run, naming the student; nothing is drafted."""
    c = cohort
    before = Order.objects.count()
    order = create_order(by=world.registrar, order_type=OrderType.INTERNAL_TRANSFER,
                         faculty=world.faculty)
    add_item(order, by=world.registrar, student=c.y1_at, effective_date=D(2026, 8, 30),
             to_group=factories.group(world.programme, intake_year=2025),
             override_reason="by the rector's decision")
    apply_order(approve_order(order, by=world.registrar, signed_on=D(2026, 8, 30)),
                by=world.registrar)
    with pytest.raises(OrderRefused) as refused:
        promotion.run(2025, by=world.registrar, effective_date=EFFECTIVE)
    assert [p.field for p in refused.value.problems] == ["effective_date"]
    assert Order.objects.count() == before + 1
    assert promotion.drafted_orders(2025) == []
