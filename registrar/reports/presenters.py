"""Each report's rows as translated tables (tables.Report) — one source for the page, the XLSX
workbook and the PDF — and `build_report`, which runs a report from its stored parameters (the
page and the background job call it alike, so they show the same figures)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registrar.contingent.choices import ExpulsionReason
from registrar.institution.models import AcademicPeriod, Faculty, Language, StudyForm
from registrar.people.choices import StudentStatus
from registrar.policy.gpa import display as gpa_display

from . import rules, selectors, svg
from .models import ReportKind
from .tables import Column, Report, Table

BACKGROUND_KINDS = (ReportKind.SESSION, ReportKind.CONTINGENT)  # big: exported by the worker


@dataclasses.dataclass(frozen=True)
class Params:
    """A report's parameters as stored in an export job (JSON-safe values)."""

    faculty: int | None = None
    period: int | None = None
    on: str | None = None  # ISO dates
    start: str | None = None
    end: str | None = None
    grouping: str = "discipline"

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Params:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def date(self, name: str) -> dt.date:
        value = getattr(self, name)
        return dt.date.fromisoformat(value) if value else dt.date.today()


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def _faculty_filter(faculty: Faculty | None) -> tuple[str, str]:
    return _("Faculty"), faculty.name if faculty is not None else _("Whole university")


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# --- Exam session results -----------------------------------------------------------------

def _session_columns(first: list[Column]) -> list[Column]:
    worst = _("Students who sat, by their lowest grade")
    performance = _("Performance, %")
    return [
        *first,
        Column(_("Students")), Column(_("Admitted")), Column(_("Sat")),
        Column(_("Excellent only (A, A-)"), worst), Column(_("Good and excellent"), worst),
        Column(_("With satisfactory grades"), worst), Column(_("With failures"), worst),
        Column(_("Absolute"), performance, percent=True),
        Column(_("Quality"), performance, percent=True),
    ]


def _session_figures(f: rules.SessionFigures) -> list[Any]:
    return [f.students, f.admitted, f.sat, f.excellent, f.good, f.satisfactory, f.failed,
            f.absolute, f.quality]


def present_session(report: selectors.SessionReport) -> Report:
    cohort = [Column(_("Programme"), numeric=False), Column(_("Year of study")),
              Column(_("Language"), numeric=False), Column(_("Study form"), numeric=False)]
    main = Table(
        title=_("Results by programme, year of study, language and study form"),
        columns=_session_columns(cohort),
        rows=[[str(r.programme), r.year_of_study, _label(Language, r.language),
               _label(StudyForm, r.study_form), *_session_figures(r.figures)]
              for r in report.rows],
        totals=[_("Total"), "", "", "", *_session_figures(report.total)],
        empty=_("No final results in this term."))
    tables = [main]
    for title, heading, pairs, labels in (
            (_("By study form"), _("Study form"), report.by_study_form, StudyForm),
            (_("By language of instruction"), _("Language"), report.by_language, Language),
            (_("By year of study"), _("Year of study"), report.by_year, None)):
        tables.append(Table(
            title=title, columns=_session_columns([Column(heading, numeric=labels is None)]),
            rows=[[_label(labels, str(k)) if labels else k, *_session_figures(f)]
                  for k, f in pairs],
            totals=[_("Total"), *_session_figures(report.total)] if pairs else None,
            empty=_("No final results in this term.")))
    return Report(
        title=_("Exam session results: %(term)s") % {"term": report.period},
        filters=[(_("Term"), str(report.period)), _faculty_filter(report.faculty),
                 (_("Students placed by their state on"), _day(report.period.ends_on))],
        tables=tables,
        notes=[
            _("Admitted: admitted to at least one exam of the session. Sat: sat at least one "
              "exam (admitted and not absent)."),
            _("Absolute performance: the share of the students who sat with no failed result "
              "(FX, F, not admitted). Quality performance: the share with only excellent and "
              "good grades (A … C+). Rounded half-up to one decimal."),
        ])


# --- Contingent and movement --------------------------------------------------------------

