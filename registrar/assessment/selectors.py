"""Read-only queries over grade sheets and results (§6, §12): who sees which sheet, a student's
own scores, the final statement of a section, the summary statement of a group after the
session and the list of grade changes of a term.

Percentages (§12)
-----------------
The summary statement gives two figures for the group, computed with Decimals and rounded
half-up to one decimal (``75.04`` → ``75.0``, ``66.65`` → ``66.7``):

- **absolute performance** = 100 × (students without a failing result) / (students assessed);
- **quality performance** = 100 × (students whose every result is "excellent" or "good" in the
  traditional scale, i.e. A…C+ on the default scale) / (students assessed).

A failing result is one with ``passed = False`` (F and FX, also an FX still waiting for its
resit; the figures describe the results as they stand when the summary is made). *Students
assessed* are the students listed in the summary with at least one final result in the term;
a student without any result (e.g. on academic leave) is listed but counted in neither figure.
With no student assessed both figures are ``None``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicGroup, AcademicPeriod, AcademicYear
from registrar.people.models import Student, StudentStatus
from registrar.people.roles import scope_of
from registrar.policy import grading
from registrar.registration.models import Section
from registrar.sql import Column, choice_labels, fetch, select_list

from .models import FinalResult, GradeChange, GradeEntry, GradeSheet, SheetKind, SheetState

ONE_DECIMAL = Decimal("0.1")
QUALITY_GRADES = ("excellent", "good")  # traditional grades counted by "quality performance"


def percent(part: int, whole: int) -> Decimal | None:
    """100 × part / whole rounded half-up to one decimal; None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(100) * part / whole).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


# --- Visibility ---------------------------------------------------------------------------

def sheets_visible_to(user: Any) -> QuerySet[GradeSheet]:
    """The sheets a user may see, matching the permission ``assessment.view_gradesheet``:
    the registrar all; a teacher the sheets of the sections they teach; a dean the sheets of
    sections whose discipline belongs to a department of their faculty, and the sheets on which
    students of their faculty are graded. A user with several roles sees the union."""
    scope = scope_of(user)
    sheets = GradeSheet.objects.select_related(
        "section__discipline", "section__period__year", "section__teacher")
    if scope.is_registrar:
        return sheets.all()
    conditions: list[Q] = []
    if scope.staff_id is not None:
        conditions.append(Q(section__teacher_id=scope.staff_id))
    if scope.dean_faculty_ids:
        faculties = sorted(scope.dean_faculty_ids)
        conditions.append(Q(section__discipline__department__faculty_id__in=faculties))
        conditions.append(Q(pk__in=GradeEntry.objects.filter(
            student__programme__department__faculty_id__in=faculties).values("sheet_id")))
    if not conditions:
        return sheets.none()
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return sheets.filter(condition)


# --- The student's own scores -------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ScoreCell:
    """One entered score; `locked` tells whether the sheet is submitted (final) yet."""

    score: Decimal | None
    absent: bool
    locked: bool

    def __str__(self) -> str:
        return _("did not appear") if self.absent else str(self.score)


@dataclasses.dataclass(frozen=True)
class StudentScores:
    section: Section
    discipline: Discipline
    period: AcademicPeriod
    r1: ScoreCell | None
    r2: ScoreCell | None
    exam: ScoreCell | None
    resit: ScoreCell | None
    final: FinalResult | None  # once the exam (or resit) statement is locked

    @property
    def final_score(self) -> Decimal | None:
        return self.final.final_score if self.final is not None else None

    @property
    def letter(self) -> str:
        return self.final.letter if self.final is not None else ""


def _cell(entry: GradeEntry | None) -> ScoreCell | None:
    if entry is None or (entry.score is None and not entry.absent):
        return None  # nothing entered yet
    return ScoreCell(None if entry.absent else entry.score, entry.absent,
                     entry.sheet.state == SheetState.LOCKED)


