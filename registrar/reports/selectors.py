"""The reports of §12 as read queries returning plain rows.

Every figure is counted by the database (``GROUP BY`` with conditional ``COUNT … FILTER``);
Python only walks the few aggregated rows (subtotals) and the short candidate list of the
honours report. The pure formulas are in rules.py.

A student's state on a day
--------------------------
The contingent report and the session results place each student by their state *on a day*
(programme, group, year of study, funding, status) taken from the effective-dated history
(`contingent.StatusChange`, one row per applied order item): the latest row with
``effective_date <= day``, the later written one first on the same day — what
`contingent.selectors.status_on` answers for one student. For the whole university at once it
is ``MAX(id) … WHERE effective_date <= day GROUP BY student``, one uncorrelated subquery: a
student's rows are written when their orders are applied and an order may not be backdated
before the student's last change (§9, `transitions._check_date`), so a student's ids ascend
with their effective dates and the largest id on or before the day is the latest change. A
student without any change on that day (results entered outside the order flow, e.g. imported
data) is placed by their current fields.

Two forms
~~~~~~~~~
PostgreSQL runs a correlated subquery once per row (a SubPlan), so on PostgreSQL the state
is joined through the uncorrelated ``MAX(id)`` subquery and the missed exams are one
semi-join. SQLite runs those uncorrelated ``IN`` lists slower than an indexed correlated
lookup, so on SQLite the state is the latest row found per student through the index
(``ORDER BY effective_date DESC, id DESC LIMIT 1``, the order of `status_on`) and a
result's presence an ``EXISTS`` on its exam entries. Both forms give the same figures (the
tests run on both databases); `bench/reports.py` times them.

Scope
-----
Each selector takes the faculty (None: the whole university) and the acting user, and refuses
(`PermissionDenied`) a faculty the user may not see, so a script cannot bypass the pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from registrar.assessment.models import FinalResult, GradeEntry, SheetKind
from registrar.contingent.choices import ExpulsionReason, OrderType
from registrar.contingent.models import StatusChange
from registrar.curriculum.models import AssessmentForm, CurriculumEntry, Cycle, Discipline
from registrar.institution.models import AcademicPeriod, Faculty, Programme
from registrar.people.choices import Funding, Gender, StudentStatus
from registrar.people.models import Staff, Student
from registrar.policy import honours as honours_rule
from registrar.policy.grading import ScoreError, letter_rank
from registrar.policy.selectors import policy_for_year, policy_on
from registrar.policy.values import GradeBand, PolicyValues
from registrar.records.models import AcademicDebt, Attempt, DebtState, GpaSnapshot

from . import permissions, rules  # noqa: F401  (permissions registers the rules)

HOME_COUNTRY = "KZ"
CONTINGENT_STATUSES = (StudentStatus.ACTIVE, StudentStatus.ON_LEAVE)


def require_faculty(user: Any, faculty: Faculty | None) -> None:
    if not user.has_perm("reports.view_faculty", faculty):
        raise PermissionDenied(_("You do not have permission to see these reports."))


def latest_change(student_ref: str, day: dt.date) -> Subquery:
    """The id of one student's latest status change on `day`, as a correlated subquery."""
    return Subquery(
        StatusChange.objects.filter(student_id=OuterRef(student_ref), effective_date__lte=day)
        .order_by("-effective_date", "-id").values("pk")[:1])


def _uncorrelated() -> bool:
    """Which of two equal forms of a query to use (see "Two forms" in the module text)."""
    return connection.vendor == "postgresql"


def latest_changes(day: dt.date) -> QuerySet[Any]:
    """The ids of every student's latest status change on `day` (see the module text)."""
    return (StatusChange.objects.filter(effective_date__lte=day).values("student_id")
            .annotate(last=Max("pk")).values("last").order_by())


def _programmes(ids: Iterable[int]) -> dict[int, Programme]:
    return Programme.objects.select_related("department__faculty").in_bulk(set(ids))


def _faculty_programmes(faculty: Faculty) -> list[int]:
    return list(Programme.objects.filter(department__faculty=faculty)
                .values_list("pk", flat=True))


