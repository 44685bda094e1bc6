"""Issue 10: the registrar's live search and the student card cost a fixed number of queries,
whatever the number of rows they show (no query per row, none issued by the template)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrar.audit.models import Disclosure
from registrar.contingent.models import PersonalFileDocument
from registrar.contingent.personal_files import receive_document
from registrar.documents import services as documents
from registrar.people.models import Student
from registrar.people.selectors import search_page
from registrar.registration.models import StudyPlan
from tests import factories
from tests.records.builders import build_world, enrol, grade

pytestmark = pytest.mark.django_db


def fetch(client, url, params=None, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {}, **headers)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def reading(sql: list[str], table: str) -> list[str]:
    return [s for s in sql if f'FROM "{table}"' in s]


# --- The live search ------------------------------------------------------------------------

def test_the_live_search_reads_the_students_once_for_one_hit_or_five(client):
    """Issue 10: the results table (HTMX, on every keystroke) is one query of the students,
    the number found included, for one student found as for five; the same for a dean,
    whose scope is a condition of that query."""
    prog = factories.programme()
    group = factories.group(prog)
    registrar, dean = factories.registrar(), factories.dean(prog.department.faculty)
    factories.student(prog, last_name_ru="Абаев0", group=group)
    url = reverse("portal:student_list")
    counts = {}
    for user in (registrar, dean):
        client.force_login(user)
        one, sql_one = fetch(client, url, {"q": "абаев"}, HTTP_HX_REQUEST="true")
        counts[user.pk] = (one, sql_one)
    for n in range(1, 5):
        factories.student(prog, last_name_ru=f"Абаев{n}", group=group if n % 2 else None)
    for user in (registrar, dean):
        client.force_login(user)
        five, sql_five = fetch(client, url, {"q": "абаев"}, HTTP_HX_REQUEST="true")
        one, sql_one = counts[user.pk]
        assert len(one.context["rows"]) == 1 and len(five.context["rows"]) == 5
        assert five.context["page"].paginator.count == 5
        assert len(sql_five) == len(sql_one)
        assert len(reading(sql_five, "people_student")) == 1
    html = five.content.decode()
    first = Student.objects.get(last_name_ru="Абаев1")
    assert reverse("portal:student_detail", args=[first.pk]) in html
    assert group.name in html


def test_the_number_found_and_the_pages_are_the_paginators(client):
    """The window count gives the paginator's figures; a page past the end, below 1 or not a
    number is read as `Paginator.get_page` reads it."""
    prog = factories.programme()
    for n in range(7):
        factories.student(prog, last_name_ru=f"Бекова{n}")
    students = Student.objects.all()
    page = search_page(students, "бекова", 1, per_page=3)
    assert page.paginator.count == 7 and page.paginator.num_pages == 3
    assert [s["last_name_ru"] for s in page] == ["Бекова0", "Бекова1", "Бекова2"]
    assert page.has_next() and not page.has_previous()
    assert [s["last_name_ru"] for s in search_page(students, "бекова", "3", per_page=3)] == [
        "Бекова6"]
    for asked in ("9", "0", "-1"):
        last = search_page(students, "бекова", asked, per_page=3)
        assert last.number == 3 and [s["last_name_ru"] for s in last] == ["Бекова6"]
    assert search_page(students, "бекова", "x", per_page=3).number == 1
    assert search_page(students, "бекова", None, per_page=3).number == 1
    nothing = search_page(students, "щзщзщ", 1, per_page=3)
    assert nothing.paginator.count == 0 and list(nothing) == [] and nothing.number == 1
    everyone = search_page(students, "", 1, per_page=3)
    assert everyone.paginator.count == 7 and len(everyone) == 3


# --- The student card -----------------------------------------------------------------------

def _with_rows(w, student, n: int) -> None:
    """n rows in every list of the card: grades, debts, study plans, issued documents,
    received personal-file documents (and the audit events these make)."""
    periods = [w.autumn, w.spring, w.summer, w.next_autumn]
    for i in range(n):
        grade(w, student, periods[i % 2], "B")
        grade(w, student, periods[i % 2], "F")  # opens a debt
        StudyPlan.objects.create(student=student, period=periods[i % len(periods)],
                                 semester=1 + i)
        documents.issue_transcript(student, by=w.registrar, language="en")
        receive_document(student, PersonalFileDocument.objects.order_by("pk")[i],
                         by=w.registrar, received_on=dt.date(2025, 8, 1 + i))


def test_the_card_costs_the_same_queries_for_one_row_or_four(client):
    """Issue 10: the card's queries do not grow with its rows (attempts, debts, plans,
    documents, the personal file), for the registrar, the dean and the advisor; every view
    still records one disclosure."""
    w = build_world()
    few, many = enrol(w, 2)
    advisor = factories.user(role="advisor")
    Student.objects.filter(pk__in=[few.pk, many.pk]).update(advisor=advisor.staff)
    _with_rows(w, few, 1)
    _with_rows(w, many, 4)
    for user in (w.registrar, w.dean, advisor):
        client.force_login(user)
        counts = []
        for student, n in ((few, 1), (many, 4)):
            before = Disclosure.objects.filter(student=student, user=user).count()
            response, sql = fetch(client, reverse("portal:student_detail", args=[student.pk]))
            assert len(response.context["plans"]) == len(response.context["debts"]) == n
            assert sum(len(t["rows"]) for t in response.context["record"]["terms"]) == 2 * n
            assert Disclosure.objects.filter(student=student, user=user).count() == before + 1
            counts.append(len(sql))
        assert counts[0] == counts[1], user
    html = response.content.decode()
    assert reverse("portal:plan_detail", args=[StudyPlan.objects.filter(
        student=many).first().pk]) in html  # the advisor may open their advisee's plans
