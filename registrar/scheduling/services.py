"""Changing rooms, the time grid, the class timetable and bookings (§13).

Every function checks the actor's permission, runs in one transaction, writes an audit event,
or raises (`SchedulingRefused` with the field and the reason, or PermissionDenied) and writes
nothing. A room is changed under a row lock on it (`SELECT … FOR UPDATE` on PostgreSQL; SQLite
transactions are IMMEDIATE), so two bookings, or a booking and a hand edit, of one room are
checked one after the other; the database's partial unique indexes keep a room to one class
per slot and week parity in any case.

Generating a timetable solves outside any transaction (it may take a minute), then saves in
one transaction after checking that nothing it read has changed meanwhile.
The examination schedule is in `exams.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.curriculum.models import AssessmentForm
from registrar.institution.models import AcademicPeriod, PeriodKind
from registrar.registration.models import Section, SectionStatus

from . import (
    permissions,  # noqa: F401  (registers the rules)
    selectors,
    timetable,
)
from .models import (
    ClassMeeting,
    ClassNeed,
    MeetingKind,
    Room,
    RoomBooking,
    RoomKind,
    TeacherUnavailability,
    TimeSlot,
    Timetable,
    TimetableRun,
    Weekday,
    WeekPattern,
    pattern_weeks,
)


class SchedulingRefused(Exception):
    """Refused with a reason naming the field; nothing was changed."""

    def __init__(self, message: str, field: str = "non_field", problems: list[str] | None = None):
        self.field, self.message = field, message
        self.problems = problems or []
        super().__init__(message)


def require(user: Any, perm: str, obj: Any = None) -> None:
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _actor(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def notify_people_of(sections: Any, subject: str, body: str) -> int:
    """Tell the enrolled students and the teachers of the sections (those with accounts)."""
    from django.contrib.auth import get_user_model

    from registrar.notifications.services import notify
    from registrar.registration.models import RegistrationState

    users = get_user_model()._default_manager.filter(
        Q(student__registrations__section__in=sections,
          student__registrations__state=RegistrationState.ENROLLED)
        | Q(staff__sections__in=sections)).distinct()
    return notify(users, subject, body)


# --- The time grid ---------------------------------------------------------------------------

# Six pairs of 90 minutes with a lunch break: a common grid; edit the slots in the admin.
STANDARD_PAIRS = (
    (dt.time(8, 30), dt.time(10, 0)),
    (dt.time(10, 10), dt.time(11, 40)),
    (dt.time(11, 50), dt.time(13, 20)),
    (dt.time(14, 0), dt.time(15, 30)),
    (dt.time(15, 40), dt.time(17, 10)),
    (dt.time(17, 20), dt.time(18, 50)),
)


@transaction.atomic
def create_standard_grid(*, by: Any, weekdays: int = 6) -> int:
    """Add the standard pairs Monday to Saturday (or Friday) where the grid has none; returns
    the number of slots added."""
    require(by, "scheduling.manage")
    existing = set(TimeSlot.objects.values_list("weekday", "number"))
    new = [TimeSlot(weekday=day, number=n, starts_at=start, ends_at=end)
           for day in range(Weekday.MONDAY, Weekday.MONDAY + weekdays)
           for n, (start, end) in enumerate(STANDARD_PAIRS, start=1)
           if (day, n) not in existing]
    TimeSlot.objects.bulk_create(new)
    if new:
        audit.record(_actor(by), "scheduling.grid_created", new[0],
                     {"slots": len(new), "weekdays": weekdays})
    return len(new)


# --- Class needs -----------------------------------------------------------------------------

TEACHING_WEEKS: dict[str, int] = {PeriodKind.AUTUMN: 15, PeriodKind.SPRING: 15,
                                  PeriodKind.SUMMER: 5}
ACADEMIC_HOURS_PER_PAIR = 2
NEED_ROOM_KIND = {MeetingKind.LECTURE: RoomKind.LECTURE, MeetingKind.PRACTICE: RoomKind.SEMINAR,
                  MeetingKind.LAB: RoomKind.LAB}


def meetings_for_hours(hours: int, weeks: int) -> tuple[int, str]:
    """(meetings a week, week pattern) for so many contact hours over the teaching weeks:
    a pair is two academic hours; half a pair a week or less is a pair every other week."""
    pairs_a_week = hours / (ACADEMIC_HOURS_PER_PAIR * max(weeks, 1))
    if pairs_a_week <= 0:
        return 0, WeekPattern.EVERY
    if pairs_a_week <= 0.5:
        return 1, WeekPattern.ODD
    return max(1, math.floor(pairs_a_week + 0.5)), WeekPattern.EVERY


def default_needs(section: Section) -> list[ClassNeed]:
    """Unsaved needs derived from the discipline's lecture, practice and lab hours."""
    discipline = section.discipline
    weeks = TEACHING_WEEKS.get(section.period.kind, 15)
    out = []
    for kind, hours in ((MeetingKind.LECTURE, discipline.lecture_hours),
                        (MeetingKind.PRACTICE, discipline.practice_hours),
                        (MeetingKind.LAB, discipline.lab_hours)):
        per_week, pattern = meetings_for_hours(hours, weeks)
        if per_week:
            out.append(ClassNeed(section=section, kind=kind, per_week=min(per_week, 12),
                                 room_kind=NEED_ROOM_KIND[kind], week_pattern=pattern))
    if not out and discipline.assessment_form not in (AssessmentForm.PRACTICE,
                                                      AssessmentForm.THESIS):
        out.append(ClassNeed(section=section, kind=MeetingKind.PRACTICE, per_week=1,
                             room_kind=RoomKind.SEMINAR))
    return out


