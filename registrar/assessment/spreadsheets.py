"""Scores by spreadsheet (§6): the teacher downloads a sheet's template, fills it and uploads it.

The upload is all or nothing: every row is checked, every error is collected with its
spreadsheet row and column, and scores are entered (through `services.enter_scores`, which
checks the permission and the entry window again) only when the whole file is clean.

File format
-----------
XLSX (the first worksheet) or CSV (UTF-8, with or without a BOM, ``,`` or ``;`` as delimiter).
The first row is the header; names are case-insensitive; columns may come in any order;
columns that do not apply to the statement are ignored. The template has a second worksheet
``info`` naming the statement; a workbook made for another statement is refused.

=================  ===============  ===========================================================
column             statements       value
=================  ===============  ===========================================================
``iin``            all (required)   the student's IIN; the student must be on this statement
``student``        all              the name, for the reader only (ignored)
``part_1``, …      R1, R2           scores of current work and the midterm, 0–100 each; the
                                    rating score is their mean
``score``          all              the rating (R1, R2) or exam score, 0–100, at most two
                                    decimals (point or comma); with parts leave it empty (or
                                    give exactly their mean rounded half-up to 2 decimals)
``absence_share``  R2               unexcused absence: a share 0–1 (``0.15``) or ``15%``
``absent``         exam, resit      the student did not appear: yes/no, 1/0, да/нет, иә/жоқ,
                                    true/false; an absent student has no score
``cheating``       exam, resit      cheating (F), same values; when the column is missing the
                                    recorded value is kept
=================  ===============  ===========================================================

A row that gives nothing to enter (no score, no parts, not absent, no absence share) leaves the
student's entry as it is. Spreadsheets drop the leading zero of a number: an ``iin`` of exactly
11 digits is left-padded with one zero. Row numbers are spreadsheet rows: the header is row 1,
the first data row is row 2; row 0 means the file as a whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from registrar.people.imports import ImportFailed, RowError
from registrar.people.models import Student
from registrar.policy import grading
from registrar.policy.selectors import policy_for_year

from .models import GradeEntry, GradeSheet, SheetKind, SheetState
from .services import GradingRefused, enter_scores, parse_score

IIN, STUDENT, SCORE, ABSENT, CHEATING, ABSENCE = (
    "iin", "student", "score", "absent", "cheating", "absence_share")
PART = re.compile(r"part_(\d+)")
INFO_SHEET = "info"
MIN_PART_COLUMNS = 3
MAX_ROWS = 5000

YES = frozenset({"yes", "y", "1", "true", "да", "иә"})
NO = frozenset({"no", "n", "0", "false", "нет", "жоқ", ""})
SHARE_PLACES = Decimal("0.001")


def _fail(message: str, row: int = 0, column: str = "") -> ImportFailed:
    return ImportFailed([RowError(row, column, message)])


def _is_exam(sheet: GradeSheet) -> bool:
    return sheet.kind in (SheetKind.EXAM, SheetKind.RESIT)


# --- The template ---------------------------------------------------------------------------

def _admissions(sheet: GradeSheet) -> dict[int, bool | None]:
    """Per student of an exam statement: admitted (True/False), or None while the rating
    statements are not both locked (enter_scores then refuses exam scores)."""
    if sheet.kind != SheetKind.EXAM:
        return {}
    policy = policy_for_year(sheet.section.period.year.start_year)
    ratings: dict[int, dict[str, GradeEntry]] = {}
    for entry in GradeEntry.objects.filter(
            sheet__section_id=sheet.section_id,
            sheet__kind__in=[SheetKind.RATING_1, SheetKind.RATING_2]).select_related("sheet"):
        ratings.setdefault(entry.student_id, {})[entry.sheet.kind] = entry
    result: dict[int, bool | None] = {}
    for student_id in sheet.entries.values_list("student_id", flat=True):
        r1 = ratings.get(student_id, {}).get(SheetKind.RATING_1)
        r2 = ratings.get(student_id, {}).get(SheetKind.RATING_2)
        if r1 is None or r2 is None or r1.sheet.state != SheetState.LOCKED or (
                r2.sheet.state != SheetState.LOCKED):
            result[student_id] = None
            continue
        result[student_id] = grading.admission(
            r1.score or grading.ZERO, r2.score or grading.ZERO, policy,
            r2.absence_share or grading.ZERO).admitted
    return result


def _number_cell(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def sheet_template_xlsx(sheet: GradeSheet) -> bytes:
    """The workbook a teacher fills: one row per student of the statement with the scores
    entered so far (labels in the active language, column names fixed)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = GradeSheet.objects.select_related(
        "section__discipline", "section__period__year").get(pk=sheet.pk)
    entries = list(sheet.entries.select_related("student"))
    exam = _is_exam(sheet)
    rating = not exam
    parts_count = max([MIN_PART_COLUMNS, *(len(e.parts) for e in entries)]) if rating else 0
    admissions = _admissions(sheet)

    header = [IIN, STUDENT]
    header += [f"part_{i}" for i in range(1, parts_count + 1)]
    header.append(SCORE)
    if sheet.kind == SheetKind.RATING_2:
        header.append(ABSENCE)
    if exam:
        header += [ABSENT, CHEATING, "note"]

    book = Workbook()
    scores = book.active
    assert scores is not None
    scores.title = "scores"
    scores.append(header)
    for cell in scores[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F1F1F1")
    for entry in entries:
        row: list[Any] = [entry.student.iin, entry.student.full_name]
        if rating:
            parts = [Decimal(p) for p in entry.parts]
            row += [_number_cell(p) for p in parts]
            row += [None] * (parts_count - len(parts))
            row.append(None if parts else _number_cell(entry.score))
        else:
            row.append(None if entry.absent else _number_cell(entry.score))
        if sheet.kind == SheetKind.RATING_2:
            row.append(_number_cell(entry.absence_share))
        if exam:
            note = ""
            if admissions.get(entry.student_id) is False:
                note = _("not admitted")
            row += ["yes" if entry.absent else "no", "yes" if entry.cheating else "no", note]
        scores.append(row)
    for cells in scores.iter_rows(min_row=2, max_col=1):
        cells[0].number_format = "@"  # keep the IIN's leading zero
    widths = {IIN: 15, STUDENT: 36, SCORE: 9, ABSENCE: 15, ABSENT: 9, CHEATING: 10,
              "note": 18}
    for index, name in enumerate(header, start=1):
        letter = scores.cell(row=1, column=index).column_letter
        scores.column_dimensions[letter].width = widths.get(name, 9)
    if exam and entries:
        flags = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
        scores.add_data_validation(flags)
        for name in (ABSENT, CHEATING):
            letter = scores.cell(row=1, column=header.index(name) + 1).column_letter
            flags.add(f"{letter}2:{letter}{len(entries) + 1}")
    scores.freeze_panes = "C2"

    info = book.create_sheet(INFO_SHEET)
    section = sheet.section
    for key, value in (
        ("sheet_id", sheet.pk),
        (_("Statement"), sheet.get_kind_display()),
        (_("Discipline"), f"{section.discipline.code} {section.discipline.name}"),
        (_("Section"), section.code),
        (_("Term"), str(section.period)),
        (_("Entry deadline"), timezone.localtime(sheet.entry_deadline).strftime(
            "%d.%m.%Y %H:%M")),
        (_("How to fill"), _help_text(sheet)),
    ):
        info.append([key, value])
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 100

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _help_text(sheet: GradeSheet) -> str:
    if _is_exam(sheet):
        return _("Enter the exam score 0–100 (at most two decimals) in the column “score”; "
                 "for a student who did not appear write “yes” in “absent” and leave the score "
                 "empty. Do not change the IINs.")
    return _("Enter the scores of current work and the midterm in the columns part_1, part_2, "
             "… (the rating is their mean), or only the rating in the column “score”. Do not "
             "change the IINs.")


# --- Reading an upload ----------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(file_name: str, content: bytes) -> tuple[list[list[str]], str | None]:
    """The first worksheet (or the CSV) as text cells, and the statement id of the workbook's
    ``info`` worksheet if it has one."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _fail(_("The CSV file is not in UTF-8 encoding.")) from None
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        try:
            return [[c.strip() for c in r] for r in csv.reader(
                io.StringIO(text, newline=""), delimiter=delimiter)], None
        except csv.Error as exc:
            raise _fail(_("The CSV file cannot be read: %(reason)s") % {"reason": exc}) from None
    if extension != "xlsx":
        raise _fail(_("Unsupported file type “%(name)s”: upload a .csv or .xlsx file.")
                    % {"name": file_name[:60]})
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, KeyError) for a broken file
        raise _fail(_("The file is not a valid XLSX workbook.")) from None
    try:
        rows = []
        for values in book.worksheets[0].iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        sheet_id = None
        if INFO_SHEET in book.sheetnames:
            for pair in book[INFO_SHEET].iter_rows(max_col=2, values_only=True):
                if len(pair) == 2 and pair[0] == "sheet_id":
                    sheet_id = _cell_text(pair[1])
        return rows, sheet_id
    except Exception:
        raise _fail(_("The file is not a valid XLSX workbook.")) from None
    finally:
        book.close()


def _flag(value: str) -> bool | None:
    folded = value.strip().casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def _share(value: str) -> Decimal:
    """A share of classes 0–1 from ``0.15``, ``0,15`` or ``15%``."""
    text = value.strip().replace(",", ".").replace(" ", "")
    percent = text.endswith("%")
    share = Decimal(text.rstrip("%"))
    if percent:
        share /= 100
    if not share.is_finite() or not 0 <= share <= 1:
        raise ValueError
    if share != share.quantize(SHARE_PLACES):
        raise ValueError
    return share


def read_sheet_upload(sheet: GradeSheet, file_name: str, content: bytes) -> list[dict[str, Any]]:
    """The rows for `services.enter_scores` from an uploaded XLSX or CSV file; raises
    ImportFailed with every error (row, column, reason) when any row is wrong."""
    sheet = GradeSheet.objects.select_related("section__period__year").get(pk=sheet.pk)
    table, workbook_sheet = _table(file_name, content)
    if workbook_sheet not in (None, "", str(sheet.pk)):
        raise _fail(_("This workbook was made for another statement; download the template of "
                      "this statement and fill it in."))
    if not table or not any(table[0]):
        raise _fail(_("The file is empty: the first row must be the header."), row=1)
    if len(table) > MAX_ROWS + 1:
        raise _fail(_("The file has more than %(limit)d rows.") % {"limit": MAX_ROWS})
    header = [h.strip().lower() for h in table[0]]
    exam = _is_exam(sheet)
    parts = sorted(((int(m.group(1)), i) for i, h in enumerate(header)
                    if (m := PART.fullmatch(h))), key=lambda p: p[0]) if not exam else []
    errors: list[RowError] = []
    if IIN not in header:
        errors.append(RowError(1, IIN, _("The required column “%(column)s” is missing from the "
                                         "header.") % {"column": IIN}))
    if SCORE not in header and not parts and not (exam and ABSENT in header):
        errors.append(RowError(1, SCORE, _("The required column “%(column)s” is missing from "
                                           "the header.") % {"column": SCORE}))
    if errors:
        raise ImportFailed(errors)
    col = {name: header.index(name) for name in (IIN, SCORE, ABSENT, CHEATING, ABSENCE)
           if name in header}
    use_absence = sheet.kind == SheetKind.RATING_2 and ABSENCE in col

    entries = {e.student.iin: e for e in sheet.entries.select_related("student")}
    admissions = _admissions(sheet)
    texts = [list(r) for r in table[1:]]
    for cells in texts:
        if col[IIN] < len(cells):
            iin = cells[col[IIN]]
            if len(iin) == 11 and iin.isdigit():
                cells[col[IIN]] = iin.zfill(12)
    unknown = {cells[col[IIN]] for cells in texts if col[IIN] < len(cells)} - set(entries)
    # an IIN is 12 ASCII digits; anything else (e.g. a NUL, which PostgreSQL refuses in a
    # query) is no student's
    elsewhere = set(Student.objects.filter(iin__in=sorted(
        i for i in unknown if i.isascii() and i.isdigit() and len(i) == 12))
                    .values_list("iin", flat=True))

    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, cells in enumerate(texts):
        number = index + 2

        def value(name: str, cells: list[str] = cells) -> str:
            i = col.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        def error(column: str, message: str, number: int = number) -> None:
            errors.append(RowError(number, column, message))

        if not any(c.strip() for c in cells):
            continue
        before = len(errors)
        iin = value(IIN)
        entry = entries.get(iin)
        if not iin:
            error(IIN, _("%(column)s: a value is required.") % {"column": IIN})
        elif entry is None:
            error(IIN, (_("IIN %(iin)s: the student is not on this statement.")
                        if iin in elsewhere else
                        _("IIN %(iin)s: there is no student with this IIN."))
                  % {"iin": iin[:20]})
        elif iin in seen:
            error(IIN, _("IIN: %(iin)s is repeated; it is already in row %(row)d.")
                  % {"iin": iin, "row": seen[iin]})
        else:
            seen[iin] = number

        score = None
        if value(SCORE):
            try:
                score = parse_score(value(SCORE))
            except GradingRefused as refused:
                error(SCORE, refused.message)
        part_values = []
        for part_number, i in parts:
            name = f"part_{part_number}"
            text = cells[i].strip() if i < len(cells) else ""
            if not text:
                continue
            try:
                part_values.append(parse_score(text, name))
            except GradingRefused as refused:
                error(name, refused.message)
        if part_values and score is not None and len(errors) == before:
            mean = grading.display(grading.rating(part_values))
            if score != mean:
                error(SCORE, _("The score %(score)s is not the mean of the current scores "
                               "(%(mean)s); leave the score empty or correct it.")
                      % {"score": score, "mean": mean})

        absent = cheating = False
        if exam:
            flag = _flag(value(ABSENT))
            if flag is None:
                error(ABSENT, _("“%(value)s” is not one of yes/no, 1/0, да/нет, иә/жоқ.")
                      % {"value": value(ABSENT)[:40]})
            absent = bool(flag)
            if absent and score is not None:
                error(SCORE, _("A student who did not appear has no score; clear the score "
                               "or the absent mark."))
            if CHEATING in col:
                flag = _flag(value(CHEATING))
                if flag is None:
                    error(CHEATING, _("“%(value)s” is not one of yes/no, 1/0, да/нет, иә/жоқ.")
                          % {"value": value(CHEATING)[:40]})
                cheating = bool(flag)
            elif entry is not None:
                cheating = entry.cheating

        share = None
        if use_absence and value(ABSENCE):
            try:
                share = _share(value(ABSENCE))
            except (InvalidOperation, ValueError):
                error(ABSENCE, _("“%(value)s” is not a share between 0 and 1 (e.g. 0.15) or a "
                                 "percentage (15%%).") % {"value": value(ABSENCE)[:40]})

        if len(errors) > before or entry is None:
            continue
        if score is None and not part_values and not absent and share is None and (
                not exam or cheating == entry.cheating):
            continue  # nothing to enter: the entry stays as it is
        if sheet.kind == SheetKind.EXAM and not absent:
            admitted = admissions.get(entry.student_id)
            if admitted is None:
                error(SCORE, _("The rating statements are not both submitted yet; exam "
                               "scores cannot be entered."))
                continue
            if not admitted:
                error(SCORE, _("The student is not admitted to the exam."))
                continue
        row: dict[str, Any] = {"student_id": entry.student_id, "score": score,
                               "absent": absent}
        if part_values:
            row["parts"] = [str(p) for p in part_values]
        if share is not None:
            row["absence_share"] = share
        if exam:
            row["cheating"] = cheating
        rows.append(row)
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise _fail(_("The file has no scores to enter."))
    return rows


def upload_scores(sheet: GradeSheet, file_name: str, content: bytes, by: Any, *,
                  now: dt.datetime | None = None) -> list[GradeEntry]:
    """Read the file and enter its scores, all or nothing. Raises PermissionDenied,
    ImportFailed (errors in the file) or GradingRefused (e.g. the entry window is closed)."""
    if not by.has_perm("assessment.enter_grades", sheet):
        raise PermissionDenied(_("You do not have permission to do this."))
    rows = read_sheet_upload(sheet, file_name, content)
    return enter_scores(sheet, rows, by=by, now=now)
