"""Registration read queries: the waitlist position of a list in one query (issue 10: the
registrations list a student polls during the rush asked one query per waitlisted row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registrar.registration import services
from registrar.registration.models import Registration, RegistrationState
from registrar.registration.selectors import with_waitlist_position

from .builders import IN_REGISTRATION, approved_plans

pytestmark = pytest.mark.django_db


def _positions() -> dict[int, int | None]:
    return dict(with_waitlist_position(Registration.objects.all())
                .values_list("pk", "waitlist_position"))


def test_annotated_position_is_the_place_in_line_of_section_5(world):
    """§5 waitlist: first come, first served; ties on the timestamp go by id. The annotation
    gives every row what ``services.waitlist_position`` gives it one by one, and None to the
    enrolled."""
    students = world.students[:6]
    approved_plans(world, students, [world.e1])
    made = [services.register(s, world.s_e1a, by=s.user, today=IN_REGISTRATION)
            for s in students]
    assert [r.state for r in made] == [RegistrationState.ENROLLED] * 2 + \
        [RegistrationState.WAITLISTED] * 4
    # The third and fourth in line share a timestamp: the lower id is ahead.
    Registration.objects.filter(pk=made[4].pk).update(created_at=made[3].created_at)

    positions = _positions()
    assert [positions[r.pk] for r in made] == [None, None, 1, 2, 3, 4]
    for registration in Registration.objects.all():
        assert positions[registration.pk] == services.waitlist_position(registration)


def test_a_dropped_place_moves_the_line_up(world):
    """§5: when someone ahead leaves the waitlist, everyone behind moves up one place."""
    students = world.students[:5]
    approved_plans(world, students, [world.e1])
    made = [services.register(s, world.s_e1a, by=s.user, today=IN_REGISTRATION)
            for s in students]
    services.drop(made[2], by=students[2].user, today=IN_REGISTRATION)
    positions = _positions()
    assert [positions[r.pk] for r in made[3:]] == [1, 2]


def test_one_query_for_any_number_of_waitlisted_rows(world):
    students = world.students[:6]
    approved_plans(world, students, [world.e1])
    counts = []
    for student in students:
        services.register(student, world.s_e1a, by=student.user, today=IN_REGISTRATION)
        with CaptureQueriesContext(connection) as queries:
            list(with_waitlist_position(Registration.objects.all()))
        counts.append(len(queries))
    assert counts == [1] * len(students)
