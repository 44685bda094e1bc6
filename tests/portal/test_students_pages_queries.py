"""Issue 10: the registrar's live search and the student card cost a fixed number of queries,
whatever the number of rows they show (no query per row, none issued by the template)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrar.people.models import Student
from registrar.people.selectors import search_page
from tests import factories

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
    assert [s.last_name_ru for s in page] == ["Бекова0", "Бекова1", "Бекова2"]
    assert page.has_next() and not page.has_previous()
    assert [s.last_name_ru for s in search_page(students, "бекова", "3", per_page=3)] == [
        "Бекова6"]
    for asked in ("9", "0", "-1"):
        last = search_page(students, "бекова", asked, per_page=3)
        assert last.number == 3 and [s.last_name_ru for s in last] == ["Бекова6"]
    assert search_page(students, "бекова", "x", per_page=3).number == 1
    assert search_page(students, "бекова", None, per_page=3).number == 1
    nothing = search_page(students, "щзщзщ", 1, per_page=3)
    assert nothing.paginator.count == 0 and list(nothing) == [] and nothing.number == 1
    everyone = search_page(students, "", 1, per_page=3)
    assert everyone.paginator.count == 7 and len(everyone) == 3