# --- Exam session results (§12) ---------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SessionRow:
    programme: Programme
    year_of_study: int
    language: str
    study_form: str
    counts: rules.SessionCounts

    @property
    def figures(self) -> rules.SessionFigures:
        return rules.session_figures(self.counts)


@dataclasses.dataclass(frozen=True)
class SessionReport:
    period: AcademicPeriod
    faculty: Faculty | None
    rows: list[SessionRow]
    total: rules.SessionFigures
    by_study_form: list[tuple[str, rules.SessionFigures]]
    by_language: list[tuple[str, rules.SessionFigures]]
    by_year: list[tuple[int, rules.SessionFigures]]


def _subtotals(rows: list[SessionRow], key: Callable[[SessionRow], Any]
               ) -> list[tuple[Any, rules.SessionFigures]]:
    sums: dict[Any, rules.SessionCounts] = defaultdict(rules.SessionCounts)
    for row in rows:
        sums[key(row)] += row.counts
    return [(k, rules.session_figures(sums[k])) for k in sorted(sums)]


def session_results(period: AcademicPeriod, *, faculty: Faculty | None = None,
                    by: Any) -> SessionReport:
    """The exam-session report of a term (§12) per programme, year of study, language of
    instruction and study form, with totals. Students are placed by their state on the last
    day of the term; the bands and percentages are defined in rules.py."""
    require_faculty(by, faculty)
    day = period.ends_on
    present = Exists(GradeEntry.objects.filter(
        sheet__section_id=OuterRef("section_id"), student_id=OuterRef("student_id"),
        sheet__kind__in=(SheetKind.EXAM, SheetKind.RESIT), absent=False))
    if _uncorrelated():
        # The admitted results whose student missed the exam (and the resit): a small set
        # found once by a semi-join, then looked up per row.
        missed = FinalResult.objects.filter(section__period=period, admitted=True).exclude(
            present).values("pk")
        sat_row = Q(admitted=True) & ~Q(pk__in=missed)
    else:
        sat_row = Q(admitted=True) & Q(present)
    fail_row = Q(passed=False)
    below_good_row = fail_row | ~Q(traditional__in=rules.QUALITY_GRADES)
    below_excellent_row = fail_row | ~Q(traditional=rules.EXCELLENT)

    distinct = dict(distinct=True)
    aggregates = dict(
        n_students=Count("student_id", **distinct),
        n_admitted=Count("student_id", filter=Q(admitted=True), **distinct),
        n_sat=Count("student_id", filter=sat_row, **distinct),
        n_fail=Count("student_id", filter=fail_row, **distinct),
        n_below_good=Count("student_id", filter=below_good_row, **distinct),
        n_below_excellent=Count("student_id", filter=below_excellent_row, **distinct),
    )
    results = FinalResult.objects.filter(section__period=period).order_by()
    found = (_session_groups_uncorrelated if _uncorrelated() else _session_groups_correlated)(
        results, day, faculty, aggregates)
    merged: dict[tuple[int, int, str, str], rules.SessionCounts] = defaultdict(
        rules.SessionCounts)
    for r in found:
        merged[(r["programme"], r["year"], r["language"], r["study_form"])] += \
            rules.SessionCounts(r["n_students"], r["n_admitted"], r["n_sat"], r["n_fail"],
                                r["n_below_good"], r["n_below_excellent"])
    programmes = _programmes(key[0] for key in merged)
    rows = sorted((
        SessionRow(programme=programmes[programme], year_of_study=year, language=language,
                   study_form=form, counts=counts)
        for (programme, year, language, form), counts in merged.items()),
        key=lambda r: (r.programme.code, r.year_of_study, r.language, r.study_form))
    total = sum((r.counts for r in rows), rules.SessionCounts())
    return SessionReport(
        period=period, faculty=faculty, rows=rows, total=rules.session_figures(total),
        by_study_form=_subtotals(rows, lambda r: r.study_form),
        by_language=_subtotals(rows, lambda r: r.language),
        by_year=_subtotals(rows, lambda r: r.year_of_study))


