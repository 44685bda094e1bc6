"""Read queries: commissions and results in scope, the theses register, and the graduation
preview with the honours verdict (§9, §11).

The graduation preview lists the final-year studying students of a programme (or a faculty)
and says for each whether they may graduate — every credit of the programme earned, every
compulsory discipline of their curriculum passed, no open academic debt, the final attestation
passed — and whether the diploma is with honours, with the reasons when it is not
(`registrar.policy.honours`, a pure rule; this module only gathers its inputs).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registrar.contingent.choices import OrderState, OrderType
from registrar.contingent.models import Order, OrderItem
from registrar.curriculum.models import Component, Curriculum, CurriculumEntry, Cycle
from registrar.institution.models import Faculty, Programme
from registrar.people.choices import StudentStatus
from registrar.people.models import Student
from registrar.people.roles import scope_of
from registrar.policy.gpa import display
from registrar.policy.honours import ExamGrade, HonoursVerdict, honours
from registrar.policy.selectors import policy_for_year
from registrar.records.models import Attempt, AttemptKind, DebtState, GpaSnapshot

from .models import AttestationCommission, AttestationEvent, AttestationKind, AttestationResult
from .services import require

# --- Scope -----------------------------------------------------------------------------------


def faculties_visible_to(user: Any) -> QuerySet[Faculty]:
    scope = scope_of(user)
    if scope.is_registrar or getattr(user, "is_superuser", False):
        return Faculty.objects.all()
    return Faculty.objects.filter(pk__in=scope.dean_faculty_ids)


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    return Programme.objects.filter(
        department__faculty__in=faculties_visible_to(user)).select_related(
        "department__faculty").order_by("code")


def commissions_visible_to(user: Any) -> QuerySet[AttestationCommission]:
    return (AttestationCommission.objects.filter(faculty__in=faculties_visible_to(user))
            .select_related("year", "faculty").prefetch_related("programmes"))


def events_visible_to(user: Any) -> QuerySet[AttestationEvent]:
    return AttestationEvent.objects.filter(
        commission__faculty__in=faculties_visible_to(user)).select_related(
        "commission__year", "commission__faculty")


def eligible_students(event: AttestationEvent) -> QuerySet[Student]:
    """The studying final-year students of the commission's programmes without a result at
    this event yet (the choices of the result entry form)."""
    return (Student.objects.filter(
        status=StudentStatus.ACTIVE, programme__in=event.commission.programmes.all(),
        year_of_study=F("programme__duration_years"))
        .exclude(attestation_results__event=event)
        .select_related("programme", "group")
        .order_by("group__name", "last_name_ru", "first_name_ru", "pk"))


# --- Theses register -------------------------------------------------------------------------

def theses(user: Any, *, start_year: int | None = None, faculty: Faculty | None = None,
           programme: Programme | None = None, text: str = "",
           letter: str = "") -> QuerySet[AttestationResult]:
    """Thesis defences in the user's scope, filtered: by academic year, faculty, programme,
    letter, and a text found in the title, the student's surname, the supervisor or the
    reviewer."""
    results = (AttestationResult.objects
               .filter(event__kind=AttestationKind.THESIS_DEFENCE,
                       event__commission__faculty__in=faculties_visible_to(user))
               .select_related("student__programme", "student__group",
                               "event__commission__year", "event__commission__faculty"))
    if start_year is not None:
        results = results.filter(event__commission__year__start_year=start_year)
    if faculty is not None:
        results = results.filter(event__commission__faculty=faculty)
    if programme is not None:
        results = results.filter(student__programme=programme)
    if letter:
        results = results.filter(letter=letter)
    text = (text or "").strip()
    if text:
        results = results.filter(
            Q(thesis_title_kk__icontains=text) | Q(thesis_title_ru__icontains=text)
            | Q(thesis_title_en__icontains=text) | Q(supervisor__icontains=text)
            | Q(reviewer__icontains=text) | Q(student__last_name_ru__icontains=text)
            | Q(student__last_name_kk__icontains=text)
            | Q(student__last_name_en__icontains=text))
    return results.order_by("-event__commission__year__start_year", "student__programme__code",
                            "student__last_name_ru", "student__first_name_ru", "pk")


# --- Honours inputs for one student ----------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class RecordFigures:
    cumulative_gpa: Decimal | None
    credits_earned: int  # by attempts (the GPA snapshots)
    grades: tuple[ExamGrade, ...]
    ever_retaken: bool
    passed_disciplines: frozenset[int]


def _record_figures(student_ids: list[int]) -> dict[int, RecordFigures]:
    latest: dict[int, GpaSnapshot] = {}
    for snapshot in (GpaSnapshot.objects.filter(student_id__in=student_ids)
                     .order_by("student_id", "-period__starts_on", "-period_id")):
        latest.setdefault(snapshot.student_id, snapshot)
    grades: dict[int, list[ExamGrade]] = defaultdict(list)
    attempts_per: dict[tuple[int, int], int] = defaultdict(int)
    passed: dict[int, set[int]] = defaultdict(set)
    for sid, discipline_id, letter, kind, ok in (
            Attempt.objects.filter(student_id__in=student_ids)
            .values_list("student_id", "discipline_id", "letter", "kind", "passed")):
        grades[sid].append(ExamGrade(letter, kind))
        if kind != AttemptKind.TRANSFER:
            attempts_per[(sid, discipline_id)] += 1
        if ok:
            passed[sid].add(discipline_id)
    retaken = {sid for (sid, _d), count in attempts_per.items() if count > 1}
    figures = {}
    for sid in student_ids:
        found = latest.get(sid)
        figures[sid] = RecordFigures(
            cumulative_gpa=found.cumulative_gpa if found else None,
            credits_earned=found.credits_earned if found else 0,
            grades=tuple(grades.get(sid, ())), ever_retaken=sid in retaken,
            passed_disciplines=frozenset(passed.get(sid, ())))
    return figures


@dataclasses.dataclass(frozen=True)
class AttestationStatus:
    results: tuple[AttestationResult, ...]
    required_kinds: tuple[str, ...]
    missing_kinds: tuple[str, ...]  # required kinds without a passed result
    credits: int  # of the events passed

    @property
    def letters(self) -> list[str]:
        return [r.letter for r in self.results]

    @property
    def passed(self) -> bool:
        return bool(self.results) and not self.missing_kinds


def _attestation(student_ids: list[int], programme_ids: set[int],
                 start_year: int) -> dict[int, AttestationStatus]:
    results: dict[int, list[AttestationResult]] = defaultdict(list)
    for result in (AttestationResult.objects.filter(student_id__in=student_ids)
                   .select_related("event__commission__year")
                   .order_by("event__held_on", "pk")):
        results[result.student_id].append(result)
    # The kinds of events the commissions of the year hold for each programme.
    through = AttestationCommission.programmes.through
    programmes_of: dict[int, set[int]] = defaultdict(set)
    for commission_id, programme_id in through.objects.filter(
            attestationcommission__year__start_year=start_year,
            programme_id__in=programme_ids).values_list("attestationcommission_id",
                                                        "programme_id"):
        programmes_of[commission_id].add(programme_id)
    kinds: dict[int, set[str]] = defaultdict(set)
    for commission_id, kind in (AttestationEvent.objects.filter(
            commission_id__in=programmes_of).values_list("commission_id", "kind").distinct()):
        for programme_id in programmes_of[commission_id]:
            kinds[programme_id].add(kind)
    students = dict(Student.objects.filter(pk__in=student_ids).values_list("pk", "programme_id"))
    order = list(AttestationKind.values)
    status = {}
    for sid in student_ids:
        own = results.get(sid, [])
        required = set(kinds.get(students[sid], set())) | {r.event.kind for r in own}
        passed_kinds = {r.event.kind for r in own if r.passed}
        credits = sum({r.event_id: r.event.credits for r in own if r.passed}.values())
        status[sid] = AttestationStatus(
            results=tuple(own),
            required_kinds=tuple(k for k in order if k in required),
            missing_kinds=tuple(k for k in order if k in required - passed_kinds),
            credits=credits)
    return status


def verdict_for(figures: RecordFigures, attestation: AttestationStatus,
                start_year: int) -> HonoursVerdict:
    return honours(cumulative_gpa=figures.cumulative_gpa, exam_grades=figures.grades,
                   final_attestation_letters=attestation.letters,
                   ever_retaken=figures.ever_retaken, policy=policy_for_year(start_year))


def student_verdict(student: Student, start_year: int) -> tuple[RecordFigures,
                                                                 AttestationStatus,
                                                                 HonoursVerdict]:
    """The figures, final attestation and honours verdict of one student."""
    figures = _record_figures([student.pk])[student.pk]
    attestation = _attestation([student.pk], {student.programme_id}, start_year)[student.pk]
    return figures, attestation, verdict_for(figures, attestation, start_year)


# --- Graduation preview ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class GraduateRow:
    student: Student
    cumulative_gpa: Decimal | None  # exact
    gpa_display: Decimal | None
    credits_earned: int  # attempts and final attestation
    credits_required: int
    missing_disciplines: tuple[str, ...]  # codes of compulsory disciplines not passed
    open_debts: int
    attestation: AttestationStatus
    verdict: HonoursVerdict
    pending_order: Order | None
    problems: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.problems

    @property
    def faculty_id(self) -> int:
        return self.student.programme.department.faculty_id


def _compulsory(students: list[Student]) -> dict[tuple[int, int], dict[int, str]]:
    """Compulsory disciplines (outside the final attestation cycle) of each (programme,
    intake year) curriculum, as discipline id → code."""
    keys = {(s.programme_id, s.group.intake_year) for s in students if s.group is not None}
    if not keys:
        return {}
    curricula = {(c.programme_id, c.intake_year): c.pk for c in Curriculum.objects.filter(
        programme_id__in={p for p, _y in keys}, intake_year__in={y for _p, y in keys})}
    wanted = {pk: key for key, pk in curricula.items() if key in keys}
    result: dict[tuple[int, int], dict[int, str]] = {key: {} for key in curricula}
    for curriculum_id, discipline_id, code in (
            CurriculumEntry.objects.filter(curriculum_id__in=wanted,
                                           component=Component.COMPULSORY)
            .exclude(cycle=Cycle.ATTESTATION)
            .values_list("curriculum_id", "discipline_id", "discipline__code")):
        result[wanted[curriculum_id]][discipline_id] = code
    return result


def _pending_orders(student_ids: list[int]) -> dict[int, Order]:
    items = (OrderItem.objects.filter(
        student_id__in=student_ids, order__order_type=OrderType.GRADUATION,
        order__state__in=[OrderState.DRAFT, OrderState.APPROVED]).select_related("order"))
    return {item.student_id: item.order for item in items}


def kind_label(kind: str) -> str:
    return str(AttestationKind(kind).label)


def preview(*, by: Any, start_year: int, programme: Programme | None = None,
            faculty: Faculty | None = None) -> list[GraduateRow]:
    """The final-year studying students of a programme or a faculty, with what keeps each
    from graduating and the honours verdict by the policy of the academic year."""
    if programme is None and faculty is None:
        raise ValueError("a programme or a faculty is required")
    owner = faculty if faculty is not None else programme.department.faculty  # type: ignore[union-attr]
    require(by, "graduation.view_faculty", owner)
    students = (Student.objects.filter(status=StudentStatus.ACTIVE,
                                       year_of_study=F("programme__duration_years"))
                .select_related("programme__department", "group")
                .annotate(open_debt_count=Count("debts",
                                                filter=Q(debts__state=DebtState.OPEN))))
    if programme is not None:
        students = students.filter(programme=programme)
    else:
        students = students.filter(programme__department__faculty=faculty)
    members = list(students.order_by("programme__code", "group__name", "last_name_ru",
                                     "first_name_ru", "pk"))
    ids = [s.pk for s in members]
    figures = _record_figures(ids)
    attestation = _attestation(ids, {s.programme_id for s in members}, start_year)
    compulsory = _compulsory(members)
    pending = _pending_orders(ids)
    policy = policy_for_year(start_year)
    rows = []
    for student in members:
        fig, att = figures[student.pk], attestation[student.pk]
        required = student.programme.total_credits
        earned = fig.credits_earned + att.credits
        key = (student.programme_id, student.group.intake_year if student.group else 0)
        missing = tuple(sorted(code for pk, code in compulsory.get(key, {}).items()
                               if pk not in fig.passed_disciplines))
        debts = int(student.open_debt_count)  # type: ignore[attr-defined]
        problems: list[str] = []
        if earned < required:
            problems.append(_("%(earned)d of %(required)d credits earned.")
                            % {"earned": earned, "required": required})
        if missing:
            problems.append(_("Compulsory disciplines not passed: %(codes)s.")
                            % {"codes": ", ".join(missing)})
        if debts:
            problems.append(ngettext("%(count)d open academic debt.",
                                     "%(count)d open academic debts.", debts)
                            % {"count": debts})
        if not att.results:
            problems.append(_("No final attestation result."))
        elif att.missing_kinds:
            problems.append(_("Final attestation not passed: %(kinds)s.")
                            % {"kinds": ", ".join(kind_label(k) for k in att.missing_kinds)})
        order = pending.get(student.pk)
        if order is not None:
            problems.append(_("Already in the graduation order %(order)s.") % {"order": order})
        verdict = honours(cumulative_gpa=fig.cumulative_gpa, exam_grades=fig.grades,
                          final_attestation_letters=att.letters,
                          ever_retaken=fig.ever_retaken, policy=policy)
        rows.append(GraduateRow(
            student=student, cumulative_gpa=fig.cumulative_gpa,
            gpa_display=display(fig.cumulative_gpa), credits_earned=earned,
            credits_required=required, missing_disciplines=missing, open_debts=debts,
            attestation=att, verdict=verdict, pending_order=order, problems=tuple(problems)))
    return rows
