"""A real crash (issue 10): the process applying a large order is killed with SIGKILL after it
has written every student, history row and audit event but before it commits. PostgreSQL rolls
the transaction back: the order is applied all or nothing — here nothing — and stays
applicable (its row locks died with the process)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from registrar.contingent.choices import OrderType
from registrar.contingent.models import Order, StatusChange
from registrar.contingent.services import apply_order, approve_order
from registrar.people.models import Student
from tests import factories
from tests.contingent.helpers import draft, snapshot

from .helpers import postgres_only, table_counts

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]
STUDENTS = 150


def _apply_and_hang(order_id: int, user_id: int, began: Any, report: Any) -> None:
    """In the child: apply the order, and hang inside its transaction once everything but the
    order's own state and audit event has been written (a hook on audit.record_many)."""
    from registrar.audit import services as audit

    write_events = audit.record_many

    def record_many_then_hang(events: Any) -> None:
        write_events(events)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM contingent_statuschange s JOIN "
                           "contingent_orderitem i ON i.id = s.order_item_id WHERE i.order_id = %s",
                           [order_id])
            written = cursor.fetchone()[0]
        report.put((backend, written))
        began.set()
        time.sleep(300)  # killed long before

    audit.record_many = record_many_then_hang
    apply_order(Order.objects.get(pk=order_id), by=get_user_model().objects.get(pk=user_id))


def _backend_state(pid: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", [pid])
        found = cursor.fetchone()
    return found[0] if found else None


def test_killing_the_process_while_it_applies_a_large_order_applies_nothing():
    reg = factories.registrar()
    prog = factories.programme()
    grp = factories.group(prog)
    students = [factories.student(prog) for _ in range(STUDENTS)]
    order = draft(OrderType.ENROLMENT, [(s, dt.date(2025, 9, 1),
                                         dict(to_group=grp, to_funding="state_grant"))
                                        for s in students], by=reg)
    order = approve_order(order, by=reg, signed_on=dt.date(2025, 8, 28))
    before, counts = snapshot(students, [order]), table_counts()

    connections.close_all()  # the child opens its own connection, never shares ours
    fork = multiprocessing.get_context("fork")
    began, report = fork.Event(), fork.Queue()
    child = fork.Process(target=_apply_and_hang, args=(order.pk, reg.pk, began, report))
    child.start()
    try:
        assert began.wait(120), "the child never reached the middle of applying"
        backend, written = report.get(timeout=10)
        # Mid-way: the child's transaction holds every history row; nobody else sees them.
        assert written == STUDENTS
        assert _backend_state(backend) == "idle in transaction"
        assert not StatusChange.objects.filter(order_item__order=order).exists()
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=30)
        assert child.exitcode == -signal.SIGKILL
    finally:
        if child.is_alive():
            child.kill()
            child.join()

    deadline = time.monotonic() + 30
    while _backend_state(backend) is not None and time.monotonic() < deadline:
        time.sleep(0.05)  # the server notices the closed socket and rolls back
    assert _backend_state(backend) is None

    # All or nothing: killed before the commit, nothing of the order is in the database.
    assert snapshot(students, [order]) == before
    assert table_counts() == counts
    assert Order.objects.get(pk=order.pk).state == "approved"
    assert set(Student.objects.filter(pk__in=[s.pk for s in students])
               .values_list("status", flat=True)) == {"applicant"}
    # No lock or half-state is left: the order applies now, to every student.
    apply_order(Order.objects.get(pk=order.pk), by=reg)
    assert StatusChange.objects.filter(order_item__order=order).count() == STUDENTS
    assert set(Student.objects.filter(pk__in=[s.pk for s in students])
               .values_list("status", flat=True)) == {"active"}
