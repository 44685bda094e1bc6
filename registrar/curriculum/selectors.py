"""Read queries: a student's curriculum, catalogue and calendar (§3, §4)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from registrar.institution.models import AcademicPeriod
from registrar.people.models import Student

from .models import CalendarEvent, Component, Curriculum, CurriculumEntry


def intake_year_of(student: Student) -> int | None:
    return student.group.intake_year if student.group_id and student.group else None


def curriculum_of(student: Student) -> Curriculum | None:
    intake = intake_year_of(student)
    if intake is None:
        return None
    return Curriculum.objects.filter(programme_id=student.programme_id,
                                     intake_year=intake).first()


def entries_for_semester(curriculum: Curriculum, semester: int) -> list[CurriculumEntry]:
    return list(curriculum.entries.filter(semester=semester).select_related("discipline"))


def elective_catalogue(curriculum: Curriculum, semester: int) -> list[CurriculumEntry]:
    return [e for e in entries_for_semester(curriculum, semester)
            if e.component == Component.ELECTIVE]


def prerequisite_map(discipline_ids: set[int]) -> dict[int, set[int]]:
    from .models import Discipline

    through = Discipline.prerequisites.through
    result: dict[int, set[int]] = defaultdict(set)
    for row in through.objects.filter(from_discipline_id__in=discipline_ids).values_list(
        "from_discipline_id", "to_discipline_id"
    ):
        result[row[0]].add(row[1])
    return result


def calendar_events(programme_id: int, period: AcademicPeriod) -> dict[str, CalendarEvent]:
    """The events of the programme's calendar for a term, by kind (one query)."""
    events = CalendarEvent.objects.filter(
        period=period, calendar__programmes__programme_id=programme_id,
        calendar__programmes__year_id=period.year_id,
    )
    return {e.kind: e for e in events}


def event_open(events: dict[str, CalendarEvent], kinds: tuple[str, ...], day: dt.date) -> bool:
    return any(k in events and events[k].starts_on <= day <= events[k].ends_on for k in kinds)
