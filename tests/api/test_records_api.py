"""The academic record over the API (§7): a student's history and GPA, read in the same scope as
the portal's student card; the GPA figures are the stored snapshots.

The first student's autumn 2025: MAT1101 5 credits A- (3.67), HIS1102 3 credits A (4.00):
GPA = (3.67×5 + 4.00×3) / 8 = 30.35 / 8 = 3.79375 → stored 3.7938, shown 3.79.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import auth

pytestmark = pytest.mark.django_db

URL = "/api/v1/records"


def test_the_history_of_a_student(client, api_world):
    w = api_world
    response = client.get(f"{URL}/students/{w.student.pk}/history", **auth(w, "student"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = [(r["discipline_code"], r["credits"], r["letter"], r["points"], r["passed"])
            for r in body["items"]]
    assert rows == [("HIS1102", 3, "A", "4.00", True), ("MAT1101", 5, "A-", "3.67", True)]
    first = body["items"][0]
    assert (first["academic_year"], first["period_kind"], first["kind"]) == (
        "2025-2026", "autumn", "regular")


def test_history_filters_and_pages(client, api_world):
    w = api_world
    url = f"{URL}/students/{w.student.pk}/history"
    assert client.get(url, {"passed": "false"}, **auth(w, "registrar")).json()["count"] == 0
    assert client.get(url, {"period_id": w.spring.pk},
                      **auth(w, "registrar")).json()["count"] == 0
    assert client.get(url, {"kind": "regular"}, **auth(w, "registrar")).json()["count"] == 2
    page = client.get(url, {"page_size": 1, "page": 2}, **auth(w, "registrar")).json()
    assert (page["count"], [r["discipline_code"] for r in page["items"]]) == (2, ["MAT1101"])


def test_the_gpa_of_a_student(client, api_world):
    w = api_world
    response = client.get(f"{URL}/students/{w.student.pk}/gpa", **auth(w, "student"))
    assert response.status_code == 200
    body = response.json()
    assert (body["cumulative_gpa"], body["cumulative_gpa_exact"], body["credits_earned"]) == (
        "3.79", "3.7938", 8)
    [term] = body["terms"]
    assert (term["period_id"], term["term_gpa"], term["term_gpa_exact"], term["term_credits"]) \
        == (w.autumn.pk, "3.79", "3.7938", 8)


def test_a_student_without_graded_work_has_no_gpa_yet(client, api_world):
    w = api_world
    body = client.get(f"{URL}/students/{w.students[1].pk}/gpa", **auth(w, "registrar")).json()
    assert body == {"student_id": w.students[1].pk, "cumulative_gpa": None,
                    "cumulative_gpa_exact": None, "credits_earned": 0, "terms": []}


@pytest.mark.parametrize("role, visible", [
    ("registrar", True), ("dean", True), ("advisor", True), ("student", True),
    ("other_dean", False), ("teacher", False), ("outsider", False),
])
@pytest.mark.parametrize("what", ["history", "gpa"])
def test_a_record_outside_the_scope_is_not_found(client, api_world, role, visible, what):
    w = api_world
    response = client.get(f"{URL}/students/{w.student.pk}/{what}", **auth(w, role))
    assert response.status_code == (200 if visible else 404)


def test_gpa_list_of_the_students_in_scope(client, api_world):
    w = api_world

    def students(role, **params):
        response = client.get(f"{URL}/gpa", params, **auth(w, role))
        assert response.status_code == 200
        return [r["student_id"] for r in response.json()["items"]]

    assert sorted(students("registrar")) == sorted([w.student.pk, w.outsider.pk])
    assert students("dean") == [w.student.pk]
    assert students("other_dean") == [w.outsider.pk]
    assert students("outsider") == [w.outsider.pk]
    assert students("teacher") == []
    assert students("registrar", group_id=w.group.pk) == [w.student.pk]
    assert students("registrar", programme_id=w.other_programme.pk) == [w.outsider.pk]
    assert students("registrar", period_id=w.spring.pk) == []
    # A filter never widens the scope: the dean asks for the other faculty's student.
    assert students("dean", student_id=w.outsider.pk) == []
