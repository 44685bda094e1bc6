"""Every denied access is logged (issue 10): each 403, with user, method, path and address,
in AccessDenial and on the django.security.denied logger; a signed-in user's 404 of an object
URL (outside their scope) as well. Sign-ins are django-axes' (AccessLog, AccessFailureLog)."""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client
from django.urls import reverse

from registrar.audit.models import AccessDenial

pytestmark = pytest.mark.django_db


def test_a_403_is_logged_with_user_path_method_and_address(client, w, caplog):
    client.force_login(w.student_user)
    url = reverse("audit:disclosures") + "?what=card"
    with caplog.at_level(logging.WARNING, logger="django.security.denied"):
        assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 403
    denial = AccessDenial.objects.get()
    assert denial.user == w.student_user and denial.username == w.student_user.username
    assert (denial.status, denial.method, denial.path) == (403, "GET", url)
    assert denial.view == "audit:disclosures" and denial.ip_address == "10.1.2.3"
    assert denial.reason.startswith("permission denied")
    record = next(r for r in caplog.records if r.name == "django.security.denied")
    assert url in record.getMessage() and w.student_user.username in record.getMessage()


def test_a_post_refused_by_a_service_check_is_logged(client, w):
    """An advisor sees the student but may not issue a document for them (403)."""
    client.force_login(w.advisor)
    url = reverse("documents:issue", args=[w.student.pk])
    assert client.post(url, {"kind": "transcript", "language": "ru"}).status_code == 403
    denial = AccessDenial.objects.get()
    assert (denial.user, denial.method, denial.path, denial.status) == (w.advisor, "POST", url,
                                                                        403)


def test_a_csrf_failure_is_logged(w):
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.registrar)
    url = reverse("documents:issue", args=[w.student.pk])
    assert client.post(url, {"kind": "transcript", "language": "ru"}).status_code == 403
    denial = AccessDenial.objects.get()
    assert denial.user == w.registrar and denial.path == url


def test_an_object_outside_the_scope_is_logged_as_404(client, w):
    client.force_login(w.other_dean)
    url = reverse("portal:student_detail", args=[w.student.pk])
    assert client.get(url).status_code == 404
    denial = AccessDenial.objects.get()
    assert (denial.user, denial.status, denial.path) == (w.other_dean, 404, url)
    assert denial.view == "portal:student_detail"


def test_plain_404s_and_successes_are_not_logged(client, w):
    assert client.get("/en/no-such-page/").status_code == 404  # anonymous
    client.force_login(w.dean)
    assert client.get("/en/no-such-page/").status_code == 404  # no object URL
    assert client.get(reverse("portal:student_detail", args=[w.student.pk])).status_code == 200
    assert not AccessDenial.objects.exists()


def test_anonymous_403_is_logged_without_a_user(client, w):
    """The API answers an anonymous caller of a protected operation with 401, the portal
    sends them to sign in; an anonymous 403 (here: a CSRF failure at sign-in) is kept with
    no user."""
    client = Client(enforce_csrf_checks=True)
    assert client.post("/en/login/", {"username": "x", "password": "y"}).status_code == 403
    denial = AccessDenial.objects.get()
    assert denial.user is None and denial.username == "" and denial.path == "/en/login/"


def test_sign_in_successes_and_failures_are_recorded_by_axes(client, w):
    assert client.post("/en/login/", {"username": w.dean.username,
                                      "password": "wrong-password"}).status_code == 200
    assert AccessAttempt.objects.filter(username=w.dean.username).exists()
    assert AccessFailureLog.objects.filter(username=w.dean.username).exists()
    assert client.post("/en/login/", {"username": w.dean.username,
                                      "password": "pw-Registrar-123"}).status_code == 302
    assert AccessLog.objects.filter(username=w.dean.username).exists()
