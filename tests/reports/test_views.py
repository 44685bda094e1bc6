"""The report pages: who may see what (registrar, deans; 403 for students and teachers, 404
for another faculty) and what the pages show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registrar.people.models import Role
from tests import factories

KINDS = ["session", "contingent", "debtors", "honours", "distribution"]


def url(kind: str, **query: str) -> str:
    base = reverse("reports:report", args=[kind])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("kind", KINDS)
def test_registrar_sees_every_report(client, session_world, kind):
    client.force_login(session_world.registrar)
    response = client.get(url(kind, period=str(session_world.autumn.pk)))
    assert response.status_code == 200
    assert b"<table" in response.content


@pytest.mark.parametrize("kind", KINDS)
def test_students_and_teachers_are_refused(client, session_world, kind):
    student = session_world.p[0]
    student.user = factories.user()
    student.save(update_fields=["user"])
    for user in (student.user, session_world.teacher, factories.user(role=Role.ADVISOR)):
        client.force_login(user)
        assert client.get(url(kind)).status_code == 403
    client.logout()
    assert client.get(url(kind)).status_code == 302  # to the sign-in page


@pytest.mark.parametrize("kind", KINDS)
def test_dean_sees_own_faculty_only(client, session_world, kind):
    w = session_world
    client.force_login(w.dean)
    assert client.get(url(kind)).status_code == 200  # defaults to the dean's faculty
    assert client.get(url(kind, faculty=str(w.faculty.pk))).status_code == 200
    assert client.get(url(kind, faculty=str(w.other_faculty.pk))).status_code == 404
    assert client.get(url(kind, faculty="999999")).status_code == 404
    assert client.get(url(kind, faculty="x")).status_code == 404


def test_session_page_shows_the_figures(client, session_world):
    w = session_world
    client.force_login(w.dean)
    response = client.get(url("session", period=str(w.autumn.pk)))
    page = response.content.decode()
    assert "Exam session results" in page
    assert w.programme.code in page and w.programme_q.code in page
    assert "60.0" in page and "40.0" in page and "71.4" in page and "57.1" in page
    # The exports of the big reports go to the background worker (POST forms).
    assert reverse("reports:export", args=["session", "xlsx"]) in page
    # A dean is offered their own faculty only.
    assert f'value="{w.other_faculty.pk}"' not in page
    assert "Whole university" not in page


def test_registrar_may_choose_the_whole_university(client, session_world):
    client.force_login(session_world.registrar)
    page = client.get(url("session")).content.decode()
    assert "Whole university" in page and f'value="{session_world.other_faculty.pk}"' in page


def test_distribution_page_has_svg_charts(client, session_world):
    w = session_world
    client.force_login(w.registrar)
    page = client.get(url("distribution", period=str(w.autumn.pk),
                          grouping="teacher")).content.decode()
    assert page.count("<svg") == 3  # the term's chart and one per teacher
    assert "Grades per teacher" in page
    assert reverse("reports:download", args=["distribution", "pdf"]) in page


def test_contingent_page_with_dates(client, contingent_world):
    w = contingent_world
    client.force_login(w.registrar)
    response = client.get(url("contingent", faculty=str(w.faculty.pk), on="2026-03-15",
                              start="2025-09-01", end="2026-08-31"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Poor academic results" in page and "Movement from" in page
    bad = client.get(url("contingent", start="2026-09-01", end="2026-01-01"))
    assert bad.status_code == 200 and "ends before it starts" in bad.content.decode()


def test_index_lists_the_reports(client, session_world):
    client.force_login(session_world.dean)
    page = client.get(reverse("reports:index")).content.decode()
    for kind in KINDS:
        assert reverse("reports:report", args=[kind]) in page
    client.force_login(session_world.teacher)
    assert client.get(reverse("reports:index")).status_code == 403


def test_unknown_report_is_404(client, session_world):
    client.force_login(session_world.registrar)
    assert client.get(url("nonsense")).status_code == 404
    assert client.get(reverse("reports:download", args=["debtors", "docx"])).status_code == 404
