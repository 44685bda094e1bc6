"""Booking a room on demand (§13): refused over a class of the timetable (in the weeks it
happens), an exam sitting or another booking; free rooms are found; only the office books."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from registrar.audit.models import AuditEvent
from registrar.scheduling import selectors, services
from registrar.scheduling.models import (
    ClassMeeting,
    ExamSession,
    ExamSitting,
    ExamSittingRoom,
    RoomBooking,
    WeekPattern,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 1)  # the term's first day (a Tuesday, week 1)
T = dt.time


def slot(world, weekday: int, number: int):
    return next(s for s in world.slots if s.weekday == weekday and s.number == number)


def book(world, room: str, day: dt.date, start: dt.time, end: dt.time, purpose="Defence",
         by=None):
    return services.book_room(world.rooms[room], day=day, starts_at=start, ends_at=end,
                              purpose=purpose, by=by or world.registrar, today=TODAY)


@pytest.fixture
def meetings(world):
    """ENG-1 on Wednesdays, pair 2 (10:10–11:40) in S-201 every week; HIS-01 on Thursdays,
    pair 1 in L-101 in odd weeks."""
    eng = ClassMeeting.objects.create(section=world.sections["ENG-1"], kind="practice",
                                      slot=slot(world, 3, 2), room=world.rooms["S-201"])
    his = ClassMeeting.objects.create(section=world.sections["HIS-01"], kind="lecture",
                                      slot=slot(world, 4, 1), room=world.rooms["L-101"],
                                      week_pattern=WeekPattern.ODD)
    return eng, his


def test_a_booking_over_a_class_is_refused_with_the_class(world, meetings):
    wednesday = dt.date(2026, 9, 16)
    with pytest.raises(services.SchedulingRefused) as refused:
        book(world, "S-201", wednesday, T(11, 0), T(12, 0))
    assert refused.value.field == "room"
    assert any("ENG-1" in p and "10:10–11:40" in p for p in refused.value.problems)
    assert not RoomBooking.objects.exists()
    # Right after the class, another room, or outside the term: free.
    assert book(world, "S-201", wednesday, T(11, 40), T(12, 30))
    assert book(world, "S-202", wednesday, T(10, 0), T(11, 0))
    assert book(world, "S-201", dt.date(2027, 1, 13), T(10, 0), T(11, 0))


def test_an_odd_week_class_leaves_the_room_free_in_even_weeks(world, meetings):
    odd_thursday, even_thursday = dt.date(2026, 9, 3), dt.date(2026, 9, 10)
    assert selectors.week_parity_is_odd(world.autumn, odd_thursday)
    assert not selectors.week_parity_is_odd(world.autumn, even_thursday)
    with pytest.raises(services.SchedulingRefused):
        book(world, "L-101", odd_thursday, T(9, 0), T(9, 30))
    assert book(world, "L-101", even_thursday, T(9, 0), T(9, 30))


def test_classes_stop_when_the_exam_session_starts(world, meetings):
    ExamSession.objects.create(period=world.autumn, name="Winter", starts_on=dt.date(2026, 12, 14),
                               ends_on=dt.date(2026, 12, 26))
    assert book(world, "S-201", dt.date(2026, 12, 16), T(10, 0), T(11, 0))
    with pytest.raises(services.SchedulingRefused):
        book(world, "S-201", dt.date(2026, 12, 9), T(10, 0), T(11, 0))


def test_a_booking_over_another_booking_or_an_exam_is_refused(world):
    day = dt.date(2026, 10, 3)
    first = book(world, "S-203", day, T(14, 0), T(16, 0), purpose="Consultation")
    with pytest.raises(services.SchedulingRefused) as refused:
        book(world, "S-203", day, T(15, 0), T(17, 0))
    assert "Consultation" in refused.value.problems[0]
    assert book(world, "S-203", day, T(16, 0), T(17, 0))  # touching is not overlapping
    services.cancel_booking(first, by=world.registrar)
    assert book(world, "S-203", day, T(15, 0), T(15, 45))

    session = ExamSession.objects.create(period=world.autumn, name="S", starts_on=day,
                                         ends_on=day)
    sitting = ExamSitting.objects.create(session=session, section=world.sections["MAT-01"],
                                         date=day, starts_at=T(9, 0), ends_at=T(11, 0), size=36)
    ExamSittingRoom.objects.create(sitting=sitting, room=world.rooms["L-102"], seats=30)
    with pytest.raises(services.SchedulingRefused) as refused:
        book(world, "L-102", day, T(10, 0), T(12, 0))
    assert "Exam MAT-01" in refused.value.problems[0]


def test_invalid_bookings_are_refused(world):
    day = dt.date(2026, 10, 5)
    cases = [
        (dict(day=dt.date(2026, 8, 31), starts_at=T(9), ends_at=T(10)), "date"),
        (dict(day=day, starts_at=T(10), ends_at=T(10)), "ends_at"),
        (dict(day=day, starts_at=T(10), ends_at=T(11), purpose="  "), "purpose"),
    ]
    for kwargs, field in cases:
        kwargs.setdefault("purpose", "Meeting")
        with pytest.raises(services.SchedulingRefused) as refused:
            services.book_room(world.rooms["S-201"], by=world.registrar, today=TODAY, **kwargs)
        assert refused.value.field == field
    room = world.rooms["S-202"]
    room.active = False
    room.save()
    with pytest.raises(services.SchedulingRefused):
        book(world, "S-202", day, T(9), T(10))


def test_only_the_office_books(world):
    day = dt.date(2026, 10, 5)
    for user in (world.dean, world.teachers[0], world.other_dean):
        with pytest.raises(PermissionDenied):
            book(world, "S-201", day, T(9), T(10), by=user)
    booking = book(world, "S-201", day, T(9), T(10))
    with pytest.raises(PermissionDenied):
        services.cancel_booking(booking, by=world.dean)
    event = AuditEvent.objects.get(action="scheduling.room_booked")
    assert event.actor == world.registrar and event.changes["room"] == "S-201"


def test_free_rooms_leave_out_what_is_taken(world, meetings):
    wednesday = dt.date(2026, 9, 16)
    book(world, "S-202", wednesday, T(10, 30), T(11, 30))
    free = {r.code for r in selectors.free_rooms(wednesday, T(10, 0), T(11, 0), seats=20,
                                                 kind="seminar")}
    assert free == {"S-203"}
    free = {r.code for r in selectors.free_rooms(wednesday, T(12, 0), T(13, 0), seats=26)}
    assert free == {"L-101", "L-102", "S-201", "S-202", "LAB-1"}


def test_a_class_placed_over_an_earlier_booking_is_listed(world):
    booking = book(world, "S-201", dt.date(2026, 9, 16), T(10, 0), T(11, 0), purpose="Exam retake")
    assert selectors.booking_clashes(world.autumn) == []
    ClassMeeting.objects.create(section=world.sections["ENG-1"], kind="practice",
                                slot=slot(world, 3, 2), room=world.rooms["S-201"])
    clashes = selectors.booking_clashes(world.autumn)
    assert len(clashes) == 1 and "Exam retake" in clashes[0] and "ENG-1" in clashes[0]
    services.cancel_booking(booking, by=world.registrar)
    assert selectors.booking_clashes(world.autumn) == []
