"""Read queries of the portal pages: the student's dashboard on the home page and the student's
registration page.

The GPA figures come from the stored `GpaSnapshot` rows, the same rows `records.selectors` and
the documents read, and are rounded half-up to 2 decimals by `policy.gpa.display` exactly as a
transcript prints them; nothing is recomputed here.

Both pages are among the most requested of the portal (issue 10). Their queries are written
with the ORM but compiled once (`Statement`), read only the columns shown as plain rows, and
their number does not depend on the number of grades, documents, plan lines or sections.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import OuterRef, Subquery
from django.utils.translation import get_language

from registrar.documents.models import IssuedDocument
from registrar.documents.selectors import documents_visible_to
from registrar.institution.models import AcademicPeriod, AcademicYear
from registrar.people.models import PersonName, Student
from registrar.people.roles import scope_of
from registrar.policy.gpa import display
from registrar.records.models import AcademicDebt, Attempt, DebtState, GpaSnapshot
from registrar.registration.models import (
    ACTIVE_STATES,
    PlanState,
    Registration,
    RegistrationState,
    Section,
    SectionStatus,
    StudyPlan,
    StudyPlanLine,
)
from registrar.registration.selectors import with_waitlist_position
from registrar.sql import Statement, choice_labels

# Terms offered on the home page for plans and registration: those not yet over that start
# within this many days (the current term and the next one or two).
UPCOMING_DAYS = 240
UPCOMING_TERMS = 3
RECENT_GRADES = 6
RECENT_DOCUMENTS = 10


_STUDENT_STATUS = choice_labels(Student, "status")
_ATTEMPT_KIND = choice_labels(Attempt, "kind")
_DOCUMENT_KIND = choice_labels(IssuedDocument, "kind")
_DOCUMENT_LANGUAGE = choice_labels(IssuedDocument, "language")
_PLAN_STATE = choice_labels(StudyPlan, "state")
_REGISTRATION_STATE = choice_labels(Registration, "state")
_SECTION_LANGUAGE = choice_labels(Section, "language")


def _label(labels: dict[Any, Any], value: Any) -> str:
    return str(labels.get(value, value))


def _language() -> str:
    return (get_language() or "ru")[:2]


def _names(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}name_{language}" for language in ("kk", "ru", "en"))


def _name(row: dict[str, Any], prefix: str, language: str) -> str:
    """`TrilingualName.name_in` of the `_names(prefix)` values of a row."""
    return row.get(f"{prefix}name_{language}") or row[f"{prefix}name_ru"]


class _Terms:
    """Terms as `AcademicPeriod` instances carrying what their label shows (the academic year
    and the kind), one per term, from the `fields(prefix)` values of rows (``prefix`` is the
    path to the term; none for a row of the term itself)."""

    def __init__(self) -> None:
        self._seen: dict[int, AcademicPeriod] = {}
        self._labels: dict[int, str] = {}

    @staticmethod
    def fields(prefix: str = "") -> tuple[str, str, str, str]:
        path = f"{prefix}__" if prefix else ""
        return (f"{prefix}_id" if prefix else "id", f"{path}kind", f"{path}year_id",
                f"{path}year__start_year")

    def get(self, row: dict[str, Any], prefix: str = "") -> AcademicPeriod:
        pk, kind, year_id, start_year = (row[f] for f in self.fields(prefix))
        term = self._seen.get(pk)
        if term is None:
            term = self._seen[pk] = AcademicPeriod(
                pk=pk, kind=kind, year=AcademicYear(pk=year_id, start_year=start_year))
        return term

    def label(self, term: AcademicPeriod) -> str:
        """``str(term)``, made once per term (it translates the kind)."""
        label = self._labels.get(term.pk)
        if label is None:
            label = self._labels[term.pk] = str(term)
        return label


# --- The student's dashboard ----------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Studies:
    """The student's current studies as the dashboard shows them."""

    status: str
    status_label: str
    programme_code: str
    programme_name: str
    faculty: str
    group: str | None
    year_of_study: int | None
    advisor: str | None  # the advisor's full name; None when none is assigned
    advisor_email: str  # the advisor's staff e-mail, else that of their account


@dataclasses.dataclass(frozen=True)
class TermLinks:
    """A current or next term, with the state of the student's plan for it when there is one."""

    period: AcademicPeriod
    label: str  # the term's
    plan_state: str | None
    plan_state_label: str


