"""Grade sheets (§6): read by the registrar, the section's teacher and the deans concerned (as
in the portal; any other sheet is not found), scores written by the sheet's teacher through
the assessment services; and a student's own scores as soon as they are entered.

Writing answers 422 naming the row and field at fault (``rows.2.score``) for a value that is
not a score, and 409 when the sheet does not take entries (locked, window closed).
"""


import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from registrar.assessment import selectors, services
from registrar.assessment.models import GradeEntry, GradeSheet, SheetKind, SheetState
from registrar.institution.models import AcademicPeriod
from registrar.people.models import Student
from registrar.people.roles import scope_of

from .common import Id, Pagination, PathId, answers, refusal

router = Router(tags=["grades"])

# A score: a number 0–100 with at most two decimals (documented as a number; a JSON string
# holding one is accepted too).
Score = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2),
                  WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100})]
Share = Annotated[Decimal, Field(ge=0, le=1, max_digits=4, decimal_places=3),
                  WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1})]
# Fields a refusal of the service may name that belong to one row of the request.
ROW_FIELDS = ("student_id", "score", "parts", "absent", "absence_share", "cheating")


class SheetOut(Schema):
    id: int
    section_id: int
    section_code: str = Field(alias="section.code")
    discipline_id: int = Field(alias="section.discipline_id")
    discipline_code: str = Field(alias="section.discipline.code")
    discipline_name: str = Field(alias="section.discipline.name")
    period_id: int = Field(alias="section.period_id")
    teacher_id: int | None = Field(alias="section.teacher_id")
    kind: SheetKind
    state: SheetState
    exam_at: dt.datetime | None
    entry_deadline: dt.datetime
    submitted_at: dt.datetime | None
    reopened_until: dt.datetime | None


class EntryOut(Schema):
    student_id: int
    student_name: str = Field(alias="student.full_name")
    score: Decimal | None
    parts: list[str]
    absent: bool
    absence_share: Decimal | None
    cheating: bool
    entered_at: dt.datetime | None


class SheetDetailOut(SheetOut):
    can_enter: bool = Field(description="Whether the caller may enter scores on it now.")
    entries: list[EntryOut]

    @staticmethod
    def resolve_can_enter(sheet: GradeSheet, context: dict[str, Any]) -> bool:
        return (sheet.state != SheetState.LOCKED
                and context["request"].user.has_perm("assessment.enter_grades", sheet))

    @staticmethod
    def resolve_entries(sheet: GradeSheet) -> Any:
        return (GradeEntry.objects.filter(sheet=sheet).select_related("student")
                .order_by("student__last_name_ru", "student__first_name_ru", "student_id"))


class SheetFilter(Schema):
    period_id: Id | None = None
    section_id: Id | None = None
    kind: SheetKind | None = None
    state: SheetState | None = None


class ScoreRowIn(Schema):
    """One student's values. A rating sheet takes `score` or `parts` (the current scores,
    averaged) and `absence_share`; an exam sheet takes `score`, `absent` and `cheating`."""

    student_id: Id
    score: Score | None = None
    parts: list[Score] | None = Field(None, max_length=20)
    absent: bool = False
    absence_share: Share | None = None
    cheating: bool = False


class ScoresIn(Schema):
    rows: list[ScoreRowIn] = Field(min_length=1, max_length=500)


class ScoresOut(Schema):
    changed: int
    sheet: SheetDetailOut


class ScoreCellOut(Schema):
    score: Decimal | None
    absent: bool
    locked: bool


class MyScoresOut(Schema):
    section_id: int = Field(alias="section.pk")
    section_code: str = Field(alias="section.code")
    discipline_code: str = Field(alias="discipline.code")
    discipline_name: str = Field(alias="discipline.name")
    credits: int = Field(alias="discipline.credits")
    period_id: int = Field(alias="period.pk")
    r1: ScoreCellOut | None
    r2: ScoreCellOut | None
    exam: ScoreCellOut | None
    resit: ScoreCellOut | None
    final_score: Decimal | None
    letter: str


class MyScoresFilter(Schema):
    period_id: Id | None = None


def _visible_sheet(request: HttpRequest, sheet_id: int) -> GradeSheet:
    return get_object_or_404(selectors.sheets_visible_to(request.user), pk=sheet_id)


@router.get("/sheets", response=answers(list[SheetOut]), summary="Grade sheets I may see")
@paginate(Pagination)
def list_sheets(request: HttpRequest, filters: Query[SheetFilter]) -> Any:
    sheets = selectors.sheets_visible_to(request.user)
    if filters.period_id is not None:
        sheets = sheets.filter(section__period_id=filters.period_id)
    if filters.section_id is not None:
        sheets = sheets.filter(section_id=filters.section_id)
    if filters.kind is not None:
        sheets = sheets.filter(kind=filters.kind)
    if filters.state is not None:
        sheets = sheets.filter(state=filters.state)
    return sheets.order_by("-section__period__starts_on", "section__code", "kind", "pk")


@router.get("/sheets/{sheet_id}", response=answers(SheetDetailOut),
            summary="One grade sheet with its entries")
def get_sheet(request: HttpRequest, sheet_id: PathId) -> Any:
    return _visible_sheet(request, sheet_id)


def _row_of(refused: services.GradingRefused, payload: ScoresIn,
            names: dict[int, str]) -> str:
    """The field a refusal names, as ``rows.<i>.<field>`` when it is about one row."""
    if refused.field not in ROW_FIELDS:
        return refused.field or "rows"
    for index, row in enumerate(payload.rows):
        if (refused.student and names.get(row.student_id) == refused.student) or (
                not refused.student and refused.field == "student_id"
                and row.student_id not in names):
            return f"rows.{index}.{refused.field}"
    return refused.field


@router.post("/sheets/{sheet_id}/scores", response=answers(ScoresOut, write=True),
             summary="Enter scores (the sheet's teacher)")
def enter_scores(request: HttpRequest, sheet_id: PathId, payload: ScoresIn) -> Any:
    """All rows or none: scores are entered together, or the answer says which row and
    field is at fault and nothing is saved."""
    sheet = _visible_sheet(request, sheet_id)
    if not request.user.has_perm("assessment.enter_grades", sheet):
        raise PermissionDenied
    names = {e.student_id: e.student.full_name
             for e in GradeEntry.objects.filter(sheet=sheet).select_related("student")}
    for index, row in enumerate(payload.rows):
        if row.student_id not in names:
            return Status(422, refusal(_("The scores were not saved."), [
                (f"rows.{index}.student_id", _("The student is not on this sheet."))]))
    rows = [row.model_dump(exclude_none=True) for row in payload.rows]
    try:
        changed = services.enter_scores(sheet, rows, by=request.user)
    except services.GradingRefused as refused:
        status = 409 if refused.field == "sheet" else 422
        return Status(status, refusal(_("The scores were not saved."), [
            (_row_of(refused, payload, names), refused.message)]))
    sheet.refresh_from_db()
    return Status(200, {"changed": len(changed), "sheet": sheet})


@router.get("/mine", response=answers(list[MyScoresOut]),
            summary="My scores, as soon as they are entered (a student)")
@paginate(Pagination)
def my_scores(request: HttpRequest, filters: Query[MyScoresFilter]) -> Any:
    student_id = scope_of(request.user).student_id
    if student_id is None:
        raise PermissionDenied
    student = Student.objects.get(pk=student_id)
    period = None
    if filters.period_id is not None:
        period = get_object_or_404(AcademicPeriod, pk=filters.period_id)
    return selectors.student_scores(student, period)
