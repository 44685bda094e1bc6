"""Report pages (§7, §12): the index, the academic rating and the debtors, each with an XLSX
download; a dean sees their own faculty only; students and teachers are refused."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests import factories
from tests.records.builders import build_world, enrol, grade

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def w():
    w = build_world()
    w.best, w.second, w.debtor = enrol(w, 3, year_of_study=1)
    w.group = w.best.group
    w.other, = enrol(w, programme=w.other_programme)
    grade(w, w.best, w.autumn, "A", 5)
    grade(w, w.second, w.autumn, "B", 5)
    grade(w, w.debtor, w.autumn, "C", 5)
    w.failed = grade(w, w.debtor, w.autumn, "F", 3)
    w.other_failed = grade(w, w.other, w.autumn, "F", 4)
    return w


def get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def workbook_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_the_index_links_the_reports_in_scope(client, w):
    html = get(client, w.registrar, "portal:reports").content.decode()
    for name in ("portal:report_rating", "portal:report_debts", "portal:grade_changes",
                 "portal:sheet_board", "portal:promotion"):
        assert reverse(name) in html
    dean = get(client, w.dean, "portal:reports")
    assert dean.status_code == 200
    assert reverse("portal:grade_changes") not in dean.content.decode()  # registrar's only


def test_students_and_teachers_are_refused(client, w):
    account = factories.user()
    w.best.user = account
    w.best.save(update_fields=["user"])
    teacher = factories.user(role="teacher")
    for user in (account, teacher):
        for name in ("portal:reports", "portal:report_rating", "portal:report_debts"):
            assert get(client, user, name).status_code == 403, (user, name)
        assert get(client, user, "portal:report_debts", format="xlsx").status_code == 403


def test_group_rating_ranked_by_gpa_and_downloaded(client, w):
    params = {"scope": "group", "group": w.group.pk, "year": 2025, "basis": "cumulative"}
    response = get(client, w.registrar, "portal:report_rating", **params)
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [(r.rank, r.student) for r in rows] == [(1, w.best), (2, w.second), (3, w.debtor)]
    assert str(rows[0].display) == "4.00"
    table = workbook_rows(get(client, w.registrar, "portal:report_rating", format="xlsx",
                              **params))
    assert table[0][:2] == ("Rank", "Student")
    assert [(r[0], r[2]) for r in table[1:]] == [(1, w.best.iin), (2, w.second.iin),
                                                 (3, w.debtor.iin)]
    assert table[1][5] == 4.0


def test_year_rating_of_a_dean_is_their_faculty(client, w):
    response = get(client, w.dean, "portal:report_rating", scope="year", year_of_study=1,
                   year=2025, basis="year")
    assert {r.student for r in response.context["page"]} == {w.best, w.second, w.debtor}
    registrar = get(client, w.registrar, "portal:report_rating", scope="year",
                    year_of_study=1, year=2025, basis="year")
    assert w.other in {r.student for r in registrar.context["page"]}


def test_a_dean_cannot_rate_a_group_of_another_faculty(client, w):
    response = get(client, w.dean, "portal:report_rating", scope="group", group=w.other.group.pk,
                   year=2025, basis="cumulative")
    assert response.status_code == 200
    assert response.context["page"] is None and "group" in response.context["form"].errors
    assert w.other.full_name not in response.content.decode()


def test_a_missing_key_is_reported_on_the_form(client, w):
    response = get(client, w.registrar, "portal:report_rating", scope="programme", year=2025,
                   basis="cumulative")
    assert response.context["page"] is None
    assert "programme" in response.context["form"].errors


def test_debtors_of_the_university_and_of_a_faculty(client, w):
    response = get(client, w.registrar, "portal:report_debts")
    assert response.status_code == 200
    assert [r.student for r in response.context["page"]] == sorted(
        [w.debtor, w.other], key=lambda s: (s.last_name_ru, s.first_name_ru, s.pk))
    assert response.context["students"] == 2
    dean = get(client, w.dean, "portal:report_debts")
    assert [(r.student, r.discipline) for r in dean.context["page"]] == [
        (w.debtor, w.failed.discipline)]
    forged = get(client, w.dean, "portal:report_debts", faculty=w.other_faculty.pk)
    assert forged.context["page"] is None
    assert w.other.full_name not in forged.content.decode()
    table = workbook_rows(get(client, w.dean, "portal:report_debts", format="xlsx"))
    assert [r[1] for r in table[1:]] == [w.debtor.iin]
    assert table[1][5] == 3
