"""Receiving batches and writing forms off (§11)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from registrar.audit.models import AuditEvent
from registrar.blanks import selectors, services
from registrar.blanks.models import (
    Batch,
    BlankForm,
    BlanksFrozen,
    FormState,
    FormType,
    SpoilAct,
    format_serial,
    parse_serial,
)
from tests import factories

from .helpers import RECEIVED_ON, batch, graduate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "expected"), [
    ("BD 0012345", ("BD", 12345)),
    ("bd0012345", ("BD", 12345)),
    ("BD 12345", ("BD", 12345)),
    ("BD №0012345", ("BD", 12345)),
    ("ЖБ-Б 0000007", ("ЖБ-Б", 7)),
    ("BD 12-15", None),
    ("0012345", None),
    ("BD 12345678", None),
    ("", None),
])
def test_parse_serial(text, expected):
    assert parse_serial(text) == expected


def test_format_serial_pads_to_seven_digits():
    assert format_serial("BD", 12345) == "BD 0012345"


def test_receive_a_range():
    reg = factories.registrar()
    received = batch(reg, first=12340, last=12349, supplier="Banknote Factory",
                     invoice="WB-77")
    assert received.quantity == 10 and received.series == "BD"
    serials = [f.serial for f in received.forms.order_by("number")]
    assert serials[0] == "BD 0012340" and serials[-1] == "BD 0012349"
    assert all(f.state == FormState.IN_STOCK for f in received.forms.all())
    assert AuditEvent.objects.filter(action="blanks.batch_received",
                                     object_id=str(received.pk)).exists()
    assert str(received) == "BD 0012340 – 0012349 (10)"


def test_receive_an_explicit_list_and_the_default_series():
    reg = factories.registrar()
    received = services.receive_batch(form_type=FormType.SUPPLEMENT, by=reg,
                                      received_on=RECEIVED_ON, numbers=[5, 3, 9, 3])
    assert received.series == "DS" and received.quantity == 3
    assert sorted(received.forms.values_list("number", flat=True)) == [3, 5, 9]
    assert (received.first_number, received.last_number) == (3, 9)
    # The gaps of a list stay free for a later batch.
    services.receive_batch(form_type=FormType.SUPPLEMENT, by=reg, received_on=RECEIVED_ON,
                           numbers=[4, 6])


@pytest.mark.parametrize(("first", "last"), [(5, 15), (1, 1), (10, 10), (0 + 8, 30)])
def test_overlapping_ranges_are_refused(first, last):
    reg = factories.registrar()
    batch(reg, first=1, last=10)
    with pytest.raises(services.BlankRefused) as refused:
        batch(reg, first=first, last=last)
    assert refused.value.field == "first_number"
    assert "BD 00000" in str(refused.value)
    assert Batch.objects.count() == 1 and BlankForm.objects.count() == 10


def test_the_same_numbers_in_another_series_are_fine():
    reg = factories.registrar()
    batch(reg, first=1, last=10)
    batch(reg, first=1, last=10, series="bdx")
    assert BlankForm.objects.filter(series="BDX").count() == 10


@pytest.mark.parametrize(("kwargs", "field"), [
    (dict(first_number=10, last_number=5), "last_number"),
    (dict(first_number=None), "first_number"),
    (dict(first_number=0, last_number=3), "first_number"),
    (dict(first_number=1, last_number=10**7), "last_number"),
    (dict(first_number=1, last_number=2, series="B1"), "series"),
    (dict(first_number=1, last_number=2, form_type="XX"), "form_type"),
    (dict(first_number=1, last_number=2, received_on=dt.date(2999, 1, 1)), "received_on"),
    (dict(numbers=[]), "numbers"),
])
def test_receive_refusals_name_the_field(kwargs, field):
    reg = factories.registrar()
    args = dict(form_type="BD", by=reg, received_on=RECEIVED_ON)
    args.update(kwargs)
    with pytest.raises(services.BlankRefused) as refused:
        services.receive_batch(**args)
    assert refused.value.field == field
    assert not Batch.objects.exists()


def test_only_the_registrar_receives():
    dean = factories.dean(factories.faculty())
    with pytest.raises(PermissionDenied):
        batch(dean)
    assert not Batch.objects.exists()


def test_the_database_refuses_a_duplicate_serial():
    reg = factories.registrar()
    received = batch(reg, first=1, last=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        BlankForm.objects.bulk_create([BlankForm(form_type="BD", series="BD", number=2,
                                                 batch=received)])


def test_spoil_forms_in_stock_with_an_act():
    reg = factories.registrar()
    batch(reg, first=1, last=10)
    act = services.spoil_forms(["BD 0000002", "bd 3"], act_number="7/2025",
                               reason="Printer jam", by=reg)
    spoiled = BlankForm.objects.filter(state=FormState.SPOILED).order_by("number")
    assert [f.number for f in spoiled] == [2, 3]
    assert all(f.spoil_act == act and f.spoiled_at for f in spoiled)
    assert act.drawn_up_on == timezone.localdate() and act.drawn_up_by == reg
    assert AuditEvent.objects.filter(action="blanks.form_spoiled").count() == 2
    assert AuditEvent.objects.filter(action="blanks.act_drawn_up").count() == 1
    # Spoiled forms are never issued.
    form = services.issue_form(form_type="BD", student=graduate(), by=reg)
    assert form.serial == "BD 0000001"
    form = services.issue_form(form_type="BD", student=graduate(), by=reg)
    assert form.serial == "BD 0000004"


def test_an_issued_form_spoiled_while_printing_lets_the_graduate_get_another():
    reg = factories.registrar()
    batch(reg, first=1, last=5)
    student = graduate()
    first = services.issue_form(form_type="BD", student=student, by=reg, document_code="X1")
    services.spoil_forms([first], act_number="A-1", reason="Misprinted name", by=reg)
    first.refresh_from_db()
    assert first.state == FormState.SPOILED
    assert first.issued_to == student and first.receipt_number  # the history stays
    second = services.issue_form(form_type="BD", student=student, by=reg)
    assert second.serial == "BD 0000002" and second.state == FormState.ISSUED
    with pytest.raises(services.BlankRefused):
        services.issue_form(form_type="BD", student=student, by=reg)


def test_spoil_refusals():
    reg = factories.registrar()
    batch(reg, first=1, last=5)
    services.spoil_forms(["BD 1"], act_number="A-1", reason="Torn", by=reg)
    cases = [
        (dict(forms=["BD 1"], act_number="A-2"), "forms"),  # already written off
        (dict(forms=["BD 99"], act_number="A-2"), "forms"),  # never received
        (dict(forms=["BD 2"], act_number="A-1"), "act_number"),  # act number taken
        (dict(forms=["BD 2"], act_number=""), "act_number"),
        (dict(forms=["BD 2"], act_number="A-2", reason=" "), "reason"),
        (dict(forms=[], act_number="A-2"), "forms"),
        (dict(forms=["BD 2"], act_number="A-2", drawn_up_on=dt.date(2999, 1, 1)),
         "drawn_up_on"),
    ]
    for kwargs, field in cases:
        kwargs.setdefault("reason", "Torn")
        forms = kwargs.pop("forms")
        with pytest.raises(services.BlankRefused) as refused:
            services.spoil_forms(forms, by=reg, **kwargs)
        assert refused.value.field == field, kwargs
    assert SpoilAct.objects.count() == 1
    assert BlankForm.objects.filter(state=FormState.SPOILED).count() == 1


def test_a_spoil_act_is_all_or_nothing():
    reg = factories.registrar()
    batch(reg, first=1, last=5)
    services.spoil_forms(["BD 1"], act_number="A-1", reason="Torn", by=reg)
    with pytest.raises(services.BlankRefused):
        services.spoil_forms(["BD 2", "BD 3", "BD 1"], act_number="A-2", reason="x", by=reg)
    assert BlankForm.objects.filter(state=FormState.SPOILED).count() == 1
    assert not SpoilAct.objects.filter(number="A-2").exists()


def test_a_spoiled_form_never_changes():
    reg = factories.registrar()
    batch(reg, first=1, last=2)
    services.spoil_forms(["BD 1"], act_number="A-1", reason="Torn", by=reg)
    form = BlankForm.objects.get(number=1)
    form.state = FormState.ISSUED
    with pytest.raises(BlanksFrozen):
        form.save()
    form.refresh_from_db()
    form.document_code = "ABC"
    with pytest.raises(BlanksFrozen):
        form.save()
    act = SpoilAct.objects.get()
    act.reason = "rewritten"
    with pytest.raises(BlanksFrozen):
        act.save()
    with pytest.raises(BlanksFrozen):
        act.delete()
    with pytest.raises(BlanksFrozen):
        Batch.objects.all().delete()


def test_the_database_requires_an_act_for_a_spoiled_form():
    reg = factories.registrar()
    batch(reg, first=1, last=2)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE blanks_blankform SET state = 'spoiled', "
                       "spoiled_at = CURRENT_TIMESTAMP")


def test_the_database_requires_a_holder_for_an_issued_form():
    reg = factories.registrar()
    batch(reg, first=1, last=2)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE blanks_blankform SET state = 'issued', receipt_number = 'R'")


def test_sign_receipt_and_link_document():
    reg = factories.registrar()
    batch(reg, first=1, last=2)
    form = services.issue_form(form_type="BD", student=graduate(), by=reg)
    form = services.link_document(form, document_code="k7qm-3xrd-p2wa", by=reg)
    assert form.document_code == "K7QM-3XRD-P2WA"
    with pytest.raises(services.BlankRefused):
        services.link_document(form, document_code="AAAA-BBBB-CCCC", by=reg)
    form = services.sign_receipt(form, by=reg)
    assert form.receipt_signed_on == timezone.localdate()
    with pytest.raises(services.BlankRefused) as refused:
        services.sign_receipt(form, by=reg)
    assert refused.value.field == "signed_on"
    stock = BlankForm.objects.get(number=2)
    with pytest.raises(services.BlankRefused):
        services.sign_receipt(stock, by=reg)
    with pytest.raises(PermissionDenied):
        services.sign_receipt(form, by=factories.user(role="teacher"))


def test_movement_over_a_period():
    reg = factories.registrar()
    batch(reg, first=1, last=10, received_on=dt.date(2024, 1, 10))
    batch(reg, first=11, last=15)
    services.issue_form(form_type="BD", student=graduate(), by=reg)
    services.spoil_forms(["BD 5"], act_number="A", reason="Torn", by=reg)
    today = timezone.localdate()
    [row] = selectors.movement(dt.date(2025, 1, 1), today)
    assert (row.opening, row.received, row.issued, row.spoiled, row.closing) == (10, 5, 1, 1, 13)
    assert row.reconciles
    [row] = selectors.movement(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (row.opening, row.received, row.closing) == (0, 10, 10)
