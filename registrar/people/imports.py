"""Import of applicants from a CSV or XLSX file (§9: the student body starts from applicants).

The import is all or nothing: every row is validated, every error is collected with its row
number, column and reason, and students are created only when the whole file is clean.

File format
-----------
CSV (UTF-8, with or without a BOM; the delimiter ``,`` or ``;`` is taken from the header line)
or XLSX (the first sheet). The first row is the header; names are case-insensitive and may be
surrounded by spaces; unknown columns are ignored; columns may come in any order.

=================  ========  ===============================================================
column             required  value
=================  ========  ===============================================================
``iin``            yes       12-digit IIN; checked (date, century/sex digit, check digit)
``last_name_ru``   yes       surname in Russian (required by the student record)
``first_name_ru``  yes       given name in Russian
``patronymic_ru``            patronymic in Russian
``last_name_kk``             surname in Kazakh
``first_name_kk``            given name in Kazakh
``patronymic_kk``            patronymic in Kazakh
``last_name_en``             surname in Latin script
``first_name_en``            given name in Latin script
``birth_date``     yes       ``YYYY-MM-DD`` or ``DD.MM.YYYY`` (or a date cell); must match the IIN
``gender``         yes       male/female, m/f, м/ж, ер/әйел (any case); must match the IIN
``citizenship``              ISO 3166-1 alpha-2 code, default ``KZ``
``funding``                  state_grant (or grant, грант) / paid (or платно); default paid
``programme_code`` yes       code of an existing educational programme, e.g. 6B06101
``email``                    e-mail address
``phone``                    phone number
=================  ========  ===============================================================

Spreadsheets drop the leading zero of a number: the IIN of someone born in 2000-2009 typed as a
number becomes 11 digits. An ``iin`` value of exactly 11 digits is therefore left-padded with one
zero (and must then pass every IIN check); values of any other length are left as they are.

Row numbers in errors are spreadsheet rows: the header is row 1, the first data row is row 2.
Row 0 means the file as a whole. Blank rows are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from registrar.audit.services import event_for, record_many
from registrar.institution.models import Programme

from . import iin as iin_rules
from .choices import Funding, Gender
from .models import Student

NAME_COLUMNS = (
    "last_name_ru", "first_name_ru", "patronymic_ru",
    "last_name_kk", "first_name_kk", "patronymic_kk",
    "last_name_en", "first_name_en",
)
COLUMNS = ("iin", *NAME_COLUMNS, "birth_date", "gender", "citizenship", "funding",
           "programme_code", "email", "phone")
REQUIRED = ("iin", "last_name_ru", "first_name_ru", "birth_date", "gender", "programme_code")

GENDERS = {"male": Gender.MALE, "m": Gender.MALE, "м": Gender.MALE, "ер": Gender.MALE,
           "female": Gender.FEMALE, "f": Gender.FEMALE, "ж": Gender.FEMALE,
           "әйел": Gender.FEMALE}
FUNDINGS = {"state_grant": Funding.STATE_GRANT, "grant": Funding.STATE_GRANT,
            "грант": Funding.STATE_GRANT, "paid": Funding.PAID, "платно": Funding.PAID}
_CHUNK = 500
_MAX_LENGTH = {f.name: f.max_length or 0 for f in Student._meta.concrete_fields}


@dataclass
class RowError:
    row: int  # 1-based spreadsheet row; 1 is the header, 0 the whole file
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column or '-'}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


def _fail(message: str, row: int = 0, column: str = "") -> ImportFailed:
    return ImportFailed([RowError(row, column, message)])


# Reading ------------------------------------------------------------------------------------


def read_rows(file_name: str, content: bytes) -> list[dict[str, str]]:
    """The data rows as {column: stripped text}, one dict per row after the header (blank rows
    kept, so that the dict at index i is spreadsheet row i + 2)."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension == "csv":
        table = _csv_table(content)
    elif extension == "xlsx":
        table = _xlsx_table(content)
    else:
        raise _fail(_("Unsupported file type “%(name)s”: upload a .csv or .xlsx file.")
                    % {"name": _shown(file_name)})
    if not table:
        raise _fail(_("The file is empty: the first row must be the header."), row=1)
    header = [h.strip().lower() for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed([RowError(1, c, _("The required column “%(column)s” is missing "
                                             "from the header.") % {"column": c})
                            for c in missing])
    rows = []
    for cells in table[1:]:
        row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)
               if name}
        iin = row.get("iin", "")
        if len(iin) == 11 and iin.isdigit():
            row["iin"] = iin.zfill(12)
        rows.append(row)
    return rows


