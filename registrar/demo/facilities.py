"""The demo university's buildings, rooms, time grid and stock of blank diploma forms.

Written through the real services where they exist (the time grid, blank-form batches), so the
scheduling and blank-forms pages have something to work on after `make demo`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from registrar.blanks import services as blanks
from registrar.blanks.models import FormType
from registrar.scheduling import services as scheduling
from registrar.scheduling.models import Building, Room, RoomKind

# (code, kk, ru, en, rooms as (kind, count, seats, exam seats, features))
BUILDINGS = [
    ("A", "Бас ғимарат", "Главный корпус", "Main building",
     [(RoomKind.LECTURE, 4, 150, 75, ["projector"]), (RoomKind.SEMINAR, 16, 30, 15, [])]),
    ("B", "Инженерлік корпус", "Инженерный корпус", "Engineering building",
     [(RoomKind.LECTURE, 2, 100, 50, ["projector"]), (RoomKind.LAB, 8, 24, 12, []),
      (RoomKind.COMPUTER, 6, 25, 12, ["projector"])]),
]


def write(*, by: Any, today: dt.date) -> dict[str, int]:
    """Rooms, the standard weekly grid and one batch of each blank form type; returns counts."""
    rooms = []
    for code, kk, ru, en, kinds in BUILDINGS:
        building = Building.objects.create(code=code, name_kk=kk, name_ru=ru, name_en=en)
        number = 100
        for kind, count, seats, exam_seats, features in kinds:
            for _ in range(count):
                number += 1
                rooms.append(Room(building=building, code=f"{code}-{number}", kind=kind,
                                  capacity=seats, exam_capacity=exam_seats, features=features))
    Room.objects.bulk_create(rooms)
    slots = scheduling.create_standard_grid(by=by)
    forms = 0
    for form_type, first, last in ((FormType.DIPLOMA_BACHELOR, 1, 600),
                                   (FormType.DIPLOMA_MASTER, 1, 100),
                                   (FormType.SUPPLEMENT, 1, 700)):
        blanks.receive_batch(form_type=form_type, by=by, received_on=today,
                             first_number=first, last_number=last,
                             supplier="АО «Банкнотная фабрика»", invoice=f"DEMO-{form_type}")
        forms += last - first + 1
    return {"rooms": len(rooms), "time slots": slots, "blank forms": forms}
