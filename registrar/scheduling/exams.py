"""The examination schedule of a session (§13): the database ↔ the exam solver.

`build_exam_problem` turns a session into an `ExamProblem`: one exam per section of the term
whose discipline is assessed by examination and that has enrolled students; one period per
exam day (Sundays never, Saturdays if the session allows) and start time; each student's exams
from the registrations; the rooms with exam seats; the session's rules (at most `max_per_day`
exams a student a day, at most k in any window of d days); a teacher never examines two
sections at once; optionally all sections of a discipline at one time. The soft cost spreads
each student's exams apart (a penalty for exams closer than the wished gap).

`schedule_session` calls `solve_exams`, checks the answer against the database once more (no
student with two exams at once or over the daily limit, the seats of an exam's rooms add up to
its size, a room never over its exam seats, no room booked meanwhile — a booked room's seats
move to a free room when they can) and saves the sittings in one transaction with an audit
event. Publishing shows them to the students and teachers concerned.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registrar.audit import services as audit
from registrar.people.models import Student
from registrar.registration.models import Registration, RegistrationState, Section

from . import selectors
from .models import ExamSession, ExamSitting, ExamSittingRoom, Room
from .services import SchedulingRefused, _actor, notify_people_of, require
from .solver import Exam as SolverExam
from .solver import ExamProblem, ExamSolution, Period, ProblemError, solve_exams
from .solver import Room as SolverRoom


@dataclass(frozen=True)
class SlotTime:
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time


@dataclass
class ExamPlan:
    """An `ExamProblem` and what its indices stand for."""

    session: ExamSession
    problem: ExamProblem | None
    sections: list[Section]
    slots: list[SlotTime]
    rooms: list[Room]
    students: list[int]  # student ids, in the order of problem.students
    skipped: list[str] = field(default_factory=list)  # sections with no enrolled student
    problems: list[str] = field(default_factory=list)  # obvious impossibilities


@dataclass
class ExamScheduleResult:
    status: str
    feasible: bool
    sittings: int = 0
    cost: int | None = None
    seconds: float = 0.0
    message: str = ""
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    breakdown: dict[str, int] = field(default_factory=dict)


def _end(day: dt.date, start: dt.time, minutes: int) -> dt.time:
    end = dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)
    return end.time() if end.date() == day else dt.time(23, 59)


def session_slots(session: ExamSession) -> list[SlotTime]:
    try:
        times = session.start_times()
    except ValueError:
        raise SchedulingRefused(_("The exam start times must be like 09:00,14:00."),
                                "sitting_starts") from None
    return [SlotTime(day, start, _end(day, start, session.sitting_minutes))
            for day in session.days() for start in times]


def proximity(session: ExamSession, per_day: int) -> tuple[int, ...]:
    """Penalties for two exams of a student 1, 2, … periods apart: falling to 0 beyond the
    wished gap in days."""
    length = max(1, session.min_gap_days) * max(1, per_day)
    return tuple(range(length, 0, -1))


def build_exam_problem(session: ExamSession) -> ExamPlan:
    slots = session_slots(session)
    rooms = list(Room.objects.filter(active=True, exam_capacity__gt=0).order_by("code"))
    sections_all = list(selectors.exam_sections(session).order_by("code"))
    enrolled: dict[int, list[int]] = defaultdict(list)  # section → students
    for section_id, student_id in (Registration.objects
                                   .filter(section__in=sections_all,
                                           state=RegistrationState.ENROLLED)
                                   .values_list("section_id", "student_id")
                                   .order_by("section_id", "student_id")):
        enrolled[section_id].append(student_id)
    sections = [s for s in sections_all if enrolled.get(s.pk)]
    skipped = [s.code for s in sections_all if not enrolled.get(s.pk)]
    plan = ExamPlan(session, None, sections, slots, rooms, [], skipped)
    if not sections:
        return plan
    index = {s.pk: i for i, s in enumerate(sections)}
    per_student: dict[int, list[int]] = defaultdict(list)
    for section in sections:
        for student_id in enrolled[section.pk]:
            per_student[student_id].append(index[section.pk])
    plan.students = sorted(per_student)
    exclusion: list[tuple[int, int]] = []
    coincidence: list[tuple[int, int]] = []
    by_teacher: dict[int, list[Section]] = defaultdict(list)
    by_discipline: dict[int, list[int]] = defaultdict(list)
    for section in sections:
        if section.teacher_id:
            by_teacher[section.teacher_id].append(section)
        by_discipline[section.discipline_id].append(index[section.pk])
    for taught in by_teacher.values():
        for i, a in enumerate(taught):
            for b in taught[i + 1:]:
                if session.discipline_together and a.discipline_id == b.discipline_id:
                    continue
                exclusion.append((index[a.pk], index[b.pk]))
    if session.discipline_together:
        for members in by_discipline.values():
            coincidence.extend((members[0], other) for other in members[1:])
    start = session.starts_on
    per_day = len(session.start_times()) or 1
    window = (session.window_days, session.max_per_window) \
        if session.window_days and session.max_per_window else None
    plan.problems = _precheck(session, plan, enrolled, per_student, per_day)
    if plan.problems:
        return plan
    try:
        plan.problem = ExamProblem(
            exams=[SolverExam(size=len(enrolled[s.pk]), name=s.code) for s in sections],
            periods=[Period(day=(slot.date - start).days, duration=session.sitting_minutes,
                            name=f"{slot.date:%Y-%m-%d} {slot.starts_at:%H:%M}")
                     for slot in slots],
            students=[per_student[s] for s in plan.students],
            rooms=[SolverRoom(capacity=r.exam_capacity, name=r.code) for r in rooms],
            room_split=True,
            exclusion=exclusion, coincidence=coincidence,
            max_per_day=session.max_per_day, max_per_window=window,
            proximity=proximity(session, per_day),
            two_in_a_row=10 if session.max_per_day > 1 else 0,
            two_in_a_day=5 if session.max_per_day > 1 else 0,
            name=str(session))
    except ProblemError as exc:
        plan.problems = [str(exc)]
    return plan


def _precheck(session: ExamSession, plan: ExamPlan, enrolled: dict[int, list[int]],
              per_student: dict[int, list[int]], per_day: int) -> list[str]:
    problems: list[str] = []
    days = len(session.days())
    if not plan.slots:
        return [_("The session has no exam days or start times.")]
    if not plan.rooms:
        return [_("No room has seats for exams: set the exam seats of the rooms.")]
    seats = sum(r.exam_capacity for r in plan.rooms)
    for section in plan.sections:
        if len(enrolled[section.pk]) > seats:
            problems.append(_("Section %(section)s has %(size)d students; all the exam rooms "
                              "together seat %(seats)d.")
                            % {"section": section.code, "size": len(enrolled[section.pk]),
                               "seats": seats})
    most = max((len(e) for e in per_student.values()), default=0)
    allowed = days * min(session.max_per_day, per_day)
    if session.window_days and session.max_per_window:
        span = (session.ends_on - session.starts_on).days + 1
        windows = -(-span // session.window_days)  # blocks of consecutive days
        allowed = min(allowed, windows * session.max_per_window)
    if most > allowed:
        crowded = sum(1 for e in per_student.values() if len(e) > allowed)
        problems.append(ngettext(
            "%(count)d student has %(most)d exams but the session's days and rules allow "
            "at most %(allowed)d.",
            "%(count)d students have up to %(most)d exams but the session's days and rules "
            "allow at most %(allowed)d.", crowded)
            % {"count": crowded, "most": most, "allowed": allowed})
    total = sum(len(enrolled[s.pk]) for s in plan.sections)
    if total > seats * len(plan.slots):
        problems.append(_("%(total)d exam seats are needed but the rooms offer %(offered)d in "
                          "the whole session.") % {"total": total,
                                                   "offered": seats * len(plan.slots)})
    return problems


# --- Checking and saving the answer ------------------------------------------------------------

def check_solution(plan: ExamPlan, solution: ExamSolution) -> list[str]:
    """Every hard rule the solution breaks, as sentences (empty: it may be saved)."""
    problem = plan.problem
    assert problem is not None
    errors: list[str] = []
    slots = plan.slots
    if len(solution.period) != len(plan.sections):
        return [_("The solver did not answer for every exam.")]
    for i, p in enumerate(solution.period):
        if not 0 <= p < len(slots):
            errors.append(_("Section %(section)s has no exam time.")
                          % {"section": plan.sections[i].code})
    if errors:
        return errors
    for i, section in enumerate(plan.sections):
        seats = sum(n for _r, n in solution.rooms[i])
        if seats != problem.exams[i].size:
            errors.append(_("The rooms of %(section)s seat %(seats)d, not its %(size)d "
                            "students.") % {"section": section.code, "seats": seats,
                                            "size": problem.exams[i].size})
    used: dict[tuple[int, int], int] = defaultdict(int)
    for i, rooms in enumerate(solution.rooms):
        for r, n in rooms:
            used[solution.period[i], r] += n
    for (p, r), n in used.items():
        if n > plan.rooms[r].exam_capacity:
            errors.append(_("Room %(room)s gets %(seats)d students at %(when)s; it seats "
                            "%(capacity)d.") % {"room": plan.rooms[r].code, "seats": n,
                                                "when": problem.periods[p].name,
                                                "capacity": plan.rooms[r].exam_capacity})
    window = problem.max_per_window
    for exams in problem.students or []:
        taken = sorted(solution.period[e] for e in set(exams))
        if len(set(taken)) != len(taken):
            errors.append(_("A student has two exams at once."))
            break
        days = sorted(slots[p].date for p in taken)
        if any(days.count(d) > (problem.max_per_day or len(days)) for d in set(days)):
            errors.append(_("A student has more exams a day than allowed."))
            break
        if window is not None:
            span, most = window
            if any(sum(1 for d in days if 0 <= (d - first).days < span) > most
                   for first in days):
                errors.append(_("A student has more exams in a window than allowed."))
                break
    return errors


def _free_elsewhere(plan: ExamPlan, solution: ExamSolution) -> list[str]:
    """Move seats out of rooms that are booked (or hold another session's exam) at the time
    to rooms free then; name what cannot be moved."""
    blocked: set[tuple[int, int]] = set()
    reasons: dict[tuple[int, int], str] = {}
    used_pairs = {(solution.period[i], r) for i, rooms in enumerate(solution.rooms)
                  for r, _n in rooms}
    conflict_cache: dict[tuple[int, int], list[selectors.Conflict]] = {}

    def conflicts(p: int, r: int) -> list[selectors.Conflict]:
        key = (p, r)
        if key not in conflict_cache:
            slot = plan.slots[p]
            conflict_cache[key] = selectors.room_conflicts(
                plan.rooms[r], slot.date, slot.starts_at, slot.ends_at,
                exclude_session=plan.session)
        return conflict_cache[key]

    for p, r in used_pairs:
        found = conflicts(p, r)
        if found:
            blocked.add((p, r))
            reasons[p, r] = found[0].message
    if not blocked:
        return []
    load: dict[tuple[int, int], int] = defaultdict(int)
    for i, rooms in enumerate(solution.rooms):
        for r, n in rooms:
            load[solution.period[i], r] += n
    problems = []
    for i, rooms in enumerate(solution.rooms):
        p = solution.period[i]
        kept = [(r, n) for r, n in rooms if (p, r) not in blocked]
        moving = sum(n for r, n in rooms if (p, r) in blocked)
        for r, n in rooms:
            if (p, r) in blocked:
                load[p, r] -= n
        for r, room in enumerate(plan.rooms):
            if moving <= 0:
                break
            if (p, r) in blocked or conflicts(p, r):
                continue
            already = dict(kept).get(r, 0)
            space = room.exam_capacity - load[p, r]
            take = min(space, moving)
            if take > 0:
                kept = [(rr, nn) for rr, nn in kept if rr != r] + [(r, already + take)]
                load[p, r] += take
                moving -= take
        if moving > 0:
            booked = next(r for r, _n in rooms if (p, r) in blocked)
            problems.append(_("Room %(room)s is taken at %(when)s (%(why)s) and no free room "
                              "can seat the %(count)d students of %(section)s.")
                            % {"room": plan.rooms[booked].code,
                               "when": plan.problem.periods[p].name if plan.problem else "",
                               "why": reasons[p, booked], "count": moving,
                               "section": plan.sections[i].code})
        solution.rooms[i] = sorted(kept)
    return problems


def schedule_session(session: ExamSession, *, by: Any, time_limit: float = 60.0, seed: int = 0,
                     system: bool = False) -> ExamScheduleResult:
    """Schedule the session's exams and save the sittings (replacing earlier ones), or say
    why there is no schedule. Refused while the schedule is published. `system=True`
    (the management command) skips the permission check."""
    if not system:
        require(by, "scheduling.manage")
    if session.is_published:
        raise SchedulingRefused(_("The exam schedule is published; withdraw it before "
                                  "scheduling again."), "session")
    if time_limit <= 0:
        raise SchedulingRefused(_("The time limit must be positive."), "time_limit")
    plan = build_exam_problem(session)
    if plan.problems or plan.problem is None:
        result = ExamScheduleResult(
            "infeasible" if plan.problems else "empty", False, problems=plan.problems,
            skipped=plan.skipped,
            message=(_("No exam schedule satisfies the rules.") if plan.problems
                     else _("No section of the term has an exam with enrolled students.")))
        _record(session, by, result)
        return result
    solution = solve_exams(plan.problem, time_limit=time_limit, seed=seed)
    result = ExamScheduleResult(solution.status, solution.feasible, cost=solution.cost,
                                seconds=round(solution.seconds, 3), skipped=plan.skipped,
                                breakdown=dict(solution.breakdown))
    if not solution.feasible:
        result.problems = list(solution.violations)
        result.message = (_("No exam schedule satisfies the rules.")
                          if solution.status == "infeasible"
                          else _("No exam schedule was found within %(seconds)s seconds; give "
                                 "the solver more time.") % {"seconds": f"{time_limit:g}"})
        _record(session, by, result)
        return result
    errors = check_solution(plan, solution)
    if errors:
        raise AssertionError("; ".join(errors))  # the solver broke a rule: never save that
    with transaction.atomic():
        session = ExamSession.objects.select_for_update().get(pk=session.pk)
        if session.is_published:
            raise SchedulingRefused(_("The exam schedule was published meanwhile."), "session")
        list(Room.objects.select_for_update().filter(pk__in=[r.pk for r in plan.rooms]))
        moved = _free_elsewhere(plan, solution)
        if moved:
            result.feasible, result.status = False, "infeasible"
            result.problems, result.message = moved, _("Booked rooms leave too few seats.")
        else:
            errors = check_solution(plan, solution)
            if errors:
                raise AssertionError("; ".join(errors))
            result.sittings = _save(session, plan, solution)
            result.message = ngettext("%(count)d exam is scheduled.",
                                      "%(count)d exams are scheduled.", result.sittings) \
                % {"count": result.sittings}
        _record(session, by, result, saved=not moved)
    return result


def _save(session: ExamSession, plan: ExamPlan, solution: ExamSolution) -> int:
    ExamSitting.objects.filter(session=session).delete()
    sittings = []
    for i, section in enumerate(plan.sections):
        slot = plan.slots[solution.period[i]]
        sittings.append(ExamSitting(session=session, section=section, date=slot.date,
                                    starts_at=slot.starts_at, ends_at=slot.ends_at,
                                    size=plan.problem.exams[i].size if plan.problem else 0))
    ExamSitting.objects.bulk_create(sittings)
    saved = {s.section_id: s for s in ExamSitting.objects.filter(session=session)}
    seats: list[ExamSittingRoom] = []
    for i, section in enumerate(plan.sections):
        merged: dict[int, int] = defaultdict(int)
        for r, n in solution.rooms[i]:
            if n > 0:
                merged[r] += n
        seats.extend(ExamSittingRoom(sitting=saved[section.pk], room=plan.rooms[r], seats=n)
                     for r, n in sorted(merged.items()))
    ExamSittingRoom.objects.bulk_create(seats)
    session.scheduled_at = timezone.now()
    session.save(update_fields=["scheduled_at"])
    return len(sittings)


def _record(session: ExamSession, by: Any, result: ExamScheduleResult, saved: bool = False,
            ) -> None:
    details = {"status": result.status, "feasible": result.feasible, "saved": saved,
               "sittings": result.sittings, "cost": result.cost, "seconds": result.seconds,
               "message": result.message, "problems": result.problems[:50],
               "skipped": result.skipped, "breakdown": result.breakdown,
               "at": timezone.now().isoformat()}
    with transaction.atomic():
        ExamSession.objects.filter(pk=session.pk).update(schedule_details=details)
        session.schedule_details = details
        audit.record(_actor(by), "scheduling.exams_scheduled", session, details)


# --- Sessions and publication ------------------------------------------------------------------

@transaction.atomic
def create_session(*, period: Any, name: str, starts_on: dt.date, ends_on: dt.date, by: Any,
                   **rules: Any) -> ExamSession:
    require(by, "scheduling.manage")
    name = (name or "").strip()
    if not name:
        raise SchedulingRefused(_("Name the session."), "name")
    if ends_on < starts_on:
        raise SchedulingRefused(_("The last day is before the first."), "ends_on")
    session = ExamSession(period=period, name=name, starts_on=starts_on, ends_on=ends_on, **rules)
    try:
        session.start_times()
    except ValueError:
        raise SchedulingRefused(_("The exam start times must be like 09:00,14:00."),
                                "sitting_starts") from None
    session.save()
    audit.record(_actor(by), "scheduling.session_created", session,
                 {"period": period, "from": starts_on, "to": ends_on, **rules})
    return session


@transaction.atomic
def publish_session(session: ExamSession, *, by: Any) -> ExamSession:
    """Show the session's exams to the students and teachers concerned."""
    require(by, "scheduling.manage")
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    if session.is_published:
        raise SchedulingRefused(_("The exam schedule is already published."), "session")
    count = session.sittings.count()
    if not count:
        raise SchedulingRefused(_("The session has no scheduled exams yet."), "session")
    problems = verify_session(session)
    if problems:
        raise SchedulingRefused(_("The exam schedule breaks its rules; schedule it again."),
                                "session", problems=problems)
    session.sittings.update(published=True)
    session.published_at, session.published_by = timezone.now(), _actor(by)
    session.save(update_fields=["published_at", "published_by"])
    notified = notify_people_of(
        Section.objects.filter(exam_sittings__session=session).distinct(),
        _("The exam schedule of %(session)s is published") % {"session": session.name},
        _("See your exams under Timetable in the portal."))
    audit.record(_actor(by), "scheduling.exams_published", session,
                 {"sittings": count, "notified": notified})
    return session


@transaction.atomic
def withdraw_session(session: ExamSession, *, by: Any, reason: str) -> ExamSession:
    require(by, "scheduling.manage")
    if not (reason or "").strip():
        raise SchedulingRefused(_("Say why the exam schedule is withdrawn."), "reason")
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    if not session.is_published:
        raise SchedulingRefused(_("The exam schedule is not published."), "session")
    session.sittings.update(published=False)
    session.published_at, session.published_by = None, None
    session.save(update_fields=["published_at", "published_by"])
    audit.record(_actor(by), "scheduling.exams_withdrawn", session, reason=reason.strip())
    return session


def verify_session(session: ExamSession) -> list[str]:
    """The saved sittings checked against the rules and today's registrations: two exams of
    a student at once, more a day than allowed, rooms not adding up or over their seats."""
    problems: list[str] = []
    sittings = list(session.sittings.prefetch_related("rooms__room").select_related("section"))
    by_section = {s.section_id: s for s in sittings}
    per_student: dict[int, list[ExamSitting]] = defaultdict(list)
    for section_id, student_id in Registration.objects.filter(
            section_id__in=by_section, state=RegistrationState.ENROLLED
    ).values_list("section_id", "student_id"):
        per_student[student_id].append(by_section[section_id])
    clash = over = 0
    for taken in per_student.values():
        times = [(s.date, s.starts_at) for s in taken]
        if len(set(times)) != len(times):
            clash += 1
        days = [s.date for s in taken]
        if any(days.count(d) > session.max_per_day for d in set(days)):
            over += 1
    if clash:
        problems.append(ngettext("%(count)d student has two exams at once.",
                                 "%(count)d students have two exams at once.", clash)
                        % {"count": clash})
    if over:
        problems.append(ngettext("%(count)d student has more exams a day than allowed.",
                                 "%(count)d students have more exams a day than allowed.", over)
                        % {"count": over})
    load: dict[tuple[dt.date, dt.time, int], int] = defaultdict(int)
    rooms: dict[int, Room] = {}
    for sitting in sittings:
        seats = 0
        for seat in sitting.rooms.all():
            seats += seat.seats
            load[sitting.date, sitting.starts_at, seat.room_id] += seat.seats
            rooms[seat.room_id] = seat.room
        if seats != sitting.size:
            problems.append(_("The rooms of %(section)s seat %(seats)d, not its %(size)d "
                              "students.") % {"section": sitting.section.code, "seats": seats,
                                              "size": sitting.size})
    for (day, start, room_id), seats in load.items():
        if seats > rooms[room_id].exam_capacity:
            problems.append(_("Room %(room)s gets %(seats)d students on %(day)s at %(time)s; "
                              "it seats %(capacity)d.")
                            % {"room": rooms[room_id].code, "seats": seats,
                               "day": f"{day:%d.%m.%Y}", "time": f"{start:%H:%M}",
                               "capacity": rooms[room_id].exam_capacity})
    return problems


def seat_of(sitting: ExamSitting, student: Student) -> Room | None:
    """The room a student sits the exam in: the enrolled students in name order fill the
    sitting's rooms in code order."""
    students = list(Registration.objects.filter(section_id=sitting.section_id,
                                                state=RegistrationState.ENROLLED)
                    .order_by("student__last_name_ru", "student__first_name_ru", "student_id")
                    .values_list("student_id", flat=True))
    if student.pk not in students:
        return None
    position = students.index(student.pk)
    for seat in sorted(sitting.rooms.all(), key=lambda s: s.room.code):
        if position < seat.seats:
            return seat.room
        position -= seat.seats
    return None
