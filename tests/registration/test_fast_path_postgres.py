"""On PostgreSQL a registration on the happy path is one statement (issue 3's rush), with the
same outcome as the ORM path: seat or waitlist, audit event, and the full service still deciding
every refusal and repeat (§5)."""

from __future__ import annotations

import pytest
from django.db import connection

from registrar.audit.models import AuditEvent
from registrar.registration import services
from registrar.registration.fast_path import SQL, register_in_one_statement
from registrar.registration.models import Registration

from .builders import REGISTRATION_OPENS, SentStatements, approved_plans

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the one-statement path is PostgreSQL's")


def test_happy_path_is_one_statement_with_the_same_result(world):
    approved_plans(world, world.students, electives=[world.e1])
    first, second, third = world.students[:3]
    with connection.execute_wrapper(sent := SentStatements()):
        made = register_in_one_statement(first, world.s_e1a, by=first.user,
                                         today=REGISTRATION_OPENS)
    assert made is not None and made.state == "enrolled"
    assert sent.without_savepoints() == [SQL]
    register_in_one_statement(second, world.s_e1a, by=second.user, today=REGISTRATION_OPENS)
    waiting = register_in_one_statement(third, world.s_e1a, by=third.user,
                                        today=REGISTRATION_OPENS)
    assert waiting is not None and waiting.state == "waitlisted"
    world.s_e1a.refresh_from_db()
    assert world.s_e1a.enrolled_count == 2 == world.s_e1a.capacity
    event = AuditEvent.objects.filter(object_id=str(first.pk),
                                      action="registration.enrolled").get()
    assert event.actor == first.user and event.changes == {"section": world.s_e1a.code}
    assert services.waitlist_position(waiting) == 1


def test_refusals_and_repeats_fall_back_to_the_service(world):
    approved_plans(world, world.students[:1])
    student = world.students[0]
    # Not in the plan, outside the window, a repeat: the fast path declines each.
    assert register_in_one_statement(student, world.s_e1a, by=student.user,
                                     today=REGISTRATION_OPENS) is None
    assert register_in_one_statement(student, world.s_c1, by=student.user,
                                     today=REGISTRATION_OPENS.replace(year=2025)) is None
    made, created = services.register_detailed(student, world.s_c1, by=student.user,
                                                today=REGISTRATION_OPENS)
    assert created
    again, created = services.register_detailed(student, world.s_c1, by=student.user,
                                                today=REGISTRATION_OPENS)
    assert (again.pk, created) == (made.pk, False)
    assert Registration.objects.filter(student=student).count() == 1
