"""Read queries over the academic history: debtors, academic rating, year GPA (§7, §12).

Figures come from the stored `GpaSnapshot` rows (exact values with 4 decimals), so every list
shows the same figure as the transcript; `gpa.display` rounds them half-up to 2 decimals for
showing. Ranking and thresholds always use the exact stored value, never the displayed one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicGroup, AcademicPeriod, Faculty, Programme
from registrar.people.choices import StudentStatus
from registrar.people.models import Student
from registrar.policy.gpa import display

from . import permissions  # noqa: F401  (registers the rules)
from .models import AcademicDebt, DebtState, GpaSnapshot


class RecordsRefused(Exception):
    """Refused with a reason naming the field; nothing was changed."""

    def __init__(self, message: str, field: str = "non_field", student: str = ""):
        self.field, self.message, self.student = field, message, student
        super().__init__(f"{student}: {message}" if student else message)


def require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


# --- Debtors ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class DebtRow:
    debt: AcademicDebt
    student: Student
    discipline: Discipline
    credits: int
    term: AcademicPeriod
    letter: str
    since: dt.datetime


def debts_list(faculty: Faculty | None = None, programme: Programme | None = None, *,
               by: Any) -> list[DebtRow]:
    """Open academic debts (§7: failed disciplines to re-study), by student and term failed.

    The registrar may list the whole university; a dean only a faculty (or programme) of
    their own."""
    if programme is not None and faculty is not None and (
            programme.department.faculty_id != faculty.pk):
        raise RecordsRefused(_("The programme belongs to another faculty."), "programme")
    scope = faculty or (programme.department.faculty if programme is not None else None)
    require(by, "records.view_debts", scope)
    debts = AcademicDebt.objects.filter(state=DebtState.OPEN).select_related(
        "student__programme", "student__group", "discipline", "failed_attempt__period__year")
    if programme is not None:
        debts = debts.filter(student__programme=programme)
    elif faculty is not None:
        debts = debts.filter(student__programme__department__faculty=faculty)
    debts = debts.order_by("student__last_name_ru", "student__first_name_ru", "student_id",
                           "failed_attempt__period__starts_on", "discipline__code")
    return [
        DebtRow(debt=d, student=d.student, discipline=d.discipline,
                credits=d.failed_attempt.credits, term=d.failed_attempt.period,
                letter=d.failed_attempt.letter, since=d.created_at)
        for d in debts
    ]


# --- GPA figures from the snapshots ---------------------------------------------------------

def _latest_snapshots(student_ids: Iterable[int], start_year: int, *,
                      within_year: bool) -> dict[int, GpaSnapshot]:
    """Per student, the snapshot of their last term up to the end of the academic year
    (`within_year`: of that year only)."""
    snapshots = GpaSnapshot.objects.filter(student_id__in=list(student_ids))
    if within_year:
        snapshots = snapshots.filter(period__year__start_year=start_year)
    else:
        snapshots = snapshots.filter(period__year__start_year__lte=start_year)
    latest: dict[int, GpaSnapshot] = {}
    for snapshot in snapshots.order_by("student_id", "-period__starts_on", "-period_id"):
        latest.setdefault(snapshot.student_id, snapshot)
    return latest


def year_gpas(student_ids: Iterable[int], start_year: int) -> dict[int, Decimal | None]:
    """The exact year GPA of each student (summer semester included, §7): the figure carried by
    the snapshot of the last term of that academic year in which they have graded work."""
    return {sid: s.year_gpa
            for sid, s in _latest_snapshots(student_ids, start_year, within_year=True).items()}


def year_gpa(student: Student, start_year: int) -> Decimal | None:
    """The exact GPA of one student for the academic year starting in `start_year`."""
    return year_gpas([student.pk], start_year).get(student.pk)


def cumulative_gpa(student: Student, start_year: int) -> Decimal | None:
    """The exact cumulative GPA at the end of the academic year starting in `start_year`."""
    found = _latest_snapshots([student.pk], start_year, within_year=False).get(student.pk)
    return found.cumulative_gpa if found else None


# --- Academic rating ----------------------------------------------------------------------

RatingScope = Literal["group", "programme", "year"]
RatingBasis = Literal["cumulative", "year"]


@dataclasses.dataclass(frozen=True)
class RatingRow:
    rank: int | None  # None: no graded credits yet (listed last, not ranked)
    student: Student
    gpa: Decimal | None  # the exact stored value the ranking uses
    display: Decimal | None  # rounded half-up to 2 decimals, for showing
    credits_earned: int


def rank(values: list[tuple[Any, Decimal | None]]) -> list[tuple[int | None, Any, Decimal | None]]:
    """Competition ranking, highest first: equal values share a rank and the next rank skips
    (1, 1, 3). Items without a value come last, unranked; the input order breaks ties."""
    ordered = sorted(values, key=lambda item: (item[1] is None, -(item[1] or 0)))
    result: list[tuple[int | None, Any, Decimal | None]] = []
    previous: Decimal | None = None
    current = 0
    for position, (item, value) in enumerate(ordered, start=1):
        if value is None:
            result.append((None, item, None))
            continue
        if previous is None or value != previous:
            current, previous = position, value
        result.append((current, item, value))
    return result


def _rating_members(scope: str, key: Any, programme: Programme | None,
                    faculty: Faculty | None) -> tuple[Any, Faculty | None]:
    students = Student.objects.filter(status=StudentStatus.ACTIVE).select_related(
        "group", "programme")
    if scope == "group":
        if not isinstance(key, AcademicGroup):
            raise RecordsRefused(_("Choose an academic group for a group rating."), "key")
        return students.filter(group=key), key.programme.department.faculty
    if scope == "programme":
        if not isinstance(key, Programme):
            raise RecordsRefused(_("Choose a programme for a programme rating."), "key")
        return students.filter(programme=key), key.department.faculty
    if scope == "year":
        if not isinstance(key, int) or isinstance(key, bool) or not 1 <= key <= 7:
            raise RecordsRefused(_("The year of study must be a whole number from 1 to 7."),
                                 "key")
        students = students.filter(year_of_study=key)
        if programme is not None:
            if faculty is not None and programme.department.faculty_id != faculty.pk:
                raise RecordsRefused(_("The programme belongs to another faculty."),
                                     "programme")
            return students.filter(programme=programme), programme.department.faculty
        if faculty is not None:
            return students.filter(programme__department__faculty=faculty), faculty
        return students, None
    raise RecordsRefused(_("The rating scope must be “group”, “programme” or “year”."),
                         "scope")


def academic_rating(scope: RatingScope, key: Any, start_year: int, *, by: Any,
                    basis: RatingBasis = "cumulative", programme: Programme | None = None,
                    faculty: Faculty | None = None) -> list[RatingRow]:
    """§7 academic rating: the studying students of a group, a programme or a year of study
    (`key`: the group, the programme, or the year number, optionally narrowed to a programme
    or faculty), ranked by their cumulative GPA at the end of the academic year `start_year`
    or by that year's GPA (`basis="year"`).

    Ranked by the exact stored GPA; equal figures share a rank (1, 1, 3)."""
    if basis not in ("cumulative", "year"):
        raise RecordsRefused(_("The rating basis must be “cumulative” or “year”."), "basis")
    students, owner = _rating_members(scope, key, programme, faculty)
    require(by, "records.view_rating", owner)
    members = list(students.order_by("last_name_ru", "first_name_ru", "pk"))
    snapshots = _latest_snapshots([s.pk for s in members], start_year,
                                  within_year=basis == "year")
    # Credits earned to date, whatever the basis.
    earned = (snapshots if basis == "cumulative" else
              _latest_snapshots([s.pk for s in members], start_year, within_year=False))

    def value(student: Student) -> Decimal | None:
        snapshot = snapshots.get(student.pk)
        if snapshot is None:
            return None
        return snapshot.year_gpa if basis == "year" else snapshot.cumulative_gpa

    return [
        RatingRow(rank=position, student=student, gpa=exact, display=display(exact),
                  credits_earned=earned[student.pk].credits_earned if student.pk in earned
                  else 0)
        for position, student, exact in rank([(s, value(s)) for s in members])
    ]
