"""Every model has an admin page (issue 2), and admin changes leave audit events."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from registrar.audit.models import AuditEvent
from registrar.institution.models import Faculty
from tests import factories

OUR_APPS = ("audit", "policy", "institution", "people", "contingent", "curriculum", "records",
            "registration", "notifications", "api", "assessment", "documents")


def _models():
    return [m for label in OUR_APPS for m in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label)
def test_model_is_registered(model):
    assert admin.site.is_registered(model)


@pytest.mark.django_db
@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label)
def test_changelist_opens_for_superuser(client, django_user_model, model):
    factories.student()  # some rows so the list renders real data
    client.force_login(django_user_model.objects.create_superuser("root", "r@x.kz", "pw-Root-123"))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_admin_edit_is_audited(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "r@x.kz", "pw-Root-123")
    client.force_login(root)
    response = client.post(reverse("admin:institution_faculty_add"), {
        "code": "ENG", "name_kk": "Инженерия", "name_ru": "Инженерный", "name_en": "Engineering",
    })
    assert response.status_code == 302
    faculty = Faculty.objects.get(code="ENG")
    event = AuditEvent.objects.get(action="admin.added", object_id=str(faculty.pk))
    assert event.actor == root and event.changes["code"] == "ENG"


@pytest.mark.django_db
def test_audit_events_cannot_be_edited_or_deleted():
    event = AuditEvent.objects.create(action="x", object_type="t", object_id="1", object_repr="r")
    event.reason = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.django_db
def test_many_to_many_changes_are_recorded_readably():
    from registrar.audit.services import _plain

    faculty = factories.faculty("M2M")
    assert _plain({"faculties": Faculty.objects.filter(pk=faculty.pk)}) == {
        "faculties": [str(faculty)]}
