"""The registration lane (issue 3): a student's own registration by bearer token is one
statement on PostgreSQL that authenticates too. It must answer exactly what the full path
answers (§5 registration rules), and never let through what `TokenAuth` would refuse: a revoked
token, an inactive user, a token whose user is not the student."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone, translation

from registrar.api import registration_lane
from registrar.api.models import ApiToken
from registrar.audit.models import AuditEvent
from registrar.registration import services
from registrar.registration.models import Registration
from tests.api.world import open_registration_world
from tests.registration.builders import SentStatements

URL = "/api/v1/registration/registrations"
ON_POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="the one-statement lane is PostgreSQL's")


@pytest.fixture
def world(db):
    return open_registration_world()


def _post(client, key, section, **extra):
    return client.post(URL, {"section_id": section.pk, **extra},
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")


def _lane(statements: SentStatements) -> int:
    return statements.count(registration_lane.SQL)


@ON_POSTGRES
def test_happy_path_is_one_statement_answering_as_the_service_would(client, world):
    """§5: seat while seats last, then the FIFO waitlist with the position in line."""
    with connection.execute_wrapper(statements := SentStatements()):
        first = _post(client, world.keys[0], world.s_e1a)
    assert first.status_code == 201
    # The whole request is the one statement (in a savepoint: the test runs in a transaction).
    assert _lane(statements) == 1 == len(statements.without_savepoints())
    _post(client, world.keys[1], world.s_e1a)
    waiting = _post(client, world.keys[2], world.s_e1a).json()
    assert waiting["state"] == "waitlisted"
    made = Registration.objects.get(pk=waiting["id"])
    assert waiting == {"id": made.pk, "student_id": world.students[2].pk,
                       "section_id": world.s_e1a.pk, "section_code": world.s_e1a.code,
                       "state": "waitlisted",
                       "waitlist_position": services.waitlist_position(made)}
    world.s_e1a.refresh_from_db()
    assert world.s_e1a.enrolled_count == 2 == world.s_e1a.capacity


@ON_POSTGRES
@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_audit_event_names_student_and_actor_as_the_orm_path_does(client, world, language):
    """Every state change leaves an audit record: who, what, the object as `str()` shows it."""
    student = world.students[0]
    student.last_name_en, student.first_name_en = "Seitova", "Aru"
    student.save()
    with translation.override(language):
        assert _post(client, world.keys[0], world.s_c1).status_code == 201
        expected_repr = str(student)
    event = AuditEvent.objects.get(action="registration.enrolled", object_id=str(student.pk))
    assert (event.actor_id, event.object_type, event.object_repr, event.changes) == \
        (student.user_id, "people.student", expected_repr, {"section": world.s_c1.code})


@ON_POSTGRES
def test_revoked_token_is_401_and_registers_nothing(client, world):
    ApiToken.objects.filter(user=world.students[0].user).update(revoked_at=timezone.now())
    assert _post(client, world.keys[0], world.s_c1).status_code == 401
    assert not Registration.objects.filter(student=world.students[0]).exists()


@ON_POSTGRES
def test_inactive_user_is_401_and_registers_nothing(client, world):
    user = world.students[0].user
    user.is_active = False
    user.save()
    assert _post(client, world.keys[0], world.s_c1).status_code == 401
    assert not Registration.objects.exists()


@ON_POSTGRES
def test_unknown_or_malformed_token_is_401(client, world):
    assert _post(client, "not-a-key", world.s_c1).status_code == 401
    response = client.post(URL, {"section_id": world.s_c1.pk}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {world.keys[0]}")
    assert response.status_code == 401
    assert not Registration.objects.exists()


@ON_POSTGRES
def test_acting_for_another_student_takes_the_full_path_and_is_refused(client, world):
    other = world.students[1]
    response = _post(client, world.keys[0], world.s_c1, student_id=other.pk)
    assert response.status_code == 403
    assert not Registration.objects.filter(student=other).exists()


@ON_POSTGRES
def test_staff_token_is_not_a_student_and_takes_the_full_path(client, world):
    key = ApiToken.issue(world.registrar, "office")[1]
    with connection.execute_wrapper(statements := SentStatements()):
        response = _post(client, key, world.s_c1)
    assert response.status_code == 403  # the registrar must name the student
    # Tried, made nothing, and the full path decided.
    assert _lane(statements) == 1 < len(statements)


@ON_POSTGRES
def test_refusal_and_repeat_come_from_the_full_service(client, world):
    """§5: a discipline outside the approved plan is refused with the reason; a repeat is
    idempotent (200 with the same registration)."""
    refused = _post(client, world.keys[0], world.s_out)
    assert refused.status_code == 409 and refused.json()["problems"][0]["field"] == "section"
    first = _post(client, world.keys[0], world.s_c1)
    again = _post(client, world.keys[0], world.s_c1)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Registration.objects.filter(student=world.students[0]).count() == 1


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_statement_commits_on_its_own(client):
    """The server runs in autocommit: the statement is its own transaction, and it is
    prepared on the connection after its first uses (PostgreSQL plans it once)."""
    w = open_registration_world()
    for key, section in zip(w.keys, (w.s_c1, w.s_c1, w.s_e1a), strict=True):
        assert _post(client, key, section).status_code == 201
    assert Registration.objects.filter(section=w.s_c1, state="enrolled").count() == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements "
                       "WHERE statement LIKE '%%who AS (%%'")
        prepared = cursor.fetchone()[0]
    # psycopg prepares after `prepare=True` is asked; the first use prepares it already.
    assert prepared >= 1
