"""On PostgreSQL: two sessions booking one room for overlapping times at once get one booking
and one refusal (the row lock on the room orders them); the partial unique indexes refuse a
second class in a room's slot whatever writes it (§13)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from registrar.scheduling import services
from registrar.scheduling.models import ClassMeeting, RoomBooking, WeekPattern

from .world import build_world

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="row locks need PostgreSQL")


def run_together(target, args_list):
    barrier = threading.Barrier(len(args_list))
    results: list = [None] * len(args_list)

    def worker(index, args):
        try:
            barrier.wait(timeout=10)
            results[index] = target(*args)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_room_one_wins():
    world = build_world(students_per_group=1)
    room = world.rooms["S-201"]
    day = dt.date(2026, 10, 7)

    def attempt(start: int):
        return services.book_room(room, day=day, starts_at=dt.time(start, 0),
                                  ends_at=dt.time(start + 2, 0), purpose=f"Event {start}",
                                  by=world.registrar, today=dt.date(2026, 9, 1))

    results = run_together(attempt, [(10,), (11,), (10,), (11,)])
    booked = [r for r in results if isinstance(r, RoomBooking)]
    refused = [r for r in results if isinstance(r, services.SchedulingRefused)]
    assert len(booked) == 1 and len(refused) == 3, results
    assert RoomBooking.objects.filter(room=room).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_keeps_a_room_to_one_class_per_slot_and_parity():
    world = build_world(students_per_group=1)
    slot, room = world.slots[0], world.rooms["S-201"]
    ClassMeeting.objects.create(section=world.sections["ENG-1"], kind="practice", slot=slot,
                                room=room, week_pattern=WeekPattern.ODD)
    ClassMeeting.objects.create(section=world.sections["ENG-2"], kind="practice", slot=slot,
                                room=room, week_pattern=WeekPattern.EVEN)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClassMeeting.objects.create(section=world.sections["ENG-3"], kind="practice",
                                    slot=slot, room=room)
