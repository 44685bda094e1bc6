"""Registration day under concurrency (§5: "Registration day is a rush: thousands of students
try at once. No section may ever exceed capacity"), on PostgreSQL only: SQLite serialises
writers, so only PostgreSQL shows what concurrent sessions do."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from registrar.audit.models import AuditEvent
from registrar.people.models import Student
from registrar.registration import services
from registrar.registration.models import Registration, RegistrationState, Section

from .builders import IN_ADD_DROP, IN_REGISTRATION, approved_plans, build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent sessions need PostgreSQL (§5 registration rush)"),
]

ENROLLED, WAITLISTED = RegistrationState.ENROLLED, RegistrationState.WAITLISTED


def run_together(target, args_list, *, names=None):
    """Run `target(*args)` in one thread per args, released together by a barrier; return
    each result or the exception it raised. Every thread closes its own connection."""
    barrier = threading.Barrier(len(args_list))
    results: list = [None] * len(args_list)

    def worker(index, args):
        try:
            barrier.wait(timeout=30)
            results[index] = target(*args)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a),
                                name=names[i] if names else f"rush-{i}")
               for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def register_as(student_id, user_id, section_id, day=IN_REGISTRATION):
    """One request: the session loads its own student, user and section, then registers."""
    student = Student.objects.get(pk=student_id)
    user = get_user_model().objects.get(pk=user_id)
    section = Section.objects.get(pk=section_id)
    return services.register(student, section, by=user, today=day)


def test_sixty_students_rush_a_thirty_seat_section():
    """§5: 60 students with approved plans register for a 30-seat section at the same moment:
    exactly 30 seats are taken and 30 wait in line 1..30, nobody gets an error; when all 60
    press again at once nothing is duplicated."""
    world = build_world(n_students=60)
    approved_plans(world, world.students)
    section = world.s_c1
    assert section.capacity == 30
    requests = [(s.pk, s.user.pk, section.pk) for s in world.students]

    results = run_together(register_as, requests)
    assert [r for r in results if not isinstance(r, Registration)] == []
    assert Counter(r.state for r in results) == {ENROLLED: 30, WAITLISTED: 30}
    assert sorted(r.student_id for r in results) == sorted(s.pk for s in world.students)
    stored = Registration.objects.filter(section=section)
    assert Counter(stored.values_list("state", flat=True)) == {ENROLLED: 30, WAITLISTED: 30}
    assert Section.objects.get(pk=section.pk).enrolled_count == 30
    waiting = stored.filter(state=WAITLISTED)
    assert sorted(services.waitlist_position(r) for r in waiting) == list(range(1, 31))

    again = run_together(register_as, requests)
    assert [r for r in again if not isinstance(r, Registration)] == []
    assert [r.pk for r in again] == [r.pk for r in results]
    assert Registration.objects.count() == 60
    assert Registration.objects.values("student").distinct().count() == 60
    assert Section.objects.get(pk=section.pk).enrolled_count == 30


def test_one_student_pressing_register_ten_times_at_once_gets_one_registration():
    """§5: a double (tenfold) submit by one student makes one registration and one seat."""
    world = build_world(n_students=2)
    me = world.students[0]
    approved_plans(world, [me])
    section = world.s_c2

    results = run_together(register_as, [(me.pk, me.user.pk, section.pk)] * 10)
    assert [r for r in results if not isinstance(r, Registration)] == []
    assert len({r.pk for r in results}) == 1
    assert Registration.objects.filter(student=me).count() == 1
    assert Section.objects.get(pk=section.pk).enrolled_count == 1
    assert AuditEvent.objects.filter(action="registration.enrolled").count() == 1


def test_last_seats_go_to_exactly_as_many_students_with_others_waiting():
    """§5: a 2-seat section, 6 students at once: 2 seats, 4 in line, positions 1..4."""
    world = build_world(n_students=6)
    approved_plans(world, world.students, [world.e1])
    section = world.s_e1a
    results = run_together(register_as, [(s.pk, s.user.pk, section.pk)
                                         for s in world.students])
    assert [r for r in results if not isinstance(r, Registration)] == []
    assert Counter(r.state for r in results) == {ENROLLED: 2, WAITLISTED: 4}
    assert Section.objects.get(pk=section.pk).enrolled_count == 2
    waiting = Registration.objects.filter(section=section, state=WAITLISTED)
    assert sorted(services.waitlist_position(r) for r in waiting) == [1, 2, 3, 4]


def test_concurrent_drops_give_each_freed_seat_to_the_next_in_line():
    """§5: two seat holders drop at once while four wait: the first two in line get the seats,
    the section stays full, the others keep their order."""
    world = build_world(n_students=6)
    approved_plans(world, world.students, [world.e1])
    section = world.s_e1a
    regs = [services.register(s, section, by=s.user, today=IN_REGISTRATION)
            for s in world.students]
    assert [r.state for r in regs] == [ENROLLED] * 2 + [WAITLISTED] * 4

    def drop_as(registration_id, user_id):
        registration = Registration.objects.get(pk=registration_id)
        return services.drop(registration, by=get_user_model().objects.get(pk=user_id),
                             today=IN_ADD_DROP)

    results = run_together(drop_as, [(r.pk, r.student.user.pk) for r in regs[:2]])
    assert [r for r in results if not isinstance(r, Registration)] == []
    states = [Registration.objects.get(pk=r.pk).state for r in regs]
    assert states == [RegistrationState.DROPPED] * 2 + [ENROLLED] * 2 + [WAITLISTED] * 2
    assert Section.objects.get(pk=section.pk).enrolled_count == 2
    assert [services.waitlist_position(Registration.objects.get(pk=r.pk))
            for r in regs[4:]] == [1, 2]


# --- lock ordering (found while testing; see the reasons) ----------------------------------

def _hold_after_window_check(monkeypatch, thread_names, *, sleep=0.0, until=None,
                             holding=None):
    """Let the real `_check_window` run, then pause the given threads while they are inside
    drop/swap's transaction (after its first row locks), to make an interleaving that
    happens by chance on a busy registration day happen every time."""
    real = services._check_window

    def paused(*args, **kwargs):
        real(*args, **kwargs)
        if threading.current_thread().name in thread_names:
            if holding is not None:
                holding.set()
            if until is not None:
                until.wait(10)
            time.sleep(sleep)

    monkeypatch.setattr(services, "_check_window", paused)


def test_opposite_swaps_at_the_same_time_both_succeed(monkeypatch):
    """§5 add/drop: A moves from section 1 to 2 while B moves from 2 to 1; each target has a
    free seat, so both swaps succeed."""
    world = build_world(n_students=2)
    a, b = world.students
    approved_plans(world, [a, b], [world.e1])
    ra = services.register(a, world.s_e1a, by=a.user, today=IN_REGISTRATION)
    rb = services.register(b, world.s_e1b, by=b.user, today=IN_REGISTRATION)
    _hold_after_window_check(monkeypatch, {"swap-a", "swap-b"}, sleep=0.5)

    def swap_as(registration_id, user_id, to_id):
        return services.swap(Registration.objects.get(pk=registration_id),
                             Section.objects.get(pk=to_id),
                             by=get_user_model().objects.get(pk=user_id), today=IN_ADD_DROP)

    results = run_together(swap_as, [(ra.pk, a.user.pk, world.s_e1b.pk),
                                     (rb.pk, b.user.pk, world.s_e1a.pk)],
                           names=["swap-a", "swap-b"])
    assert [type(r).__name__ for r in results] == ["Registration", "Registration"], results
    assert [(r.student_id, r.section_id) for r in results] == [(a.pk, world.s_e1b.pk),
                                                                (b.pk, world.s_e1a.pk)]


def test_a_drop_in_progress_does_not_block_other_registrations(monkeypatch):
    """§5 rush: while A's drop of ELC1104 is in progress, B's registration for another
    discipline's section is not held up (lock_timeout 1 s)."""
    world = build_world(n_students=2)
    a, b = world.students
    approved_plans(world, [a, b], [world.e1, world.e2])
    mine = services.register(a, world.s_e1a, by=a.user, today=IN_REGISTRATION)
    holding, released = threading.Event(), threading.Event()
    _hold_after_window_check(monkeypatch, {"dropper"}, until=released, holding=holding)

    def job(kind):
        if kind == "drop":
            return services.drop(Registration.objects.get(pk=mine.pk),
                                 by=get_user_model().objects.get(pk=a.user.pk),
                                 today=IN_ADD_DROP)
        try:
            assert holding.wait(10)
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '1s'")
            return register_as(b.pk, b.user.pk, world.s_e2.pk, IN_ADD_DROP)
        finally:
            released.set()

    results = run_together(job, [("drop",), ("register",)], names=["dropper", "registrant"])
    assert isinstance(results[0], Registration), results[0]
    assert isinstance(results[1], Registration), results[1]
    assert results[1].state == ENROLLED
