"""The drop lane (issue 10): a student dropping their own registration by bearer token is one
statement on PostgreSQL, with the promotion from the waitlist it may bring. It must do and
answer exactly what `services.drop` does (§5: a dropped seat goes to the first in line, or is
free again; the waitlist moves up), and leave to the full path everything else: another's
registration, an inactive one, a closed window, a token `TokenAuth` would refuse."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone, translation

from registrar.api import registration_lane
from registrar.api.models import ApiToken
from registrar.audit.models import AuditEvent
from registrar.curriculum.models import CalendarEvent, CalendarEventKind
from registrar.registration import services
from registrar.registration.models import Registration, RegistrationState, Section
from tests.api.world import open_registration_world
from tests.registration.builders import SentStatements

URL = "/api/v1/registration/registrations"
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the one-statement lane is PostgreSQL's")
ENROLLED, WAITLISTED, DROPPED = (RegistrationState.ENROLLED, RegistrationState.WAITLISTED,
                                 RegistrationState.DROPPED)


@pytest.fixture
def world(db):
    return open_registration_world()


def _register(world, i, section) -> Registration:
    student = world.students[i]
    return services.register(student, section, by=student.user)


def _delete(client, key, registration_id):
    return client.delete(f"{URL}/{registration_id}", HTTP_AUTHORIZATION=f"Bearer {key}")


def _lane(statements: SentStatements) -> int:
    return statements.count(registration_lane.DROP_SQL)


def _count(section) -> int:
    return Section.objects.get(pk=section.pk).enrolled_count


def test_own_enrolled_drop_is_one_statement_and_frees_the_seat(client, world):
    """§5: dropping an enrolled registration frees its seat."""
    mine = _register(world, 0, world.s_c1)
    assert _count(world.s_c1) == 1
    with connection.execute_wrapper(statements := SentStatements()):
        answer = _delete(client, world.keys[0], mine.pk)
    assert answer.status_code == 200
    assert _lane(statements) == 1 == len(statements.without_savepoints())
    assert answer.json() == {"id": mine.pk, "student_id": world.students[0].pk,
                             "section_id": world.s_c1.pk, "section_code": world.s_c1.code,
                             "state": "dropped", "waitlist_position": None}
    mine.refresh_from_db()
    assert mine.state == DROPPED and mine.changed_at > mine.created_at
    assert _count(world.s_c1) == 0


def test_a_waitlisted_drop_leaves_the_count_and_moves_the_line_up(client, world):
    """§5 waitlist: leaving the line takes no seat back; those behind move up."""
    for i in range(2):
        _register(world, i, world.s_e1a)  # capacity 2: full
    waiting = _register(world, 2, world.s_e1a)
    assert waiting.state == WAITLISTED
    assert _delete(client, world.keys[2], waiting.pk).status_code == 200
    waiting.refresh_from_db()
    assert waiting.state == DROPPED and _count(world.s_e1a) == 2


def test_a_drop_that_promotes_is_one_statement_as_the_service_does_it(client, world):
    """§5 waitlist: the freed seat goes to the first in line (earlier request first); the
    count stays, the next in line moves up, and both changes are audited as the service
    audits them (the promotion with no actor, the reason "waitlist")."""
    Section.objects.filter(pk=world.s_e1a.pk).update(capacity=1)
    first = _register(world, 0, world.s_e1a)  # full
    waiting = _register(world, 1, world.s_e1a)
    behind = _register(world, 2, world.s_e1a)
    with connection.execute_wrapper(statements := SentStatements()):
        answer = _delete(client, world.keys[0], first.pk)
    assert answer.status_code == 200 and answer.json()["state"] == "dropped"
    assert _lane(statements) == 1 == len(statements.without_savepoints())
    waiting.refresh_from_db()
    behind.refresh_from_db()
    assert waiting.state == ENROLLED and behind.state == WAITLISTED
    assert waiting.changed_at > waiting.created_at and _count(world.s_e1a) == 1
    assert services.waitlist_position(behind) == 1
    lane_event = AuditEvent.objects.get(action="registration.promoted")

    # The service, from the same state, writes the same promotion event.
    services.drop(waiting, by=world.students[1].user)
    behind.refresh_from_db()
    assert behind.state == ENROLLED and _count(world.s_e1a) == 1
    service_event = AuditEvent.objects.filter(action="registration.promoted").latest("pk")
    fields = ("actor_id", "object_type", "reason")
    assert [getattr(lane_event, f) for f in fields] == [getattr(service_event, f) for f in fields]
    assert lane_event.actor_id is None and lane_event.reason == "waitlist"
    assert (lane_event.object_id, lane_event.object_repr) == (
        str(world.students[1].pk), str(world.students[1]))
    assert lane_event.changes == service_event.changes == {"section": world.s_e1a.pk}
    assert AuditEvent.objects.filter(action="registration.dropped").count() == 2


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_audit_event_is_the_one_the_service_writes(client, world, language):
    """Every state change leaves an audit record: who, what, the object as `str()` shows it,
    the same as `services.drop` writes."""
    student = world.students[0]
    student.last_name_en, student.first_name_en = "Seitova", "Aru"
    student.save()
    lane_made = _register(world, 0, world.s_c1)
    service_made = _register(world, 0, world.s_c2)
    with translation.override(language):
        assert _delete(client, world.keys[0], lane_made.pk).status_code == 200
        services.drop(service_made, by=student.user)
    lane_event, service_event = AuditEvent.objects.filter(
        action="registration.dropped").order_by("pk")
    fields = ("actor_id", "object_type", "object_id", "object_repr", "reason")
    assert [getattr(lane_event, f) for f in fields] == [getattr(service_event, f) for f in fields]
    assert lane_event.changes == {"section": world.s_c1.code}
    assert service_event.changes == {"section": world.s_c2.code}


def test_another_students_registration_is_404_and_unchanged(client, world):
    theirs = _register(world, 1, world.s_c1)
    assert _delete(client, world.keys[0], theirs.pk).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == ENROLLED and _count(world.s_c1) == 1
    assert not AuditEvent.objects.filter(action="registration.dropped").exists()


def test_dropping_twice_is_a_409_from_the_service(client, world):
    mine = _register(world, 0, world.s_c1)
    assert _delete(client, world.keys[0], mine.pk).status_code == 200
    again = _delete(client, world.keys[0], mine.pk)
    assert again.status_code == 409 and again.json()["problems"][0]["field"] == "registration"
    assert _count(world.s_c1) == 0
    assert AuditEvent.objects.filter(action="registration.dropped").count() == 1


def test_closed_window_is_refused_by_the_service_and_changes_nothing(client, world):
    """§4/§5: outside the registration window and the add/drop period nothing changes."""
    mine = _register(world, 0, world.s_c1)
    past = timezone.localdate() - dt.timedelta(days=30)
    CalendarEvent.objects.filter(kind__in=[CalendarEventKind.REGISTRATION,
                                           CalendarEventKind.ADD_DROP]) \
        .update(starts_on=past, ends_on=past)
    answer = _delete(client, world.keys[0], mine.pk)
    assert answer.status_code == 409 and answer.json()["problems"][0]["field"] == "date"
    mine.refresh_from_db()
    assert mine.state == ENROLLED and _count(world.s_c1) == 1


def test_revoked_token_is_401_and_changes_nothing(client, world):
    mine = _register(world, 0, world.s_c1)
    ApiToken.objects.filter(user=world.students[0].user).update(revoked_at=timezone.now())
    assert _delete(client, world.keys[0], mine.pk).status_code == 401
    mine.refresh_from_db()
    assert mine.state == ENROLLED and _count(world.s_c1) == 1


def test_the_registrar_drops_through_the_full_service(client, world):
    mine = _register(world, 0, world.s_c1)
    key = ApiToken.issue(world.registrar, "office")[1]
    with connection.execute_wrapper(statements := SentStatements()):
        assert _delete(client, key, mine.pk).status_code == 200
    assert _lane(statements) == 1 < len(statements)
    mine.refresh_from_db()
    assert mine.state == DROPPED and _count(world.s_c1) == 0
    assert AuditEvent.objects.get(action="registration.dropped").actor_id == world.registrar.pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_drops_of_one_registration_free_one_seat():
    """§5 under the rush: the same drop sent twice at once (a double click on two devices)
    drops once, frees one seat and writes one audit event; the other answer is a refusal."""
    from django.test import Client

    from tests.registration.test_rush_postgres import run_together

    world = open_registration_world()
    mine = _register(world, 0, world.s_c1)
    _register(world, 1, world.s_c1)

    def drop_once():
        return _delete(Client(), world.keys[0], mine.pk).status_code

    statuses = run_together(drop_once, [()] * 4)
    assert sorted(statuses) == [200, 409, 409, 409]
    mine.refresh_from_db()
    assert mine.state == DROPPED and _count(world.s_c1) == 1
    assert AuditEvent.objects.filter(action="registration.dropped").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_drops_of_a_full_section_promote_the_first_in_line_each_once():
    """§5 under the rush: two enrolled students of a full section drop at the same moment
    with three waiting: the first two in line get the seats, in order, each promoted once;
    the count stays at capacity and no seat is free beside the line."""
    from django.test import Client

    from tests.registration.test_rush_postgres import run_together

    world = open_registration_world(n_students=5)
    enrolled = [_register(world, i, world.s_e1a) for i in range(2)]  # capacity 2
    waiting = [_register(world, i, world.s_e1a) for i in range(2, 5)]

    def drop(i):
        return _delete(Client(), world.keys[i], enrolled[i].pk).status_code

    assert run_together(drop, [(0,), (1,)]) == [200, 200]
    states = [Registration.objects.get(pk=r.pk).state for r in waiting]
    assert states == [ENROLLED, ENROLLED, WAITLISTED]
    assert _count(world.s_e1a) == 2
    assert AuditEvent.objects.filter(action="registration.promoted").count() == 2
    assert sorted(AuditEvent.objects.filter(action="registration.promoted")
                  .values_list("object_id", flat=True)) == sorted(
        str(world.students[i].pk) for i in (2, 3))