@dataclasses.dataclass(frozen=True)
class DebtLine:
    """An open academic debt: the failed discipline, the term and kind of the failed attempt."""

    code: str
    title: str
    credits: int
    term: AcademicPeriod
    term_label: str
    kind: str  # the translated kind of the failed attempt (regular term, resit, ...)
    letter: str


@dataclasses.dataclass(frozen=True)
class GradeLine:
    """A final result in the academic history (an `Attempt`)."""

    code: str
    title: str
    credits: int
    term: AcademicPeriod
    term_label: str
    score: Decimal | None
    letter: str
    points: Decimal
    passed: bool
    kind: str
    regular: bool


@dataclasses.dataclass(frozen=True)
class DocumentLine:
    """An issued document the reader may download."""

    pk: int
    code: str
    kind: str  # translated
    language: str  # translated
    issued_at: dt.datetime
    is_revoked: bool


@dataclasses.dataclass(frozen=True)
class StudentDashboard:
    studies: Studies
    cumulative_gpa: Decimal | None  # as displayed: rounded half-up to 2 decimals
    term_gpa: Decimal | None  # of the last term with a snapshot, as displayed
    last_term: AcademicPeriod | None
    last_term_label: str
    credits_earned: int
    debts: list[DebtLine]
    recent_grades: list[GradeLine]
    documents: list[DocumentLine]
    terms: list[TermLinks]


_STUDIES = Statement(lambda student: Student.objects.filter(pk=student).values(
    "status", "year_of_study", "programme__code", *_names("programme__"),
    *_names("programme__department__faculty__"), "group__name", "advisor_id",
    *PersonName.name_columns("advisor__"), "advisor__email", "advisor__user__email"), student=int)

_LAST_SNAPSHOT = Statement(lambda student: GpaSnapshot.objects.filter(student_id=student)
                           .order_by("-period__starts_on", "-period_id")
                           .values("term_gpa", "cumulative_gpa", "credits_earned",
                                   *_Terms.fields("period"))[:1], student=int)

_OPEN_DEBTS = Statement(lambda student: AcademicDebt.objects.filter(
    student_id=student, state=DebtState.OPEN)
    .order_by("failed_attempt__period__starts_on", "discipline__code")
    .values("discipline__code", "failed_attempt__title_kk", "failed_attempt__title_ru",
            "failed_attempt__title_en", "failed_attempt__credits", "failed_attempt__kind",
            "failed_attempt__letter", *_Terms.fields("failed_attempt__period")), student=int)

_RECENT_GRADES = Statement(lambda student: Attempt.objects.filter(student_id=student)
                           .order_by("-period__starts_on", "-recorded_at", "-pk")
                           .values("discipline__code", "title_kk", "title_ru", "title_en",
                                   "credits", "final_score", "letter", "points", "passed",
                                   "kind", *_Terms.fields("period"))[:RECENT_GRADES],
                           student=int)

_DOCUMENT_FIELDS = ("pk", "code", "kind", "language", "issued_at", "revoked_at")
# The holder's own documents: what `documents_visible_to` lets the holder see.
_OWN_DOCUMENTS = Statement(lambda student: IssuedDocument.objects.filter(student_id=student)
                           .order_by("-issued_at", "-pk")
                           .values(*_DOCUMENT_FIELDS)[:RECENT_DOCUMENTS], student=int)

_UPCOMING_TERMS = Statement(lambda student, today, horizon: AcademicPeriod.objects.filter(
    ends_on__gte=today, starts_on__lte=horizon).order_by("starts_on", "pk")
    .annotate(plan_state=Subquery(StudyPlan.objects.filter(
        student_id=student, period=OuterRef("pk")).values("state")[:1]))
    .values(*_Terms.fields(), "plan_state")[:UPCOMING_TERMS],
    student=int, today=dt.date, horizon=dt.date)


def _studies(student_id: int, language: str) -> Studies:
    row = _STUDIES.first(student=student_id)
    if row is None:
        raise Student.DoesNotExist
    return Studies(
        status=row["status"], status_label=_label(_STUDENT_STATUS, row["status"]),
        programme_code=row["programme__code"], programme_name=_name(row, "programme__", language),
        faculty=_name(row, "programme__department__faculty__", language),
        group=row["group__name"], year_of_study=row["year_of_study"],
        advisor=(None if row["advisor_id"] is None
                 else PersonName.name_from(row, "advisor__", language)),
        advisor_email=row["advisor__email"] or row["advisor__user__email"] or "")