def student_scores(student: Student, period: AcademicPeriod | None = None) -> list[StudentScores]:
    """The student's own entries as soon as the teacher enters them (§6), per section, with
    the final result when there is one; ordered by term and discipline code."""
    entries = GradeEntry.objects.filter(student=student).select_related(
        "sheet__section__discipline", "sheet__section__period__year")
    if period is not None:
        entries = entries.filter(sheet__section__period=period)
    by_section: dict[int, dict[str, GradeEntry]] = defaultdict(dict)
    sections: dict[int, Section] = {}
    for entry in entries:
        section = entry.sheet.section
        sections[section.pk] = section
        by_section[section.pk][entry.sheet.kind] = entry
    finals = {f.section_id: f for f in FinalResult.objects.filter(
        student=student, section_id__in=list(sections))}
    rows = []
    for section_id, kinds in by_section.items():
        section = sections[section_id]
        rows.append(StudentScores(
            section=section, discipline=section.discipline, period=section.period,
            r1=_cell(kinds.get(SheetKind.RATING_1)), r2=_cell(kinds.get(SheetKind.RATING_2)),
            exam=_cell(kinds.get(SheetKind.EXAM)), resit=_cell(kinds.get(SheetKind.RESIT)),
            final=finals.get(section_id)))
    rows.sort(key=lambda r: (r.period.starts_on, r.discipline.code, r.section.code))
    return rows


# --- The portal's grade pages ------------------------------------------------------------
# These pages are read on every visit (issue 10: CPU per request). The student's grades and
# the lines of a sheet are plain statements whose values are converted as the ORM converts
# the fields they read (`_fetch`): compiling the same joins with the ORM costs about ten times
# the CPU. The teaching list keeps the ORM (its visibility is `sheets_visible_to`'s condition)
# and reads `values_list` with only the columns it shows.

_SHEET_KINDS = choice_labels(GradeSheet, "kind")
_SHEET_STATES = choice_labels(GradeSheet, "state")


def _language() -> str:
    """The active language as the suffix of the trilingual name columns (the Russian name
    for another language, as `TrilingualName.name`)."""
    language = (get_language() or "ru")[:2]
    return language if language in ("kk", "ru", "en") else "ru"


@dataclasses.dataclass(frozen=True)
class SectionRef:
    pk: int
    code: str


@dataclasses.dataclass(frozen=True)
class GradeLine:
    """A line of the student's own grades page: `StudentScores` reduced to what it shows."""

    section: SectionRef
    discipline: str  # as str(Discipline), in the active language
    r1: ScoreCell | None
    r2: ScoreCell | None
    exam: ScoreCell | None
    resit: ScoreCell | None
    final_score: Decimal | None
    letter: str


def _own_grade_columns(language: str) -> tuple[Column, ...]:
    return (("sh", GradeSheet, "section"), ("sh", GradeSheet, "kind"),
            ("sh", GradeSheet, "state"), ("e", GradeEntry, "score"), ("e", GradeEntry, "absent"),
            ("s", Section, "code"), ("d", Discipline, "code"),
            ("d", Discipline, f"name_{language}"), ("d", Discipline, "name_ru"),
            ("p", AcademicPeriod, "starts_on"), ("f", FinalResult, "final_score"),
            ("f", FinalResult, "letter"))


@functools.cache
def _own_grades_sql(columns: tuple[Column, ...]) -> str:
    return (
        f"SELECT {select_list(columns)} FROM {GradeEntry._meta.db_table} e"  # noqa: S608 (constants only)
        f" JOIN {GradeSheet._meta.db_table} sh ON sh.id = e.sheet_id"
        f" JOIN {Section._meta.db_table} s ON s.id = sh.section_id"
        f" JOIN {Discipline._meta.db_table} d ON d.id = s.discipline_id"
        f" JOIN {AcademicPeriod._meta.db_table} p ON p.id = s.period_id"
        f" LEFT JOIN {FinalResult._meta.db_table} f"
        " ON f.section_id = sh.section_id AND f.student_id = e.student_id"
        " WHERE e.student_id = %s")


