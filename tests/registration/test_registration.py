"""Registration for sections (§5): only inside the registration window or the add/drop
period, only for disciplines of the approved plan; a full section offers a FIFO waitlist and a
freed seat goes to the first in line; one section per discipline (swap to move); under-filled
electives are not opened; no section ever exceeds its capacity."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from registrar.audit.models import AuditEvent
from registrar.curriculum.models import Component, Curriculum, CurriculumEntry
from registrar.notifications.models import Notification
from registrar.registration import services
from registrar.registration.models import (
    Registration,
    RegistrationState,
    Section,
    SectionStatus,
)
from registrar.registration.services import RegistrationRefused
from tests import factories

from .builders import (
    ADD_DROP_CLOSES,
    ADD_DROP_OPENS,
    AFTER_ADD_DROP,
    BETWEEN_WINDOWS,
    IN_ADD_DROP,
    IN_REGISTRATION,
    REGISTRATION_CLOSES,
    REGISTRATION_OPENS,
    approve_through_workflow,
    approved_plans,
)

pytestmark = pytest.mark.django_db

ENROLLED, WAITLISTED = RegistrationState.ENROLLED, RegistrationState.WAITLISTED
DROPPED, CANCELLED = RegistrationState.DROPPED, RegistrationState.CANCELLED


@pytest.fixture
def plans(world):
    """Approve autumn plans (compulsory disciplines + the given electives) for students."""
    def make(students, *electives):
        return approved_plans(world, students, electives)
    return make


def reg(student, section, day=IN_REGISTRATION, by=None):
    return services.register(student, section, by=by or student.user, today=day)


def count(section):
    return Section.objects.get(pk=section.pk).enrolled_count


def fresh(registration):
    return Registration.objects.get(pk=registration.pk)


def position(registration):
    return services.waitlist_position(fresh(registration))


def rows():
    """Every registration as (student, section, state), to prove nothing changed."""
    return sorted(Registration.objects.values_list("student_id", "section_id", "state"))


# --- windows, plan ------------------------------------------------------------------------

@pytest.mark.parametrize("day", [REGISTRATION_OPENS, IN_REGISTRATION, REGISTRATION_CLOSES,
                                 ADD_DROP_OPENS, IN_ADD_DROP, ADD_DROP_CLOSES])
def test_register_inside_a_window_takes_a_seat(world, plans, day):
    """§5: registration in the registration window and in the add/drop period (both ends
    inclusive) enrolls the student and counts the seat."""
    me = world.students[0]
    plans([me])
    registration = reg(me, world.s_c1, day)
    assert registration.state == ENROLLED
    assert (registration.student_id, registration.section_id) == (me.pk, world.s_c1.pk)
    assert count(world.s_c1) == 1
    assert AuditEvent.objects.filter(action="registration.enrolled",
                                     actor=me.user).count() == 1


@pytest.mark.parametrize("day", [REGISTRATION_OPENS - dt.timedelta(days=1),
                                 REGISTRATION_CLOSES + dt.timedelta(days=1), BETWEEN_WINDOWS,
                                 AFTER_ADD_DROP])
def test_register_outside_both_windows_is_refused(world, plans, day):
    """§4/§5: outside the registration window and the add/drop period nothing is taken."""
    me = world.students[0]
    plans([me])
    with pytest.raises(RegistrationRefused) as excinfo:
        reg(me, world.s_c1, day)
    assert excinfo.value.problems[0].field == "date"
    assert rows() == [] and count(world.s_c1) == 0


def test_register_after_the_whole_plan_workflow(world):
    """§5: formed by the student, approved by the advisor and the dean, then registered."""
    me = world.students[0]
    approve_through_workflow(world, me, [world.e1])
    assert reg(me, world.s_e1a).state == ENROLLED
    assert reg(me, world.s_c1).state == ENROLLED


def test_discipline_outside_the_approved_plan_is_refused(world, plans):
    """§5: a student registers for sections of the disciplines of their plan only."""
    me = world.students[0]
    plans([me], world.e1)
    for section in (world.s_e2, world.s_out):
        with pytest.raises(RegistrationRefused) as excinfo:
            reg(me, section)
        assert excinfo.value.problems[0].field == "section"
    assert rows() == [] and count(world.s_e2) == 0


def test_plan_not_yet_approved_by_the_dean_is_refused(world):
    """§5: the plan must be approved (advisor then dean) before registration."""
    me = world.students[0]
    with pytest.raises(RegistrationRefused):  # no plan at all
        reg(me, world.s_c1)
    plan = services.generate_plan(me, world.autumn, by=me.user)
    with pytest.raises(RegistrationRefused):  # draft
        reg(me, world.s_c1)
    services.submit_plan(plan, by=me.user)
    with pytest.raises(RegistrationRefused):  # submitted
        reg(me, world.s_c1)
    services.advisor_approve(plan, by=world.advisor)
    with pytest.raises(RegistrationRefused):  # approved by the advisor only
        reg(me, world.s_c1)
    assert rows() == [] and count(world.s_c1) == 0
    services.dean_approve(plan, by=world.dean)
    assert reg(me, world.s_c1).state == ENROLLED


def test_cancelled_section_is_refused(world, plans):
    """§5: a section that is not opened takes no registration, not even on the waitlist."""
    me = world.students[0]
    plans([me], world.e2)
    Section.objects.filter(pk=world.s_e2.pk).update(status=SectionStatus.CANCELLED)
    with pytest.raises(RegistrationRefused):
        reg(me, Section.objects.get(pk=world.s_e2.pk))
    assert rows() == []


# --- capacity, waitlist, idempotence ------------------------------------------------------

def test_full_section_puts_students_on_a_waitlist_in_order(world, plans):
    """§5: capacity 2: the first two take seats, the next wait in line 1, 2, 3."""
    students = world.students[:5]
    plans(students, world.e1)
    got = [reg(s, world.s_e1a) for s in students]
    assert [r.state for r in got] == [ENROLLED, ENROLLED, WAITLISTED, WAITLISTED, WAITLISTED]
    assert [position(r) for r in got] == [None, None, 1, 2, 3]
    assert count(world.s_e1a) == 2


def test_repeated_register_returns_the_same_registration(world, plans):
    """§5: pressing "register" again (seat or waitlist place) changes nothing."""
    students = world.students[:3]
    plans(students, world.e1)
    first = [reg(s, world.s_e1a) for s in students]
    again = [reg(s, world.s_e1a, IN_ADD_DROP) for s in students]
    assert [r.pk for r in again] == [r.pk for r in first]
    assert [r.state for r in again] == [ENROLLED, ENROLLED, WAITLISTED]
    assert Registration.objects.count() == 3
    assert count(world.s_e1a) == 2 and position(again[2]) == 1


@pytest.mark.parametrize("holding", ["seat", "waitlist"])
def test_second_section_of_the_same_discipline_is_refused(world, plans, holding):
    """§5: one section per planned discipline; to change sections the student swaps."""
    students = world.students[:3]
    plans(students, world.e1)
    me = students[2]
    if holding == "waitlist":
        reg(students[0], world.s_e1a)
        reg(students[1], world.s_e1a)
    mine = reg(me, world.s_e1a)
    assert mine.state == (ENROLLED if holding == "seat" else WAITLISTED)
    before = rows()
    with pytest.raises(RegistrationRefused) as excinfo:
        reg(me, world.s_e1b)
    assert "swap" in str(excinfo.value)
    assert rows() == before and count(world.s_e1b) == 0
    assert fresh(mine).state == mine.state


# --- drop ---------------------------------------------------------------------------------

def test_drop_gives_the_seat_to_the_first_in_line(world, plans):
    """§5: a freed seat goes to the next in line (first come, first served); the section
    stays full and a newcomer is waitlisted behind the rest."""
    students = world.students[:5]
    plans(students, world.e1)
    a, b, w1, w2 = (reg(s, world.s_e1a) for s in students[:4])
    dropped = services.drop(a, by=students[0].user, today=IN_ADD_DROP)
    assert dropped.state == DROPPED and fresh(a).state == DROPPED
    assert fresh(w1).state == ENROLLED and fresh(b).state == ENROLLED
    assert fresh(w2).state == WAITLISTED and position(w2) == 1
    assert count(world.s_e1a) == 2
    newcomer = reg(students[4], world.s_e1a, IN_ADD_DROP)
    assert newcomer.state == WAITLISTED and position(newcomer) == 2


def test_drop_without_a_waitlist_frees_a_seat(world, plans):
    """§5: with nobody waiting the seat returns to the section."""
    me = world.students[0]
    plans([me])
    registration = reg(me, world.s_c1)
    services.drop(registration, by=me.user, today=IN_ADD_DROP)
    assert count(world.s_c1) == 0
    again = reg(me, world.s_c1, IN_ADD_DROP)  # may register again afterwards
    assert again.pk != registration.pk and again.state == ENROLLED and count(world.s_c1) == 1


def test_dropping_a_waitlist_place_keeps_the_count(world, plans):
    """§5: leaving the line frees no seat; those behind move up."""
    students = world.students[:4]
    plans(students, world.e1)
    a, b, w1, w2 = (reg(s, world.s_e1a) for s in students)
    services.drop(w1, by=students[2].user, today=IN_ADD_DROP)
    assert count(world.s_e1a) == 2
    assert [fresh(r).state for r in (a, b, w1, w2)] == [ENROLLED, ENROLLED, DROPPED, WAITLISTED]
    assert position(w2) == 1


def test_drop_outside_the_windows_is_refused(world, plans):
    """§5: changes only in the add/drop period (or the registration window)."""
    me = world.students[0]
    plans([me])
    registration = reg(me, world.s_c1)
    with pytest.raises(RegistrationRefused):
        services.drop(registration, by=me.user, today=AFTER_ADD_DROP)
    assert fresh(registration).state == ENROLLED and count(world.s_c1) == 1


def test_dropping_twice_is_refused(world, plans):
    """§5: a dropped registration frees its seat once only."""
    students = world.students[:2]
    plans(students)
    mine = reg(students[0], world.s_c1)
    reg(students[1], world.s_c1)
    services.drop(mine, by=students[0].user, today=IN_ADD_DROP)
    with pytest.raises(RegistrationRefused):
        services.drop(mine, by=students[0].user, today=IN_ADD_DROP)
    assert count(world.s_c1) == 1


# --- swap ---------------------------------------------------------------------------------

def test_swap_to_a_section_with_a_free_seat(world, plans):
    """§5: the student moves to the chosen section; the old seat goes to the first in line."""
    students = world.students[:3]
    plans(students, world.e1)
    mine, other, waiting = (reg(s, world.s_e1a) for s in students)
    assert waiting.state == WAITLISTED
    new = services.swap(mine, world.s_e1b, by=students[0].user, today=IN_ADD_DROP)
    assert (new.section_id, new.state) == (world.s_e1b.pk, ENROLLED)
    assert fresh(mine).state == DROPPED
    assert fresh(waiting).state == ENROLLED and fresh(other).state == ENROLLED
    assert (count(world.s_e1a), count(world.s_e1b)) == (2, 1)
    active = Registration.objects.filter(student=students[0], state__in=[ENROLLED, WAITLISTED])
    assert list(active.values_list("section_id", flat=True)) == [world.s_e1b.pk]


def test_swap_to_a_full_section_keeps_the_old_seat(world, plans):
    """§5: the target section is full: refused, the student keeps their seat and nothing
    else changes (no waitlist place is taken, nobody is promoted)."""
    students = world.students[:5]
    plans(students, world.e1)
    mine = reg(students[0], world.s_e1a)
    reg(students[1], world.s_e1a)
    waiting = reg(students[2], world.s_e1a)
    for s in students[3:5]:
        reg(s, world.s_e1b)
    before = rows()
    with pytest.raises(RegistrationRefused) as excinfo:
        services.swap(mine, world.s_e1b, by=students[0].user, today=IN_ADD_DROP)
    assert world.s_e1b.code in str(excinfo.value)
    assert rows() == before
    assert fresh(mine).state == ENROLLED and position(waiting) == 1
    assert (count(world.s_e1a), count(world.s_e1b)) == (2, 2)


def test_swap_to_another_discipline_is_refused(world, plans):
    """§5: a swap changes the section of the same discipline, nothing else."""
    me = world.students[0]
    plans([me], world.e1, world.e2)
    mine = reg(me, world.s_e1a)
    with pytest.raises(RegistrationRefused):
        services.swap(mine, world.s_e2, by=me.user, today=IN_ADD_DROP)
    assert fresh(mine).state == ENROLLED and count(world.s_e2) == 0


# --- who may act --------------------------------------------------------------------------

def test_nobody_but_me_or_the_registrar_registers_or_drops_for_me(world, plans):
    """§5: the student registers themself; another student or the advisor cannot."""
    me, other = world.students[:2]
    plans([me, other], world.e1)
    for intruder in (other.user, world.advisor, world.dean):
        with pytest.raises(PermissionDenied):
            reg(me, world.s_c1, by=intruder)
    assert rows() == []
    mine = reg(me, world.s_e1a)
    with pytest.raises(PermissionDenied):
        services.drop(mine, by=other.user, today=IN_ADD_DROP)
    with pytest.raises(PermissionDenied):
        services.swap(mine, world.s_e1b, by=other.user, today=IN_ADD_DROP)
    assert fresh(mine).state == ENROLLED
    assert (count(world.s_e1a), count(world.s_e1b)) == (1, 0)


def test_registrar_registers_and_drops_on_behalf_of_a_student(world, plans):
    """§5: the registrar may act for any student; the audit trail names the registrar."""
    me = world.students[0]
    plans([me])
    registration = reg(me, world.s_c1, by=world.registrar)
    assert registration.student_id == me.pk and registration.state == ENROLLED
    assert AuditEvent.objects.filter(action="registration.enrolled",
                                     actor=world.registrar).exists()
    services.drop(registration, by=world.registrar, today=IN_ADD_DROP)
    assert fresh(registration).state == DROPPED and count(world.s_c1) == 0


# --- under-filled electives ---------------------------------------------------------------

@pytest.fixture
def filled(big_world):
    """3 students in the elective ELC1105-01 and in the compulsory HKZ1101-01; 10 students in
    the elective ELC1107-01 (the minimum group)."""
    world = big_world
    s = world.students
    approved_plans(world, s[:2], [world.e2])
    approved_plans(world, s[2:3], [world.e2, world.e_big])
    approved_plans(world, s[3:12], [world.e_big])
    for student in s[:3]:
        reg(student, world.s_e2)
        reg(student, world.s_c1)
    for student in s[2:12]:
        reg(student, world.s_big)
    assert (count(world.s_e2), count(world.s_c1), count(world.s_big)) == (3, 3, 10)
    return world


def statuses(world):
    return dict(Section.objects.filter(period=world.autumn).values_list("code", "status"))


def test_underfilled_elective_is_not_opened_and_its_students_told(filled):
    """§5: an elective with fewer than 10 (default minimum group) registrations is not opened;
    its registrations are cancelled and the students notified; compulsory sections and an
    elective with 10 stay open."""
    world = filled
    closed = services.close_underfilled_electives(world.autumn, by=world.registrar)
    # Elective sections under 10: ELC1105-01 (3) and the empty ones; OUT1109 is in no
    # elective catalogue, HKZ1101 is compulsory, ELC1107-01 has 10.
    assert sorted(s.code for s in closed) == ["ELC1104-01", "ELC1104-02", "ELC1105-01",
                                              "ELC1106-01"]
    status = statuses(world)
    assert status["ELC1105-01"] == SectionStatus.CANCELLED
    assert {status[c] for c in ("HKZ1101-01", "MAT1102-01", "ICT1103-01", "ELC1107-01",
                                "OUT1109-01")} == {SectionStatus.OPEN}
    assert count(world.s_e2) == 0
    assert set(Registration.objects.filter(section=world.s_e2)
               .values_list("state", flat=True)) == {CANCELLED}
    assert count(world.s_c1) == 3 and count(world.s_big) == 10
    assert set(Registration.objects.exclude(section=world.s_e2)
               .values_list("state", flat=True)) == {ENROLLED}
    notified = Notification.objects.filter(subject__contains="ELC1105-01")
    assert sorted(notified.values_list("user_id", flat=True)) == sorted(
        s.user.pk for s in world.students[:3])
    assert Notification.objects.count() == 3  # the empty sections told nobody
    assert AuditEvent.objects.filter(action="section.cancelled_underfilled",
                                     actor=world.registrar).count() == 4


def test_elective_with_nine_students_is_not_opened(big_world):
    """§5: 9 is fewer than the minimum group of 10."""
    world = big_world
    approved_plans(world, world.students[:9], [world.e_big])
    for student in world.students[:9]:
        reg(student, world.s_big)
    closed = services.close_underfilled_electives(world.autumn, by=world.registrar)
    assert "ELC1107-01" in {s.code for s in closed}
    assert statuses(world)["ELC1107-01"] == SectionStatus.CANCELLED


def test_dry_run_changes_nothing(filled):
    """§5: the dry run lists what would be closed and touches nothing."""
    world = filled
    before = (rows(), statuses(world), AuditEvent.objects.count())
    listed = services.close_underfilled_electives(world.autumn, by=world.registrar,
                                                  dry_run=True)
    assert "ELC1105-01" in {s.code for s in listed}
    assert (rows(), statuses(world), AuditEvent.objects.count()) == before
    assert count(world.s_e2) == 3 and Notification.objects.count() == 0


def test_only_the_registrar_closes_underfilled_electives(filled):
    """§5: the office decides which electives are not opened."""
    world = filled
    for user in (world.dean, world.advisor, world.students[0].user):
        with pytest.raises(PermissionDenied):
            services.close_underfilled_electives(world.autumn, by=user)
    assert statuses(world)["ELC1105-01"] == SectionStatus.OPEN
    assert Notification.objects.count() == 0


def test_section_compulsory_for_its_students_is_not_cancelled_as_an_elective(world, plans):
    """§5: only electives are not opened when under-filled; HKZ1101 is compulsory for these
    students even though another programme offers it as an elective."""
    other_programme = factories.programme(world.faculty)
    curriculum = Curriculum.objects.create(programme=other_programme, intake_year=2026)
    CurriculumEntry.objects.create(curriculum=curriculum, discipline=world.c1, semester=1,
                                   component=Component.ELECTIVE, cycle="general")
    students = world.students[:3]
    plans(students)
    for student in students:
        reg(student, world.s_c1)
    closed = services.close_underfilled_electives(world.autumn, by=world.registrar)
    assert "HKZ1101-01" not in {s.code for s in closed}
    assert statuses(world)["HKZ1101-01"] == SectionStatus.OPEN
    assert count(world.s_c1) == 3


def test_section_cancelled_after_it_was_loaded_takes_no_registration(world, plans):
    """§5: a section that is not opened takes no registration, even when the student's page
    (or request) loaded it while it was still open."""
    me = world.students[0]
    plans([me], world.e2)
    loaded = Section.objects.get(pk=world.s_e2.pk)
    services.close_underfilled_electives(world.autumn, by=world.registrar)
    with contextlib.suppress(RegistrationRefused):
        reg(me, loaded)
    assert not Registration.objects.filter(section=world.s_e2,
                                           state__in=[ENROLLED, WAITLISTED]).exists()


# --- the database backstop ----------------------------------------------------------------

def test_database_refuses_a_count_over_capacity(world):
    """§5: no section may ever exceed capacity, even when the service is bypassed."""
    section = world.s_e1a
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.filter(pk=section.pk).update(enrolled_count=section.capacity + 1)
    assert count(section) == 0
    Section.objects.filter(pk=section.pk).update(enrolled_count=section.capacity)
    assert count(section) == 2