def present_contingent(report: selectors.ContingentReport) -> Report:
    status, funding = _("Status"), _("Funding")
    gender, citizenship = _("Gender"), _("Citizenship")
    figures = [
        Column(_("Students")),
        Column(_("Studying"), status), Column(_("On academic leave"), status),
        Column(_("State grant"), funding), Column(_("Paid"), funding),
        Column(_("Male"), gender), Column(_("Female"), gender),
        Column(_("Kazakhstan"), citizenship), Column(_("Foreign"), citizenship),
    ]
    main = Table(
        title=_("Students on %(day)s") % {"day": _day(report.day)},
        columns=[Column(_("Programme"), numeric=False), Column(_("Year of study")),
                 Column(_("Language"), numeric=False), Column(_("Study form"), numeric=False),
                 *figures],
        rows=[[str(r.programme), r.year_of_study, _label(Language, r.language),
               _label(StudyForm, r.study_form), *r.figures] for r in report.rows],
        totals=[_("Total"), "", "", "", *report.total],
        empty=_("No students on this day."))
    by_form = Table(
        title=_("By study form"), columns=[Column(_("Study form"), numeric=False), *figures],
        rows=[[_label(StudyForm, k), *v] for k, v in report.by_study_form],
        totals=[_("Total"), *report.total] if report.by_study_form else None,
        empty=_("No students on this day."))
    by_language = Table(
        title=_("By language of instruction"),
        columns=[Column(_("Language"), numeric=False), *figures],
        rows=[[_label(Language, k), *v] for k, v in report.by_language],
        totals=[_("Total"), *report.total] if report.by_language else None,
        empty=_("No students on this day."))
    statuses = Table(
        title=_("Status on %(day)s") % {"day": _day(report.day)},
        columns=[Column(_("Status"), numeric=False), Column(_("Students"))],
        rows=[[_label(StudentStatus, s), n] for s, n in report.statuses],
        totals=[_("Total"), sum(n for _s, n in report.statuses)])
    countries = Table(
        title=_("Citizenship"), columns=[Column(_("Country"), numeric=False),
                                         Column(_("Students"))],
        rows=[[c, n] for c, n in report.citizenship], empty=_("No students on this day."))
    expelled = _("Expelled")
    movement = Table(
        title=_("Movement from %(start)s to %(end)s") % {"start": _day(report.start),
                                                        "end": _day(report.end)},
        columns=[Column(_("Programme"), numeric=False), Column(_("Year of study")),
                 Column(_("Enrolled")),
                 *(Column(str(ExpulsionReason(r).label), expelled)
                   for r in selectors.EXPULSION_REASONS),
                 Column(_("all reasons"), expelled),
                 Column(_("Reinstated")), Column(_("Academic leave")),
                 Column(_("Returned from leave")), Column(_("Graduated"))],
        rows=[[str(r.programme), r.year_of_study, *r.figures] for r in report.movement],
        totals=[_("Total"), "", *report.movement_total],
        empty=_("No orders took effect in this period."))
    return Report(
        title=_("Contingent report on %(day)s") % {"day": _day(report.day)},
        filters=[(_("Contingent on"), _day(report.day)),
                 (_("Movement"), f"{_day(report.start)} — {_day(report.end)}"),
                 _faculty_filter(report.faculty)],
        tables=[main, by_form, by_language, statuses, countries, movement],
        notes=[_("From the applied orders: each student's state on the day is their latest "
                 "effective-dated change; movement counts the changes that took effect in the "
                 "period. Transfers to another university are counted as expulsions in "
                 "connection with transfer.")])


# --- Debtors ------------------------------------------------------------------------------

def present_debtors(report: selectors.DebtorsReport) -> Report:
    table = Table(
        title=_("Open academic debts"),
        columns=[Column(_("Group"), numeric=False), Column(_("Student"), numeric=False),
                 Column(_("Programme"), numeric=False), Column(_("Year of study")),
                 Column(_("Code"), numeric=False), Column(_("Discipline"), numeric=False),
                 Column(_("Credits")), Column(_("Term failed"), numeric=False),
                 Column(_("Letter"), numeric=False), Column(_("Debt since"), numeric=False)],
        rows=[[r.student.group.name if r.student.group else "", r.student.full_name,
               r.student.programme.code, r.student.year_of_study, r.discipline.code,
               r.discipline.name, r.credits, str(r.term), r.letter, _day(r.since.date())]
              for r in report.rows],
        totals=[_("Total"), _("%(n)d students") % {"n": report.debtors}, "", "", "",
                _("%(n)d debts") % {"n": report.debts}, report.credits, "", "", ""],
        empty=_("No open debts."))
    filters = [_faculty_filter(report.faculty)]
    if report.period is not None:
        filters.append((_("Failed in the term"), str(report.period)))
    return Report(title=_("Debtors"), filters=filters, tables=[table], landscape=True)


# --- Honours candidates -------------------------------------------------------------------

