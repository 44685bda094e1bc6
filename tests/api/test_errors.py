"""The API's error answers and its published schema: every error has the body
``{"detail", "problems": [{"field", "message"}]}``, 400 and 422 name the fields at fault; the
OpenAPI document at its stable URL lists every router and documents the errors."""

from __future__ import annotations

import pytest

from tests.api.conftest import auth

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/openapi.json"


def _fields(response) -> list[str]:
    body = response.json()
    assert set(body) == {"detail", "problems"} and body["detail"]
    assert all(p["message"] for p in body["problems"])
    return [p["field"] for p in body["problems"]]


@pytest.mark.parametrize("url, params, fields", [
    ("/api/v1/students", {"page": "first"}, ["page"]),
    ("/api/v1/students", {"page": 0}, ["page"]),
    ("/api/v1/students", {"page_size": 0, "group_id": "G-1"}, ["page_size", "group_id"]),
    ("/api/v1/students", {"q": "a\x00b"}, ["q"]),
    ("/api/v1/students", {"q": "x" * 101}, ["q"]),
    ("/api/v1/students", {"year_of_study": 9}, ["year_of_study"]),
    ("/api/v1/records/gpa", {"group_id": 2**63}, ["group_id"]),
    ("/api/v1/orders", {"state": "signed"}, ["state"]),
    ("/api/v1/documents", {"revoked": "perhaps"}, ["revoked"]),
    ("/api/v1/registration/sections", {}, ["period_id"]),
])
def test_bad_query_is_422_naming_each_field(client, api_world, url, params, fields):
    response = client.get(url, params, **auth(api_world, "registrar"))
    assert response.status_code == 422
    assert sorted(_fields(response)) == sorted(fields)


@pytest.mark.parametrize("path", ["/api/v1/students/0", "/api/v1/students/abc",
                                  f"/api/v1/orders/{2**63}"])
def test_bad_path_id_is_422_naming_it(client, api_world, path):
    response = client.get(path, **auth(api_world, "registrar"))
    assert response.status_code == 422
    assert _fields(response) == [path.split("/")[3].rstrip("s") + "_id"]


def test_bad_body_field_is_422_naming_it(client, api_world):
    response = client.post("/api/v1/registration/registrations",
                           {"section_id": "many", "student_id": -1},
                           content_type="application/json", **auth(api_world, "registrar"))
    assert response.status_code == 422
    assert _fields(response) == ["section_id", "student_id"]


def test_unreadable_body_is_400(client, api_world):
    w = api_world
    response = client.post(f"/api/v1/grades/sheets/{w.r1.pk}/scores", "{rows: [",
                           content_type="application/json", **auth(w, "teacher"))
    assert response.status_code == 400
    assert _fields(response) == ["body"]


def test_401_403_404_have_the_same_body(client, api_world):
    w = api_world
    unauthenticated = client.get("/api/v1/orders")
    forbidden = client.get("/api/v1/orders", **auth(w, "student"))
    missing = client.get(f"/api/v1/orders/{w.order.pk}", **auth(w, "student"))
    for response, status in ((unauthenticated, 401), (forbidden, 403), (missing, 404)):
        assert response.status_code == status
        assert _fields(response) == []


def test_messages_follow_the_language_of_the_request(client, api_world):
    english = client.get("/api/v1/orders", HTTP_ACCEPT_LANGUAGE="en", **auth(api_world, "student"))
    russian = client.get("/api/v1/orders", HTTP_ACCEPT_LANGUAGE="ru", **auth(api_world, "student"))
    assert english.json()["detail"] == "You do not have permission to do this."
    assert russian.json()["detail"] != english.json()["detail"]


def test_the_schema_is_published_and_lists_every_router(client):
    response = client.get(SCHEMA_URL)  # no sign-in needed
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1"
    paths = schema["paths"]
    for path in ("/api/v1/students", "/api/v1/students/{student_id}", "/api/v1/programmes",
                 "/api/v1/programmes/{programme_id}", "/api/v1/curricula",
                 "/api/v1/curricula/{curriculum_id}", "/api/v1/registration/sections",
                 "/api/v1/registration/registrations", "/api/v1/grades/sheets",
                 "/api/v1/grades/sheets/{sheet_id}", "/api/v1/grades/sheets/{sheet_id}/scores",
                 "/api/v1/grades/mine", "/api/v1/records/students/{student_id}/history",
                 "/api/v1/records/students/{student_id}/gpa", "/api/v1/records/gpa",
                 "/api/v1/documents", "/api/v1/documents/{document_id}",
                 "/api/v1/documents/{document_id}/pdf", "/api/v1/orders",
                 "/api/v1/orders/{order_id}", "/api/v1/orders/{order_id}/items"):
        assert path in paths, path
    tags = {tag for item in paths.values() for op in item.values() for tag in op["tags"]}
    assert tags == {"students", "programmes", "curricula", "registration", "grades",
                    "records", "documents", "orders"}
    for item in paths.values():
        for operation in item.values():
            assert {"401", "403", "404", "422"} <= set(operation["responses"])
    listing = paths["/api/v1/students"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"page", "page_size", "q", "group_id",
                                                        "programme_id", "status"}
    page_size = next(p for p in listing["parameters"] if p["name"] == "page_size")
    assert page_size["schema"]["maximum"] == 200
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}


def test_the_documentation_page_links_the_schema(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert SCHEMA_URL in response.content.decode()
