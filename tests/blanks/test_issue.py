"""Issuing strict accountability forms (§11): one form to one graduate, never twice."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from registrar.audit.models import AuditEvent
from registrar.blanks import services
from registrar.blanks.models import BlankForm, BlanksFrozen, FormState, FormType
from tests import factories

from .helpers import batch, graduate

pytestmark = pytest.mark.django_db


def test_issue_takes_the_lowest_serial_in_stock_and_numbers_the_receipt():
    reg = factories.registrar()
    batch(reg, first=20, last=25)
    batch(reg, first=3, last=5)
    student = graduate()
    form = services.issue_form(form_type=FormType.DIPLOMA_BACHELOR, student=student, by=reg,
                               document_code="k7qm 3xrd p2wa")
    assert form.serial == "BD 0000003"
    assert form.state == FormState.ISSUED and form.issued_to == student
    assert form.issued_by == reg and form.issued_at is not None
    assert form.document_code == "K7QM-3XRD-P2WA"
    assert form.receipt_number.endswith(f"/{form.issued_at.year}")
    other = services.issue_form(form_type="BD", student=graduate(), by=reg)
    assert other.serial == "BD 0000004"
    assert other.receipt_number != form.receipt_number
    event = AuditEvent.objects.get(action="blanks.form_issued", object_id=str(form.pk))
    assert event.actor == reg and event.changes["serial"] == "BD 0000003"


def test_issue_a_given_serial_which_must_be_in_stock():
    reg = factories.registrar()
    batch(reg, first=1, last=5)
    form = services.issue_form(form_type="BD", student=graduate(), by=reg, serial="bd 4")
    assert form.serial == "BD 0000004"
    with pytest.raises(services.BlankRefused) as refused, translation.override("en"):
        services.issue_form(form_type="BD", student=graduate(), by=reg, serial="BD 0000004")
    assert refused.value.field == "serial" and "not in stock" in str(refused.value)
    with pytest.raises(services.BlankRefused) as refused:
        services.issue_form(form_type="BD", student=graduate(), by=reg, serial="BD 0000099")
    assert refused.value.field == "serial"


def test_a_second_form_of_a_type_to_the_same_graduate_is_refused():
    reg = factories.registrar()
    batch(reg)
    student = graduate()
    first = services.issue_form(form_type="BD", student=student, by=reg)
    with pytest.raises(services.BlankRefused) as refused:
        services.issue_form(form_type="BD", student=student, by=reg)
    assert refused.value.field == "form_type"
    assert first.serial in str(refused.value)
    assert BlankForm.objects.filter(issued_to=student).count() == 1


def test_the_database_refuses_a_second_issued_form_of_a_type():
    reg = factories.registrar()
    batch(reg)
    student = graduate()
    services.issue_form(form_type="BD", student=student, by=reg)
    spare = BlankForm.objects.filter(state=FormState.IN_STOCK).first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE blanks_blankform SET state = 'issued', issued_to_id = %s, "
            "issued_at = CURRENT_TIMESTAMP, receipt_number = 'X-1' WHERE id = %s",
            [student.pk, spare.pk])


def test_an_issued_form_never_returns_to_stock():
    reg = factories.registrar()
    batch(reg)
    form = services.issue_form(form_type="BD", student=graduate(), by=reg)
    form.state = FormState.IN_STOCK
    form.issued_to = None
    form.issued_at = None
    form.receipt_number = ""
    with pytest.raises(BlanksFrozen):
        form.save()
    with pytest.raises(BlanksFrozen):
        BlankForm.objects.filter(pk=form.pk).update(state=FormState.IN_STOCK)
    with pytest.raises(BlanksFrozen):
        BlankForm.objects.filter(pk=form.pk).delete()


def test_only_the_registrar_issues():
    reg = factories.registrar()
    batch(reg)
    student = graduate()
    fac = student.programme.department.faculty
    for user in (factories.dean(fac), factories.user(role="teacher"), None):
        with pytest.raises(PermissionDenied):
            services.issue_form(form_type="BD", student=student, by=user)
    assert not BlankForm.objects.filter(state=FormState.ISSUED).exists()


def test_a_diploma_matches_the_level_of_the_programme():
    reg = factories.registrar()
    batch(reg, form_type=FormType.DIPLOMA_MASTER)
    with pytest.raises(services.BlankRefused) as refused:
        services.issue_form(form_type="MD", student=graduate("bachelor"), by=reg)
    assert refused.value.field == "form_type"
    assert services.issue_form(form_type="MD", student=graduate("master"), by=reg).serial \
        == "MD 0000001"


def test_nothing_in_stock():
    reg = factories.registrar()
    with pytest.raises(services.BlankRefused) as refused:
        services.issue_form(form_type=FormType.SUPPLEMENT, student=graduate(), by=reg)
    assert refused.value.field == "form_type"