def _documents(student_id: int, user: Any) -> list[dict[str, Any]]:
    """The student's latest documents `documents_visible_to` the reader: for the holder (the
    dashboard's reader) that rule gives all their own, read by the compiled statement; any
    other reader goes through the rule itself (tests/portal/test_dashboard_queries.py)."""
    if scope_of(user).student_id == student_id:
        return _OWN_DOCUMENTS.rows(student=student_id)
    return list(documents_visible_to(user).filter(student_id=student_id)
                .order_by("-issued_at", "-pk").values(*_DOCUMENT_FIELDS)[:RECENT_DOCUMENTS])


def student_dashboard(student_id: int, *, user: Any, today: dt.date) -> StudentDashboard:
    """Everything the home page shows a signed-in student about themself, in six queries.

    `user` is the reader: issued documents are those `documents_visible_to` them (the holder
    sees their own), so the list never offers a download the download view would refuse."""
    language = _language()
    title = f"title_{language}"
    terms = _Terms()
    studies = _studies(student_id, language)
    last = _LAST_SNAPSHOT.first(student=student_id)
    debts = [
        DebtLine(code=d["discipline__code"],
                 title=d.get(f"failed_attempt__{title}") or d["failed_attempt__title_ru"],
                 credits=d["failed_attempt__credits"], term=term, term_label=terms.label(term),
                 kind=_label(_ATTEMPT_KIND, d["failed_attempt__kind"]),
                 letter=d["failed_attempt__letter"])
        for d in _OPEN_DEBTS.rows(student=student_id)
        for term in [terms.get(d, "failed_attempt__period")]
    ]
    recent = [
        GradeLine(code=a["discipline__code"], title=a.get(title) or a["title_ru"],
                  credits=a["credits"], term=term, term_label=terms.label(term),
                  score=a["final_score"], letter=a["letter"], points=a["points"],
                  passed=a["passed"], kind=_label(_ATTEMPT_KIND, a["kind"]),
                  regular=a["kind"] == "regular")
        for a in _RECENT_GRADES.rows(student=student_id)
        for term in [terms.get(a, "period")]
    ]
    documents = [
        DocumentLine(pk=d["pk"], code=d["code"], kind=_label(_DOCUMENT_KIND, d["kind"]),
                     language=_label(_DOCUMENT_LANGUAGE, d["language"]),
                     issued_at=d["issued_at"], is_revoked=d["revoked_at"] is not None)
        for d in _documents(student_id, user)
    ]
    upcoming = [
        TermLinks(period=term, label=terms.label(term), plan_state=p["plan_state"],
                  plan_state_label=_label(_PLAN_STATE, p["plan_state"]) if p["plan_state"]
                  else "")
        for p in _UPCOMING_TERMS.rows(student=student_id, today=today,
                                      horizon=today + dt.timedelta(days=UPCOMING_DAYS))
        for term in [terms.get(p)]
    ]
    last_term = terms.get(last, "period") if last else None
    return StudentDashboard(
        studies=studies,
        cumulative_gpa=display(last["cumulative_gpa"]) if last else None,
        term_gpa=display(last["term_gpa"]) if last else None,
        last_term=last_term,
        last_term_label=terms.label(last_term) if last_term else "",
        credits_earned=last["credits_earned"] if last else 0,
        debts=debts,
        recent_grades=recent,
        documents=documents,
        terms=upcoming,
    )


# --- The student's registration page --------------------------------------------------------

# The rows of the registration page are dicts: the page shows dozens of sections and a
# template resolves a dict key at once, where an attribute costs a failed item lookup first.

class HeldRegistration(TypedDict):
    """The student's active registration (a seat or a place in line) for a discipline."""

    pk: int
    state: str
    state_label: str
    section_id: int
    section_code: str
    position: int | None  # in the waitlist, 1 for the first in line; None when enrolled


class SectionChoice(TypedDict):
    """A section of a plan discipline and what the student may do there: ``button`` the action
    the page offers ("swap", "register", "waitlist" or None: none on a closed section or the
    one held, and a waitlisted student is offered no other section)."""

    pk: str  # the section's id as the form posts it (a string: no number formatting per row)
    code: str
    teacher: str
    language: str  # translated
    schedule: str
    seats: str  # seats left / capacity
    button: str | None


class RegistrationRow(TypedDict):
    """A discipline of the approved plan, the student's registration for it and its sections."""

    discipline_id: int
    code: str
    name: str
    credits: int
    registration: HeldRegistration | None
    sections: list[SectionChoice]