def _session_groups_uncorrelated(results: QuerySet[FinalResult], day: dt.date,
                                 faculty: Faculty | None,
                                 aggregates: dict[str, Any]) -> list[dict[str, Any]]:
    # Students with a state on the day, grouped by it (one filter() call, so the cohort
    # columns and the faculty come from the same joined status change) ...
    state = "student__status_history__"
    placed: dict[str, Any] = {f"{state}pk__in": latest_changes(day)}
    if faculty is not None:
        placed[f"{state}programme__department__faculty"] = faculty
    found = list(results.filter(**placed).values(
        programme=F(f"{state}programme_id"), year=F(f"{state}year_of_study"),
        language=Coalesce(f"{state}group__language", f"{state}programme__language"),
        study_form=F(f"{state}programme__study_form"),
    ).annotate(**aggregates))
    # ... and the others (no change on the day) by their current fields.
    unplaced = results.exclude(student_id__in=StatusChange.objects.filter(
        effective_date__lte=day).values("student_id"))
    if faculty is not None:
        unplaced = unplaced.filter(student__programme__department__faculty=faculty)
    return found + list(unplaced.values(
        programme=F("student__programme_id"), year=F("student__year_of_study"),
        language=Coalesce("student__group__language", "student__programme__language"),
        study_form=F("student__programme__study_form"),
    ).annotate(**aggregates))


def _session_groups_correlated(results: QuerySet[FinalResult], day: dt.date,
                               faculty: Faculty | None,
                               aggregates: dict[str, Any]) -> list[dict[str, Any]]:
    # The state joined per row through the index, the current fields where there is none.
    results = results.alias(
        state=FilteredRelation("student__status_history", condition=Q(
            student__status_history__pk=latest_change("student_id", day))),
    ).alias(cohort_programme=Coalesce("state__programme_id", "student__programme_id"))
    if faculty is not None:
        results = results.filter(cohort_programme__in=_faculty_programmes(faculty))
    return list(results.values(
        programme=F("cohort_programme"),
        year=Coalesce("state__year_of_study", "student__year_of_study"),
        language=Coalesce("state__group__language", "state__programme__language",
                          "student__group__language", "student__programme__language"),
        study_form=Coalesce("state__programme__study_form", "student__programme__study_form"),
    ).annotate(**aggregates))


# --- Contingent and movement (§12, §9) ----------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ContingentRow:
    programme: Programme
    year_of_study: int
    language: str
    study_form: str
    total: int
    studying: int
    on_leave: int
    state_grant: int
    paid: int
    male: int
    female: int
    citizens: int
    foreign: int

    FIGURES = ("total", "studying", "on_leave", "state_grant", "paid", "male", "female",
               "citizens", "foreign")

    @property
    def figures(self) -> list[int]:
        return [getattr(self, f) for f in self.FIGURES]


EXPULSION_REASONS = tuple(ExpulsionReason.values)


@dataclasses.dataclass(frozen=True)
class MovementRow:
    programme: Programme
    year_of_study: int
    enrolled: int
    expelled: dict[str, int]  # reason → count, every reason present
    reinstated: int
    on_leave: int
    returned: int
    graduated: int

    @property
    def expelled_total(self) -> int:
        return sum(self.expelled.values())

    @property
    def figures(self) -> list[int]:
        return [self.enrolled, *(self.expelled[r] for r in EXPULSION_REASONS),
                self.expelled_total, self.reinstated, self.on_leave, self.returned,
                self.graduated]


@dataclasses.dataclass(frozen=True)
class ContingentReport:
    day: dt.date
    start: dt.date
    end: dt.date
    faculty: Faculty | None
    rows: list[ContingentRow]
    total: list[int]  # the figures of all rows, in ContingentRow.FIGURES order
    by_study_form: list[tuple[str, list[int]]]
    by_language: list[tuple[str, list[int]]]
    statuses: list[tuple[str, int]]  # every status on the day (leavers included)
    citizenship: list[tuple[str, int]]  # country → students in the contingent
    movement: list[MovementRow]
    movement_total: list[int]


