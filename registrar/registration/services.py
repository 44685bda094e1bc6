"""Study plans and registration (§5): generate, edit, submit and approve a plan; register,
drop and swap sections with FIFO waitlists.

Seats are taken by a conditional UPDATE (`enrolled_count < capacity`), which is atomic on
PostgreSQL and SQLite alike; a CHECK constraint is the backstop and a partial unique index
stops duplicate registrations, so a repeated request returns the existing registration.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.curriculum import selectors as curriculum
from registrar.curriculum.models import CalendarEventKind, Component, Discipline
from registrar.institution.models import AcademicPeriod, PeriodKind
from registrar.people.choices import StudentStatus
from registrar.people.models import Student
from registrar.policy.selectors import policy_for_year
from registrar.records.models import Attempt

from . import rules
from .fast_path import register_in_one_statement
from .models import (
    ACTIVE_STATES,
    PlanState,
    Registration,
    RegistrationState,
    Section,
    SectionStatus,
    StudyPlan,
    StudyPlanLine,
)


class RegistrationRefused(Exception):
    """Refused with reasons; nothing was changed."""

    def __init__(self, problems: list[rules.PlanProblem] | str, field: str = ""):
        if isinstance(problems, str):
            problems = [rules.PlanProblem(field or "non_field", problems)]
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _require(user: Any, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def passed_discipline_ids(student_id: int) -> set[int]:
    return set(Attempt.objects.filter(student_id=student_id, passed=True)
               .values_list("discipline_id", flat=True))


def _credit_limits(period: AcademicPeriod) -> tuple[int, int]:
    policy = policy_for_year(period.year.start_year)
    if period.kind == PeriodKind.SUMMER:
        return 0, policy.credit_max_summer
    return policy.credit_min_semester, policy.credit_max_semester


# --- Individual study plan ---------------------------------------------------------------

@transaction.atomic
def generate_plan(student: Student, period: AcademicPeriod, *, by: Any) -> StudyPlan:
    """The student's plan for a term with every compulsory discipline of their semester not yet
    passed. Returns the existing plan if there is one."""
    plan = StudyPlan.objects.filter(student=student, period=period).first()
    if plan is not None:
        _require(by, "registration.view_studyplan", plan)
        return plan
    if student.status != StudentStatus.ACTIVE:
        raise RegistrationRefused(_("Only a studying student has a study plan."), "student")
    if period.kind == PeriodKind.SUMMER:
        raise RegistrationRefused(_("Summer semester plans are made by registering for debts."),
                                  "period")
    found = curriculum.curriculum_of(student)
    if found is None:
        raise RegistrationRefused(_("No working curriculum for the student's programme and "
                                    "intake year."), "curriculum")
    semester = rules.semester_of(student.year_of_study, period.kind)
    plan = StudyPlan(student=student, period=period, semester=semester)
    _require(by, "registration.change_studyplan", plan)
    plan.save()
    passed = passed_discipline_ids(student.pk)
    StudyPlanLine.objects.bulk_create([
        StudyPlanLine(plan=plan, discipline=e.discipline, component=Component.COMPULSORY,
                      credits=e.discipline.credits)
        for e in curriculum.entries_for_semester(found, semester)
        if e.component == Component.COMPULSORY and e.discipline_id not in passed
    ])
    audit.record(by, "plan.generated", plan, {"semester": semester})
    return plan


def _editable(plan: StudyPlan, by: Any) -> StudyPlan:
    _require(by, "registration.change_studyplan", plan)
    plan = StudyPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state not in (PlanState.DRAFT, PlanState.RETURNED):
        raise RegistrationRefused(_("The plan is submitted; it can be changed only when "
                                    "returned."), "state")
    return plan


def plan_problems(plan: StudyPlan) -> list[rules.PlanProblem]:
    lines = list(plan.lines.select_related("discipline"))
    ids = {line.discipline_id for line in lines}
    found = curriculum.curriculum_of(plan.student)
    catalogue = ({e.discipline_id for e in curriculum.elective_catalogue(found, plan.semester)}
                 if found else set())
    offered = set(Section.objects.filter(period=plan.period, discipline_id__in=ids)
                  .exclude(status=SectionStatus.CANCELLED)
                  .values_list("discipline_id", flat=True))
    prerequisites = curriculum.prerequisite_map(ids)
    needed = set().union(*prerequisites.values()) if prerequisites else set()
    codes = dict(Discipline.objects.filter(pk__in=ids | needed).values_list("pk", "code"))
    low, high = _credit_limits(plan.period)
    return rules.check_plan(
        [rules.PlannedDiscipline(line.discipline_id, line.discipline.code, line.credits,
                                 line.component == Component.ELECTIVE) for line in lines],
        passed=passed_discipline_ids(plan.student_id), prerequisites=prerequisites,
        offered=offered, catalogue=catalogue, credit_min=low, credit_max=high, codes=codes,
    )


@transaction.atomic
def add_elective(plan: StudyPlan, discipline: Discipline, *, by: Any) -> StudyPlanLine:
    """Add an elective; refused at once if it is not in the catalogue, not offered, already
    passed or its prerequisites are missing (the load is checked on submission)."""
    plan = _editable(plan, by)
    if plan.lines.filter(discipline=discipline).exists():
        raise RegistrationRefused(_("The discipline is already in the plan."), "discipline")
    line = StudyPlanLine.objects.create(plan=plan, discipline=discipline,
                                        component=Component.ELECTIVE, credits=discipline.credits)
    problems = [p for p in plan_problems(plan) if p.code == discipline.code]
    if problems:
        transaction.set_rollback(True)
        raise RegistrationRefused(problems)
    audit.record(by, "plan.elective_added", plan, {"discipline": discipline.code})
    return line


@transaction.atomic
def remove_elective(plan: StudyPlan, discipline: Discipline, *, by: Any) -> None:
    plan = _editable(plan, by)
    line = plan.lines.filter(discipline=discipline).first()
    if line is None or line.component != Component.ELECTIVE:
        raise RegistrationRefused(_("Only an elective can be removed from the plan."),
                                  "discipline")
    line.delete()
    audit.record(by, "plan.elective_removed", plan, {"discipline": discipline.code})


@transaction.atomic
def submit_plan(plan: StudyPlan, *, by: Any) -> StudyPlan:
    plan = _editable(plan, by)
    problems = plan_problems(plan)
    if problems:
        raise RegistrationRefused(problems)
    plan.state = PlanState.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.comment = ""
    plan.save()
    audit.record(by, "plan.submitted", plan)
    return plan


def _transition(plan: StudyPlan, *, by: Any, perm: str, expected: str, new: str,
                comment: str = "") -> StudyPlan:
    _require(by, perm, plan)
    plan = StudyPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != expected:
        raise RegistrationRefused(_("The plan is “%(state)s”; this step needs “%(expected)s”.")
                                  % {"state": plan.get_state_display(),
                                     "expected": PlanState(expected).label}, "state")
    plan.state = new
    if new == PlanState.ADVISOR_APPROVED:
        plan.advisor_approved_by, plan.advisor_approved_at = by, timezone.now()
    elif new == PlanState.APPROVED:
        plan.dean_approved_by, plan.dean_approved_at = by, timezone.now()
    plan.comment = comment
    plan.save()
    audit.record(by, f"plan.{new}", plan, {"state": [expected, new]}, reason=comment)
    return plan


@transaction.atomic
def advisor_approve(plan: StudyPlan, *, by: Any) -> StudyPlan:
    return _transition(plan, by=by, perm="registration.advisor_approve_studyplan",
                       expected=PlanState.SUBMITTED, new=PlanState.ADVISOR_APPROVED)


@transaction.atomic
def dean_approve(plan: StudyPlan, *, by: Any) -> StudyPlan:
    return _transition(plan, by=by, perm="registration.dean_approve_studyplan",
                       expected=PlanState.ADVISOR_APPROVED, new=PlanState.APPROVED)


@transaction.atomic
def return_plan(plan: StudyPlan, *, by: Any, comment: str) -> StudyPlan:
    """The advisor (at 'submitted') or the dean (at 'advisor approved') returns the plan."""
    if not comment.strip():
        raise RegistrationRefused(_("Say what to change: a comment is required."), "comment")
    current = StudyPlan.objects.get(pk=plan.pk).state
    perm = ("registration.advisor_approve_studyplan" if current == PlanState.SUBMITTED
            else "registration.dean_approve_studyplan")
    expected = current if current in (PlanState.SUBMITTED, PlanState.ADVISOR_APPROVED) else (
        PlanState.SUBMITTED)
    return _transition(plan, by=by, perm=perm, expected=expected, new=PlanState.RETURNED,
                       comment=comment)


# --- Registration ------------------------------------------------------------------------

def _check_window(student: Student, period: AcademicPeriod, today: dt.date) -> None:
    events = curriculum.calendar_events(student.programme_id, period)
    if not events:
        raise RegistrationRefused(_("No academic calendar is assigned to your programme for "
                                    "this year."), "calendar")
    kinds = (CalendarEventKind.REGISTRATION, CalendarEventKind.ADD_DROP)
    if not curriculum.event_open(events, kinds, today):
        raise RegistrationRefused(_("Registration is closed: it is open only in the "
                                    "registration window and the add/drop period."), "date")


def _planned(student: Student, section: Section) -> None:
    if not StudyPlanLine.objects.filter(
        plan__student=student, plan__period_id=section.period_id,
        plan__state=PlanState.APPROVED, discipline_id=section.discipline_id,
    ).exists():
        raise RegistrationRefused(_("The discipline is not in your approved study plan for "
                                    "this term."), "section")


def _take_seat(section_id: int) -> bool:
    """Atomically take one seat if any is left."""
    return bool(Section.objects.filter(
        pk=section_id, status=SectionStatus.OPEN, enrolled_count__lt=F("capacity")
    ).update(enrolled_count=F("enrolled_count") + 1))


def _free_seat_and_promote(section_id: int) -> Registration | None:
    """Give a freed seat to the first in line, or return it to the section."""
    Section.objects.filter(pk=section_id).update(enrolled_count=F("enrolled_count") - 1)
    nxt = (Registration.objects.select_for_update()
           .filter(section_id=section_id, state=RegistrationState.WAITLISTED)
           .order_by("created_at", "id").first())
    if nxt is not None and _take_seat(section_id):
        nxt.state = RegistrationState.ENROLLED
        nxt.save(update_fields=["state", "changed_at"])
        audit.record(None, "registration.promoted", nxt.student,
                     {"section": nxt.section_id}, reason="waitlist")
        return nxt
    return None


def register(student: Student, section: Section, *, by: Any,
             today: dt.date | None = None) -> Registration:
    """Take a seat, or a place on the waitlist when the section is full.

    Idempotent: asking again for the same section returns the existing registration.
    """
    return register_detailed(student, section, by=by, today=today)[0]


def register_detailed(student: Student, section: Section, *, by: Any,
                      today: dt.date | None = None) -> tuple[Registration, bool]:
    """`register`, also telling whether this call created the registration."""
    _require(by, "registration.register_student", student)
    fast = register_in_one_statement(student, section, by=by,
                                     today=today or timezone.localdate())
    if fast is not None:
        return fast, True
    existing = Registration.objects.filter(student=student, section=section,
                                           state__in=ACTIVE_STATES).first()
    if existing is not None:
        return existing, False
    if section.status != SectionStatus.OPEN:
        raise RegistrationRefused(_("The section is not open for registration."), "section")
    if student.status != StudentStatus.ACTIVE:
        raise RegistrationRefused(_("Only a studying student can register."), "student")
    _check_window(student, section.period, today or timezone.localdate())
    _planned(student, section)
    try:
        with transaction.atomic():
            # The seat first, then the row in its final state: a failed insert (a duplicate)
            # rolls the seat back with it.
            if _take_seat(section.pk):
                state = RegistrationState.ENROLLED
            elif Section.objects.filter(pk=section.pk).values_list(
                    "status", flat=True).get() != SectionStatus.OPEN:
                raise RegistrationRefused(_("The section is not open for registration."),
                                          "section")
            else:
                state = RegistrationState.WAITLISTED
            registration = Registration.objects.create(
                student=student, section=section, discipline_id=section.discipline_id,
                period_id=section.period_id, state=state)
            audit.record(by, f"registration.{state}", student, {"section": section.code})
    except IntegrityError:
        # A concurrent identical request won, or another section of the discipline is held.
        existing = Registration.objects.filter(student=student, section=section,
                                               state__in=ACTIVE_STATES).first()
        if existing is not None:
            return existing, False
        raise RegistrationRefused(_("You are already registered for another section of this "
                                    "discipline; swap instead."), "section") from None
    return registration, True


@transaction.atomic
def drop(registration: Registration, *, by: Any, today: dt.date | None = None) -> Registration:
    _require(by, "registration.register_student", registration.student)
    registration = Registration.objects.select_for_update(of=("self",)).select_related(
        "section__period", "student").get(pk=registration.pk)
    if registration.state not in ACTIVE_STATES:
        raise RegistrationRefused(_("This registration is no longer active."), "registration")
    _check_window(registration.student, registration.section.period,
                  today or timezone.localdate())
    was_enrolled = registration.state == RegistrationState.ENROLLED
    registration.state = RegistrationState.DROPPED
    registration.save(update_fields=["state", "changed_at"])
    if was_enrolled:
        _free_seat_and_promote(registration.section_id)
    audit.record(by, "registration.dropped", registration.student,
                 {"section": registration.section.code})
    return registration


@transaction.atomic
def swap(registration: Registration, to_section: Section, *, by: Any,
         today: dt.date | None = None) -> Registration:
    """Move to another section of the same discipline, keeping the old seat if the new one is
    full (nothing changes then)."""
    _require(by, "registration.register_student", registration.student)
    registration = Registration.objects.select_for_update(of=("self",)).select_related(
        "section__period", "student").get(pk=registration.pk)
    if registration.state != RegistrationState.ENROLLED:
        raise RegistrationRefused(_("Only an enrolled seat can be swapped."), "registration")
    if (to_section.discipline_id != registration.discipline_id
            or to_section.period_id != registration.period_id or to_section.pk ==
            registration.section_id):
        raise RegistrationRefused(_("Choose another section of the same discipline and term."),
                                  "section")
    _check_window(registration.student, to_section.period, today or timezone.localdate())
    # Lock both sections in key order so opposite swaps cannot deadlock.
    list(Section.objects.select_for_update().filter(
        pk__in=[registration.section_id, to_section.pk]).order_by("pk").values_list("pk"))
    if not _take_seat(to_section.pk):
        raise RegistrationRefused(_("The section %(code)s is full; you keep your seat in "
                                    "%(old)s.") % {"code": to_section.code,
                                                   "old": registration.section.code}, "section")
    registration.state = RegistrationState.DROPPED
    registration.save(update_fields=["state", "changed_at"])
    new = Registration.objects.create(
        student=registration.student, section=to_section, discipline_id=to_section.discipline_id,
        period_id=to_section.period_id, state=RegistrationState.ENROLLED)
    _free_seat_and_promote(registration.section_id)
    audit.record(by, "registration.swapped", registration.student,
                 {"section": [registration.section.code, to_section.code]})
    return new


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waitlisted."""
    if registration.state != RegistrationState.WAITLISTED:
        return None
    ahead = Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at,
                                                          id__lt=registration.id)
    return Registration.objects.filter(
        ahead, section_id=registration.section_id, state=RegistrationState.WAITLISTED,
    ).count() + 1