def own_grade_lines(student_id: int) -> list[GradeLine]:
    """The student's own scores as `student_scores` gives them (the final result once there
    is one), one line per section, ordered by term, discipline code and section code: one
    plain statement."""
    columns = _own_grade_columns(_language())
    cells: dict[int, dict[str, ScoreCell | None]] = defaultdict(dict)
    heads: dict[int, list[Any]] = {}
    for section_id, kind, state, score, absent, *head in fetch(
            _own_grades_sql(columns), [student_id], columns):
        if score is not None or absent:  # else nothing is entered yet
            cells[section_id][kind] = ScoreCell(None if absent else score, absent,
                                                state == SheetState.LOCKED)
        heads[section_id] = head
    lines = []
    for section_id, (code, discipline_code, name, name_ru, _starts_on, final_score,
                     letter) in sorted(heads.items(),
                                       key=lambda item: (item[1][4], item[1][1], item[1][0])):
        kinds = cells[section_id]
        lines.append(GradeLine(
            section=SectionRef(section_id, code),
            discipline=f"{discipline_code} {name or name_ru}",
            r1=kinds.get(SheetKind.RATING_1), r2=kinds.get(SheetKind.RATING_2),
            exam=kinds.get(SheetKind.EXAM), resit=kinds.get(SheetKind.RESIT),
            final_score=final_score, letter=letter or ""))
    return lines


def sheet_rows(user: Any, limit: int = 300) -> list[dict[str, Any]]:
    """The sheets a user sees (`sheets_visible_to`) as the teaching list shows them, newest
    term first: one query of the columns shown, labels in the active language."""
    language = _language()
    rows = list(sheets_visible_to(user).order_by(
        "-section__period__starts_on", "section__code", "kind").values_list(
        "pk", "kind", "state", "entry_deadline", "section__code",
        f"section__discipline__name_{language}", "section__discipline__name_ru",
        "section__period__kind", "section__period__year__start_year")[:limit])
    periods: dict[tuple[str, int], str] = {}
    out = []
    for pk, kind, state, deadline, code, name, name_ru, period_kind, start_year in rows:
        period = periods.get((period_kind, start_year))
        if period is None:  # str(AcademicPeriod), once per term on the page
            period = periods[period_kind, start_year] = str(AcademicPeriod(
                kind=period_kind, year=AcademicYear(start_year=start_year)))
        out.append({"pk": pk, "kind": _SHEET_KINDS.get(kind, kind),
                    "state": state, "state_label": _SHEET_STATES.get(state, state),
                    "entry_deadline": deadline, "code": code, "discipline": name or name_ru,
                    "period": period})
    return out


_SHEET_LINE_COLUMNS: tuple[Column, ...] = (
    ("e", GradeEntry, "student"), ("e", GradeEntry, "score"), ("e", GradeEntry, "absent"),
    ("e", GradeEntry, "absence_share"), ("g", AcademicGroup, "name"),
    *(("st", Student, name) for name in Student.NAME_FIELDS))


@functools.cache
def _sheet_lines_sql() -> str:
    return (
        f"SELECT {select_list(_SHEET_LINE_COLUMNS)} FROM {GradeEntry._meta.db_table} e"  # noqa: S608 (constants only)
        f" JOIN {Student._meta.db_table} st ON st.id = e.student_id"
        f" LEFT JOIN {AcademicGroup._meta.db_table} g ON g.id = st.group_id"
        " WHERE e.sheet_id = %s ORDER BY st.last_name_ru, st.first_name_ru")


def sheet_entry_rows(sheet: GradeSheet) -> list[dict[str, Any]]:
    """The lines of a grade sheet as its page shows them, ordered by the student's name
    (`sheet.entries` ordered so, with the student and their group): one plain statement.
    `number` (from 1) and `key` (the student's id, which names the line's inputs, six times
    a line) are digits made text once: the template would localize and escape an int each
    time it shows one."""
    language = get_language()
    names = Student.NAME_FIELDS
    return [{"number": mark_safe(str(number)), "key": mark_safe(str(student_id)),  # noqa: S308 (digits)
             "student_id": student_id,
             "score": score, "absent": absent, "absence_share": absence_share,
             "group": group or "",
             "full_name": Student.name_in(dict(zip(names, name_values, strict=True)), language)}
            for number, (student_id, score, absent, absence_share, group, *name_values) in
            enumerate(fetch(_sheet_lines_sql(), [sheet.pk], _SHEET_LINE_COLUMNS), start=1)]


