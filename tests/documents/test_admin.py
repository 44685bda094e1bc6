"""The admin of issued documents: read-only, except revoking with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registrar.audit.models import AuditEvent
from registrar.documents import services
from registrar.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "r@x.kz", "pw-Root-123")


def test_changelist_and_change_form_open(client, w, root):
    doc = services.issue_transcript(w.student, by=w.registrar, language="ru")
    client.force_login(root)
    assert client.get(reverse("admin:documents_issueddocument_changelist")).status_code == 200
    page = client.get(reverse("admin:documents_issueddocument_change", args=[doc.pk]))
    assert page.status_code == 200 and doc.code in page.content.decode()
    assert client.get(reverse("admin:documents_issueddocument_add")).status_code == 403
    assert client.get(reverse("admin:documents_issueddocument_delete",
                              args=[doc.pk])).status_code == 403


def test_revoking_in_the_admin_goes_through_the_service(client, w, root):
    doc = services.issue_transcript(w.student, by=w.registrar, language="ru")
    client.force_login(root)
    response = client.post(reverse("admin:documents_issueddocument_change", args=[doc.pk]),
                           {"revoke_reason": "Issued to the wrong student"})
    assert response.status_code == 302
    doc = IssuedDocument.objects.get(pk=doc.pk)
    assert doc.is_revoked and doc.revoked_by == root and doc.content_intact
    assert AuditEvent.objects.filter(action="document.revoked").exists()
