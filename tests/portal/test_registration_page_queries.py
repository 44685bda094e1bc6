"""Issue 10: the student's registration page (and its rows, refreshed by HTMX every 10 s) costs a
fixed number of queries whatever the number of plan lines, sections and registrations, and
shows the waitlist position of `services.waitlist_position`."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registrar.registration import services
from registrar.registration.models import (
    PlanState,
    Registration,
    RegistrationState,
    Section,
    StudyPlan,
    StudyPlanLine,
)
from tests.registration.builders import IN_REGISTRATION, approved_plans, build_world

pytestmark = pytest.mark.django_db


def _page(client, student, period, **headers):
    client.force_login(student.user)
    with translation.override("en"):
        url = reverse("portal:registration", args=[period.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


@pytest.mark.parametrize("htmx", [False, True])
def test_registration_page_queries_do_not_grow_with_its_rows(client, htmx):
    """A plan of one line with one section against one of five lines with more sections,
    seats and a place on a waitlist: the same number of queries."""
    w = build_world(n_students=4)
    one, five, *others = w.students
    plan = StudyPlan.objects.create(student=one, period=w.autumn, semester=1,
                                    state=PlanState.APPROVED)
    StudyPlanLine.objects.create(plan=plan, discipline=w.c1, component="compulsory",
                                 credits=w.c1.credits)
    approved_plans(w, [five, *others], [w.e1, w.e2])
    Section.objects.create(period=w.autumn, discipline=w.c2, code="MAT1102-02", language="kk",
                           capacity=5)
    for student in others:  # the two seats of ELC1104-01
        services.register(student, w.s_e1a, by=student.user, today=IN_REGISTRATION)
    for section in (w.s_c1, w.s_c2, w.s_e1a):
        services.register(five, section, by=five.user, today=IN_REGISTRATION)
    waitlisted = Registration.objects.get(student=five, section=w.s_e1a)
    assert waitlisted.state == RegistrationState.WAITLISTED
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    small, small_count = _page(client, one, w.autumn, **headers)
    big, big_count = _page(client, five, w.autumn, **headers)
    assert [len(row["sections"]) for row in small.context["rows"]] == [1]
    assert [len(row["sections"]) for row in big.context["rows"]] == [1, 1, 2, 2, 1]
    assert big_count == small_count
    assert "position 1 in line" in big.content.decode()
    assert services.waitlist_position(waitlisted) == 1


def test_a_term_without_a_plan_or_no_term(client):
    w = build_world(n_students=1)
    (student,) = w.students
    response, _count = _page(client, student, w.spring)
    assert response.context["plan"] is None and response.context["rows"] == []
    client.force_login(student.user)
    assert client.get(reverse("portal:registration", args=[999_999])).status_code == 404