# --- Final statement ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FinalRow:
    """A line of the final statement. Before the exam statement is locked only R1, R2 (and AR
    when both are entered) are known; `result` is then None."""

    student: Student
    r1: Decimal | None
    r2: Decimal | None
    admission_rating: Decimal | None
    admitted: bool | None
    not_admitted_reason: str
    exam: Decimal | None
    exam_absent: bool
    cheating: bool
    resit: bool
    final_score: Decimal | None
    letter: str
    points: Decimal | None
    traditional: str
    passed: bool | None
    result: FinalResult | None


def _student_order(student: Student) -> tuple[str, str, str]:
    return (student.last_name_ru, student.first_name_ru, student.patronymic_ru)


def final_statement(section: Section) -> list[FinalRow]:
    """One row per student on the section's sheets, ordered by name."""
    entries: dict[int, dict[str, GradeEntry]] = defaultdict(dict)
    students: dict[int, Student] = {}
    for entry in GradeEntry.objects.filter(sheet__section=section).select_related(
            "sheet", "student__group"):
        entries[entry.student_id][entry.sheet.kind] = entry
        students[entry.student_id] = entry.student
    results = {r.student_id: r for r in FinalResult.objects.filter(section=section)}
    rows = []
    for student_id, student in students.items():
        kinds = entries[student_id]
        result = results.get(student_id)
        exam_entry = (kinds.get(SheetKind.RESIT) if result is not None and result.resit
                      else kinds.get(SheetKind.EXAM))
        absent = bool(exam_entry and exam_entry.absent)
        cheating = bool(exam_entry and exam_entry.cheating)
        if result is not None:
            rows.append(FinalRow(
                student=student, r1=result.r1, r2=result.r2,
                admission_rating=result.admission_rating, admitted=result.admitted,
                not_admitted_reason=result.not_admitted_reason, exam=result.exam,
                exam_absent=absent, cheating=cheating, resit=result.resit,
                final_score=result.final_score, letter=result.letter, points=result.points,
                traditional=result.traditional, passed=result.passed, result=result))
            continue
        r1_entry, r2_entry = kinds.get(SheetKind.RATING_1), kinds.get(SheetKind.RATING_2)
        r1 = r1_entry.score if r1_entry else None
        r2 = r2_entry.score if r2_entry else None
        ar = (grading.display(grading.admission_rating(r1, r2))
              if r1 is not None and r2 is not None else None)
        exam = exam_entry.score if exam_entry is not None and not absent else None
        rows.append(FinalRow(
            student=student, r1=r1, r2=r2, admission_rating=ar, admitted=None,
            not_admitted_reason="", exam=exam, exam_absent=absent, cheating=cheating,
            resit=False, final_score=None, letter="", points=None, traditional="",
            passed=None, result=None))
    rows.sort(key=lambda r: _student_order(r.student))
    return rows


# --- Group summary statement --------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SummaryCell:
    letter: str
    final_score: Decimal | None  # None when the student was not admitted to the exam
    points: Decimal
    traditional: str
    passed: bool


@dataclasses.dataclass(frozen=True)
class SummaryRow:
    student: Student
    cells: list[SummaryCell | None]  # aligned with GroupSummary.disciplines
    fails: int  # failing results (F, FX)
    assessed: bool  # has at least one result in the term
    without_fail: bool
    quality: bool  # every result "excellent" or "good"


@dataclasses.dataclass(frozen=True)
class GroupSummary:
    group: AcademicGroup
    period: AcademicPeriod
    disciplines: list[Discipline]
    rows: list[SummaryRow]
    assessed: int
    without_fail: int
    quality: int
    absolute_performance: Decimal | None  # %, one decimal, half-up
    quality_performance: Decimal | None
    pending_sections: list[Section]  # sections of the term whose exam statement is not locked


