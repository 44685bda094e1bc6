"""The examination schedule of a session (§13): built from the sections and registrations,
solved by the exam solver, checked and saved; no student with two exams at once or more than
one a day, rooms split so their seats add up to the sitting; published to those concerned."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from registrar.audit.models import AuditEvent
from registrar.notifications.models import Notification
from registrar.registration.models import Registration, RegistrationState
from registrar.scheduling import exams, selectors, services
from registrar.scheduling.models import (
    ExamSession,
    ExamSitting,
    ExamSittingRoom,
    Room,
    RoomBooking,
)

from .world import student_user

pytestmark = pytest.mark.django_db

LIMIT = 2.0


def make_session(world, **kw) -> ExamSession:
    kw.setdefault("starts_on", dt.date(2026, 12, 14))  # a Monday
    kw.setdefault("ends_on", dt.date(2026, 12, 26))  # a Saturday: 12 exam days
    return ExamSession.objects.create(period=world.autumn, name="Winter session", **kw)


def exams_of_students(session) -> dict[int, list[ExamSitting]]:
    per_student: dict[int, list[ExamSitting]] = defaultdict(list)
    sittings = {s.section_id: s for s in session.sittings.all()}
    for section_id, student_id in Registration.objects.filter(
            section_id__in=sittings, state=RegistrationState.ENROLLED
    ).values_list("section_id", "student_id"):
        per_student[student_id].append(sittings[section_id])
    return per_student


def assert_valid(session) -> None:
    per_student = exams_of_students(session)
    assert per_student
    for taken in per_student.values():
        times = [(s.date, s.starts_at) for s in taken]
        assert len(times) == len(set(times)), "a student with two exams at once"
        days = [s.date for s in taken]
        assert max(days.count(d) for d in days) <= session.max_per_day
    seats_at: dict[tuple, int] = defaultdict(int)
    for sitting in session.sittings.prefetch_related("rooms__room"):
        seats = sum(r.seats for r in sitting.rooms.all())
        assert seats == sitting.size, f"{sitting} rooms seat {seats}"
        for seat in sitting.rooms.all():
            seats_at[sitting.date, sitting.starts_at, seat.room_id] += seat.seats
            assert seat.room.exam_capacity > 0
    for (_d, _t, room_id), seats in seats_at.items():
        assert seats <= Room.objects.get(pk=room_id).exam_capacity
    assert exams.verify_session(session) == []


def test_the_problem_follows_the_registrations(world):
    session = make_session(world)
    plan = exams.build_exam_problem(session)
    codes = [s.code for s in plan.sections]
    assert codes == ["CS-01", "ENG-1", "ENG-2", "ENG-3", "HIS-01", "MAT-01", "PHY-01", "PHY-02"]
    problem = plan.problem
    sizes = {s.code: problem.exams[i].size for i, s in enumerate(plan.sections)}
    assert sizes["MAT-01"] == 36 and sizes["PHY-01"] == 24 and sizes["CS-01"] == 12
    assert len(problem.periods) == 12 * 2 and problem.max_per_day == 1
    assert len(problem.students) == 36  # BIO is assessed by a differentiated credit
    assert sorted(len(e) for e in problem.students)[-1] == 5
    index = {c: i for i, c in enumerate(codes)}
    # Teachers never examine two sections at once: ENG-1..3 (teacher 3), PHY (teacher 2).
    assert (index["ENG-1"], index["ENG-2"]) in problem.exclusion
    assert (index["PHY-01"], index["PHY-02"]) in problem.exclusion
    assert {r.name for r in problem.rooms} == {"L-101", "L-102", "S-201", "S-202", "S-203"}


def test_scheduled_exams_keep_every_student_rule_and_split_rooms(world):
    session = make_session(world)
    result = exams.schedule_session(session, by=world.registrar, time_limit=LIMIT)
    assert result.feasible, result.problems
    assert result.sittings == 8 == session.sittings.count()
    assert_valid(session)
    mat = session.sittings.get(section=world.sections["MAT-01"])
    assert mat.size == 36 and mat.rooms.count() >= 1
    assert not session.sittings.filter(published=True).exists()
    event = AuditEvent.objects.get(action="scheduling.exams_scheduled")
    assert event.actor == world.registrar and event.changes["saved"] is True
    session.refresh_from_db()
    assert session.scheduled_at and session.schedule_details["sittings"] == 8


def test_a_large_exam_is_split_over_rooms(world):
    """Without the big halls, MAT-01's 36 students need several 15-seat rooms."""
    for code in ("L-101", "L-102"):
        world.rooms[code].exam_capacity = 0
        world.rooms[code].save()
    session = make_session(world)
    result = exams.schedule_session(session, by=world.registrar, time_limit=LIMIT)
    assert result.feasible, result.problems
    mat = session.sittings.get(section=world.sections["MAT-01"])
    seats = {r.room.code: r.seats for r in mat.rooms.select_related("room")}
    assert len(seats) >= 3 and sum(seats.values()) == 36
    assert_valid(session)
    # Every student of the sitting has exactly one room, and the rooms fill to their seats.
    counted: dict[str, int] = defaultdict(int)
    for student in {s for g in world.groups for s in world.students_of[g.pk]}:
        room = exams.seat_of(mat, student)
        assert room is not None
        counted[room.code] += 1
    assert dict(counted) == seats