@dataclasses.dataclass(frozen=True)
class RegistrationPage:
    period: AcademicPeriod
    plan: dict[str, Any] | None  # the student's plan for the term: its "pk" and "state"
    rows: list[RegistrationRow]  # when the plan is approved


_TERM_AND_PLAN = Statement(lambda period, student: AcademicPeriod.objects.filter(pk=period)
                           .annotate(**{f"plan_{f}": Subquery(StudyPlan.objects.filter(
                               student_id=student, period=OuterRef("pk")).values(f)[:1])
                               for f in ("id", "state")})
                           .values(*_Terms.fields(), "plan_id", "plan_state"),
                           period=int, student=int)

# (The annotation of `with_waitlist_position` is not in the queryset's static type.)
_HELD = Statement(lambda student, period: with_waitlist_position(Registration.objects.filter(
    student_id=student, period_id=period, state__in=ACTIVE_STATES))
    .order_by().values("pk", "discipline_id", "state", "section_id", "section__code",
                       "waitlist_position"),  # type: ignore[misc]
    student=int, period=int)

_PLAN_LINES = Statement(lambda plan: StudyPlanLine.objects.filter(plan_id=plan)
                        .order_by("component", "discipline__code")
                        .values("discipline_id", "discipline__code", *_names("discipline__"),
                                "credits"), plan=int)

_PLAN_SECTIONS = Statement(lambda period, plan: Section.objects.filter(
    period_id=period,
    discipline_id__in=StudyPlanLine.objects.filter(plan_id=plan).values("discipline_id"))
    .order_by("code")
    .values("pk", "discipline_id", "code", "language", "schedule", "capacity",
            "enrolled_count", "status", "teacher_id", *PersonName.name_columns("teacher__")),
    period=int, plan=int)


def _choice(section: dict[str, Any], held: HeldRegistration | None,
            language: str) -> SectionChoice:
    offered = section["status"] == SectionStatus.OPEN and (held is None
                                                            or held["section_id"] != section["pk"])
    seats_left = max(section["capacity"] - section["enrolled_count"], 0)
    button = None
    if offered and held is None:
        button = "register" if seats_left else "waitlist"
    elif offered and held is not None and held["state"] == RegistrationState.ENROLLED:
        button = "swap"
    return SectionChoice(
        pk=str(section["pk"]), code=section["code"],
        teacher=("" if section["teacher_id"] is None
                 else PersonName.name_from(section, "teacher__", language)),
        language=_label(_SECTION_LANGUAGE, section["language"]), schedule=section["schedule"],
        seats=f"{seats_left} / {section['capacity']}", button=button)


def _registration_rows(student_id: int, period_id: int, plan_id: int) -> list[RegistrationRow]:
    language = _language()
    held = {
        r["discipline_id"]: HeldRegistration(
            pk=r["pk"], state=r["state"], state_label=_label(_REGISTRATION_STATE, r["state"]),
            section_id=r["section_id"], section_code=r["section__code"],
            position=r["waitlist_position"])
        for r in _HELD.rows(student=student_id, period=period_id)
    }
    sections: dict[int, list[dict[str, Any]]] = {}
    for section in _PLAN_SECTIONS.rows(period=period_id, plan=plan_id):
        sections.setdefault(section["discipline_id"], []).append(section)
    rows = []
    for line in _PLAN_LINES.rows(plan=plan_id):
        registration = held.get(line["discipline_id"])
        rows.append(RegistrationRow(
            discipline_id=line["discipline_id"], code=line["discipline__code"],
            name=_name(line, "discipline__", language), credits=line["credits"],
            registration=registration,
            sections=[_choice(s, registration, language)
                      for s in sections.get(line["discipline_id"], ())]))
    return rows


def registration_page(student_id: int, period_id: int) -> RegistrationPage | None:
    """The term (None when there is no such term), the student's plan for it and, when the plan
    is approved, its lines, each with the student's active registration (and waitlist
    position) and the term's sections of the discipline by code: four queries, whatever the
    number of lines and sections."""
    found = _TERM_AND_PLAN.first(period=period_id, student=student_id)
    if found is None:
        return None
    plan = None if found["plan_id"] is None else {"pk": found["plan_id"],
                                                   "state": found["plan_state"]}
    rows = []
    if plan is not None and plan["state"] == PlanState.APPROVED:
        rows = _registration_rows(student_id, period_id, plan["pk"])
    return RegistrationPage(period=_Terms().get(found), plan=plan, rows=rows)