def states_on(day: dt.date, faculty: Faculty | None = None) -> QuerySet[StatusChange]:
    """Each student's latest status change on `day`: one row per student with any."""
    if _uncorrelated():
        changes = StatusChange.objects.filter(pk__in=latest_changes(day))
    else:
        changes = StatusChange.objects.filter(effective_date__lte=day,
                                              pk=latest_change("student_id", day))
    if faculty is not None:
        changes = changes.filter(programme__department__faculty=faculty)
    return changes


def _sum_lists(lists: Iterable[list[int]], width: int) -> list[int]:
    total = [0] * width
    for values in lists:
        total = [a + b for a, b in zip(total, values, strict=True)]
    return total


def contingent(day: dt.date, start: dt.date, end: dt.date, *, faculty: Faculty | None = None,
               by: Any) -> ContingentReport:
    """The student body on `day` (studying or on leave) by programme, year of study,
    language and study form, with funding, gender and citizenship; every status on the day;
    and the movement by orders that took effect from `start` to `end` (both included)."""
    require_faculty(by, faculty)
    on_day = states_on(day, faculty)
    body = on_day.filter(status__in=CONTINGENT_STATUSES)
    grouped = body.values(
        "programme_id", "year_of_study",
        language=Coalesce("group__language", "programme__language"),
        study_form=F("programme__study_form"),
    ).annotate(
        n_total=Count("pk"),
        n_studying=Count("pk", filter=Q(status=StudentStatus.ACTIVE)),
        n_on_leave=Count("pk", filter=Q(status=StudentStatus.ON_LEAVE)),
        n_grant=Count("pk", filter=Q(funding=Funding.STATE_GRANT)),
        n_paid=Count("pk", filter=~Q(funding=Funding.STATE_GRANT)),
        n_male=Count("pk", filter=Q(student__gender=Gender.MALE)),
        n_female=Count("pk", filter=Q(student__gender=Gender.FEMALE)),
        n_citizens=Count("pk", filter=Q(student__citizenship=HOME_COUNTRY)),
        n_foreign=Count("pk", filter=~Q(student__citizenship=HOME_COUNTRY)),
    ).order_by()
    found = list(grouped)

    moved = StatusChange.objects.filter(effective_date__gte=start, effective_date__lte=end)
    if faculty is not None:
        moved = moved.filter(programme__department__faculty=faculty)
    kind = "order_item__order__order_type"
    expelled = {}
    for reason in EXPULSION_REASONS:
        # Transfer to another university (§9) is counted as expulsion "in connection with
        # transfer", whichever order made it.
        condition = Q(**{kind: OrderType.EXPULSION}, order_item__reason=reason)
        if reason == ExpulsionReason.TRANSFER:
            condition |= Q(**{kind: OrderType.TRANSFER_OUT})
        expelled[reason] = Count("pk", filter=condition)
    movement_found = list(moved.filter(**{f"{kind}__in": (
        OrderType.ENROLMENT, OrderType.TRANSFER_IN, OrderType.EXPULSION, OrderType.TRANSFER_OUT,
        OrderType.REINSTATEMENT, OrderType.ACADEMIC_LEAVE, OrderType.RETURN_FROM_LEAVE,
        OrderType.GRADUATION)}).values("programme_id", "year_of_study").annotate(
        n_enrolled=Count("pk", filter=Q(**{f"{kind}__in": (OrderType.ENROLMENT,
                                                            OrderType.TRANSFER_IN)})),
        n_reinstated=Count("pk", filter=Q(**{kind: OrderType.REINSTATEMENT})),
        n_leave=Count("pk", filter=Q(**{kind: OrderType.ACADEMIC_LEAVE})),
        n_returned=Count("pk", filter=Q(**{kind: OrderType.RETURN_FROM_LEAVE})),
        n_graduated=Count("pk", filter=Q(**{kind: OrderType.GRADUATION})),
        **{f"x_{reason}": aggregate for reason, aggregate in expelled.items()},
    ).order_by())

    programmes = _programmes([r["programme_id"] for r in found]
                             + [r["programme_id"] for r in movement_found])
    rows = sorted((ContingentRow(
        programme=programmes[r["programme_id"]], year_of_study=r["year_of_study"],
        language=r["language"], study_form=r["study_form"], total=r["n_total"],
        studying=r["n_studying"], on_leave=r["n_on_leave"], state_grant=r["n_grant"],
        paid=r["n_paid"], male=r["n_male"], female=r["n_female"], citizens=r["n_citizens"],
        foreign=r["n_foreign"]) for r in found),
        key=lambda r: (r.programme.code, r.year_of_study, r.language))
    width = len(ContingentRow.FIGURES)

    def by_key(key: Callable[[ContingentRow], str]) -> list[tuple[str, list[int]]]:
        groups: dict[str, list[ContingentRow]] = defaultdict(list)
        for row in rows:
            groups[key(row)].append(row)
        return [(k, _sum_lists((r.figures for r in groups[k]), width)) for k in sorted(groups)]

    statuses = dict(on_day.values_list("status").annotate(n=Count("pk")).order_by())
    citizenship = sorted(body.values_list("student__citizenship").annotate(n=Count("pk"))
                         .order_by(), key=lambda c: (c[0] != HOME_COUNTRY, -c[1], c[0]))
    movement = sorted((MovementRow(
        programme=programmes[r["programme_id"]], year_of_study=r["year_of_study"],
        enrolled=r["n_enrolled"], expelled={x: r[f"x_{x}"] for x in EXPULSION_REASONS},
        reinstated=r["n_reinstated"], on_leave=r["n_leave"], returned=r["n_returned"],
        graduated=r["n_graduated"]) for r in movement_found),
        key=lambda r: (r.programme.code, r.year_of_study))
    movement_width = 6 + len(EXPULSION_REASONS)
    return ContingentReport(
        day=day, start=start, end=end, faculty=faculty, rows=rows,
        total=_sum_lists((r.figures for r in rows), width),
        by_study_form=by_key(lambda r: r.study_form), by_language=by_key(lambda r: r.language),
        statuses=[(s, statuses.get(s, 0)) for s in StudentStatus.values
                  if s != StudentStatus.APPLICANT],
        citizenship=[(c, n) for c, n in citizenship],
        movement=movement,
        movement_total=_sum_lists((r.figures for r in movement), movement_width))