@transaction.atomic
def close_underfilled_electives(period: AcademicPeriod, *, by: Any,
                                dry_run: bool = False) -> list[Section]:
    """§5/§8: an elective section with fewer students than the minimum group size is not
    opened; its students are told to register elsewhere."""
    from registrar.curriculum.models import CurriculumEntry
    from registrar.notifications.services import notify

    if not by.has_perm("registration.manage_sections"):
        raise PermissionDenied(_("You do not have permission to do this."))
    policy = policy_for_year(period.year.start_year)
    minimum = (policy.min_group_size_summer if period.kind == PeriodKind.SUMMER
               else policy.min_group_size)
    electives = set(CurriculumEntry.objects.filter(component=Component.ELECTIVE)
                    .values_list("discipline_id", flat=True))
    # A section is an elective one unless the discipline is compulsory in the plan of one of
    # its students (the same discipline can be compulsory in one programme, elective in another).
    compulsory_somewhere = set(StudyPlanLine.objects.filter(
        plan__period=period, component=Component.COMPULSORY,
        plan__student__registrations__section__period=period,
        plan__student__registrations__state__in=ACTIVE_STATES,
        discipline_id=F("plan__student__registrations__discipline_id"),
    ).values_list("plan__student__registrations__section_id", flat=True))
    sections = [s for s in Section.objects.select_for_update(of=("self",)).filter(
        period=period, status=SectionStatus.OPEN, discipline_id__in=electives,
        enrolled_count__lt=minimum).select_related("discipline")
        if s.pk not in compulsory_somewhere]
    if dry_run:
        return sections
    for section in sections:
        affected = list(Registration.objects.filter(section=section, state__in=ACTIVE_STATES)
                        .select_related("student__user"))
        Registration.objects.filter(pk__in=[r.pk for r in affected]).update(
            state=RegistrationState.CANCELLED, changed_at=timezone.now())
        section.status = SectionStatus.CANCELLED
        section.enrolled_count = 0
        section.save(update_fields=["status", "enrolled_count"])
        notify([r.student.user for r in affected],
               _("Section %(code)s is not opened") % {"code": section.code},
               _("Fewer than %(min)d students registered for %(discipline)s. Please register "
                 "for another section or elective.") % {"min": minimum,
                                                         "discipline": section.discipline.name})
        audit.record(by, "section.cancelled_underfilled", section,
                     {"enrolled": len(affected), "minimum": minimum})
    return sections
