"""The pages: public verification without sign-in (§11), issuing and downloading in scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registrar.documents import services
from registrar.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db


def _issue(w, **kw):
    return services.issue_transcript(w.student, by=w.registrar, language=kw.pop("language", "ru"),
                                     **kw)


# --- Public verification ----------------------------------------------------------------

def test_verification_page_without_sign_in_shows_holder_and_status_only(client, w):
    doc = _issue(w)
    response = client.get(reverse("documents:verify", args=[doc.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Жумабаева Айгерим Сериковна" in html
    assert doc.code in html and w.programme.code in html
    assert "VALID" in html or "ДЕЙСТВИТЕЛЕН" in html or 'badge active' in html
    assert "Математика" in html and "3,87" in html  # the snapshot table, as printed
    # Nothing else about the student: no IIN, no birth date, no group.
    assert w.student.iin not in html
    assert "23.11.2004" not in html and "2004-11-23" not in html
    assert w.group.name not in html
    assert response["X-Robots-Tag"].startswith("noindex")


def test_verification_form_normalises_a_typed_code(client, w):
    doc = _issue(w)
    typed = doc.code.replace("-", " ").lower()
    response = client.get(reverse("documents:verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:verify", args=[doc.code])
    assert client.get(reverse("documents:verify_form")).status_code == 200


@pytest.mark.parametrize("code", ["ABCD-EFGH-JKMN", "not-a-code"])
def test_unknown_code_is_404_no_such_document(client, w, code):
    _issue(w)
    response = client.get(reverse("documents:verify", args=[code]))
    assert response.status_code == 404
    assert "documents/verify_missing.html" in [t.name for t in response.templates]


def test_revoked_document_shows_revoked(client, w):
    doc = services.revoke(_issue(w), by=w.registrar, reason="Issued by mistake")
    html = client.get(reverse("documents:verify", args=[doc.code])).content.decode()
    assert "badge revoked" in html and "Issued by mistake" in html
    assert "badge active" not in html


# --- Issuing and downloading ------------------------------------------------------------

def test_student_issues_and_downloads_their_own(client, w):
    client.force_login(w.student_user)
    url = reverse("documents:issue", args=[w.student.pk])
    response = client.post(url, {"kind": "transcript", "language": "en"})
    assert response.status_code == 302
    doc = IssuedDocument.objects.get(student=w.student)
    assert doc.issued_by == w.student_user and doc.language == "en"
    pdf = client.get(reverse("documents:download_pdf", args=[doc.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(reverse("documents:download_xlsx", args=[doc.pk]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    page = client.get(reverse("documents:student_documents", args=[w.student.pk]))
    assert page.status_code == 200 and doc.code in page.content.decode()


def test_student_cannot_issue_or_download_anothers(client, w):
    doc = _issue(w)
    client.force_login(w.other_user)
    issue = client.post(reverse("documents:issue", args=[w.student.pk]),
                        {"kind": "transcript", "language": "ru"})
    assert issue.status_code == 404
    assert client.get(reverse("documents:download_pdf", args=[doc.pk])).status_code == 404
    assert client.get(reverse("documents:download_xlsx", args=[doc.pk])).status_code == 404
    assert client.get(reverse("documents:student_documents",
                              args=[w.student.pk])).status_code == 404
    assert IssuedDocument.objects.count() == 1


def test_dean_of_another_faculty_cannot(client, w):
    doc = _issue(w)
    client.force_login(w.other_dean)
    assert client.post(reverse("documents:issue", args=[w.student.pk]),
                       {"kind": "transcript", "language": "ru"}).status_code == 404
    assert client.get(reverse("documents:download_pdf", args=[doc.pk])).status_code == 404


def test_dean_of_the_faculty_issues_and_downloads(client, w):
    client.force_login(w.dean)
    response = client.post(reverse("documents:issue", args=[w.student.pk]),
                           {"kind": "transcript", "language": "kk"})
    assert response.status_code == 302
    doc = IssuedDocument.objects.get()
    assert client.get(reverse("documents:download_pdf", args=[doc.pk])).status_code == 200


def test_advisor_sees_the_student_but_may_not_issue_or_download(client, w):
    doc = _issue(w)
    client.force_login(w.advisor)
    assert client.post(reverse("documents:issue", args=[w.student.pk]),
                       {"kind": "transcript", "language": "ru"}).status_code == 403
    assert client.get(reverse("documents:download_pdf", args=[doc.pk])).status_code == 404


def test_certificate_for_active_student_is_refused_with_a_message(client, w):
    client.force_login(w.registrar)
    response = client.post(reverse("documents:issue", args=[w.student.pk]),
                           {"kind": "academic_certificate", "language": "ru"}, follow=True)
    assert response.status_code == 200
    assert not IssuedDocument.objects.exists()
    assert any("academic certificate" in str(m).lower() or "академическ" in str(m).lower()
               for m in response.context["messages"])


@pytest.mark.parametrize("kind", ["diploma", "diploma_supplement"])
@pytest.mark.parametrize("who", ["student_user", "registrar"])
def test_nobody_issues_a_diploma_here(client, w, kind, who):
    """§11: a diploma and its supplement are issued only at graduation, each on a strict-
    accountability blank form; this page issues transcripts and certificates only, and a
    forged POST for a diploma writes nothing."""
    client.force_login(getattr(w, who))
    response = client.post(reverse("documents:issue", args=[w.student.pk]),
                           {"kind": kind, "language": "en"}, follow=True)
    assert response.status_code == 200
    assert not IssuedDocument.objects.exists()
    with pytest.raises(services.DocumentRefused):
        services.issue_transcript(w.student, by=w.registrar, language="en", kind=kind)
    assert not IssuedDocument.objects.exists()


def test_signed_in_pages_need_a_sign_in(client, w):
    doc = _issue(w)
    response = client.get(reverse("documents:download_pdf", args=[doc.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(reverse("documents:issue", args=[w.student.pk])).status_code == 302