# --- Debtors (§7, §12) --------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class DebtorRow:
    student: Student
    discipline: Discipline
    credits: int
    term: AcademicPeriod
    letter: str
    since: dt.datetime


@dataclasses.dataclass(frozen=True)
class DebtorsReport:
    faculty: Faculty | None
    period: AcademicPeriod | None
    rows: list[DebtorRow]
    debtors: int  # distinct students
    debts: int
    credits: int


def debtors(*, faculty: Faculty | None = None, period: AcademicPeriod | None = None,
            by: Any) -> DebtorsReport:
    """Open academic debts (failed disciplines still to re-study, §7) by group and student;
    `period` keeps the debts failed in that term."""
    require_faculty(by, faculty)
    debts = AcademicDebt.objects.filter(state=DebtState.OPEN)
    if faculty is not None:
        debts = debts.filter(student__programme__department__faculty=faculty)
    if period is not None:
        debts = debts.filter(failed_attempt__period=period)
    summary = debts.aggregate(debtors=Count("student_id", distinct=True), debts=Count("pk"),
                              credits=Sum("failed_attempt__credits"))
    listed = debts.select_related(
        "student__programme", "student__group", "discipline", "failed_attempt__period__year",
    ).order_by("student__group__name", "student__last_name_ru", "student__first_name_ru",
               "student_id", "failed_attempt__period__starts_on", "discipline__code")
    return DebtorsReport(
        faculty=faculty, period=period,
        rows=[DebtorRow(student=d.student, discipline=d.discipline,
                        credits=d.failed_attempt.credits, term=d.failed_attempt.period,
                        letter=d.failed_attempt.letter, since=d.created_at) for d in listed],
        debtors=summary["debtors"], debts=summary["debts"], credits=summary["credits"] or 0)