def _sections(period: AcademicPeriod):
    return (Section.objects.filter(period=period).exclude(status=SectionStatus.CANCELLED)
            .select_related("discipline", "period", "teacher").prefetch_related("groups"))


@transaction.atomic
def ensure_needs(period: AcademicPeriod, *, by: Any) -> int:
    """Give every section of the term without class needs the default ones; returns how
    many needs were added."""
    require(by, "scheduling.manage")
    return _ensure_needs(period, by)


def _ensure_needs(period: AcademicPeriod, by: Any) -> int:
    have = set(ClassNeed.objects.filter(section__period=period)
               .values_list("section_id", flat=True))
    new = [need for section in _sections(period) if section.pk not in have
           for need in default_needs(section)]
    ClassNeed.objects.bulk_create(new)
    if new:
        audit.record(_actor(by), "scheduling.needs_derived", period, {"needs": len(new)})
    return len(new)


# --- Generating the class timetable ------------------------------------------------------------

@dataclass
class Plan:
    """What each meeting of the problem stands for in the database."""

    section: Section
    need: ClassNeed | None
    kind: str
    week_pattern: str
    locked: ClassMeeting | None = None


def _labels(section: Section, kind: str) -> str:
    return f"{section.code} {dict(MeetingKind.choices).get(kind, kind)}"


