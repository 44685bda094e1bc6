"""The draft scholarship order of a round (§10 "The office prepares the scholarship orders and
the summary statements they rest on"; §9 orders are drafted, approved, then applied).

One SCHOLARSHIP_AWARD item per award of the list, with its kind and monthly amount, effective
from the date payment starts; the round is frozen while the order stands.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from registrar.contingent.choices import OrderState, OrderType
from registrar.contingent.models import Order
from registrar.contingent.services import (
    apply_order,
    approve_order,
    cancel_order,
)
from registrar.scholarships import services
from registrar.scholarships.models import RoundState
from registrar.scholarships.services import ScholarshipRefused

from .builders import PAYMENT, grade, leave, student

pytestmark = pytest.mark.django_db


def computed(w, faculty=None, by=None):
    r = services.create_round(by=by or w.registrar, period=w.autumn, faculty=faculty,
                              payment_starts_on=PAYMENT, months=5)
    return services.compute_round(r, by=by or w.registrar)


def test_draft_order_items_equal_the_list(world):
    """B → 42 000; A, A- (year 2) → 48 300; A (year 3) → 63 000: three items, same kinds and
    amounts, effective 1 February 2026."""
    a = student(world, "B")
    b = student(world, "A", "A-", year_of_study=2)
    c = student(world, "A", year_of_study=3)
    student(world, "C")  # not on the list
    r = computed(world)
    order = services.draft_order(r, by=world.registrar)
    assert (order.order_type, order.state, order.faculty) == (
        OrderType.SCHOLARSHIP_AWARD, OrderState.DRAFT, None)
    items = {(i.student_id, i.scholarship_kind, i.amount, i.effective_date)
             for i in order.items.all()}
    assert items == {(w.student_id, w.kind, w.monthly_amount, PAYMENT) for w in r.awards.all()}
    assert items == {(a.pk, "state", Decimal("42000"), PAYMENT),
                     (b.pk, "state_increased", Decimal("48300"), PAYMENT),
                     (c.pk, "presidential", Decimal("63000"), PAYMENT)}
    assert "all session grades" in order.items.get(student=a).basis
    r.refresh_from_db()
    assert (r.state, r.order) == (RoundState.ORDERED, order)


def test_faculty_round_drafts_a_faculty_order_the_dean_may_sign(world):
    student(world, "A")
    r = computed(world, world.faculty, by=world.dean)
    order = services.draft_order(r, by=world.dean)
    assert order.faculty == world.faculty
    order = approve_order(order, by=world.dean)
    assert order.number.startswith("1-SCH/")
    apply_order(order, by=world.registrar)


def test_ordered_round_is_frozen_until_its_order_is_cancelled(world):
    s = student(world, "A")
    r = computed(world)
    order = services.draft_order(r, by=world.registrar)
    with pytest.raises(ScholarshipRefused, match="frozen"):
        services.compute_round(r, by=world.registrar)
    with pytest.raises(ScholarshipRefused, match="frozen"):
        services.draft_order(r, by=world.registrar)
    cancel_order(order, by=world.registrar, reason="wrong payment date")
    grade(world, s, world.autumn, "B")
    r = services.compute_round(r, by=world.registrar)  # a draft again
    assert r.state == RoundState.DRAFT and r.order is None
    assert r.awards.get().kind == "state"
    second = services.draft_order(r, by=world.registrar)
    assert second.pk != order.pk and second.items.get().amount == Decimal("42000")


def test_deleted_draft_order_reopens_the_round(world):
    student(world, "A")
    r = computed(world)
    services.draft_order(r, by=world.registrar).delete()
    r.refresh_from_db()
    assert r.order is None
    services.compute_round(r, by=world.registrar)
    r.refresh_from_db()
    assert r.state == RoundState.DRAFT


def test_empty_or_uncomputed_list_is_not_ordered(world):
    r = services.create_round(by=world.registrar, period=world.autumn, faculty=None,
                              payment_starts_on=PAYMENT, months=5)
    with pytest.raises(ScholarshipRefused, match="Compute"):
        services.draft_order(r, by=world.registrar)
    services.compute_round(r, by=world.registrar)
    with pytest.raises(ScholarshipRefused, match="empty"):
        services.draft_order(r, by=world.registrar)
    assert not Order.objects.exists()


def test_student_on_medical_leave_is_listed_and_ordered(world):
    """§10: "none during leave (except medical)": a student on medical leave keeps the
    scholarship, so the drafted order carries an item for them as for a studying student."""
    active = student(world, "A")
    on_leave = leave(world, student(world, "B"), "medical")
    r = computed(world)
    assert r.awards.filter(student=on_leave).exists()
    order = services.draft_order(r, by=world.registrar)
    assert set(order.items.values_list("student", flat=True)) == {active.pk, on_leave.pk}