def test_a_multi_week_window_rule(world):
    session = make_session(world, ends_on=dt.date(2027, 1, 2), window_days=4, max_per_window=2)
    result = exams.schedule_session(session, by=world.registrar, time_limit=LIMIT)
    assert result.feasible, result.problems
    assert_valid(session)
    for taken in exams_of_students(session).values():
        days = sorted(s.date for s in taken)
        for first in days:
            assert sum(1 for d in days if 0 <= (d - first).days < 4) <= 2


def test_an_impossible_session_is_explained(world):
    session = make_session(world, starts_on=dt.date(2026, 12, 14), ends_on=dt.date(2026, 12, 16))
    result = exams.schedule_session(session, by=world.registrar, time_limit=LIMIT)
    assert not result.feasible and result.status == "infeasible"
    assert any("5 exams" in p and "at most 3" in p for p in result.problems), result.problems
    assert not session.sittings.exists()
    for room in world.rooms.values():
        room.exam_capacity = 0
        room.save()
    result = exams.schedule_session(make_session(world), by=world.registrar, time_limit=LIMIT)
    assert result.problems == ["No room has seats for exams: set the exam seats of the rooms."]


def test_booked_rooms_are_not_used(world):
    """L-101 is booked for the whole session: the exams go to the other rooms."""
    session = make_session(world)
    day = session.starts_on
    while day <= session.ends_on:
        RoomBooking.objects.create(room=world.rooms["L-101"], date=day,
                                   starts_at=dt.time(8, 0), ends_at=dt.time(20, 0),
                                   purpose="Renovation", booked_by=world.registrar)
        day += dt.timedelta(days=1)
    result = exams.schedule_session(session, by=world.registrar, time_limit=LIMIT)
    assert result.feasible, result.problems
    assert not ExamSittingRoom.objects.filter(room=world.rooms["L-101"]).exists()
    assert_valid(session)


def test_publishing_shows_each_student_and_teacher_their_own(client, world):
    session = make_session(world)
    exams.schedule_session(session, by=world.registrar, time_limit=LIMIT)
    g1_student = world.students_of[world.groups[0].pk][0]
    g3_student = world.students_of[world.groups[2].pk][0]
    assert not selectors.student_sittings(g1_student).exists()
    client.force_login(student_user(g1_student))
    assert "MAT-01" not in client.get(reverse("scheduling:mine")).content.decode()

    exams.publish_session(session, by=world.registrar)
    notified = set(Notification.objects.filter(subject__contains="exam schedule")
                   .values_list("user_id", flat=True))
    assert g1_student.user_id in notified and world.teachers[2].pk in notified
    assert world.other_dean.pk not in notified
    mine = {s.section.code for s in selectors.student_sittings(g1_student)}
    assert mine == {"MAT-01", "PHY-01", "ENG-1", "HIS-01", "CS-01"}
    assert {s.section.code for s in selectors.student_sittings(g3_student)} == \
        {"MAT-01", "PHY-02", "ENG-3", "HIS-01"}
    body = client.get(reverse("scheduling:mine")).content.decode()
    assert "CS-01" in body and "ENG-1" in body and "ENG-3" not in body
    teacher = world.teachers[2]
    assert {s.section.code for s in selectors.teacher_sittings(teacher.staff)} == \
        {"ENG-1", "ENG-2", "ENG-3"}
    client.force_login(teacher)
    body = client.get(reverse("scheduling:mine")).content.decode()
    assert "ENG-2" in body and "MAT-01" not in body

    with pytest.raises(services.SchedulingRefused):
        exams.schedule_session(session, by=world.registrar, time_limit=LIMIT)
    exams.withdraw_session(session, by=world.registrar, reason="A room is closed")
    assert not selectors.student_sittings(g1_student).exists()


def test_exam_pages_and_permissions(client, world):
    session = make_session(world)
    exams.schedule_session(session, by=world.registrar, time_limit=LIMIT)
    page = reverse("scheduling:session", args=[session.pk])
    client.force_login(world.registrar)
    assert client.get(page).status_code == 200
    book = load_workbook(io.BytesIO(client.get(
        reverse("scheduling:session_export", args=[session.pk, "xlsx"])).content))
    assert sum(1 for row in book.active.iter_rows(min_row=5) if row[0].value) == 8
    pdf = client.get(reverse("scheduling:session_export", args=[session.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    client.force_login(world.dean)
    assert client.get(page).status_code == 200
    assert len(client.get(page).context["sittings"]) == 8
    for name in ("session_schedule", "session_publish", "session_withdraw"):
        assert client.post(reverse(f"scheduling:{name}", args=[session.pk]),
                           {"time_limit": "5", "reason": "x"}).status_code == 403
    client.force_login(world.other_dean)  # faculty G has no exam in this session
    assert client.get(page).context["sittings"] == []
    for user in (world.teachers[0], student_user(world.students_of[world.groups[0].pk][1])):
        client.force_login(user)
        assert client.get(page).status_code == 403
        assert client.get(reverse("scheduling:session_export",
                                  args=[session.pk, "pdf"])).status_code == 403
    for user in (world.dean, world.teachers[0]):
        with pytest.raises(PermissionDenied):
            exams.publish_session(session, by=user)
        with pytest.raises(PermissionDenied):
            exams.schedule_session(session, by=user, time_limit=LIMIT)
    assert not session.sittings.filter(published=True).exists()


def test_the_command(world):
    session = make_session(world)
    out = io.StringIO()
    call_command("schedule_exams", "--session", str(session.pk), "--time-limit", "2",
                 stdout=out)
    assert "8 exams are scheduled" in out.getvalue()
    assert_valid(session)