def build_problem(period: AcademicPeriod, weights: timetable.Weights | None = None,
                  ) -> tuple[timetable.TimetableProblem, list[Plan]]:
    """The term's timetable as a `TimetableProblem`: one meeting per weekly class of each
    need, those placed by hand fixed, the others hinted to where they were."""
    slots = list(TimeSlot.objects.all())
    rooms = list(Room.objects.filter(active=True))
    sections = list(_sections(period).prefetch_related("class_needs"))
    existing: dict[int | None, list[ClassMeeting]] = defaultdict(list)
    locked_extra: list[ClassMeeting] = []
    for meeting in ClassMeeting.objects.filter(period=period).order_by("pk"):
        if meeting.need_id is None:
            if meeting.locked:
                locked_extra.append(meeting)
            continue
        existing[meeting.need_id].append(meeting)
    meetings: list[timetable.Meeting] = []
    plans: list[Plan] = []
    by_id = {s.pk: s for s in sections}

    def add(section: Section, need: ClassNeed | None, kind: str, pattern: str, size: int,
            room_kind: str, features: list[str], meeting: ClassMeeting | None) -> None:
        odd, even = pattern_weeks(pattern)
        locked = meeting if meeting is not None and meeting.locked else None
        meetings.append(timetable.Meeting(
            section_id=section.pk, label=_labels(section, kind), size=size,
            room_kind=room_kind, teacher_id=section.teacher_id,
            group_ids=frozenset(g.pk for g in section.groups.all()),
            features=frozenset(features or []),
            fixed_slot=locked.slot_id if locked else None,
            fixed_room=locked.room_id if locked else None,
            hint_slot=meeting.slot_id if meeting is not None else None,
            hint_room=meeting.room_id if meeting is not None else None,
            odd_weeks=odd, even_weeks=even))
        plans.append(Plan(section, need, kind, pattern, locked))

    for section in sections:
        for need in section.class_needs.all():
            placed = sorted(existing.get(need.pk, []), key=lambda m: (not m.locked, m.pk))
            pinned = sum(1 for m in placed if m.locked)  # all kept, even beyond per_week
            for index in range(max(need.per_week, pinned)):
                current = placed[index] if index < len(placed) else None
                pattern = current.week_pattern if current and current.locked \
                    else need.week_pattern
                add(section, need, need.kind, pattern, need.expected_size or section.capacity,
                    need.room_kind, need.features, current)
    for extra in locked_extra:
        owner = by_id.get(extra.section_id)
        if owner is None:
            continue
        room = next((r for r in rooms if r.pk == extra.room_id), None)
        add(owner, None, extra.kind, extra.week_pattern, owner.capacity,
            room.kind if room else RoomKind.SEMINAR, [], extra)

    teacher_ids = {s.teacher_id for s in sections if s.teacher_id}
    unavailable: dict[int, set[int]] = defaultdict(set)
    avoided: dict[int, set[int]] = defaultdict(set)
    for mark in TeacherUnavailability.objects.filter(teacher_id__in=teacher_ids):
        (unavailable if mark.strict else avoided)[mark.teacher_id].add(mark.slot_id)
    groups = {g.pk: g.name for s in sections for g in s.groups.all()}
    teachers = {s.teacher_id: str(s.teacher) for s in sections if s.teacher_id}
    problem = timetable.TimetableProblem(
        slots=[timetable.Slot(s.pk, s.weekday, s.number, str(s)) for s in slots],
        rooms=[timetable.RoomInfo(r.pk, r.code, r.kind, r.capacity, frozenset(r.features or []))
               for r in rooms],
        meetings=meetings,
        unavailable={t: frozenset(v) for t, v in unavailable.items()},
        avoided={t: frozenset(v) for t, v in avoided.items()},
        teacher_names=teachers, group_names=groups,
        section_names={s.pk: s.code for s in sections},
        weights=weights or timetable.Weights())
    return problem, plans


def fingerprint(problem: timetable.TimetableProblem) -> str:
    """A digest of everything that constrains the timetable (hints left out)."""
    stripped = replace(problem, meetings=[replace(m, hint_slot=None, hint_room=None)
                                          for m in problem.meetings],
                       teacher_names={}, group_names={}, section_names={})
    return hashlib.sha256(repr(stripped).encode()).hexdigest()


def _kind_labels() -> dict[str, str]:
    return {value: str(label) for value, label in RoomKind.choices}


def generate_timetable(period: AcademicPeriod, *, by: Any, time_limit: float = 30.0,
                       seed: int = 0, weights: timetable.Weights | None = None,
                       system: bool = False) -> TimetableRun:
    """Generate the term's timetable with CP-SAT and save it (or, when there is none, record
    why). Meetings placed by hand stay where they are. Refused while the timetable is
    published. `system=True` (management commands) skips the permission check."""
    if not system:
        require(by, "scheduling.manage")
    if selectors.is_published(period):
        raise SchedulingRefused(_("The timetable is published; withdraw it before generating "
                                  "it again."), "period")
    if time_limit <= 0:
        raise SchedulingRefused(_("The time limit must be positive."), "time_limit")
    with transaction.atomic():
        _ensure_needs(period, by)
    problem, plans = build_problem(period, weights)
    digest = fingerprint(problem)
    result = timetable.solve(problem, time_limit=time_limit, seed=seed,
                             kind_labels=_kind_labels())
    with transaction.atomic():
        Timetable.objects.get_or_create(period=period)
        sheet = Timetable.objects.select_for_update().get(period=period)
        list(Room.objects.select_for_update().order_by("pk"))  # bookings wait for the save
        if sheet.is_published:
            raise SchedulingRefused(_("The timetable was published meanwhile."), "period")
        again, plans = build_problem(period, weights)
        if fingerprint(again) != digest:
            raise SchedulingRefused(_("Sections, rooms or hand-placed classes changed while "
                                      "the timetable was being generated; generate it again."),
                                    "period")
        run = TimetableRun.objects.create(
            period=period, started_by=_actor(by), time_limit=time_limit, status=result.status,
            message=result.message, objective=result.objective,
            solve_seconds=round(result.wall_time, 3),
            meetings=len(problem.meetings) if result.solved else 0,
            details={"problems": result.problems, "penalties": result.penalties,
                     "seed": seed, "sections": len({p.section.pk for p in plans}),
                     "rooms": len(problem.rooms), "slots": len(problem.slots),
                     "fixed": sum(1 for p in plans if p.locked is not None)})
        if result.solved:
            _save_placements(period, plans, result.placements, run)
        audit.record(_actor(by), "scheduling.timetable_generated", run, {
            "status": result.status, "meetings": run.meetings, "objective": result.objective,
            "seconds": run.solve_seconds, "problems": result.problems})
    return run


