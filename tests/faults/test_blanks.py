"""Faults while issuing a diploma form (issue 10, §11): a failure after the form was marked
issued and the receipt numbered leaves the form in stock and the receipt number unused; two
sessions issuing the same serial at once: one gets it, the other is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from registrar.audit import services as audit_services
from registrar.blanks import selectors, services
from registrar.blanks.models import BlankForm, FormState, ReceiptCounter
from registrar.people.models import Student
from tests import factories
from tests.blanks.helpers import batch, graduate

from .helpers import Crash, crash_on_call, postgres_only, run_together, table_counts

# A failure injected in a service: the test's own transaction is enough to see what the
# service's transaction (a savepoint here) left behind. The concurrent tests commit for real.
pytestmark = pytest.mark.django_db


def form_state(serial_number: int) -> dict:
    return BlankForm.objects.filter(number=serial_number).values(
        "state", "issued_to", "issued_at", "issued_by", "receipt_number", "document_code").get()


@pytest.mark.parametrize("name", ["record", "_next_receipt_number"])
def test_a_crash_while_issuing_leaves_the_form_in_stock(monkeypatch, name):
    reg = factories.registrar()
    batch(reg, first=1, last=3)
    student = graduate()
    before, counts = form_state(1), table_counts()
    crash_on_call(monkeypatch, audit_services if name == "record" else services, name)

    with pytest.raises(Crash):
        services.issue_form(form_type="BD", student=student, by=reg,
                            document_code="K7QM-3XRD-P2WA")

    assert form_state(1) == before
    assert before["state"] == FormState.IN_STOCK
    assert table_counts() == counts
    assert not ReceiptCounter.objects.filter(last__gt=0).exists()
    assert selectors.inventory().reconciles
    monkeypatch.undo()
    form = services.issue_form(form_type="BD", student=student, by=reg)
    assert (form.number, form.receipt_number.split("/")[0]) == (1, "1")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sessions_issuing_the_same_serial_one_is_refused():
    reg = factories.registrar()
    batch(reg, first=1, last=5)
    first, second = graduate(), graduate()
    User = get_user_model()

    def issue(student_id: int) -> BlankForm:
        with transaction.atomic():
            form = services.issue_form(form_type="BD", serial="BD 0000003",
                                       student=Student.objects.get(pk=student_id),
                                       by=User.objects.get(pk=reg.pk))
            # Hold the form's lock a moment, as printing the diploma in the transaction would.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.3)")
            return form

    results = run_together(issue, [(first.pk,), (second.pk,)])
    issued = [r for r in results if isinstance(r, BlankForm)]
    refused = [r for r in results if isinstance(r, services.BlankRefused)]
    assert (len(issued), len(refused)) == (1, 1), results
    assert refused[0].field == "serial" and "BD 0000003" in refused[0].message  # not in stock
    form = BlankForm.objects.get(number=3)
    assert form.state == FormState.ISSUED and form.issued_to_id == issued[0].issued_to_id
    assert BlankForm.objects.filter(state=FormState.ISSUED).count() == 1
    assert list(ReceiptCounter.objects.values_list("last", flat=True)) == [1]
    assert selectors.inventory().reconciles
