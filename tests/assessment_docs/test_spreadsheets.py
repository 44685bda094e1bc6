"""Scores by spreadsheet (§6): the template of a sheet, its round trip, and all-or-nothing
uploads that name the row and column of every error."""

from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from registrar.assessment import services, spreadsheets
from registrar.assessment.models import GradeEntry, SheetKind
from registrar.assessment.services import GradingRefused
from registrar.people.imports import ImportFailed
from registrar.registration.models import Registration
from tests import factories

from .conftest import AFTER_EXAM, AFTER_EXAM_WINDOW, IN_R1, IN_R2

pytestmark = pytest.mark.django_db


def workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def table(content: bytes) -> list[list]:
    return [list(r) for r in workbook(content)["scores"].iter_rows(values_only=True)]


def fill(content: bytes, values: dict[str, dict[str, object]]) -> bytes:
    """The template with cells set: {iin: {column: value}}."""
    book = workbook(content)
    sheet = book["scores"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for column, value in values.get(str(row[0].value), {}).items():
            row[header.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def scores_of(sheet) -> dict[int, D | None]:
    return dict(GradeEntry.objects.filter(sheet=sheet).values_list("student_id", "score"))


def errors_of(excinfo) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in excinfo.value.errors]


# --- Templates ----------------------------------------------------------------------------

def test_rating_1_template_lists_the_students_and_current_scores(world, sheets):
    a, b, c = world.students
    r1 = sheets[SheetKind.RATING_1]
    services.enter_scores(r1, [{"student_id": a.pk, "parts": ["70", "80"]},
                               {"student_id": b.pk, "score": "66.5"}],
                          by=world.teacher, now=IN_R1)
    rows = table(spreadsheets.sheet_template_xlsx(r1))
    assert rows[0] == ["iin", "student", "part_1", "part_2", "part_3", "score"]
    by_iin = {r[0]: r for r in rows[1:]}
    assert set(by_iin) == {a.iin, b.iin, c.iin}
    assert by_iin[a.iin][2:] == [70, 80, None, None]  # parts given: the score is left empty
    assert by_iin[b.iin][2:] == [None, None, None, 66.5]
    assert by_iin[c.iin][2:] == [None, None, None, None]
    assert by_iin[a.iin][1] == a.full_name
    info = {r[0]: r[1] for r in workbook(spreadsheets.sheet_template_xlsx(r1))["info"]
            .iter_rows(values_only=True)}
    assert info["sheet_id"] == r1.pk and "MAT1101" in info["Discipline"]


def test_rating_2_and_exam_templates_have_their_own_columns(world, sheets):
    r2 = table(spreadsheets.sheet_template_xlsx(sheets[SheetKind.RATING_2]))
    assert r2[0][-2:] == ["score", "absence_share"]
    exam = table(spreadsheets.sheet_template_xlsx(sheets[SheetKind.EXAM]))
    assert exam[0] == ["iin", "student", "score", "absent", "cheating", "note"]
    assert {r[3] for r in exam[1:]} == {"no"}


# --- Round trips --------------------------------------------------------------------------

def test_rating_1_round_trip(world, sheets):
    a, b, c = world.students
    r1 = sheets[SheetKind.RATING_1]
    filled = fill(spreadsheets.sheet_template_xlsx(r1), {
        a.iin: {"part_1": 90, "part_2": 80, "part_3": 85},
        b.iin: {"score": 72.5},
        c.iin: {"score": "64,25"},
    })
    entered = spreadsheets.upload_scores(r1, "r1.xlsx", filled, by=world.teacher, now=IN_R1)
    assert len(entered) == 3
    assert scores_of(r1) == {a.pk: D("85.00"), b.pk: D("72.50"), c.pk: D("64.25")}
    assert GradeEntry.objects.get(sheet=r1, student=a).parts == ["90", "80", "85"]
    # and downloaded again, the template shows what was entered
    rows = {r[0]: r for r in table(spreadsheets.sheet_template_xlsx(r1))[1:]}
    assert rows[a.iin][2:5] == [90, 80, 85] and rows[c.iin][-1] == 64.25


def test_rating_2_round_trip_with_absence_share(world, sheets):
    a, b, c = world.students
    r2 = sheets[SheetKind.RATING_2]
    filled = fill(spreadsheets.sheet_template_xlsx(r2), {
        a.iin: {"score": 91, "absence_share": 0.05},
        b.iin: {"score": 60, "absence_share": "15%"},
        c.iin: {"score": 58},
    })
    spreadsheets.upload_scores(r2, "r2.xlsx", filled, by=world.teacher, now=IN_R2)
    shares = dict(GradeEntry.objects.filter(sheet=r2).values_list("student_id", "absence_share"))
    assert shares == {a.pk: D("0.050"), b.pk: D("0.150"), c.pk: None}
    assert scores_of(r2)[b.pk] == D("60")


def _lock_ratings(world, sheets, scores=("80", "75", "40")):
    for kind, now in ((SheetKind.RATING_1, IN_R1), (SheetKind.RATING_2, IN_R2)):
        services.enter_scores(sheets[kind], [{"student_id": s.pk, "score": v}
                                             for s, v in zip(world.students, scores,
                                                             strict=True)],
                              by=world.teacher, now=now)
        services.submit_sheet(sheets[kind], by=world.teacher, now=now)


def test_exam_round_trip_with_an_absent_student(world, sheets):
    a, b, c = world.students
    _lock_ratings(world, sheets)  # c has 40: not admitted
    exam = sheets[SheetKind.EXAM]
    template = spreadsheets.sheet_template_xlsx(exam)
    notes = {r[0]: r[5] for r in table(template)[1:]}
    assert notes[c.iin] == "not admitted" and notes[a.iin] in ("", None)
    filled = fill(template, {a.iin: {"score": 94}, b.iin: {"absent": "да"}})
    spreadsheets.upload_scores(exam, "exam.xlsx", filled, by=world.teacher, now=AFTER_EXAM)
    entries = {e.student_id: e for e in GradeEntry.objects.filter(sheet=exam)}
    assert entries[a.pk].score == D("94") and not entries[a.pk].absent
    assert entries[b.pk].absent and entries[b.pk].score == D("0")
    assert entries[c.pk].score is None
    services.submit_sheet(exam, by=world.teacher, now=AFTER_EXAM)


def test_exam_score_of_a_student_not_admitted_is_refused(world, sheets):
    _lock_ratings(world, sheets)
    a, _b, c = world.students
    exam = sheets[SheetKind.EXAM]
    filled = fill(spreadsheets.sheet_template_xlsx(exam), {a.iin: {"score": 90},
                                                           c.iin: {"score": 70}})
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.upload_scores(exam, "exam.xlsx", filled, by=world.teacher, now=AFTER_EXAM)
    assert errors_of(excinfo) == [(4, "score")]
    assert "not admitted" in str(excinfo.value)
    assert set(scores_of(exam).values()) == {None}


def test_csv_upload_with_semicolons_and_decimal_commas(world, sheets):
    a, b, _c = world.students
    r1 = sheets[SheetKind.RATING_1]
    content = f"IIN;Student;Score\n{a.iin};x;88,5\n{b.iin};y;90\n".encode("utf-8-sig")
    spreadsheets.upload_scores(r1, "scores.csv", content, by=world.teacher, now=IN_R1)
    assert scores_of(r1)[a.pk] == D("88.50") and scores_of(r1)[b.pk] == D("90")


def test_iin_typed_as_a_number_loses_its_leading_zero_and_is_padded(world, sheets):
    a = world.students[0]
    assert a.iin.startswith("0")  # born in 2005
    r1 = sheets[SheetKind.RATING_1]
    content = make_xlsx([["iin", "score"], [int(a.iin), 77]])
    spreadsheets.upload_scores(r1, "r1.xlsx", content, by=world.teacher, now=IN_R1)
    assert scores_of(r1)[a.pk] == D("77")


# --- All or nothing -----------------------------------------------------------------------

def test_one_bad_score_enters_nothing_and_names_row_and_column(world, sheets):
    a, b, c = world.students
    r1 = sheets[SheetKind.RATING_1]
    content = make_xlsx([["iin", "student", "score"], [a.iin, "", 80], [b.iin, "", 120],
                         [c.iin, "", 70]])
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.upload_scores(r1, "r1.xlsx", content, by=world.teacher, now=IN_R1)
    assert errors_of(excinfo) == [(3, "score")]
    assert "row 3, column score" in str(excinfo.value)
    assert "between 0 and 100" in excinfo.value.errors[0].message
    assert set(scores_of(r1).values()) == {None}


def test_every_error_is_collected(world, sheets):
    a, b, c = world.students
    r1 = sheets[SheetKind.RATING_1]
    content = make_xlsx([
        ["iin", "score", "part_1", "part_2"],
        [a.iin, "abc", None, None],
        [b.iin, 85.555, None, None],
        [c.iin, None, 101, 50],
        ["", 50, None, None],
        [a.iin, 60, None, None],
    ])
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.read_sheet_upload(r1, "r1.xlsx", content)
    assert errors_of(excinfo) == [(2, "score"), (3, "score"), (4, "part_1"), (5, "iin"),
                                  (6, "iin")]
    messages = [e.message for e in excinfo.value.errors]
    assert "not a number" in messages[0] and "two decimals" in messages[1]
    assert "repeated" in messages[4]


def test_parts_and_a_different_score_conflict(world, sheets):
    a = world.students[0]
    content = make_xlsx([["iin", "part_1", "part_2", "score"], [a.iin, 80, 90, 80]])
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.read_sheet_upload(sheets[SheetKind.RATING_1], "r1.xlsx", content)
    assert errors_of(excinfo) == [(2, "score")]
    ok = make_xlsx([["iin", "part_1", "part_2", "score"], [a.iin, 80, 90, 85]])
    rows = spreadsheets.read_sheet_upload(sheets[SheetKind.RATING_1], "r1.xlsx", ok)
    assert rows[0]["parts"] == ["80", "90"]


def test_student_not_on_the_sheet_and_unknown_iin_are_refused(world, sheets):
    a = world.students[0]
    stranger = factories.student(world.programme)  # exists, but not in the section
    assert not Registration.objects.filter(student=stranger).exists()
    unknown = factories.valid_iin()
    r1 = sheets[SheetKind.RATING_1]
    content = make_xlsx([["iin", "score"], [a.iin, 80], [stranger.iin, 70], [unknown, 60]])
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.upload_scores(r1, "r1.xlsx", content, by=world.teacher, now=IN_R1)
    assert errors_of(excinfo) == [(3, "iin"), (4, "iin")]
    assert "not on this statement" in excinfo.value.errors[0].message
    assert "no student" in excinfo.value.errors[1].message
    assert set(scores_of(r1).values()) == {None}


def test_absent_flag_must_be_yes_or_no(world, sheets):
    _lock_ratings(world, sheets, scores=("80", "75", "70"))
    a, b, c = world.students
    exam = sheets[SheetKind.EXAM]
    content = make_xlsx([["iin", "score", "absent"], [a.iin, 90, "maybe"], [b.iin, None, "иә"],
                         [c.iin, 55, "yes"]])
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.upload_scores(exam, "exam.xlsx", content, by=world.teacher,
                                   now=AFTER_EXAM)
    assert errors_of(excinfo) == [(2, "absent"), (4, "score")]
    assert "did not appear has no score" in excinfo.value.errors[1].message


def test_file_level_problems(world, sheets):
    r1, r2 = sheets[SheetKind.RATING_1], sheets[SheetKind.RATING_2]
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.read_sheet_upload(r1, "scores.ods", b"whatever")
    assert errors_of(excinfo) == [(0, "")]
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.read_sheet_upload(r1, "scores.xlsx", b"not a zip")
    assert "not a valid XLSX" in str(excinfo.value)
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.read_sheet_upload(r1, "scores.csv", b"student;note\nx;y\n")
    assert errors_of(excinfo) == [(1, "iin"), (1, "score")]
    # the R1 template uploaded to the R2 statement
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.read_sheet_upload(r2, "r1.xlsx", fill(
            spreadsheets.sheet_template_xlsx(r1), {world.students[0].iin: {"score": 80}}))
    assert "another statement" in str(excinfo.value)
    # an untouched template has nothing to enter
    with pytest.raises(ImportFailed) as excinfo:
        spreadsheets.read_sheet_upload(r1, "r1.xlsx", spreadsheets.sheet_template_xlsx(r1))
    assert "no scores" in str(excinfo.value)


def test_only_the_teacher_uploads_and_only_inside_the_window(world, sheets):
    a = world.students[0]
    r1 = sheets[SheetKind.RATING_1]
    content = make_xlsx([["iin", "score"], [a.iin, 80]])
    with pytest.raises(PermissionDenied):
        spreadsheets.upload_scores(r1, "r1.xlsx", content, by=world.other_teacher, now=IN_R1)
    with pytest.raises(GradingRefused):
        spreadsheets.upload_scores(r1, "r1.xlsx", content, by=world.teacher, now=IN_R2)
    exam = sheets[SheetKind.EXAM]
    with pytest.raises(GradingRefused):
        spreadsheets.upload_scores(exam, "exam.csv", f"iin,absent\n{a.iin},yes\n".encode(),
                                   by=world.teacher, now=AFTER_EXAM_WINDOW)
    assert set(scores_of(r1).values()) == {None}
