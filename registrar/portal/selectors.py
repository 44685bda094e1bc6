"""Read queries of the portal pages: the student's dashboard on the home page.

The GPA figures come from the stored `GpaSnapshot` rows, the same rows `records.selectors` and
the documents read, and are rounded half-up to 2 decimals by `policy.gpa.display` exactly as a
transcript prints them; nothing is recomputed here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from registrar.documents.models import IssuedDocument
from registrar.documents.selectors import documents_visible_to
from registrar.institution.models import AcademicPeriod
from registrar.people.models import Staff, Student
from registrar.policy.gpa import display
from registrar.records.models import AcademicDebt, Attempt, DebtState, GpaSnapshot
from registrar.registration.models import StudyPlan

# Terms offered on the home page for plans and registration: those not yet over that start
# within this many days (the current term and the next one or two).
UPCOMING_DAYS = 240
UPCOMING_TERMS = 3
RECENT_GRADES = 6


@dataclasses.dataclass(frozen=True)
class TermLinks:
    """A current or next term, with the student's plan for it when there is one."""

    period: AcademicPeriod
    plan: StudyPlan | None


@dataclasses.dataclass(frozen=True)
class DebtLine:
    """An open academic debt: the failed discipline, the term and kind of the failed attempt."""

    code: str
    title: str
    credits: int
    term: AcademicPeriod
    kind: str  # the translated kind of the failed attempt (regular term, resit, ...)
    letter: str


@dataclasses.dataclass(frozen=True)
class GradeLine:
    """A final result in the academic history (an `Attempt`)."""

    code: str
    title: str
    credits: int
    term: AcademicPeriod
    score: Decimal | None
    letter: str
    points: Decimal
    passed: bool
    kind: str
    regular: bool


@dataclasses.dataclass(frozen=True)
class StudentDashboard:
    student: Student
    advisor: Staff | None
    cumulative_gpa: Decimal | None  # as displayed: rounded half-up to 2 decimals
    term_gpa: Decimal | None  # of the last term with a snapshot, as displayed
    last_term: AcademicPeriod | None
    credits_earned: int
    debts: list[DebtLine]
    recent_grades: list[GradeLine]
    documents: list[IssuedDocument]
    terms: list[TermLinks]


def upcoming_terms(today: dt.date) -> list[AcademicPeriod]:
    """The term in progress and the next ones (for plans and registration)."""
    return list(AcademicPeriod.objects.filter(
        ends_on__gte=today, starts_on__lte=today + dt.timedelta(days=UPCOMING_DAYS)
    ).select_related("year").order_by("starts_on", "pk")[:UPCOMING_TERMS])


def _title(attempt: Attempt, language: str) -> str:
    return getattr(attempt, f"title_{language}", "") or attempt.title_ru


def student_dashboard(student_id: int, *, user: Any, today: dt.date) -> StudentDashboard:
    """Everything the home page shows a signed-in student about themself.

    `user` is the reader: issued documents are those `documents_visible_to` them (the holder
    sees their own), so the list never offers a download the download view would refuse."""
    language = (get_language() or "ru")[:2]
    student = Student.objects.select_related(
        "programme__department__faculty", "group", "advisor__user").get(pk=student_id)

    last = (GpaSnapshot.objects.filter(student=student).select_related("period__year")
            .order_by("-period__starts_on", "-period_id").first())

    debts = [
        DebtLine(code=d.discipline.code, title=_title(d.failed_attempt, language),
                 credits=d.failed_attempt.credits, term=d.failed_attempt.period,
                 kind=d.failed_attempt.get_kind_display(), letter=d.failed_attempt.letter)
        for d in AcademicDebt.objects.filter(student=student, state=DebtState.OPEN)
        .select_related("discipline", "failed_attempt__period__year")
        .order_by("failed_attempt__period__starts_on", "discipline__code")
    ]

    recent = [
        GradeLine(code=a.discipline.code, title=_title(a, language), credits=a.credits,
                  term=a.period, score=a.final_score, letter=a.letter, points=a.points,
                  passed=a.passed, kind=a.get_kind_display(), regular=a.kind == "regular")
        for a in Attempt.objects.filter(student=student)
        .select_related("discipline", "period__year")
        .order_by("-period__starts_on", "-recorded_at", "-pk")[:RECENT_GRADES]
    ]

    documents = list(documents_visible_to(user).filter(student=student)
                     .order_by("-issued_at", "-pk")[:10])

    periods = upcoming_terms(today)
    plans = {p.period_id: p for p in StudyPlan.objects.filter(
        student=student, period__in=periods)}
    terms = [TermLinks(period=p, plan=plans.get(p.pk)) for p in periods]

    return StudentDashboard(
        student=student,
        advisor=student.advisor,
        cumulative_gpa=display(last.cumulative_gpa) if last else None,
        term_gpa=display(last.term_gpa) if last else None,
        last_term=last.period if last else None,
        credits_earned=last.credits_earned if last else 0,
        debts=debts,
        recent_grades=recent,
        documents=documents,
        terms=terms,
    )
