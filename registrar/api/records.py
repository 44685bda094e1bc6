"""The academic record (§7): a student's history of attempts by term and their GPA figures.

GPA figures are the stored `GpaSnapshot` values, the same every screen and document shows:
``*_gpa`` rounded half-up to 2 decimals for showing, ``*_gpa_exact`` the 4-decimal values that
ranking and thresholds use. Students outside the caller's scope (as in the portal: the
student themself, their advisor, their faculty's dean, the registrar) are not found (404).
"""


import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from registrar.audit.models import Disclosure
from registrar.audit.services import disclosed
from registrar.contingent.selectors import students_visible_to
from registrar.institution.models import PeriodKind
from registrar.people.models import Student
from registrar.policy.gpa import display
from registrar.records.models import Attempt, AttemptKind, GpaSnapshot

from .common import Id, Pagination, PathId, answers

router = Router(tags=["records"])


class AttemptOut(Schema):
    id: int
    period_id: int
    academic_year: str
    period_kind: PeriodKind = Field(alias="period.kind")
    discipline_id: int
    discipline_code: str = Field(alias="discipline.code")
    title: str = Field(description="As recorded, in the language of the request.")
    credits: int
    final_score: Decimal | None
    letter: str
    points: Decimal
    kind: AttemptKind
    passed: bool
    counts_in_gpa: bool
    recorded_at: dt.datetime

    @staticmethod
    def resolve_academic_year(attempt: Attempt) -> str:
        return str(attempt.period.year)

    @staticmethod
    def resolve_title(attempt: Attempt) -> str:
        language = (get_language() or "ru")[:2]
        return getattr(attempt, f"title_{language}", "") or attempt.title_ru


class GpaSnapshotOut(Schema):
    student_id: int
    period_id: int
    academic_year: str
    period_kind: PeriodKind = Field(alias="period.kind")
    term_gpa: Decimal | None
    year_gpa: Decimal | None
    cumulative_gpa: Decimal | None
    term_gpa_exact: Decimal | None
    year_gpa_exact: Decimal | None
    cumulative_gpa_exact: Decimal | None
    term_credits: int
    credits_earned: int

    @staticmethod
    def resolve_academic_year(snapshot: GpaSnapshot) -> str:
        return str(snapshot.period.year)

    @staticmethod
    def resolve_term_gpa(snapshot: GpaSnapshot) -> Decimal | None:
        return display(snapshot.term_gpa)

    @staticmethod
    def resolve_year_gpa(snapshot: GpaSnapshot) -> Decimal | None:
        return display(snapshot.year_gpa)

    @staticmethod
    def resolve_cumulative_gpa(snapshot: GpaSnapshot) -> Decimal | None:
        return display(snapshot.cumulative_gpa)

    @staticmethod
    def resolve_term_gpa_exact(snapshot: GpaSnapshot) -> Decimal | None:
        return snapshot.term_gpa

    @staticmethod
    def resolve_year_gpa_exact(snapshot: GpaSnapshot) -> Decimal | None:
        return snapshot.year_gpa

    @staticmethod
    def resolve_cumulative_gpa_exact(snapshot: GpaSnapshot) -> Decimal | None:
        return snapshot.cumulative_gpa


class GpaOut(Schema):
    student_id: int
    cumulative_gpa: Decimal | None = Field(description="After the last graded term, 2 decimals.")
    cumulative_gpa_exact: Decimal | None
    credits_earned: int
    terms: list[GpaSnapshotOut]


class HistoryFilter(Schema):
    period_id: Id | None = None
    kind: AttemptKind | None = None
    passed: bool | None = None


class GpaFilter(Schema):
    student_id: Id | None = None
    group_id: Id | None = None
    programme_id: Id | None = None
    period_id: Id | None = None


def _visible_student(request: HttpRequest, student_id: int) -> Student:
    return get_object_or_404(students_visible_to(request.user), pk=student_id)


def _snapshots() -> Any:
    return GpaSnapshot.objects.select_related("period__year")


@router.get("/students/{student_id}/history", response=answers(list[AttemptOut]),
            summary="A student's attempts by term (the academic history)")
@paginate(Pagination)
def history(request: HttpRequest, student_id: PathId, filters: Query[HistoryFilter]) -> Any:
    student = _visible_student(request, student_id)
    disclosed(request.user, student, Disclosure.What.GRADES, request)
    attempts = Attempt.objects.filter(student=student).select_related(
        "period__year", "discipline")
    if filters.period_id is not None:
        attempts = attempts.filter(period_id=filters.period_id)
    if filters.kind is not None:
        attempts = attempts.filter(kind=filters.kind)
    if filters.passed is not None:
        attempts = attempts.filter(passed=filters.passed)
    return attempts.order_by("period__starts_on", "period_id", "discipline__code",
                             "recorded_at", "pk")


@router.get("/students/{student_id}/gpa", response=answers(GpaOut),
            summary="A student's GPA: the latest figures and every term's")
def student_gpa(request: HttpRequest, student_id: PathId) -> Any:
    student = _visible_student(request, student_id)
    disclosed(request.user, student, Disclosure.What.GRADES, request, detail="GPA")
    terms = list(_snapshots().filter(student=student).order_by("period__starts_on",
                                                               "period_id"))
    last = terms[-1] if terms else None
    return {
        "student_id": student.pk,
        "cumulative_gpa": display(last.cumulative_gpa) if last else None,
        "cumulative_gpa_exact": last.cumulative_gpa if last else None,
        "credits_earned": last.credits_earned if last else 0,
        "terms": terms,
    }


@router.get("/gpa", response=answers(list[GpaSnapshotOut]),
            summary="GPA figures per student and term, for the students in my scope")
@paginate(Pagination)
def gpa_snapshots(request: HttpRequest, filters: Query[GpaFilter]) -> Any:
    snapshots = _snapshots().filter(student__in=students_visible_to(request.user))
    if filters.student_id is not None:
        snapshots = snapshots.filter(student_id=filters.student_id)
    if filters.group_id is not None:
        snapshots = snapshots.filter(student__group_id=filters.group_id)
    if filters.programme_id is not None:
        snapshots = snapshots.filter(student__programme_id=filters.programme_id)
    if filters.period_id is not None:
        snapshots = snapshots.filter(period_id=filters.period_id)
    return snapshots.order_by("student__last_name_ru", "student_id", "period__starts_on",
                              "period_id")
