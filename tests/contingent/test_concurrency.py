"""Orders under concurrent use (§9), on PostgreSQL only (SQLite serialises writers anyway).

An order is applied exactly once even when two registrar sessions press "apply" together,
and two orders signed at the same moment never share a number.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from registrar.contingent.choices import OrderType
from registrar.contingent.models import Order, StatusChange
from registrar.contingent.services import OrderRefused, apply_order, approve_order
from registrar.people.models import Student
from tests import factories

from .helpers import ENROLLED_ON, draft

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks need PostgreSQL (§9 concurrency)"),
]

D = dt.date
T = OrderType


def run_together(target, args_list):
    """Run `target(*args)` in one thread per args, started together; return results/errors."""
    barrier = threading.Barrier(len(args_list))
    results: list = [None] * len(args_list)

    def worker(index, args):
        try:
            barrier.wait(timeout=10)
            results[index] = target(*args)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def enrolled(reg, prog, group, n):
    students = [factories.student(prog) for _ in range(n)]
    order = draft(T.ENROLMENT, [(s, ENROLLED_ON, dict(to_group=group, to_funding="paid"))
                                for s in students], by=reg)
    apply_order(approve_order(order, by=reg, signed_on=D(2025, 8, 28)), by=reg)
    return students


def test_the_same_order_applied_twice_at_once_applies_once():
    """§9: two sessions apply the same approved order together: it is applied exactly once
    (one status change per item) and the other session is refused."""
    reg = factories.registrar()
    prog = factories.programme()
    students = enrolled(reg, prog, factories.group(prog), 3)
    order = draft(T.EXPULSION, [(s, D(2026, 2, 1), dict(reason="poor_results"))
                                for s in students], by=reg)
    order = approve_order(order, by=reg, signed_on=D(2026, 2, 1))
    User = get_user_model()

    def apply_as_registrar():
        return apply_order(Order.objects.get(pk=order.pk), by=User.objects.get(pk=reg.pk))

    results = run_together(apply_as_registrar, [(), ()])
    applied = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, OrderRefused)]
    assert (len(applied), len(refused)) == (1, 1), results
    assert Order.objects.get(pk=order.pk).state == "applied"
    assert StatusChange.objects.filter(order_item__order=order).count() == 3
    assert set(Student.objects.filter(pk__in=[s.pk for s in students])
               .values_list("status", flat=True)) == {"expelled"}


@pytest.mark.parametrize("counter_exists", [False, True], ids=["first-of-year", "later"])
def test_two_orders_signed_at_once_get_distinct_numbers(counter_exists):
    """§9: two drafts of the same type and year approved together get distinct numbers."""
    reg = factories.registrar()
    prog = factories.programme()
    a, b, c = enrolled(reg, prog, factories.group(prog), 3)
    expected = {1, 2}
    if counter_exists:
        first = draft(T.EXPULSION, [(c, D(2026, 2, 1), dict(reason="own_wish"))], by=reg)
        approve_order(first, by=reg, signed_on=D(2026, 1, 20))
        expected = {2, 3}
    orders = [draft(T.EXPULSION, [(s, D(2026, 2, 1), dict(reason="own_wish"))], by=reg)
              for s in (a, b)]
    User = get_user_model()

    def approve(pk):
        return approve_order(Order.objects.get(pk=pk), by=User.objects.get(pk=reg.pk),
                             signed_on=D(2026, 2, 1))

    results = run_together(approve, [(o.pk,) for o in orders])
    assert all(isinstance(r, Order) for r in results), results
    stored = Order.objects.filter(pk__in=[o.pk for o in orders])
    assert set(stored.values_list("sequence", flat=True)) == expected
    assert set(stored.values_list("number", flat=True)) == {f"{n}-EXP/2026" for n in expected}
