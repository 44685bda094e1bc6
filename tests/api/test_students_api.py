"""Students over the API (§1): each role sees exactly the students the portal shows it; the list
pages and filters; a student outside the caller's scope is not found."""

from __future__ import annotations

import pytest

from tests.api.conftest import auth

pytestmark = pytest.mark.django_db

URL = "/api/v1/students"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {s["id"] for s in response.json()["items"]}


def test_each_role_lists_its_scope(client, api_world):
    w = api_world
    ours = {s.pk for s in w.students}
    assert ids(client.get(URL, **auth(w, "registrar"))) == ours | {w.outsider.pk}
    assert ids(client.get(URL, **auth(w, "dean"))) == ours
    assert ids(client.get(URL, **auth(w, "other_dean"))) == {w.outsider.pk}
    assert ids(client.get(URL, **auth(w, "advisor"))) == ours
    assert ids(client.get(URL, **auth(w, "student"))) == {w.student.pk}
    assert ids(client.get(URL, **auth(w, "teacher"))) == set()


def test_a_page_holds_page_size_students_and_the_count_of_all(client, api_world):
    w = api_world
    first = client.get(URL, {"page_size": 3}, **auth(w, "registrar")).json()
    second = client.get(URL, {"page_size": 3, "page": 2}, **auth(w, "registrar")).json()
    beyond = client.get(URL, {"page_size": 3, "page": 3}, **auth(w, "registrar")).json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (4, 3, 1)
    assert beyond == {"items": [], "count": 4}
    everyone = [s["id"] for s in first["items"] + second["items"]]
    assert len(set(everyone)) == 4  # a stable order: nobody twice, nobody missed
    # Ordered by Russian surname (Abenov, Bekova, Dzhaksybekov, then the outsider's).
    assert everyone[:3] == [s.pk for s in w.students]


def test_page_size_is_at_most_200(client, api_world):
    response = client.get(URL, {"page_size": 201}, **auth(api_world, "registrar"))
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "page_size"
    assert client.get(URL, {"page_size": 200}, **auth(api_world, "registrar")).status_code == 200


@pytest.mark.parametrize("params, expected", [
    ({"q": "bekova"}, {1}),
    ({"q": "Abenov"}, {0}),
    ({"status": "active", "year_of_study": 1}, {0, 1, 2, "outsider"}),
    ({"status": "applicant"}, set()),
    ({"programme": True}, {0, 1, 2}),
    ({"group": True}, {0, 1, 2}),
    ({"other_faculty": True}, {"outsider"}),
])
def test_filters(client, api_world, params, expected):
    w = api_world
    query = {k: v for k, v in params.items() if k in ("q", "status", "year_of_study")}
    if params.get("programme"):
        query["programme_id"] = w.programme.pk
    if params.get("group"):
        query["group_id"] = w.group.pk
    if params.get("other_faculty"):
        query["faculty_id"] = w.other_faculty.pk
    wanted = {w.outsider.pk if e == "outsider" else w.students[e].pk for e in expected}
    assert ids(client.get(URL, query, **auth(w, "registrar"))) == wanted


def test_filters_narrow_the_scope_never_widen_it(client, api_world):
    w = api_world
    response = client.get(URL, {"faculty_id": w.other_faculty.pk}, **auth(w, "dean"))
    assert ids(response) == set()


def test_unknown_status_is_422_naming_the_field(client, api_world):
    response = client.get(URL, {"status": "asleep"}, **auth(api_world, "registrar"))
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["problems"]] == ["status"]


def test_one_student(client, api_world):
    w = api_world
    response = client.get(f"{URL}/{w.student.pk}", **auth(w, "student"))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["iin"], body["status"], body["group"]) == (
        w.student.pk, w.student.iin, "active", w.group.name)
    assert body["programme_code"] == w.programme.code
    assert body["faculty_id"] == w.faculty.pk


@pytest.mark.parametrize("role, visible", [
    ("registrar", True), ("dean", True), ("advisor", True), ("student", True),
    ("other_dean", False), ("teacher", False), ("outsider", False),
])
def test_a_student_outside_the_scope_is_not_found(client, api_world, role, visible):
    w = api_world
    response = client.get(f"{URL}/{w.student.pk}", **auth(w, role))
    assert response.status_code == (200 if visible else 404)
    if not visible:
        body = response.json()
        assert body["detail"] and body["problems"] == []


def test_a_student_sees_no_other_student(client, api_world):
    w = api_world
    assert client.get(f"{URL}/{w.students[1].pk}", **auth(w, "student")).status_code == 404


def test_the_portal_session_works_too(client, api_world):
    client.force_login(api_world.dean)
    assert ids(client.get(URL)) == {s.pk for s in api_world.students}


def test_without_credentials_401(client, api_world):
    response = client.get(URL)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "problems"}
    bad = client.get(URL, HTTP_AUTHORIZATION="Bearer not-a-key")
    assert bad.status_code == 401
