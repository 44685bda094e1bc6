"""Read queries of scheduling: week grids, conflicts, free rooms and exam lists (§13)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from registrar.institution.models import AcademicGroup, AcademicPeriod
from registrar.people.models import Staff, Student
from registrar.people.roles import scope_of
from registrar.registration.models import RegistrationState, Section, SectionStatus

from .models import (
    ClassMeeting,
    ExamSession,
    ExamSitting,
    ExamSittingRoom,
    Room,
    RoomBooking,
    RoomKind,
    TeacherUnavailability,
    TimeSlot,
    Timetable,
    Weekday,
    WeekPattern,
    pattern_weeks,
)

# --- Week grids ------------------------------------------------------------------------------


@dataclass
class GridItem:
    meeting: ClassMeeting
    title: str
    lines: list[str]


@dataclass
class GridRow:
    number: int
    times: str
    cells: list[list[GridItem]]


@dataclass
class WeekGrid:
    days: list[tuple[int, str]]
    rows: list[GridRow]
    count: int = 0

    @property
    def empty(self) -> bool:
        return self.count == 0


def describe(meeting: ClassMeeting, view: str) -> GridItem:
    """What a cell says about a meeting; the grid's own subject (the group, teacher or room
    a grid is of) is left out."""
    section = meeting.section
    kind = meeting.get_kind_display()
    if meeting.week_pattern != WeekPattern.EVERY:
        kind = f"{kind}, {meeting.get_week_pattern_display().lower()}"
    lines = [kind]
    if view != "room":
        lines.append(_("room %(code)s") % {"code": meeting.room.code})
    if view != "teacher" and section.teacher_id:
        lines.append(str(section.teacher))
    if view not in ("group", "student"):
        names = ", ".join(g.name for g in section.groups.all())
        if names:
            lines.append(names)
    return GridItem(meeting, f"{section.code} {section.discipline.name}", lines)


def meetings(period: AcademicPeriod) -> QuerySet[ClassMeeting]:
    return (ClassMeeting.objects.filter(period=period)
            .select_related("slot", "room", "room__building", "section",
                            "section__discipline", "section__teacher")
            .prefetch_related("section__groups"))


def meetings_of_group(period: AcademicPeriod, group: AcademicGroup) -> QuerySet[ClassMeeting]:
    return meetings(period).filter(section__groups=group).distinct()


def meetings_of_teacher(period: AcademicPeriod, staff: Staff) -> QuerySet[ClassMeeting]:
    return meetings(period).filter(section__teacher=staff)


def meetings_of_room(period: AcademicPeriod, room: Room) -> QuerySet[ClassMeeting]:
    return meetings(period).filter(room=room)


def sections_of_student(period: AcademicPeriod, student: Student) -> QuerySet[Section]:
    return Section.objects.filter(period=period, registrations__student=student,
                                  registrations__state=RegistrationState.ENROLLED)


def meetings_of_student(period: AcademicPeriod, student: Student) -> QuerySet[ClassMeeting]:
    return meetings(period).filter(section__in=sections_of_student(period, student))


def week_grid(items: Iterable[ClassMeeting], view: str = "",
              slots: Iterable[TimeSlot] | None = None) -> WeekGrid:
    """The meetings laid out as rows (pairs) × columns (weekdays with any slot)."""
    slots = list(slots if slots is not None else TimeSlot.objects.all())
    items = list(items)
    weekdays = sorted({s.weekday for s in slots} | {m.slot.weekday for m in items})
    numbers = sorted({s.number for s in slots} | {m.slot.number for m in items})
    times: dict[int, str] = {}
    for slot in sorted([*slots, *(m.slot for m in items)], key=lambda s: (s.number, s.weekday)):
        times.setdefault(slot.number, f"{slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}")
    cells: dict[tuple[int, int], list[GridItem]] = defaultdict(list)
    for meeting in sorted(items, key=lambda m: (m.section.code, m.kind)):
        cells[meeting.slot.weekday, meeting.slot.number].append(describe(meeting, view))
    labels = dict(Weekday.choices)
    return WeekGrid(
        days=[(d, str(labels.get(d, d))) for d in weekdays],
        rows=[GridRow(n, times.get(n, ""), [cells.get((d, n), []) for d in weekdays])
              for n in numbers],
        count=len(items),
    )


def timetable_of(period: AcademicPeriod) -> Timetable | None:
    return Timetable.objects.filter(period=period).first()


def is_published(period: AcademicPeriod) -> bool:
    timetable = timetable_of(period)
    return bool(timetable and timetable.is_published)


def current_period(today: dt.date | None = None) -> AcademicPeriod | None:
    """The term of today, else the next one, else the latest."""
    today = today or dt.date.today()
    periods = AcademicPeriod.objects.select_related("year")
    return (periods.filter(starts_on__lte=today, ends_on__gte=today).first()
            or periods.filter(starts_on__gt=today).order_by("starts_on").first()
            or periods.order_by("-starts_on").first())


def groups_for(user: Any, period: AcademicPeriod) -> QuerySet[AcademicGroup]:
    """Groups with sections in the term that the user may look at (office pages)."""
    groups = AcademicGroup.objects.filter(sections__period=period).distinct() \
        .select_related("programme")
    scope = scope_of(user)
    if scope.is_registrar:
        return groups
    return groups.filter(programme__department__faculty_id__in=scope.dean_faculty_ids)


def teachers_for(user: Any, period: AcademicPeriod) -> QuerySet[Staff]:
    teachers = Staff.objects.filter(sections__period=period).distinct() \
        .select_related("department")
    scope = scope_of(user)
    if scope.is_registrar:
        return teachers
    return teachers.filter(department__faculty_id__in=scope.dean_faculty_ids)


def rooms(active_only: bool = False) -> QuerySet[Room]:
    qs = Room.objects.select_related("building")
    return qs.filter(active=True) if active_only else qs


# --- Conflicts of a meeting ------------------------------------------------------------------

@dataclass
class Conflict:
    kind: str  # teacher, group, section, room, capacity, room_kind, features, unavailable, ...
    message: str
    hard: bool = True


def _overlaps(pattern_a: str, pattern_b: str) -> bool:
    odd_a, even_a = pattern_weeks(pattern_a)
    odd_b, even_b = pattern_weeks(pattern_b)
    return (odd_a and odd_b) or (even_a and even_b)


def meeting_conflicts(section: Section, slot: TimeSlot, room: Room, *, week_pattern: str,
                      room_kind: str = "", features: Iterable[str] = (),
                      size: int | None = None,
                      exclude: ClassMeeting | None = None) -> list[Conflict]:
    """What placing a meeting of `section` in `slot` and `room` would break.

    Hard: the teacher, a group of the stream, the section or the room busy then (in a week
    that both meetings happen in), too few seats, another kind of room, missing features,
    the teacher strictly unavailable. Soft: a slot the teacher would rather avoid.
    """
    out: list[Conflict] = []
    others = (ClassMeeting.objects.filter(period_id=section.period_id, slot=slot)
              .select_related("section", "section__teacher", "room")
              .prefetch_related("section__groups"))
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
    group_ids = {g.pk: g.name for g in section.groups.all()}
    for other in others:
        if not _overlaps(week_pattern, other.week_pattern):
            continue
        what = {"other": f"{other.section.code} {other.get_kind_display()}",
                "room": other.room.code}
        if other.room_id == room.pk:
            out.append(Conflict("room", _("Room %(room)s is taken by %(other)s.") % what))
        if section.teacher_id and other.section.teacher_id == section.teacher_id:
            out.append(Conflict("teacher", _("The teacher %(teacher)s teaches %(other)s in "
                                             "%(room)s then.")
                                % {**what, "teacher": section.teacher}))
        if other.section_id == section.pk:
            out.append(Conflict("section", _("The section has %(other)s then.") % what))
        else:
            shared = sorted(name for g in other.section.groups.all()
                            if (name := group_ids.get(g.pk)))
            if shared:
                out.append(Conflict("group", _("Group %(groups)s has %(other)s in %(room)s "
                                               "then.")
                                    % {**what, "groups": ", ".join(shared)}))
    seats = size if size is not None else section.capacity
    if room.capacity < seats:
        out.append(Conflict("capacity", _("Room %(room)s has %(seats)d seats; the class needs "
                                          "%(size)d.")
                            % {"room": room.code, "seats": room.capacity, "size": seats}))
    if room_kind and room.kind != room_kind:
        out.append(Conflict("room_kind", _("Room %(room)s is a %(kind)s; the class needs a "
                                           "%(wanted)s.")
                            % {"room": room.code, "kind": room.get_kind_display(),
                               "wanted": dict(RoomKind.choices).get(room_kind, room_kind)}))
    missing = sorted(set(features) - set(room.features or []))
    if missing:
        out.append(Conflict("features", _("Room %(room)s lacks: %(features)s.")
                            % {"room": room.code, "features": ", ".join(missing)}))
    if not room.active:
        out.append(Conflict("room", _("Room %(room)s is not in use.") % {"room": room.code}))
    if section.teacher_id:
        marks = TeacherUnavailability.objects.filter(teacher_id=section.teacher_id, slot=slot)
        for mark in marks:
            reason = f" ({mark.reason})" if mark.reason else ""
            if mark.strict:
                out.append(Conflict("unavailable", _("The teacher is unavailable then%(reason)s.")
                                    % {"reason": reason}))
            else:
                out.append(Conflict("preference", _("The teacher would rather not teach "
                                                    "then%(reason)s.") % {"reason": reason},
                                    hard=False))
    return out


def period_clashes(period: AcademicPeriod) -> list[str]:
    """Every pair of meetings in the term that clash (a teacher, group or room in two places
    at once); empty for a timetable made only through the services. Sections can change
    after the timetable is made (another teacher, another stream), so the office page shows
    this list."""
    by_slot: dict[int, list[ClassMeeting]] = defaultdict(list)
    for meeting in meetings(period):
        by_slot[meeting.slot_id].append(meeting)
    found: list[str] = []
    for items in by_slot.values():
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if not _overlaps(a.week_pattern, b.week_pattern):
                    continue
                reasons = []
                if a.room_id == b.room_id:
                    reasons.append(_("room %(room)s") % {"room": a.room.code})
                if a.section.teacher_id and a.section.teacher_id == b.section.teacher_id:
                    reasons.append(_("teacher %(name)s") % {"name": a.section.teacher})
                shared = {g.name for g in a.section.groups.all()} & \
                    {g.name for g in b.section.groups.all()}
                if shared:
                    reasons.append(_("group %(name)s") % {"name": ", ".join(sorted(shared))})
                if a.section_id == b.section_id:
                    reasons.append(_("the same section"))
                if reasons:
                    found.append(_("%(slot)s: %(a)s and %(b)s (%(why)s)") % {
                        "slot": a.slot, "a": f"{a.section.code} {a.get_kind_display()}",
                        "b": f"{b.section.code} {b.get_kind_display()}",
                        "why": ", ".join(reasons)})
    return found


# --- Rooms on a date: bookings, classes and exams ---------------------------------------------

def teaching_end(period: AcademicPeriod) -> dt.date:
    """Classes run from the term's start until the day before its first exam session."""
    first = ExamSession.objects.filter(period=period).order_by("starts_on").first()
    if first is not None and first.starts_on <= period.ends_on:
        return min(period.ends_on, first.starts_on - dt.timedelta(days=1))
    return period.ends_on


