"""Who may see, draft, approve and apply orders, and whose students they see (§1, §9).

The dean's office is scoped to a faculty: it signs orders of its own faculty only; the
registrar keeps the contingent and applies orders; students, teachers and advisors draft
none. A student sees only themselves, an advisor their advisees, a dean their faculty.
"""

from __future__ import annotations

import datetime as dt
import types

import pytest
from django.core.exceptions import PermissionDenied

from registrar.contingent import selectors
from registrar.contingent.choices import OrderType
from registrar.contingent.models import Order
from registrar.contingent.services import (
    OrderRefused,
    add_item,
    apply_order,
    approve_order,
    cancel_order,
    create_order,
)
from registrar.people.models import Role
from tests import factories

from .helpers import draft, enrol, snapshot, state_of

pytestmark = pytest.mark.django_db

D = dt.date
T = OrderType


@pytest.fixture
def two(reg):
    """Faculties A and B, each with a programme, a group, two studying students and a dean;
    and a draft expulsion order of each faculty (drafted by its dean)."""
    fac_a, fac_b = factories.faculty(), factories.faculty()
    prog_a, prog_b = factories.programme(fac_a), factories.programme(fac_b)
    grp_a, grp_b = factories.group(prog_a), factories.group(prog_b)
    a1, a2 = (enrol(factories.student(prog_a), grp_a, by=reg) for _ in range(2))
    b1, b2 = (enrol(factories.student(prog_b), grp_b, by=reg) for _ in range(2))
    dean_a, dean_b = factories.dean(fac_a), factories.dean(fac_b)
    order_a = draft(T.EXPULSION, [(a1, D(2026, 2, 1), dict(reason="own_wish"))], by=dean_a,
                    faculty=fac_a)
    order_b = draft(T.EXPULSION, [(b1, D(2026, 2, 1), dict(reason="own_wish"))], by=dean_b,
                    faculty=fac_b)
    return types.SimpleNamespace(reg=reg, fac_a=fac_a, fac_b=fac_b, prog_a=prog_a,
                                 prog_b=prog_b, a1=a1, a2=a2, b1=b1, b2=b2, dean_a=dean_a,
                                 dean_b=dean_b, order_a=order_a, order_b=order_b)


def test_dean_sees_only_orders_of_own_faculty(two):
    """§1: the dean's office is scoped to its faculty."""
    assert set(selectors.orders_visible_to(two.dean_a)) == {two.order_a}
    assert set(selectors.orders_visible_to(two.dean_b)) == {two.order_b}
    assert two.dean_a.has_perm("contingent.view_order", two.order_a)
    assert not two.dean_a.has_perm("contingent.view_order", two.order_b)
    assert two.dean_b.has_perm("contingent.view_order", two.order_b)


def test_registrar_sees_every_order_including_university_wide(two):
    """§1: the registrar keeps the whole contingent."""
    wide = create_order(by=two.reg, order_type=T.PROMOTION)
    visible = set(selectors.orders_visible_to(two.reg))
    assert {two.order_a, two.order_b, wide} <= visible
    assert visible == set(Order.objects.all())  # the enrolment orders of the fixture too
    assert two.reg.has_perm("contingent.view_order", two.order_b)
    assert not two.dean_a.has_perm("contingent.view_order", wide)
    assert wide not in set(selectors.orders_visible_to(two.dean_a))


@pytest.mark.parametrize("role", [Role.STUDENT, Role.TEACHER, Role.ADVISOR])
def test_other_roles_see_no_orders(two, role):
    """§1: orders are the registrar's and the deans' business."""
    account = factories.user(role=role)
    assert not selectors.orders_visible_to(account).exists()
    assert not account.has_perm("contingent.view_order", two.order_a)


def test_dean_cannot_approve_an_order_of_another_faculty(two):
    """§1/§9: a dean signs orders of their own faculty only; nothing changes when refused."""
    before = snapshot([two.b1], [two.order_b])
    with pytest.raises(PermissionDenied):
        approve_order(two.order_b, by=two.dean_a, signed_on=D(2026, 2, 1))
    assert snapshot([two.b1], [two.order_b]) == before
    assert Order.objects.get(pk=two.order_b.pk).state == "draft"


def test_dean_of_the_faculty_approves_and_only_the_registrar_applies(two):
    """§9: the dean signs; applying the order is the registrar's (a dean is refused)."""
    order = approve_order(two.order_b, by=two.dean_b, signed_on=D(2026, 2, 1))
    assert (order.state, order.number, order.approved_by) == ("approved", "1-EXP/2026",
                                                              two.dean_b)
    before = snapshot([two.b1], [order])
    with pytest.raises(PermissionDenied):
        apply_order(order, by=two.dean_b)
    with pytest.raises(PermissionDenied):
        apply_order(order, by=two.dean_a)
    assert snapshot([two.b1], [order]) == before
    apply_order(order, by=two.reg)
    assert state_of(two.b1)["status"] == "expelled"