def _save_placements(period: AcademicPeriod, plans: list[Plan],
                     placements: list[tuple[int, int]], run: TimetableRun) -> None:
    ClassMeeting.objects.filter(period=period, locked=False).delete()
    new = []
    for plan, (slot_id, room_id) in zip(plans, placements, strict=True):
        if plan.locked is not None:
            continue
        odd, even = pattern_weeks(plan.week_pattern)
        new.append(ClassMeeting(period=period, section=plan.section, need=plan.need,
                                kind=plan.kind, slot_id=slot_id, room_id=room_id,
                                week_pattern=plan.week_pattern, odd_weeks=odd, even_weeks=even,
                                run=run))
    ClassMeeting.objects.bulk_create(new, batch_size=500)


# --- Hand edits ------------------------------------------------------------------------------

def _meeting_needs(meeting: ClassMeeting) -> tuple[str, list[str], int]:
    need = meeting.need
    if need is not None:
        return need.room_kind, list(need.features or []), need.expected_size or \
            meeting.section.capacity
    return "", [], meeting.section.capacity


def edit_conflicts(meeting: ClassMeeting, slot: TimeSlot, room: Room,
                   week_pattern: str | None = None) -> list[selectors.Conflict]:
    """What moving the meeting to the slot and room would break (see
    `selectors.meeting_conflicts`)."""
    room_kind, features, size = _meeting_needs(meeting)
    return selectors.meeting_conflicts(
        meeting.section, slot, room, week_pattern=week_pattern or meeting.week_pattern,
        room_kind=room_kind, features=features, size=size, exclude=meeting)


@transaction.atomic
def move_meeting(meeting: ClassMeeting, *, slot: TimeSlot, room: Room, by: Any,
                 week_pattern: str | None = None, keep: bool = True) -> ClassMeeting:
    """Move a meeting by hand. Refused when a hard rule would break (the reasons listed);
    a slot the teacher would rather avoid is allowed. `keep` pins it against regeneration."""
    require(by, "scheduling.manage")
    if selectors.is_published(meeting.period):
        raise SchedulingRefused(_("The timetable is published; withdraw it before changing "
                                  "it."), "slot")
    list(Room.objects.select_for_update().filter(pk__in={room.pk, meeting.room_id}))
    meeting = ClassMeeting.objects.select_for_update(of=("self",)).select_related(
        "section", "need", "slot", "room").get(pk=meeting.pk)
    pattern = week_pattern or meeting.week_pattern
    if pattern not in WeekPattern.values:
        raise SchedulingRefused(_("Choose the weeks."), "week_pattern")
    hard = [c for c in edit_conflicts(meeting, slot, room, pattern) if c.hard]
    if hard:
        raise SchedulingRefused(_("The class cannot go there."), "slot",
                                problems=[c.message for c in hard])
    before = {"slot": str(meeting.slot), "room": meeting.room.code,
              "weeks": meeting.week_pattern, "locked": meeting.locked}
    meeting.slot, meeting.room, meeting.week_pattern, meeting.locked = slot, room, pattern, keep
    meeting.save()
    audit.record(_actor(by), "scheduling.meeting_moved", meeting, {
        "before": before, "after": {"slot": str(slot), "room": room.code, "weeks": pattern,
                                    "locked": keep}})
    return meeting