def _csv_table(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(_("The CSV file is not in UTF-8 encoding.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return [[c.strip() for c in r] for r in csv.reader(io.StringIO(text, newline=""),
                                                            delimiter=delimiter)]
    except csv.Error as exc:
        raise _fail(_("The CSV file cannot be read: %(reason)s") % {"reason": exc}) from None


def _xlsx_table(content: bytes) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, KeyError) for a broken file
        raise _fail(_("The file is not a valid XLSX workbook.")) from None
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    except Exception:
        raise _fail(_("The file is not a valid XLSX workbook.")) from None
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Validating ---------------------------------------------------------------------------------


def _shown(value: str, limit: int = 40) -> str:
    """A value quoted in a message: printable and short."""
    value = "".join(c if c.isprintable() else "?" for c in value)
    return value if len(value) <= limit else value[:limit] + "…"


def _has_control(value: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in value)


def _parse_date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    return None


def _chunks(values: list[str]) -> Iterable[list[str]]:
    return (values[i:i + _CHUNK] for i in range(0, len(values), _CHUNK))


def validate_rows(rows: list[dict[str, str]]) -> tuple[list[Student], list[RowError]]:
    """Unsaved students for the rows, and every error found (students are usable only if
    there are no errors)."""
    codes = sorted({c for r in rows if (c := r.get("programme_code", "")) and not _has_control(c)})
    iins = sorted({i for r in rows if (i := r.get("iin", "")).isdigit() and i.isascii()})
    programmes: dict[str, Programme] = {}
    existing: set[str] = set()
    for part in _chunks(codes):
        programmes.update((p.code, p) for p in Programme.objects.filter(code__in=part))
    for part in _chunks(iins):
        existing.update(Student.objects.filter(iin__in=part).values_list("iin", flat=True))

    students: list[Student] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        number = index + 2
        if not any(row.values()):
            continue
        row_errors: list[RowError] = []
        student = _student_from(row, number, row_errors, programmes, existing, seen)
        errors.extend(row_errors)
        if not row_errors:
            students.append(student)
    if not errors and not students:
        errors.append(RowError(0, "", _("The file has no student rows after the header.")))
    return students, errors