def test_dean_cannot_add_items_to_an_order_of_another_faculty(two):
    """§1: a dean cannot touch another faculty's order, even with that faculty's student."""
    before = snapshot([two.b2], [two.order_b])
    with pytest.raises(PermissionDenied):
        add_item(two.order_b, by=two.dean_a, student=two.b2, effective_date=D(2026, 2, 1),
                 reason="own_wish")
    assert snapshot([two.b2], [two.order_b]) == before
    assert two.order_b.items.count() == 1


def test_dean_cannot_cancel_an_order_of_another_faculty(two):
    before = snapshot([], [two.order_b])
    with pytest.raises(PermissionDenied):
        cancel_order(two.order_b, by=two.dean_a, reason="Not mine")
    assert snapshot([], [two.order_b]) == before


def test_dean_cannot_add_a_student_of_another_faculty(two):
    """§9: a faculty order holds students of that faculty only."""
    before = snapshot([two.b2], [two.order_a])
    with pytest.raises(OrderRefused) as caught:
        add_item(two.order_a, by=two.dean_a, student=two.b2, effective_date=D(2026, 2, 1),
                 reason="own_wish")
    assert [(p.student, p.field) for p in caught.value.problems] == [(two.b2.full_name,
                                                                      "student")]
    assert snapshot([two.b2], [two.order_a]) == before


def test_dean_adds_a_student_of_own_faculty(two):
    add_item(two.order_a, by=two.dean_a, student=two.a2, effective_date=D(2026, 2, 1),
             reason="poor_results")
    assert sorted(two.order_a.items.values_list("student_id", flat=True)) == sorted(
        [two.a1.pk, two.a2.pk])


def test_dean_cannot_create_a_university_wide_order(two):
    """§9: university-wide orders (no faculty) are the registrar's."""
    count = Order.objects.count()
    with pytest.raises(PermissionDenied):
        create_order(by=two.dean_a, order_type=T.PROMOTION, faculty=None)
    assert Order.objects.count() == count
    assert create_order(by=two.reg, order_type=T.PROMOTION).faculty is None


def test_dean_cannot_create_an_order_for_another_faculty(two):
    count = Order.objects.count()
    with pytest.raises(PermissionDenied):
        create_order(by=two.dean_a, order_type=T.EXPULSION, faculty=two.fac_b)
    assert Order.objects.count() == count


def test_dean_cannot_approve_a_university_wide_order(two):
    wide = draft(T.EXPULSION, [(two.a2, D(2026, 2, 1), dict(reason="own_wish"))], by=two.reg)
    with pytest.raises(PermissionDenied):
        approve_order(wide, by=two.dean_a, signed_on=D(2026, 2, 1))
    assert Order.objects.get(pk=wide.pk).state == "draft"


@pytest.mark.parametrize("role", [Role.STUDENT, Role.TEACHER, Role.ADVISOR])
def test_students_teachers_and_advisors_cannot_create_orders(two, role):
    """§1: only the registrar and the dean's office draft orders."""
    account = factories.user(role=role)
    count = Order.objects.count()
    for faculty in (None, two.fac_a):
        with pytest.raises(PermissionDenied):
            create_order(by=account, order_type=T.EXPULSION, faculty=faculty)
    with pytest.raises(PermissionDenied):
        approve_order(two.order_a, by=account, signed_on=D(2026, 2, 1))
    with pytest.raises(PermissionDenied):
        add_item(two.order_a, by=account, student=two.a2, effective_date=D(2026, 2, 1),
                 reason="own_wish")
    assert Order.objects.count() == count


def test_a_student_account_cannot_create_orders(two):
    """§1: a student (linked to their record, no role assignment) drafts nothing."""
    account = factories.user()
    two.a2.user = account
    two.a2.save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        create_order(by=account, order_type=T.EXPULSION, faculty=two.fac_a)


# --- students visible to each role ---------------------------------------------------------------


def test_students_visible_to_each_role(two):
    """§1: a student sees only themselves, an advisor their advisees, a dean their faculty,
    the registrar everyone."""
    advisor = factories.user(role=Role.ADVISOR)
    two.a2.advisor = advisor.staff
    two.a2.save(update_fields=["advisor"])
    two.b2.advisor = advisor.staff
    two.b2.save(update_fields=["advisor"])
    account = factories.user()
    two.b1.user = account
    two.b1.save(update_fields=["user"])
    applicant = factories.student(two.prog_a)
    teacher = factories.user(role=Role.TEACHER)

    def visible(user):
        return set(selectors.students_visible_to(user).values_list("pk", flat=True))

    assert visible(two.dean_a) == {two.a1.pk, two.a2.pk, applicant.pk}
    assert visible(two.dean_b) == {two.b1.pk, two.b2.pk}
    assert visible(advisor) == {two.a2.pk, two.b2.pk}
    assert visible(account) == {two.b1.pk}
    assert visible(teacher) == set()
    assert visible(two.reg) == {two.a1.pk, two.a2.pk, two.b1.pk, two.b2.pk, applicant.pk}
    assert account.has_perm("people.view_student", two.b1)
    assert not account.has_perm("people.view_student", two.b2)
