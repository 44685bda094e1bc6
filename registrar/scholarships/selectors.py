"""Read queries: what the scholarship rules need from the records, and the lists and totals.

Session results are the term's `Attempt` rows (records): every attempt of the term except
recognised transfer credit. An FX later replaced by its resit is still a grade of the session
(§10 asks for a session with only good and excellent grades). Letters not on the grading scale
are non-graded marks: a passed one is ignored, a failed one counts as a failure. A discipline
the student is enrolled in for the term (registration) without an attempt is a missing grade.

The student's status, funding and year of study are those of their effective-dated history
(contingent `StatusChange`) on the date payment starts, or their current ones when they have no
history by then; the kind of leave is that of their last academic-leave order by then.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from registrar.contingent.choices import OrderType
from registrar.contingent.models import StatusChange
from registrar.institution.models import AcademicPeriod, Faculty, Programme
from registrar.people.choices import Funding, StudentStatus
from registrar.people.models import Student
from registrar.people.roles import scope_of
from registrar.policy.scholarships import SessionRecord, all_excellent
from registrar.policy.values import PolicyValues
from registrar.records.models import AcademicDebt, Attempt, AttemptKind, DebtState, GpaSnapshot
from registrar.registration.models import Registration, RegistrationState

from . import permissions  # noqa: F401  (registers the rules)
from .models import (
    AWARD_KINDS,
    CompetitionEntry,
    GrantCompetition,
    ScholarshipAward,
    ScholarshipRound,
)

# --- Visibility ---------------------------------------------------------------------------


def is_registrar(user: Any) -> bool:
    return scope_of(user).is_registrar or bool(getattr(user, "is_superuser", False))


def rounds_visible_to(user: Any) -> QuerySet[ScholarshipRound]:
    rounds = ScholarshipRound.objects.select_related("period__year", "faculty", "order")
    if is_registrar(user):
        return rounds
    return rounds.filter(faculty_id__in=scope_of(user).dean_faculty_ids)


def competitions_visible_to(user: Any) -> QuerySet[GrantCompetition]:
    competitions = GrantCompetition.objects.select_related(
        "period__year", "programme__department__faculty", "order")
    if is_registrar(user):
        return competitions
    return competitions.filter(
        programme__department__faculty_id__in=scope_of(user).dean_faculty_ids)


def faculties_for(user: Any) -> QuerySet[Faculty]:
    if is_registrar(user):
        return Faculty.objects.all()
    return Faculty.objects.filter(pk__in=scope_of(user).dean_faculty_ids)


def programmes_for(user: Any) -> QuerySet[Programme]:
    programmes = Programme.objects.select_related("department__faculty")
    if is_registrar(user):
        return programmes
    return programmes.filter(department__faculty_id__in=scope_of(user).dean_faculty_ids)


# --- Inputs of the rules --------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SessionInput:
    student: Student
    record: SessionRecord
    term_gpa: Decimal | None


def _state_on(population: QuerySet[Student], day: dt.date) -> dict[int, tuple[str, str, int]]:
    """(status, funding, year of study) from the history on `day`, per student."""
    rows = (StatusChange.objects.filter(student__in=population, effective_date__lte=day)
            .order_by("student_id", "-effective_date", "-order_item__order__applied_at", "-id")
            .values_list("student_id", "status", "funding", "year_of_study"))
    states: dict[int, tuple[str, str, int]] = {}
    for student_id, status, funding, year in rows.iterator(chunk_size=5000):
        states.setdefault(student_id, (status, funding, year))
    return states


def _leave_kinds_on(population: QuerySet[Student], day: dt.date) -> dict[int, str]:
    rows = (StatusChange.objects.filter(
        student__in=population, effective_date__lte=day,
        order_item__order__order_type=OrderType.ACADEMIC_LEAVE)
        .order_by("student_id", "-effective_date", "-order_item__order__applied_at", "-id")
        .values_list("student_id", "order_item__leave_kind"))
    kinds: dict[int, str] = {}
    for student_id, kind in rows.iterator(chunk_size=5000):
        kinds.setdefault(student_id, kind)
    return kinds


def round_population(period: AcademicPeriod, faculty: Faculty | None) -> QuerySet[Student]:
    """The students a round considers: of the faculty (by their programme) or the university,
    who are studying or on leave, or have results in the term."""
    students = Student.objects.all()
    if faculty is not None:
        students = students.filter(programme__department__faculty=faculty)
    with_results = Attempt.objects.filter(period=period).values("student_id")
    return students.filter(Q(status__in=[StudentStatus.ACTIVE, StudentStatus.ON_LEAVE])
                           | Q(pk__in=with_results))


def session_inputs(period: AcademicPeriod, population: QuerySet[Student],
                   payment_starts_on: dt.date, policy: PolicyValues) -> list[SessionInput]:
    """The rules' input for every student of `population`, in a few queries."""
    scale = {band.letter for band in policy.grading_scale}
    letters: dict[int, list[str]] = defaultdict(list)
    failed_ungraded: Counter[int] = Counter()
    graded: dict[int, set[int]] = defaultdict(set)
    attempts = (Attempt.objects.filter(period=period, student__in=population)
                .exclude(kind=AttemptKind.TRANSFER)
                .order_by("student_id", "discipline__code", "id")
                .values_list("student_id", "discipline_id", "letter", "passed"))
    for student_id, discipline_id, letter, passed in attempts.iterator(chunk_size=5000):
        graded[student_id].add(discipline_id)
        if letter in scale:
            letters[student_id].append(letter)
        elif not passed:
            failed_ungraded[student_id] += 1
    missing: Counter[int] = Counter()
    enrolled = (Registration.objects.filter(period=period, state=RegistrationState.ENROLLED,
                                            student__in=population)
                .values_list("student_id", "discipline_id"))
    for student_id, discipline_id in enrolled.iterator(chunk_size=5000):
        if discipline_id not in graded[student_id]:
            missing[student_id] += 1
    debts = dict(AcademicDebt.objects.filter(student__in=population, state=DebtState.OPEN)
                 .values("student_id").annotate(n=Count("id")).values_list("student_id", "n"))
    gpas = dict(GpaSnapshot.objects.filter(student__in=population, period=period)
                .values_list("student_id", "term_gpa"))
    states = _state_on(population, payment_starts_on)
    leave_kinds = _leave_kinds_on(population, payment_starts_on)
    result = []
    for student in population.select_related("programme__department", "group").order_by(
            "last_name_ru", "first_name_ru", "pk"):
        status, funding, year = states.get(
            student.pk, (student.status, student.funding, student.year_of_study))
        record = SessionRecord(
            letters=tuple(letters.get(student.pk, ())),
            funding=funding, status=status, year_of_study=year,
            degree=student.programme.degree,
            leave_kind=leave_kinds.get(student.pk, "") if status == StudentStatus.ON_LEAVE
            else "",
            missing=missing[student.pk], failed_ungraded=failed_ungraded[student.pk],
            open_debts=debts.get(student.pk, 0),
        )
        result.append(SessionInput(student, record, gpas.get(student.pk)))
    return result