# --- Honours candidates (§11) -------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class HonoursRow:
    student: Student
    cumulative_gpa: Decimal
    credits_earned: int
    final_attestation: list[str]
    verdict: honours_rule.HonoursVerdict

    @property
    def awaiting_final_attestation(self) -> bool:
        return self.verdict.codes == (honours_rule.NO_FINAL_ATTESTATION,)


@dataclasses.dataclass(frozen=True)
class HonoursReport:
    faculty: Faculty | None
    day: dt.date
    policy: PolicyValues
    final_year_students: int
    rows: list[HonoursRow]


def _letters_below(policy: PolicyValues) -> list[str]:
    try:
        minimum = letter_rank(policy.honours_min_letter, policy.grading_scale)
    except ScoreError as exc:
        raise honours_rule.HonoursPolicyError(policy.honours_min_letter) from exc
    return [b.letter for b in policy.grading_scale if b.min_score < minimum]


def attestation_disciplines() -> QuerySet[Discipline]:
    """Disciplines of the final attestation: in the attestation cycle of a curriculum, or
    assessed by a thesis (§11)."""
    return Discipline.objects.filter(
        Q(pk__in=CurriculumEntry.objects.filter(cycle=Cycle.ATTESTATION).values("discipline"))
        | Q(assessment_form=AssessmentForm.THESIS))


def honours_candidates(day: dt.date, *, faculty: Faculty | None = None,
                       by: Any) -> HonoursReport:
    """Students in the final year of their programme (studying on `day`) who may still
    graduate with honours under the policy in force on `day` (§11, policy/honours.py): every
    condition met, or all but the final attestation, which comes last.

    The database narrows the final-year students to those with a cumulative GPA at the
    threshold, no exam grade below the minimal letter and no retake; the rule then decides
    each of the few left, with its reasons."""
    require_faculty(by, faculty)
    policy = policy_on(day)
    students = Student.objects.filter(status=StudentStatus.ACTIVE,
                                      year_of_study__gte=F("programme__duration_years"))
    if faculty is not None:
        students = students.filter(programme__department__faculty=faculty)
    final_year = students.count()
    latest = GpaSnapshot.objects.filter(student_id=OuterRef("pk")).order_by(
        "-period__starts_on", "-period_id")
    finals = attestation_disciplines()
    exams = Attempt.objects.filter(student_id=OuterRef("pk")).exclude(
        kind__in=honours_rule.NOT_AN_EXAM_KINDS).exclude(discipline__in=finals)
    narrowed = students.annotate(
        gpa=Subquery(latest.values("cumulative_gpa")[:1]),
        earned=Subquery(latest.values("credits_earned")[:1]),
    ).filter(gpa__gte=policy.honours_min_gpa).exclude(
        Exists(Attempt.objects.filter(student_id=OuterRef("pk"),
                                      kind__in=honours_rule.RETAKE_KINDS))
    ).exclude(Exists(exams.filter(letter__in=_letters_below(policy)))).select_related(
        "programme", "group")
    candidates = {s.pk: s for s in narrowed}
    grades: dict[int, list[honours_rule.ExamGrade]] = defaultdict(list)
    attestation: dict[int, list[str]] = defaultdict(list)
    final_ids = set(finals.values_list("pk", flat=True))
    for student_id, discipline_id, letter, kind in Attempt.objects.filter(
            student_id__in=list(candidates)).values_list(
            "student_id", "discipline_id", "letter", "kind").order_by("period__starts_on", "pk"):
        if discipline_id in final_ids:
            attestation[student_id].append(letter)
        else:
            grades[student_id].append(honours_rule.ExamGrade(letter, kind))
    rows = []
    for student in candidates.values():
        gpa: Decimal = student.gpa  # type: ignore[attr-defined]
        verdict = honours_rule.honours(
            cumulative_gpa=gpa, exam_grades=grades[student.pk],
            final_attestation_letters=attestation[student.pk], ever_retaken=False,
            policy=policy)
        if verdict.eligible or verdict.codes == (honours_rule.NO_FINAL_ATTESTATION,):
            rows.append(HonoursRow(student=student, cumulative_gpa=gpa,
                                   credits_earned=student.earned or 0,  # type: ignore[attr-defined]
                                   final_attestation=attestation[student.pk], verdict=verdict))
    rows.sort(key=lambda r: (r.student.programme.code, -r.cumulative_gpa,
                             r.student.last_name_ru, r.student.first_name_ru, r.student.pk))
    return HonoursReport(faculty=faculty, day=day, policy=policy,
                         final_year_students=final_year, rows=rows)


