"""Programmes and working curricula over the API (§2, §3): reference data every signed-in user
reads; filters, pages and the disciplines of a curriculum by semester."""

from __future__ import annotations

import pytest

from tests.api.conftest import auth

pytestmark = pytest.mark.django_db


def _codes(client, w, url, role="student", **params) -> list[str]:
    response = client.get(url, params, **auth(w, role))
    assert response.status_code == 200, response.content
    return [item["code" if "programmes" in url else "programme_code"]
            for item in response.json()["items"]]


def test_programmes_and_their_filters(client, api_world):
    w = api_world
    url = "/api/v1/programmes"
    assert _codes(client, w, url) == sorted([w.programme.code, w.other_programme.code])
    assert _codes(client, w, url, faculty_id=w.other_faculty.pk) == [w.other_programme.code]
    assert _codes(client, w, url, q=w.programme.code.lower()) == [w.programme.code]
    assert _codes(client, w, url, q="Programme", degree="master") == []
    assert _codes(client, w, url, language="ru", study_form="full_time",
                  department_id=w.programme.department_id) == [w.programme.code]


def test_one_programme(client, api_world):
    w = api_world
    body = client.get(f"/api/v1/programmes/{w.programme.pk}", **auth(w, "teacher")).json()
    assert (body["code"], body["degree"], body["faculty_id"], body["faculty_code"]) == (
        w.programme.code, "bachelor", w.faculty.pk, w.faculty.code)
    assert client.get("/api/v1/programmes/999999", **auth(w, "teacher")).status_code == 404


def test_curricula_and_their_filters(client, api_world):
    w = api_world
    url = "/api/v1/curricula"
    assert sorted(_codes(client, w, url)) == sorted([w.programme.code, w.other_programme.code])
    assert _codes(client, w, url, programme_id=w.programme.pk) == [w.programme.code]
    assert _codes(client, w, url, intake_year=2024) == []


def test_a_curriculum_lists_its_disciplines_by_semester(client, api_world):
    w = api_world
    response = client.get(f"/api/v1/curricula/{w.curriculum.pk}", **auth(w, "student"))
    assert response.status_code == 200
    body = response.json()
    assert (body["programme_id"], body["intake_year"], body["approved_on"]) == (
        w.programme.pk, 2025, "2025-06-01")
    assert [(e["code"], e["semester"], e["component"], e["credits"]) for e in body["entries"]] \
        == [("MAT1101", 1, "compulsory", 5), ("HIS1102", 1, "elective", 3),
            ("PHY1201", 2, "compulsory", 5)]
    assert client.get("/api/v1/curricula/999999", **auth(w, "student")).status_code == 404


def test_reference_data_needs_a_sign_in(client, api_world):
    assert client.get("/api/v1/programmes").status_code == 401
    assert client.get("/api/v1/curricula").status_code == 401
