"""Issue 10: the student's dashboard costs a fixed number of queries whatever the number of
debts, grades, documents and terms it shows (no query per row, none issued by the template),
and lists the documents `documents_visible_to` lets the holder download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registrar.documents import services as documents
from registrar.documents.selectors import documents_visible_to
from registrar.people.models import Role, Student
from registrar.portal import selectors
from registrar.registration.models import PlanState, StudyPlan
from tests import factories
from tests.records import builders

pytestmark = pytest.mark.django_db


def _student(w, advisor):
    (student,) = builders.enrol(w, 1)
    student.user = factories.user()
    student.advisor = advisor.staff
    student.save(update_fields=["user", "advisor"])
    return Student.objects.get(pk=student.pk)


def _home(client, student):
    client.force_login(student.user)
    with translation.override("en"):
        url = reverse("portal:home")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def test_dashboard_queries_do_not_grow_with_its_rows(client):
    """One debt, grade and document against five of each: the same number of queries."""
    w = builders.build_world()
    advisor = factories.user(role=Role.ADVISOR)
    one, five = _student(w, advisor), _student(w, advisor)
    for student, n in ((one, 1), (five, 5)):
        for _ in range(n):
            builders.grade(w, student, w.autumn, "F", 5)  # a grade and an open debt
            builders.grade(w, student, w.spring, "A", 5)
            documents.issue_transcript(student, by=w.registrar, language="en")
    StudyPlan.objects.create(student=five, period=w.next_autumn, semester=3,
                             state=PlanState.SUBMITTED)

    small, small_count = _home(client, one)
    big, big_count = _home(client, five)
    assert (len(small.context["dashboard"].debts), len(big.context["dashboard"].debts)) == (1, 5)
    assert len(big.context["dashboard"].recent_grades) == selectors.RECENT_GRADES
    assert len(big.context["dashboard"].documents) == 5
    assert big_count == small_count


def test_the_holder_sees_the_documents_visible_to_them(client):
    w = builders.build_world()
    me = _student(w, factories.user(role=Role.ADVISOR))
    (other,) = builders.enrol(w, 1)
    for student in (me, other):
        builders.grade(w, student, w.autumn, "A", 5)
    for student in (me, me, other):
        documents.issue_transcript(student, by=w.registrar, language="ru")
    shown = selectors.student_dashboard(me.pk, user=me.user, today=dt.date(2026, 9, 1)).documents
    visible = documents_visible_to(me.user).filter(student=me).order_by("-issued_at", "-pk")
    assert [d.pk for d in shown] == [d.pk for d in visible] and len(shown) == 2
    # Another reader (the registrar here) goes through the same rule.
    shown = selectors.student_dashboard(me.pk, user=w.registrar,
                                        today=dt.date(2026, 9, 1)).documents
    assert [d.pk for d in shown] == [d.pk for d in visible]