@dataclasses.dataclass(frozen=True)
class CompetitionInput:
    student: Student
    gpa: Decimal | None
    all_excellent: bool
    retakes: int
    open_debts: int


def competition_inputs(competition: GrantCompetition,
                       policy: PolicyValues) -> list[CompetitionInput]:
    """The paid, studying students of the competition's programme (and year of study), with
    their cumulative GPA at the end of the term, whether every grade so far is excellent, the
    number of failed attempts and open debts."""
    students = Student.objects.filter(programme=competition.programme,
                                      status=StudentStatus.ACTIVE, funding=Funding.PAID)
    if competition.year_of_study:
        students = students.filter(year_of_study=competition.year_of_study)
    until = competition.period.starts_on
    gpas: dict[int, Decimal | None] = {}
    for student_id, value in (GpaSnapshot.objects.filter(student__in=students,
                                                         period__starts_on__lte=until)
                              .order_by("student_id", "-period__starts_on", "-period_id")
                              .values_list("student_id", "cumulative_gpa")):
        gpas.setdefault(student_id, value)
    scale = {band.letter for band in policy.grading_scale}
    letters: dict[int, list[str]] = defaultdict(list)
    failed: Counter[int] = Counter()
    ungraded_failed: set[int] = set()
    for student_id, letter, passed in (
            Attempt.objects.filter(student__in=students, period__starts_on__lte=until)
            .exclude(kind=AttemptKind.TRANSFER)
            .values_list("student_id", "letter", "passed")):
        if not passed:
            failed[student_id] += 1
        if letter in scale:
            letters[student_id].append(letter)
        elif not passed:
            ungraded_failed.add(student_id)
    debts = dict(AcademicDebt.objects.filter(student__in=students, state=DebtState.OPEN)
                 .values("student_id").annotate(n=Count("id")).values_list("student_id", "n"))
    return [
        CompetitionInput(
            student=s, gpa=gpas.get(s.pk),
            all_excellent=(s.pk not in ungraded_failed
                           and all_excellent(letters.get(s.pk, ()), policy)),
            retakes=failed[s.pk], open_debts=debts.get(s.pk, 0))
        for s in students.select_related("group").order_by("last_name_ru", "first_name_ru", "pk")
    ]


