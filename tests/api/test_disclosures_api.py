"""The disclosure log covers the API too (issue 10): a dean or the registrar reading a student's
card, grades or a document over the API is recorded with channel "api"; a refused request and a
student reading their own record are not."""

from __future__ import annotations

import pytest

from registrar.audit.models import Disclosure
from tests.api.conftest import auth

pytestmark = pytest.mark.django_db


def test_reads_by_staff_are_disclosures(client, api_world):
    w = api_world
    student = w.transcript.student
    for url in (f"/api/v1/students/{student.pk}",
                f"/api/v1/records/students/{student.pk}/history",
                f"/api/v1/records/students/{student.pk}/gpa",
                f"/api/v1/documents/{w.transcript.pk}/pdf"):
        assert client.get(url, **auth(w, "dean")).status_code == 200, url
    rows = list(Disclosure.objects.filter(student=student).order_by("pk")
                .values_list("what", "channel"))
    assert rows == [("card", "api"), ("grades", "api"), ("grades", "api"), ("pdf", "api")]


def test_refused_reads_and_own_reads_are_not(client, api_world):
    w = api_world
    student = w.transcript.student
    assert client.get(f"/api/v1/students/{student.pk}",
                      **auth(w, "other_dean")).status_code == 404
    assert client.get(f"/api/v1/documents/{w.transcript.pk}/pdf",
                      **auth(w, "student")).status_code == 200
    assert not Disclosure.objects.exists()
