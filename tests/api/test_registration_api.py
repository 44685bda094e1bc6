"""The registration JSON API (§5): bearer tokens, the same rules and object permissions as the
services, 409 with the reason for a refusal, idempotent repeats, and the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.utils import timezone

from registrar.api.models import ApiToken
from registrar.registration.models import Registration
from tests.api.world import open_registration_world

pytestmark = pytest.mark.django_db

URL = "/api/v1/registration"


@pytest.fixture
def world():
    return open_registration_world()


def _auth(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_register_then_repeat_is_idempotent(client, world):
    body = {"section_id": world.s_c1.pk}
    first = client.post(f"{URL}/registrations", body, content_type="application/json",
                        **_auth(world.keys[0]))
    assert first.status_code == 201 and first.json()["state"] == "enrolled"
    again = client.post(f"{URL}/registrations", body, content_type="application/json",
                        **_auth(world.keys[0]))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Registration.objects.filter(student=world.students[0]).count() == 1


def test_full_section_waitlists_with_position(client, world):
    """Section ELC1104-01 has 2 seats: the third student is first in line."""
    states = [client.post(f"{URL}/registrations", {"section_id": world.s_e1a.pk},
                          content_type="application/json", **_auth(k)).json()
              for k in world.keys]
    assert [s["state"] for s in states] == ["enrolled", "enrolled", "waitlisted"]
    assert states[2]["waitlist_position"] == 1
    sections = client.get(f"{URL}/sections", {"period_id": world.autumn.pk},
                          **_auth(world.keys[0])).json()
    e1a = next(s for s in sections if s["id"] == world.s_e1a.pk)
    assert (e1a["enrolled"], e1a["seats_left"]) == (2, 0)


def test_my_registrations_show_the_place_in_line_without_a_query_per_row(client, world):
    """§5 waitlist through the API: each student's list gives their own rows with the
    position the service computes; a list costs one query, and one more for the places in
    line when something is waitlisted, however many rows (issue 10: it asked one query per
    waitlisted row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registrar.registration import services

    made = [client.post(f"{URL}/registrations", {"section_id": section.pk},
                        content_type="application/json", **_auth(k)).json()
            for section in (world.s_e1a, world.s_c1) for k in world.keys]
    mine = []
    for key in world.keys:
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(f"{URL}/registrations", {"period_id": world.autumn.pk},
                                **_auth(key))
        assert answer.status_code == 200
        mine.append((answer.json(), len(queries)))
    counts = [n for _, n in mine]
    assert counts[2] == counts[0] + 1 == counts[1] + 1  # only the third waits
    third = mine[2][0]
    assert {r["id"] for r in third} == {m["id"] for m in made if m["student_id"]
                                        == world.students[2].pk}
    for row in third:
        registration = Registration.objects.get(pk=row["id"])
        assert row == {"id": registration.pk, "student_id": world.students[2].pk,
                       "section_id": registration.section_id,
                       "section_code": registration.section.code, "state": registration.state,
                       "waitlist_position": services.waitlist_position(registration)}
    assert sorted(r["waitlist_position"] or 0 for r in third) == [0, 1]


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_sections_name_the_teacher_in_the_request_language(client, world, language):
    """The sections list gives each section's figures and its teacher's name as the person
    model writes it in the language asked for."""
    from django.utils import translation

    from tests import factories

    teacher = factories.user(role="teacher").staff
    teacher.last_name_kk, teacher.first_name_kk = "Әлиев", "Бақыт"
    teacher.last_name_en, teacher.first_name_en = "Aliyev", "Bakyt"
    teacher.save()
    world.s_c1.teacher = teacher
    world.s_c1.save(update_fields=["teacher"])
    answer = client.get(f"{URL}/sections", {"period_id": world.autumn.pk,
                                            "discipline_id": world.c1.pk},
                        HTTP_ACCEPT_LANGUAGE=language, **_auth(world.keys[0]))
    assert answer.status_code == 200
    [row] = answer.json()
    with translation.override(language):
        name = str(teacher)
    assert name and row == {
        "id": world.s_c1.pk, "code": world.s_c1.code, "discipline_id": world.c1.pk,
        "discipline_code": world.c1.code, "teacher": name, "language": "ru", "capacity": 30,
        "enrolled": 0, "seats_left": 30, "schedule": world.s_c1.schedule,
        "status": world.s_c1.status}


def test_refusal_is_409_with_the_reason(client, world):
    response = client.post(f"{URL}/registrations", {"section_id": world.s_out.pk},
                           content_type="application/json", **_auth(world.keys[0]))
    assert response.status_code == 409
    assert response.json()["problems"][0]["field"] == "section"


def test_bad_input_is_422_naming_the_field(client, world):
    response = client.post(f"{URL}/registrations", {"section_id": "many"},
                           content_type="application/json", **_auth(world.keys[0]))
    assert response.status_code == 422
    assert "section_id" in str(response.json())


def test_a_student_cannot_act_for_another(client, world):
    other = world.students[1]
    response = client.post(f"{URL}/registrations",
                           {"section_id": world.s_c1.pk, "student_id": other.pk},
                           content_type="application/json", **_auth(world.keys[0]))
    assert response.status_code == 403
    theirs = client.post(f"{URL}/registrations", {"section_id": world.s_c1.pk},
                         content_type="application/json", **_auth(world.keys[1])).json()
    drop = client.delete(f"{URL}/registrations/{theirs['id']}", **_auth(world.keys[0]))
    assert drop.status_code == 404
    assert Registration.objects.get(pk=theirs["id"]).state == "enrolled"
    listing = client.get(f"{URL}/registrations", {"period_id": world.autumn.pk,
                                                  "student_id": other.pk},
                         **_auth(world.keys[0]))
    assert listing.status_code == 403


def test_registrar_registers_on_behalf(client, world):
    key = ApiToken.issue(world.registrar, "office")[1]
    response = client.post(f"{URL}/registrations",
                           {"section_id": world.s_c2.pk, "student_id": world.students[2].pk},
                           content_type="application/json", **_auth(key))
    assert response.status_code == 201


def test_no_or_revoked_token_is_401(client, world):
    assert client.get(f"{URL}/sections", {"period_id": world.autumn.pk}).status_code == 401
    ApiToken.objects.update(revoked_at=timezone.now())
    response = client.get(f"{URL}/sections", {"period_id": world.autumn.pk},
                          **_auth(world.keys[0]))
    assert response.status_code == 401


def test_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/registration/registrations" in schema["paths"]
