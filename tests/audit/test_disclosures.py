"""The disclosure log (issue 10): who saw or took away a student's record, recorded when the
record is actually sent, never for a refused request, and not for the student themself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registrar.audit.models import Disclosure
from registrar.audit.services import disclosed
from registrar.documents import services as documents

pytestmark = pytest.mark.django_db


def _transcript(w, language="ru"):
    return documents.issue_transcript(w.student, by=w.registrar, language=language)


def test_a_dean_opening_the_card_is_recorded(client, w):
    client.force_login(w.dean)
    response = client.get(reverse("portal:student_detail", args=[w.student.pk]),
                          REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    row = Disclosure.objects.get()
    assert (row.user, row.username, row.student) == (w.dean, w.dean.username, w.student)
    assert (row.what, row.channel, row.ip_address) == ("card", "portal", "192.0.2.7")


def test_a_refused_card_is_not_recorded(client, w):
    client.force_login(w.other_dean)
    assert client.get(reverse("portal:student_detail", args=[w.student.pk])).status_code == 404
    assert not Disclosure.objects.exists()


def test_the_student_opening_their_own_card_is_not_recorded(client, w):
    client.force_login(w.student_user)
    assert client.get(reverse("portal:student_detail", args=[w.student.pk])).status_code == 200
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize(("url_name", "what"), [
    ("documents:download_pdf", "pdf"),
    ("documents:download_xlsx", "xlsx"),
    ("interop:elmo", "elmo"),
    ("interop:pesc", "pesc"),
])
def test_a_dean_downloading_a_transcript_is_recorded(client, w, url_name, what):
    document = _transcript(w, language="en")
    client.force_login(w.dean)
    response = client.get(reverse(url_name, args=[document.pk]))
    assert response.status_code == 200
    row = Disclosure.objects.get()
    assert (row.user, row.student, row.what, row.channel) == (w.dean, w.student, what, "portal")
    assert document.code in row.detail


@pytest.mark.parametrize("url_name", ["documents:download_pdf", "documents:download_xlsx",
                                      "interop:elmo", "interop:pesc"])
@pytest.mark.parametrize("who", ["other_dean", "other_user", "advisor"])
def test_refused_downloads_are_not_recorded(client, w, url_name, who):
    document = _transcript(w)
    client.force_login(getattr(w, who))
    assert client.get(reverse(url_name, args=[document.pk])).status_code == 404
    assert not Disclosure.objects.exists()


def test_the_student_downloading_their_own_transcript_is_not_recorded(client, w):
    document = _transcript(w)
    client.force_login(w.student_user)
    assert client.get(reverse("documents:download_pdf", args=[document.pk])).status_code == 200
    assert not Disclosure.objects.exists()


def test_the_service_names_the_api_channel_and_refuses_unknown_kinds(w, rf):
    request = rf.get("/api/v1/students/1", REMOTE_ADDR="198.51.100.4")
    row = disclosed(w.registrar, w.student, "grades", request)
    assert row is not None and (row.channel, row.ip_address) == ("api", "198.51.100.4")
    assert disclosed(w.registrar, w.student, "export", channel="portal").channel == "portal"
    assert disclosed(w.student_user, w.student, "card") is None
    with pytest.raises(ValueError):
        disclosed(w.registrar, w.student, "gossip")


def test_rows_are_append_only_in_the_orm(w):
    row = disclosed(w.registrar, w.student, "card")
    assert row is not None
    row.detail = "rewritten"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


def test_a_diploma_download_is_recorded_and_a_refused_one_is_not(client, db):
    from registrar.graduation import diplomas
    from tests.graduation import world as graduation_world

    gw = graduation_world.build()
    student = graduation_world.ready_graduate(gw)
    graduation_world.graduate(gw, student)
    graduation_world.stock(gw, "BD")
    document = diplomas.issue_diploma(student, by=gw.registrar)
    url = reverse("graduation:download_pdf", args=[document.pk])
    client.force_login(gw.teacher)
    assert client.get(url).status_code == 403
    assert not Disclosure.objects.exists()
    client.force_login(gw.registrar)
    assert client.get(url).status_code == 200
    row = Disclosure.objects.get()
    assert (row.user, row.student, row.what) == (gw.registrar, student, "pdf")
    assert document.code in row.detail