@transaction.atomic
def publish_timetable(period: AcademicPeriod, *, by: Any) -> Timetable:
    """Show the term's timetable to its students and teachers."""
    require(by, "scheduling.manage")
    Timetable.objects.get_or_create(period=period)
    sheet = Timetable.objects.select_for_update().get(period=period)
    if sheet.is_published:
        raise SchedulingRefused(_("The timetable is already published."), "period")
    if not ClassMeeting.objects.filter(period=period).exists():
        raise SchedulingRefused(_("The timetable has no classes yet."), "period")
    clashes = selectors.period_clashes(period)
    if clashes:
        raise SchedulingRefused(_("The timetable has clashes; resolve them first."), "period",
                                problems=clashes)
    sheet.published_at, sheet.published_by = timezone.now(), _actor(by)
    sheet.save(update_fields=["published_at", "published_by"])
    notified = notify_people_of(
        Section.objects.filter(meetings__period=period).distinct(),
        _("The class timetable of %(term)s is published") % {"term": period},
        _("See your timetable under Timetable in the portal."))
    audit.record(_actor(by), "scheduling.timetable_published", sheet,
                 {"meetings": ClassMeeting.objects.filter(period=period).count(),
                  "notified": notified})
    return sheet


@transaction.atomic
def withdraw_timetable(period: AcademicPeriod, *, by: Any, reason: str) -> Timetable:
    """Hide a published timetable again (to change it); the reason goes to the audit."""
    require(by, "scheduling.manage")
    if not (reason or "").strip():
        raise SchedulingRefused(_("Say why the timetable is withdrawn."), "reason")
    sheet = Timetable.objects.select_for_update().filter(period=period).first()
    if sheet is None or not sheet.is_published:
        raise SchedulingRefused(_("The timetable is not published."), "period")
    sheet.published_at, sheet.published_by = None, None
    sheet.save(update_fields=["published_at", "published_by"])
    audit.record(_actor(by), "scheduling.timetable_withdrawn", sheet, reason=reason.strip())
    return sheet


# --- Room bookings ---------------------------------------------------------------------------

@transaction.atomic
def book_room(room: Room, *, day: dt.date, starts_at: dt.time, ends_at: dt.time, purpose: str,
              by: Any, today: dt.date | None = None) -> RoomBooking:
    """Book a room for a time on a date; refused when anything holds it then (a class of the
    timetable, an exam sitting or another booking), with what does."""
    require(by, "scheduling.book_room")
    purpose = (purpose or "").strip()
    if not purpose:
        raise SchedulingRefused(_("Say what the room is booked for."), "purpose")
    if len(purpose) > 255:
        raise SchedulingRefused(_("The purpose is longer than 255 characters."), "purpose")
    if ends_at <= starts_at:
        raise SchedulingRefused(_("The booking must end after it starts."), "ends_at")
    if day < (today or timezone.localdate()):
        raise SchedulingRefused(_("A room cannot be booked in the past."), "date")
    room = Room.objects.select_for_update().get(pk=room.pk)
    if not room.active:
        raise SchedulingRefused(_("Room %(room)s is not in use.") % {"room": room.code}, "room")
    conflicts = selectors.room_conflicts(room, day, starts_at, ends_at)
    if conflicts:
        raise SchedulingRefused(_("Room %(room)s is not free then.") % {"room": room.code},
                                "room", problems=[c.message for c in conflicts])
    booking = RoomBooking.objects.create(room=room, date=day, starts_at=starts_at,
                                         ends_at=ends_at, purpose=purpose, booked_by=by)
    audit.record(_actor(by), "scheduling.room_booked", booking, {
        "room": room.code, "date": day, "from": starts_at.isoformat("minutes"),
        "until": ends_at.isoformat("minutes"), "purpose": purpose})
    return booking


@transaction.atomic
def cancel_booking(booking: RoomBooking, *, by: Any) -> RoomBooking:
    require(by, "scheduling.book_room")
    booking = RoomBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.cancelled_at is not None:
        raise SchedulingRefused(_("The booking is already cancelled."), "booking")
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["cancelled_at"])
    audit.record(_actor(by), "scheduling.booking_cancelled", booking)
    return booking
