"""Issued documents over the API (§11): the holder, their faculty's dean and the registrar list,
read and download a document; nobody else learns it exists."""

from __future__ import annotations

import pytest
from django.utils import timezone

from registrar.documents import services
from registrar.documents.models import DocumentKind, IssuedDocument, new_code
from tests.api.conftest import auth

pytestmark = pytest.mark.django_db

URL = "/api/v1/documents"


def _ids(client, w, role, **params) -> set[int]:
    response = client.get(URL, params, **auth(w, role))
    assert response.status_code == 200
    return {d["id"] for d in response.json()["items"]}


def test_each_role_lists_the_documents_it_may_download(client, api_world):
    w = api_world
    mine, theirs = w.transcript.pk, w.other_transcript.pk
    assert _ids(client, w, "registrar") == {mine, theirs}
    assert _ids(client, w, "student") == {mine}
    assert _ids(client, w, "outsider") == {theirs}
    assert _ids(client, w, "dean") == {mine}
    assert _ids(client, w, "other_dean") == {theirs}
    assert _ids(client, w, "advisor") == set()
    assert _ids(client, w, "teacher") == set()


def test_document_filters(client, api_world):
    w = api_world
    assert _ids(client, w, "registrar", student_id=w.outsider.pk) == {w.other_transcript.pk}
    assert _ids(client, w, "registrar", kind="academic_certificate") == set()
    services.revoke(w.other_transcript, by=w.registrar, reason="Issued by mistake")
    assert _ids(client, w, "registrar", revoked="true") == {w.other_transcript.pk}
    assert _ids(client, w, "registrar", revoked="false") == {w.transcript.pk}


def test_a_documents_metadata(client, api_world):
    w = api_world
    response = client.get(f"{URL}/{w.transcript.pk}", **auth(w, "student"))
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["language"], body["code"], body["revoked"]) == (
        "transcript", "en", w.transcript.code, False)
    assert body["content_sha256"] == w.transcript.content_sha256
    assert body["verification_url"].endswith(f"/verify/{w.transcript.code}/")
    assert body["pdf_url"] == f"{URL}/{w.transcript.pk}/pdf"


@pytest.mark.parametrize("role, visible", [
    ("registrar", True), ("dean", True), ("student", True),
    ("other_dean", False), ("advisor", False), ("teacher", False), ("outsider", False),
])
def test_a_document_outside_the_scope_is_not_found(client, api_world, role, visible):
    w = api_world
    assert client.get(f"{URL}/{w.transcript.pk}",
                      **auth(w, role)).status_code == (200 if visible else 404)
    if not visible:
        assert client.get(f"{URL}/{w.transcript.pk}/pdf", **auth(w, role)).status_code == 404


def test_the_holder_downloads_the_pdf(client, api_world):
    w = api_world
    response = client.get(f"{URL}/{w.transcript.pk}/pdf", **auth(w, "student"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert w.transcript.code in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_diploma_prints_for_the_registrar_and_deans_only(client, api_world):
    """As in the portal, a diploma's layout belongs to graduation: its holder gets 403."""
    w = api_world
    diploma = IssuedDocument.objects.create(
        kind=DocumentKind.DIPLOMA, student=w.student, language="ru", code=new_code(),
        issued_at=timezone.now(), issued_by=w.registrar, content={"holder": {}})
    assert diploma.pk in _ids(client, w, "student")
    assert client.get(f"{URL}/{diploma.pk}/pdf", **auth(w, "student")).status_code == 403
