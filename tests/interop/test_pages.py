"""The OneRoster page: who may export, who may upload, and what a refused upload shows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registrar.assessment.models import GradeEntry
from registrar.audit.models import AuditEvent
from tests import factories

from .helpers import gradebook, read_zip


def _upload(client, content: bytes, mapping: str = ""):
    return client.post(reverse("interop:import_results"), {
        "file": SimpleUploadedFile("results.zip", content, content_type="application/zip"),
        "mapping": mapping})


def test_anonymous_users_are_sent_to_sign_in(client, gw):
    for name in ("interop:index", "interop:transcripts"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(reverse("interop:export"), {"period": gw.autumn.pk, "language": "ru"})
    assert response.status_code == 302 and not AuditEvent.objects.filter(
        action="oneroster.exported").exists()


def test_students_deans_and_advisors_get_403(client, gw):
    advisor = factories.user(role="advisor")
    for user in (gw.students[0].user, gw.dean, advisor):
        client.force_login(user)
        assert client.get(reverse("interop:index")).status_code == 403
        assert client.post(reverse("interop:export"), {
            "period": gw.autumn.pk, "language": "ru"}).status_code == 403
        assert _upload(client, b"x").status_code == 403
    assert not AuditEvent.objects.filter(action="oneroster.exported").exists()


def test_a_teacher_uploads_but_does_not_export(client, gw):
    client.force_login(gw.teacher)
    page = client.get(reverse("interop:index"))
    assert page.status_code == 200
    assert reverse("interop:export") not in page.content.decode()
    assert reverse("interop:import_results") in page.content.decode()
    response = client.post(reverse("interop:export"), {"period": gw.autumn.pk, "language": "ru"})
    assert response.status_code == 403


def test_the_registrar_downloads_the_roster(client, gw):
    client.force_login(gw.registrar)
    page = client.get(reverse("interop:index")).content.decode()
    assert reverse("interop:export") in page and str(gw.autumn) in page
    response = client.post(reverse("interop:export"), {"period": gw.autumn.pk, "language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="oneroster-2026-2027-autumn.zip"')
    files = read_zip(response.content)
    assert "enrollments.csv" in files
    assert not any(s.iin in response.content.decode("latin-1") for s in gw.students)
    assert AuditEvent.objects.filter(action="oneroster.exported", actor=gw.registrar).exists()


def test_a_refused_upload_lists_the_problems_and_writes_nothing(client, gw):
    client.force_login(gw.teacher)
    zipped = gradebook(
        [{"sourcedId": "li-1", "title": "R1", "classSourcedId": f"cls-{gw.section.pk}"}],
        [{"sourcedId": "r-1", "lineItemSourcedId": "li-1", "studentSourcedId":
          f"stu-{gw.students[0].pk}", "scoreStatus": "fully graded", "score": "101"}])
    response = _upload(client, zipped)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "results.csv" in html and "outside the line item" in html
    assert not GradeEntry.objects.filter(score__isnull=False).exists()


def test_a_bad_mapping_is_a_form_error(client, gw):
    client.force_login(gw.teacher)
    response = _upload(client, gradebook([], []), mapping="li-1=homework")
    assert response.status_code == 400
    assert "is not “line item = R1, R2 or exam”" in response.content.decode()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_pages_render_in_every_language(client, gw, language):
    client.force_login(gw.registrar)
    assert client.get(f"/{language}/interop/").status_code == 200
    assert client.get(f"/{language}/interop/transcripts/").status_code == 200


@pytest.mark.parametrize("model", ["outboxevent", "webhookdelivery", "webhooksubscription"])
def test_admin_pages_are_the_registrars(client, gw, model):
    url = reverse(f"admin:interop_{model}_changelist")
    root = factories.user(is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get(url).status_code == 200
    client.force_login(gw.teacher)
    assert client.get(url).status_code == 302  # not staff: to the admin sign-in


def test_a_subscription_needs_known_topics_and_an_http_url(db):
    from django.core.exceptions import ValidationError

    from registrar.interop.models import WebhookSubscription

    good = WebhookSubscription(name="LMS", url="https://lms.example.kz/hooks",
                               topics=["grade.locked"])
    good.full_clean()
    assert len(good.secret) >= 40  # generated
    for url, topics in (("ftp://lms.example.kz/", ["grade.locked"]),
                        ("https://lms.example.kz/", ["grade.changed"]),
                        ("https://lms.example.kz/", [])):
        with pytest.raises(ValidationError):
            WebhookSubscription(name="x", url=url, topics=topics).full_clean()
