"""Faults while approving and applying an order (issue 10, §9): a failure anywhere in the middle
leaves no partial state, and two sessions approving and applying the same order apply it once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from registrar.audit import services as audit_services
from registrar.audit.models import AuditEvent
from registrar.contingent import services as order_services
from registrar.contingent.choices import OrderType
from registrar.contingent.models import Order, OrderCounter, StatusChange
from registrar.contingent.services import OrderRefused, apply_order, approve_order
from registrar.people.models import Student
from tests import factories
from tests.contingent.helpers import draft, snapshot

from .helpers import Crash, crash_on_call, postgres_only, run_together, table_counts

# A failure injected in a service: the test's own transaction is enough to see what the
# service's transaction (a savepoint here) left behind. The concurrent tests commit for real.
pytestmark = pytest.mark.django_db
D = dt.date


def enrolment(n: int = 6):
    """A registrar and an approved enrolment order of `n` applicants, not yet applied."""
    reg = factories.registrar()
    prog = factories.programme()
    grp = factories.group(prog)
    students = [factories.student(prog) for _ in range(n)]
    order = draft(OrderType.ENROLMENT, [(s, D(2025, 9, 1), dict(to_group=grp, to_funding="paid"))
                                        for s in students], by=reg)
    return reg, students, order


# Where apply_order is made to fail: after the students, items and history are written (the
# per-student audit events), and at its very last write (the order's own audit event).
APPLY_CRASHES = [
    (audit_services, "record_many", 1),
    (audit_services, "record", 1),
    (StatusChange.objects, "bulk_create", 1),
    (order_services, "_snapshot", 4),  # in the loop over the items, at the fourth student
]


@pytest.mark.parametrize(("where", "name", "call"), APPLY_CRASHES,
                         ids=[f"{n}-{c}" for _w, n, c in APPLY_CRASHES])
def test_a_crash_while_applying_leaves_no_partial_state(monkeypatch, where, name, call):
    reg, students, order = enrolment()
    order = approve_order(order, by=reg, signed_on=D(2025, 8, 28))
    before, counts = snapshot(students, [order]), table_counts()
    crash_on_call(monkeypatch, where, name, call=call)

    with pytest.raises(Crash):
        apply_order(order, by=reg)

    assert snapshot(students, [order]) == before
    assert table_counts() == counts
    assert Order.objects.get(pk=order.pk).state == "approved"
    assert set(Student.objects.filter(pk__in=[s.pk for s in students])
               .values_list("status", flat=True)) == {"applicant"}
    # The failure left nothing behind (no half-written rows, no lock): the order still applies.
    monkeypatch.undo()
    apply_order(order, by=reg)
    assert StatusChange.objects.filter(order_item__order=order).count() == len(students)


@pytest.mark.parametrize(("name", "call"), [("record", 1), ("_next_number", 1)])
def test_a_crash_while_approving_leaves_the_draft_unnumbered(monkeypatch, name, call):
    reg, students, order = enrolment(3)
    before, counts = snapshot(students, [order]), table_counts()
    crash_on_call(monkeypatch, audit_services if name == "record" else order_services, name,
                  call=call)

    with pytest.raises(Crash):
        approve_order(order, by=reg, signed_on=D(2025, 8, 28))

    assert snapshot(students, [order]) == before
    assert table_counts() == counts
    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.number, stored.sequence) == ("draft", "", None)
    assert not OrderCounter.objects.exists()
    monkeypatch.undo()
    assert approve_order(order, by=reg, signed_on=D(2025, 8, 28)).number == "1-ENR/2025"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sessions_approving_and_applying_one_order_apply_it_once():
    """Two registrars press "approve", then "apply", on the same draft at the same moment: it is
    numbered once, applied once (one history row per student) and the other is refused."""
    reg, students, order = enrolment(5)
    events = AuditEvent.objects.count()
    User = get_user_model()

    def approve_and_apply() -> Order:
        by = User.objects.get(pk=reg.pk)
        approved = approve_order(Order.objects.get(pk=order.pk), by=by,
                                 signed_on=D(2025, 8, 28))
        return apply_order(approved, by=by)

    results = run_together(approve_and_apply, [(), ()])
    applied = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, OrderRefused)]
    assert (len(applied), len(refused)) == (1, 1), results
    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.number) == ("applied", "1-ENR/2025")
    assert list(OrderCounter.objects.values_list("last", flat=True)) == [1]
    assert StatusChange.objects.filter(order_item__order=order).count() == 5
    assert set(Student.objects.filter(pk__in=[s.pk for s in students])
               .values_list("status", flat=True)) == {"active"}
    new = AuditEvent.objects.order_by("pk")[events:]
    assert sorted(e.action for e in new if e.action.startswith("order.")) == [
        "order.applied", "order.approved"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sessions_applying_one_approved_order_apply_it_once():
    reg, students, order = enrolment(5)
    order = approve_order(order, by=reg, signed_on=D(2025, 8, 28))
    User = get_user_model()

    def apply() -> Order:
        return apply_order(Order.objects.get(pk=order.pk), by=User.objects.get(pk=reg.pk))

    results = run_together(apply, [(), (), ()])
    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert sum(isinstance(r, OrderRefused) for r in results) == 2, results
    assert StatusChange.objects.filter(order_item__order=order).count() == 5
    assert AuditEvent.objects.filter(action="order.applied").count() == 1