def _student_from(row: dict[str, str], number: int, errors: list[RowError],
                  programmes: dict[str, Programme], existing: set[str],
                  seen: dict[str, int]) -> Student:
    def error(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    values = {c: row.get(c, "") for c in COLUMNS}
    for column, value in values.items():
        if _has_control(value):
            error(column, _("%(column)s: the value contains control characters.")
                  % {"column": column})
            values[column] = ""
        elif not value and column in REQUIRED:
            error(column, _("%(column)s: a value is required.") % {"column": column})
    for column in (*NAME_COLUMNS, "email", "phone"):
        limit = _MAX_LENGTH[column]
        if len(values[column]) > limit:
            error(column, _("%(column)s: at most %(limit)d characters are allowed.")
                  % {"column": column, "limit": limit})

    iin, iin_ok = values["iin"], False
    if iin:
        try:
            # str.isdigit() accepts non-ASCII digits ("²", "٣"); they are never valid here
            iin_rules.validate(iin if iin.isascii() else "")
            iin_ok = True
        except iin_rules.InvalidIIN as exc:
            error("iin", _("IIN: %(reason)s") % {"reason": _(str(exc))})
    if iin_ok:
        if iin in seen:
            error("iin", _("IIN: %(iin)s is repeated; it is already in row %(row)d.")
                  % {"iin": iin, "row": seen[iin]})
        elif iin in existing:
            error("iin", _("IIN: a student with IIN %(iin)s already exists.") % {"iin": iin})
        seen.setdefault(iin, number)

    birth_date = None
    if values["birth_date"]:
        birth_date = _parse_date(values["birth_date"])
        if birth_date is None:
            error("birth_date", _("Birth date: “%(value)s” is not a date; use YYYY-MM-DD or "
                                  "DD.MM.YYYY.") % {"value": _shown(values["birth_date"])})
        elif iin_ok and birth_date != iin_rules.birth_date_of(iin):
            error("birth_date", _("Birth date: %(date)s does not match the IIN, which gives "
                                  "%(iin_date)s.") % {"date": birth_date.isoformat(),
                                                      "iin_date": iin_rules.birth_date_of(iin)})

    gender = None
    if values["gender"]:
        gender = GENDERS.get(values["gender"].casefold())
        if gender is None:
            error("gender", _("Gender: “%(value)s” is not one of male/female, m/f, м/ж, ер/әйел.")
                  % {"value": _shown(values["gender"])})
        elif iin_ok and gender != iin_rules.sex_of(iin):
            error("gender", _("Gender: %(gender)s does not match the IIN (7th digit).")
                  % {"gender": Gender(gender).label})

    citizenship = values["citizenship"].upper() or "KZ"
    if not re.fullmatch(r"[A-Z]{2}", citizenship):
        error("citizenship", _("Citizenship: “%(value)s” is not a two-letter ISO country code.")
              % {"value": _shown(values["citizenship"])})

    funding = FUNDINGS.get(values["funding"].casefold()) if values["funding"] else Funding.PAID
    if funding is None:
        error("funding", _("Funding: “%(value)s” is not state_grant (grant) or paid.")
              % {"value": _shown(values["funding"])})

    programme = programmes.get(values["programme_code"])
    if values["programme_code"] and programme is None:
        error("programme_code", _("Programme: there is no programme with code “%(code)s”.")
              % {"code": _shown(values["programme_code"])})

    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            error("email", _("E-mail: “%(value)s” is not a valid address.")
                  % {"value": _shown(values["email"])})

    if errors or birth_date is None or gender is None or funding is None:
        return Student()  # never used: a missing value has been reported as an error
    names = {c: values[c] for c in NAME_COLUMNS}
    return Student(iin=iin, birth_date=birth_date, gender=gender, citizenship=citizenship,
                   funding=funding, programme=programme, email=values["email"],
                   phone=values["phone"], **names)


# Importing ----------------------------------------------------------------------------------


def import_students(*, by: Any, file_name: str, content: bytes) -> list[Student]:
    """Create the file's students as applicants, all or nothing (§9); raise ImportFailed with
    every error, or PermissionDenied for a user who may not import."""
    if not by.has_perm("people.import_students"):
        raise PermissionDenied(_("You are not allowed to import students."))
    students, errors = validate_rows(read_rows(file_name, content))
    if errors:
        raise ImportFailed(errors)
    reason = _("Imported from the file “%(name)s”.") % {"name": file_name}
    try:
        with transaction.atomic():
            created = Student.objects.bulk_create(students, batch_size=_CHUNK)
            if created and created[0].pk is None:  # a backend that does not return ids
                created = list(Student.objects.filter(iin__in=[s.iin for s in students]))
            record_many(
                event_for(by, "student.imported", s, reason=reason,
                          changes={"iin": s.iin, "programme": s.programme.code,
                                   "funding": s.funding, "status": s.status, "file": file_name})
                for s in created
            )
    except IntegrityError:  # someone created one of these IINs since validation
        raise _fail(_("Another user has just added one of these students; nothing was "
                      "imported. Please try again."), column="iin") from None
    return created


def error_report_xlsx(errors: Iterable[RowError]) -> bytes:
    """The errors as a downloadable XLSX with the columns Row / Column / Reason."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Errors")[:31]
    sheet.append([_("Row"), _("Column"), _("Reason")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for e in errors:
        sheet.append([e.row, e.column, ILLEGAL_CHARACTERS_RE.sub("", e.message)])
    for letter, width in (("A", 8), ("B", 18), ("C", 90)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