# --- Grade distribution (§6) --------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class DistributionRow:
    key: Discipline | Staff | None  # None: sections without a teacher
    counts: tuple[int, ...]  # per letter of the scale, best first
    other: int  # letters off the scale (none on a consistent database)
    total: int
    passed: int

    @property
    def pass_rate(self) -> Decimal | None:
        return rules.percent(self.passed, self.total)


@dataclasses.dataclass(frozen=True)
class DistributionReport:
    period: AcademicPeriod
    faculty: Faculty | None
    grouping: str  # "discipline" or "teacher"
    bands: list[GradeBand]
    rows: list[DistributionRow]
    total: DistributionRow

    def mean_points(self, row: DistributionRow) -> Decimal | None:
        return rules.mean_points(zip((b.points for b in self.bands), row.counts, strict=True))


GROUPINGS = ("discipline", "teacher")


def grade_distribution(period: AcademicPeriod, *, grouping: str = "discipline",
                       faculty: Faculty | None = None, by: Any) -> DistributionReport:
    """The letters of the final results of a term per discipline or per teacher (§6), with
    the pass rate and the mean grade points. A faculty keeps the disciplines of its
    departments."""
    require_faculty(by, faculty)
    if grouping not in GROUPINGS:
        raise ValueError(f"unknown grouping {grouping!r}")
    bands = sorted(policy_for_year(period.year.start_year).grading_scale,
                   key=lambda b: -b.min_score)
    results = FinalResult.objects.filter(section__period=period)
    if faculty is not None:
        results = results.filter(section__discipline__department__faculty=faculty)
    field = "section__discipline_id" if grouping == "discipline" else "section__teacher_id"
    found = list(results.values(key=F(field)).annotate(
        n_total=Count("pk"), n_passed=Count("pk", filter=Q(passed=True)),
        **{f"n_{i}": Count("pk", filter=Q(letter=b.letter)) for i, b in enumerate(bands)},
    ).order_by())
    model: type[Discipline] | type[Staff] = Discipline if grouping == "discipline" else Staff
    keys = model.objects.in_bulk([r["key"] for r in found if r["key"] is not None])

    def row_of(r: dict[str, Any]) -> DistributionRow:
        counts = tuple(r[f"n_{i}"] for i in range(len(bands)))
        return DistributionRow(key=keys.get(r["key"]) if r["key"] is not None else None,
                               counts=counts, other=r["n_total"] - sum(counts),
                               total=r["n_total"], passed=r["n_passed"])

    rows = [row_of(r) for r in found]
    if grouping == "discipline":
        rows.sort(key=lambda r: getattr(r.key, "code", ""))
    else:
        rows.sort(key=lambda r: (r.key is None, str(r.key or "")))
    width = len(bands)
    total = DistributionRow(
        key=None, counts=tuple(_sum_lists((list(r.counts) for r in rows), width)),
        other=sum(r.other for r in rows), total=sum(r.total for r in rows),
        passed=sum(r.passed for r in rows))
    return DistributionReport(period=period, faculty=faculty, grouping=grouping, bands=bands,
                              rows=rows, total=total)


# --- Choices for the filters --------------------------------------------------------------

def periods_with_results() -> QuerySet[AcademicPeriod]:
    return AcademicPeriod.objects.select_related("year").order_by("-starts_on")


def default_period() -> AcademicPeriod | None:
    """The latest term with final results, or else the latest term."""
    periods = periods_with_results()
    with_results = periods.filter(
        Exists(FinalResult.objects.filter(section__period=OuterRef("pk"))))
    return with_results.first() or periods.first()