# --- Lists and totals -----------------------------------------------------------------------

def awards_of(round_: ScholarshipRound, *, faculty: Faculty | None = None,
              programme: Programme | None = None, kind: str = "") -> QuerySet[ScholarshipAward]:
    awards = round_.awards.select_related("student__group", "programme", "faculty")
    if faculty is not None:
        awards = awards.filter(faculty=faculty)
    if programme is not None:
        awards = awards.filter(programme=programme)
    if kind:
        awards = awards.filter(kind=kind)
    return awards


@dataclasses.dataclass(frozen=True)
class KindTotal:
    kind: str
    label: str
    students: int
    monthly: Decimal


@dataclasses.dataclass(frozen=True)
class Totals:
    by_kind: list[KindTotal]
    students: int
    monthly: Decimal  # the monthly fund
    months: int
    period_total: Decimal  # monthly × months


def totals(awards: QuerySet[ScholarshipAward], months: int) -> Totals:
    sums = {row["kind"]: row for row in awards.order_by().values("kind").annotate(
        n=Count("id"), s=Sum("monthly_amount"))}
    by_kind = [
        KindTotal(kind.value, str(kind.label), sums.get(kind.value, {}).get("n", 0),
                  sums.get(kind.value, {}).get("s") or Decimal("0"))
        for kind in AWARD_KINDS
    ]
    monthly = sum((k.monthly for k in by_kind), Decimal("0"))
    return Totals(by_kind, sum(k.students for k in by_kind), monthly, months, monthly * months)


@dataclasses.dataclass(frozen=True)
class Exclusion:
    student: Student
    reasons: list[dict[str, Any]]


def exclusions_of(round_: ScholarshipRound, *, faculty: Faculty | None = None,
                  programme: Programme | None = None) -> list[Exclusion]:
    rows = {int(row["student"]): row.get("reasons", []) for row in round_.exclusions}
    students = Student.objects.filter(pk__in=list(rows)).select_related(
        "programme__department", "group")
    if faculty is not None:
        students = students.filter(programme__department__faculty=faculty)
    if programme is not None:
        students = students.filter(programme=programme)
    return [Exclusion(s, rows[s.pk])
            for s in students.order_by("last_name_ru", "first_name_ru", "pk")]


def entries_of(competition: GrantCompetition) -> QuerySet[CompetitionEntry]:
    return competition.entries.select_related("student__group").order_by("position")