def present_honours(report: selectors.HonoursReport) -> Report:
    table = Table(
        title=_("Candidates for a diploma with honours"),
        columns=[Column(_("Student"), numeric=False), Column(_("Group"), numeric=False),
                 Column(_("Programme"), numeric=False), Column(_("Cumulative GPA")),
                 Column(_("Credits earned")), Column(_("Final attestation"), numeric=False),
                 Column(_("Verdict"), numeric=False)],
        rows=[[r.student.full_name, r.student.group.name if r.student.group else "",
               r.student.programme.code, gpa_display(r.cumulative_gpa), r.credits_earned,
               ", ".join(r.final_attestation) or "—",
               _("Awaiting the final attestation") if r.awaiting_final_attestation
               else _("Meets every condition")] for r in report.rows],
        empty=_("No candidates."))
    policy = report.policy
    return Report(
        title=_("Honours candidates"),
        filters=[_faculty_filter(report.faculty), (_("On"), _day(report.day)),
                 (_("Final-year students"), str(report.final_year_students)),
                 (_("Candidates"), str(len(report.rows)))],
        tables=[table],
        notes=[_("§11: cumulative GPA at least %(gpa)s, no exam grade below %(letter)s, final "
                 "attestation graded excellent, no exam ever retaken.")
               % {"gpa": policy.honours_min_gpa, "letter": policy.honours_min_letter}])


# --- Grade distribution -------------------------------------------------------------------

def _band_category(traditional: str) -> str:
    return traditional if traditional in svg.BAR_COLOURS else ""


def present_distribution(report: selectors.DistributionReport) -> Report:
    letters = [Column(b.letter, _("Grades")) for b in report.bands]
    by_discipline = report.grouping == "discipline"
    first = ([Column(_("Code"), numeric=False), Column(_("Discipline"), numeric=False)]
             if by_discipline else [Column(_("Teacher"), numeric=False)])

    def key_cells(row: selectors.DistributionRow) -> list[Any]:
        if by_discipline:
            return [getattr(row.key, "code", ""), getattr(row.key, "name", "")]
        return [getattr(row.key, "full_name", "") if row.key is not None else _("No teacher")]

    def figures(row: selectors.DistributionRow) -> list[Any]:
        return [*row.counts, row.total, row.pass_rate, report.mean_points(row)]

    def chart(row: selectors.DistributionRow, title: str, compact: bool) -> Any:
        bars = [(b.letter, n, _band_category(b.traditional))
                for b, n in zip(report.bands, row.counts, strict=True)]
        if compact:
            return svg.bar_chart(bars, title=title, width=150, height=36, compact=True)
        return svg.bar_chart(bars, title=title)

    table = Table(
        title=_("Grades per discipline") if by_discipline else _("Grades per teacher"),
        columns=[*first, *letters, Column(_("Results")), Column(_("Passed, %"), percent=True),
                 Column(_("Mean grade points"))],
        rows=[[*key_cells(r), *figures(r)] for r in report.rows],
        totals=[_("Total"), *([""] if by_discipline else []), *figures(report.total)],
        charts=[chart(r, " ".join(str(c) for c in key_cells(r)), True) for r in report.rows],
        empty=_("No final results in this term."))
    return Report(
        title=_("Grade distribution: %(term)s") % {"term": report.period},
        filters=[(_("Term"), str(report.period)), _faculty_filter(report.faculty),
                 (_("Per"), _("discipline") if by_discipline else _("teacher"))],
        tables=[table],
        chart=chart(report.total, _("All results of the term by letter"), False),
        notes=[_("Final results of the term's sections, after resits.")])


# --- Running a report from its parameters -------------------------------------------------

def check_scope(user: Any, params: Params) -> None:
    """Refuse (PermissionDenied) a faculty, or the whole university, the user may not see."""
    faculty = (Faculty.objects.filter(pk=params.faculty).first()
               if params.faculty is not None else None)
    selectors.require_faculty(user, faculty)


def build_report(kind: str, params: Params, user: Any) -> Report:
    """Run the report `kind` with `params` for `user` (the selector checks the scope)."""
    faculty = (get_object_or_404(Faculty, pk=params.faculty)
               if params.faculty is not None else None)
    if kind in (ReportKind.SESSION, ReportKind.DISTRIBUTION):
        period = get_object_or_404(AcademicPeriod.objects.select_related("year"),
                                   pk=params.period)
        if kind == ReportKind.SESSION:
            return present_session(selectors.session_results(period, faculty=faculty, by=user))
        return present_distribution(selectors.grade_distribution(
            period, grouping=params.grouping, faculty=faculty, by=user))
    if kind == ReportKind.CONTINGENT:
        return present_contingent(selectors.contingent(
            params.date("on"), params.date("start"), params.date("end"), faculty=faculty,
            by=user))
    if kind == ReportKind.DEBTORS:
        term = (get_object_or_404(AcademicPeriod.objects.select_related("year"),
                                    pk=params.period) if params.period is not None else None)
        return present_debtors(selectors.debtors(faculty=faculty, period=term, by=user))
    if kind == ReportKind.HONOURS:
        return present_honours(selectors.honours_candidates(params.date("on"), faculty=faculty,
                                                            by=user))
    raise ValueError(f"unknown report {kind!r}")
