"""On PostgreSQL: concurrent issuing takes different forms (row locks, SKIP LOCKED), one
graduate never gets two forms of a type even from two sessions at once, and the triggers keep
the books against raw SQL (§11)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from registrar.blanks import selectors, services
from registrar.blanks.models import BlankForm, FormState
from registrar.people.models import Student
from tests import factories

from .helpers import batch, graduate

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="row locks and triggers need PostgreSQL")


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


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_different_serials():
    reg = factories.registrar()
    batch(reg, first=1, last=20)
    students = [graduate() for _ in range(6)]
    User = get_user_model()

    def issue(student_id):
        with transaction.atomic():
            form = services.issue_form(form_type="BD", student=Student.objects.get(pk=student_id),
                                       by=User.objects.get(pk=reg.pk))
            # Hold the lock a moment, as printing a diploma in the same transaction would.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.2)")
            return form.serial

    serials = run_together(issue, [(s.pk,) for s in students])
    assert all(isinstance(s, str) for s in serials), serials
    assert len(set(serials)) == 6
    assert sorted(serials) == [f"BD {n:07d}" for n in range(1, 7)]
    assert BlankForm.objects.filter(state=FormState.ISSUED).count() == 6
    assert selectors.inventory().reconciles


@pytest.mark.django_db(transaction=True)
def test_one_graduate_issued_twice_at_once_gets_one_form():
    reg = factories.registrar()
    batch(reg, first=1, last=20)
    student = graduate()
    User = get_user_model()

    def issue():
        return services.issue_form(form_type="BD", student=Student.objects.get(pk=student.pk),
                                   by=User.objects.get(pk=reg.pk))

    results = run_together(issue, [(), (), ()])
    issued = [r for r in results if isinstance(r, BlankForm)]
    refused = [r for r in results if isinstance(r, services.BlankRefused)]
    assert len(issued) == 1 and len(refused) == 2, results
    assert BlankForm.objects.filter(issued_to=student, state=FormState.ISSUED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_overlapping_batches_received_at_once_one_wins():
    reg = factories.registrar()
    User = get_user_model()

    def receive(first, last):
        return batch(User.objects.get(pk=reg.pk), first=first, last=last)

    results = run_together(receive, [(1, 50), (40, 90)])
    refused = [r for r in results if isinstance(r, services.BlankRefused)]
    assert len(refused) == 1, results
    assert selectors.inventory().reconciles


@pytest.fixture
def issued_and_spoiled(db):
    reg = factories.registrar()
    batch(reg, first=1, last=5)
    issued = services.issue_form(form_type="BD", student=graduate(), by=reg)
    services.spoil_forms(["BD 5"], act_number="A-1", reason="Torn", by=reg)
    return issued


@pytest.mark.parametrize("statement", [
    "UPDATE blanks_blankform SET state = 'in_stock', issued_to_id = NULL, issued_at = NULL, "
    "issued_by_id = NULL, receipt_number = '' WHERE number = 1",
    "UPDATE blanks_blankform SET receipt_number = 'forged' WHERE number = 1",
    "UPDATE blanks_blankform SET number = 77 WHERE number = 2",
    "UPDATE blanks_blankform SET document_code = 'X' WHERE number = 5",
    "DELETE FROM blanks_blankform WHERE number = 3",
    "UPDATE blanks_batch SET quantity = 4",
    "DELETE FROM blanks_spoilact",
    "UPDATE blanks_spoilact SET reason = 'rewritten'",
])
def test_raw_sql_cannot_rewrite_the_books(issued_and_spoiled, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert selectors.inventory().reconciles


def test_raw_sql_may_still_write_what_the_services_write(issued_and_spoiled):
    """The trigger refuses only rewrites: setting a document code once on an issued form."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE blanks_blankform SET document_code = 'K7QM-3XRD-P2WA' "
                       "WHERE number = 1")
    assert BlankForm.objects.get(number=1).document_code == "K7QM-3XRD-P2WA"