def group_summary(group: AcademicGroup, period: AcademicPeriod) -> GroupSummary:
    """The summary statement of a group after the session (§6, §12): one row per student of
    the group (studying now, or with a result in the term), one column per discipline in
    which a student of the group is graded in the term (on a sheet or with a final result),
    ordered by code; `pending_sections` lists the sections whose exam statement is not locked
    yet (the summary is then not final). See the module docstring for the two percentages."""
    results = list(FinalResult.objects.filter(
        section__period=period, student__group=group).select_related("section__discipline"))
    with_results = {r.student_id for r in results}
    students = sorted(Student.objects.filter(group=group).filter(
        Q(status=StudentStatus.ACTIVE) | Q(pk__in=with_results)), key=_student_order)
    sections = list(Section.objects.filter(
        period=period, grade_sheets__entries__student__group=group,
    ).distinct().select_related("discipline").prefetch_related("grade_sheets"))
    pending = sorted((s for s in sections if not any(
        sh.kind == SheetKind.EXAM and sh.state == SheetState.LOCKED
        for sh in s.grade_sheets.all())), key=lambda s: s.code)
    disciplines = sorted({r.section.discipline for r in results}
                         | {s.discipline for s in sections}, key=lambda d: d.code)
    column = {d.pk: i for i, d in enumerate(disciplines)}
    by_student: dict[int, list[FinalResult]] = defaultdict(list)
    for result in results:
        by_student[result.student_id].append(result)

    rows = []
    for student in students:
        cells: list[SummaryCell | None] = [None] * len(disciplines)
        mine = sorted(by_student.get(student.pk, []), key=lambda r: r.computed_at)
        for result in mine:  # the latest result wins if a discipline appears twice
            cells[column[result.section.discipline_id]] = SummaryCell(
                result.letter, result.final_score, result.points, result.traditional,
                result.passed)
        present = [c for c in cells if c is not None]
        fails = sum(1 for c in present if not c.passed)
        rows.append(SummaryRow(
            student=student, cells=cells, fails=fails, assessed=bool(present),
            without_fail=bool(present) and fails == 0,
            quality=bool(present) and all(c.traditional in QUALITY_GRADES for c in present)))
    assessed = sum(1 for r in rows if r.assessed)
    without_fail = sum(1 for r in rows if r.without_fail)
    quality = sum(1 for r in rows if r.quality)
    return GroupSummary(
        group=group, period=period, disciplines=disciplines, rows=rows, assessed=assessed,
        without_fail=without_fail, quality=quality,
        absolute_performance=percent(without_fail, assessed),
        quality_performance=percent(quality, assessed), pending_sections=pending)


# --- Grade changes ------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ChangeRow:
    change: GradeChange
    student: Student
    discipline: Discipline
    sheet: GradeSheet
    old_score: Decimal | None
    old_absent: bool
    new_score: Decimal | None
    new_absent: bool
    kind: str  # ChangeKind value; change.get_kind_display() for the label
    minutes_number: str
    reason: str
    changed_by: Any
    changed_by_name: str
    changed_at: dt.datetime


def _user_name(user: Any) -> str:
    try:
        return user.staff.full_name
    except ObjectDoesNotExist:  # an account without a staff record
        return user.get_full_name() or user.get_username()


def grade_changes(period: AcademicPeriod) -> list[ChangeRow]:
    """Every change to a locked (or reopened) grade in the term's sections, oldest first:
    appeal decisions, registrar corrections and entries made during a reopening."""
    changes = GradeChange.objects.filter(entry__sheet__section__period=period).select_related(
        "entry__student", "entry__sheet__section__discipline", "changed_by__staff",
    ).order_by("changed_at", "id")
    return [ChangeRow(
        change=c, student=c.entry.student, discipline=c.entry.sheet.section.discipline,
        sheet=c.entry.sheet, old_score=c.old_score, old_absent=c.old_absent,
        new_score=c.new_score, new_absent=c.new_absent, kind=c.kind,
        minutes_number=c.minutes_number, reason=c.reason, changed_by=c.changed_by,
        changed_by_name=_user_name(c.changed_by), changed_at=c.changed_at,
    ) for c in changes]