def week_parity_is_odd(period: AcademicPeriod, day: dt.date) -> bool:
    """Week 1 of a term is the week (Monday to Sunday) its first day falls in."""
    first_monday = period.starts_on - dt.timedelta(days=period.starts_on.weekday())
    return ((day - first_monday).days // 7) % 2 == 0


def meetings_on(room: Room, day: dt.date) -> list[ClassMeeting]:
    """The class meetings held in the room on that date."""
    out: list[ClassMeeting] = []
    periods = AcademicPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)
    for period in periods:
        if day > teaching_end(period):
            continue
        odd = week_parity_is_odd(period, day)
        qs = (ClassMeeting.objects.filter(period=period, room=room, slot__weekday=day.isoweekday())
              .filter(Q(odd_weeks=True) if odd else Q(even_weeks=True))
              .select_related("slot", "section", "section__discipline"))
        out.extend(qs)
    return out


def room_conflicts(room: Room, day: dt.date, starts_at: dt.time, ends_at: dt.time, *,
                   exclude_booking: RoomBooking | None = None,
                   exclude_session: ExamSession | None = None) -> list[Conflict]:
    """What holds the room on the date between the times: classes, bookings, exams (but
    those of `exclude_session`, being rescheduled)."""
    out: list[Conflict] = []
    for meeting in meetings_on(room, day):
        if meeting.slot.starts_at < ends_at and starts_at < meeting.slot.ends_at:
            out.append(Conflict("class", _("Class %(section)s %(kind)s, %(from)s–%(to)s.") % {
                "section": meeting.section.code, "kind": meeting.get_kind_display(),
                "from": f"{meeting.slot.starts_at:%H:%M}", "to": f"{meeting.slot.ends_at:%H:%M}"}))
    bookings = RoomBooking.objects.filter(room=room, date=day, cancelled_at__isnull=True,
                                          starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_booking is not None and exclude_booking.pk:
        bookings = bookings.exclude(pk=exclude_booking.pk)
    for booking in bookings:
        out.append(Conflict("booking", _("Booked for “%(purpose)s”, %(from)s–%(to)s.") % {
            "purpose": booking.purpose, "from": f"{booking.starts_at:%H:%M}",
            "to": f"{booking.ends_at:%H:%M}"}))
    sittings = (ExamSittingRoom.objects.filter(room=room, sitting__date=day,
                                               sitting__starts_at__lt=ends_at,
                                               sitting__ends_at__gt=starts_at)
                .select_related("sitting", "sitting__section"))
    if exclude_session is not None:
        sittings = sittings.exclude(sitting__session=exclude_session)
    for seat in sittings:
        out.append(Conflict("exam", _("Exam %(section)s, %(from)s–%(to)s.") % {
            "section": seat.sitting.section.code, "from": f"{seat.sitting.starts_at:%H:%M}",
            "to": f"{seat.sitting.ends_at:%H:%M}"}))
    return out


def booking_clashes(period: AcademicPeriod) -> list[str]:
    """Active bookings in the term's teaching dates that a class of its timetable now overlaps
    (the timetable was generated or changed after the booking was made)."""
    found = []
    end = teaching_end(period)
    bookings = (RoomBooking.objects.filter(cancelled_at__isnull=True, date__gte=period.starts_on,
                                           date__lte=end).select_related("room"))
    for booking in bookings:
        for meeting in meetings_on(booking.room, booking.date):
            if meeting.period_id != period.pk:
                continue
            slot = meeting.slot
            if slot.starts_at < booking.ends_at and booking.starts_at < slot.ends_at:
                found.append(_("%(room)s on %(date)s: the booking “%(purpose)s” and class "
                               "%(section)s %(kind)s") % {
                    "room": booking.room.code, "date": f"{booking.date:%d.%m.%Y}",
                    "purpose": booking.purpose, "section": meeting.section.code,
                    "kind": meeting.get_kind_display()})
    return found


def free_rooms(day: dt.date, starts_at: dt.time, ends_at: dt.time, *, seats: int = 0,
               kind: str = "") -> list[Room]:
    """Rooms in use with at least `seats` seats (of the kind) and nothing on at that time."""
    candidates = rooms(active_only=True).filter(capacity__gte=seats)
    if kind:
        candidates = candidates.filter(kind=kind)
    return [room for room in candidates.order_by("capacity", "code")
            if not room_conflicts(room, day, starts_at, ends_at)]


def bookings(*, upcoming_from: dt.date | None = None) -> QuerySet[RoomBooking]:
    qs = RoomBooking.objects.select_related("room", "booked_by")
    if upcoming_from is not None:
        qs = qs.filter(date__gte=upcoming_from)
    return qs


# --- Exams -----------------------------------------------------------------------------------

def sittings(session: ExamSession) -> QuerySet[ExamSitting]:
    return (session.sittings.select_related("section", "section__discipline",
                                            "section__teacher")
            .prefetch_related("rooms__room", "section__groups"))


def faculty_filter(faculty_ids: Iterable[int], prefix: str = "section__") -> Q:
    ids = list(faculty_ids)
    return (Q(**{f"{prefix}groups__programme__department__faculty_id__in": ids})
            | Q(**{f"{prefix}discipline__department__faculty_id__in": ids}))


def sittings_for(user: Any, session: ExamSession) -> QuerySet[ExamSitting]:
    """The session's sittings a user of the office pages sees: all for the registrar, those of
    their faculty's sections for a dean."""
    scope = scope_of(user)
    qs = sittings(session)
    if scope.is_registrar:
        return qs
    return qs.filter(faculty_filter(scope.dean_faculty_ids)).distinct()


def sessions_for(user: Any) -> QuerySet[ExamSession]:
    return ExamSession.objects.select_related("period", "period__year")


def student_sittings(student: Student, *, published_only: bool = True) -> QuerySet[ExamSitting]:
    qs = (ExamSitting.objects
          .filter(section__registrations__student=student,
                  section__registrations__state=RegistrationState.ENROLLED)
          .select_related("section", "section__discipline", "session")
          .prefetch_related("rooms__room"))
    if published_only:
        qs = qs.filter(published=True)
    return qs.distinct().order_by("date", "starts_at")


def teacher_sittings(staff: Staff, *, published_only: bool = True) -> QuerySet[ExamSitting]:
    qs = (ExamSitting.objects.filter(section__teacher=staff)
          .select_related("section", "section__discipline", "session")
          .prefetch_related("rooms__room"))
    if published_only:
        qs = qs.filter(published=True)
    return qs.order_by("date", "starts_at")


def exam_sections(session: ExamSession) -> QuerySet[Section]:
    """Sections of the term that sit an examination in the session."""
    return (Section.objects.filter(period_id=session.period_id,
                                   discipline__assessment_form="exam")
            .exclude(status=SectionStatus.CANCELLED)
            .select_related("discipline", "teacher"))


def students_over_limit(session: ExamSession) -> list[tuple[int, dt.date, int]]:
    """(student id, date, exams) for every student with more exams a day than the session
    allows — empty for a schedule made by the services."""
    per_day: dict[tuple[int, dt.date], int] = defaultdict(int)
    rows = (ExamSitting.objects.filter(session=session)
            .filter(section__registrations__state=RegistrationState.ENROLLED)
            .values_list("section__registrations__student_id", "date"))
    for student_id, day in rows:
        per_day[student_id, day] += 1
    return sorted((s, d, n) for (s, d), n in per_day.items() if n > session.max_per_day)
