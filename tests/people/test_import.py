"""Student import from CSV/XLSX: validated row by row, all or nothing (§9, issue 2)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrar.audit.models import AuditEvent
from registrar.institution.models import Programme
from registrar.people.imports import (
    COLUMNS,
    ImportFailed,
    RowError,
    error_report_xlsx,
    import_students,
    read_rows,
)
from registrar.people.models import Student
from tests import factories

BORN = dt.date(2005, 3, 14)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def prog() -> Programme:
    return factories.programme()


@pytest.fixture
def registrar_user() -> Any:
    return factories.registrar()


def row(prog: Programme, born: dt.date = BORN, gender: str = "male", **over: str) -> dict:
    values = {
        "iin": factories.valid_iin(born, gender), "last_name_ru": "Иванов",
        "first_name_ru": "Иван", "patronymic_ru": "Иванович", "last_name_kk": "Иванов",
        "first_name_kk": "Иван", "patronymic_kk": "", "last_name_en": "Ivanov",
        "first_name_en": "Ivan", "birth_date": born.isoformat(), "gender": gender,
        "citizenship": "KZ", "funding": "paid", "programme_code": prog.code,
        "email": "ivanov@example.kz", "phone": "+7 701 123 45 67",
    }
    values.update(over)
    return values


def as_csv(rows: list[dict], delimiter: str = ",", bom: bool = False,
           columns: tuple[str, ...] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows([r.get(c, "") for c in columns] for r in rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def failure(by: Any, content: bytes, file_name: str = "students.csv") -> list[RowError]:
    """The errors of a failed import, after checking that it wrote nothing."""
    students, events = Student.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ImportFailed) as caught:
        import_students(by=by, file_name=file_name, content=content)
    assert (Student.objects.count(), AuditEvent.objects.count()) == (students, events)
    return caught.value.errors


# A clean file ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (";", True), (";", False)])
def test_valid_csv_imports_applicants_with_audit(prog, registrar_user, delimiter, bom) -> None:
    """Every row becomes an applicant of its programme (§9), with one audit event each."""
    rows = [
        row(prog),
        row(prog, born=dt.date(2004, 12, 1), gender="female", birth_date="01.12.2004",
            funding="грант", citizenship="", email="", phone=""),
        row(prog, gender="M", funding=""),
    ]
    rows[1]["gender"] = "Ж"
    created = import_students(by=registrar_user, file_name="intake.csv",
                              content=as_csv(rows, delimiter, bom))

    assert len(created) == 3
    students = {s.iin: s for s in Student.objects.all()}
    assert set(students) == {r["iin"] for r in rows}
    for s in students.values():
        assert s.status == "applicant"
        assert s.programme == prog
        assert s.group is None
    second = students[rows[1]["iin"]]
    assert (second.birth_date, second.gender, second.funding, second.citizenship) == (
        dt.date(2004, 12, 1), "female", "state_grant", "KZ")
    assert students[rows[2]["iin"]].funding == "paid"  # the default
    events = AuditEvent.objects.filter(action="student.imported")
    assert events.count() == 3
    assert {e.object_id for e in events} == {str(s.pk) for s in created}
    assert all(e.actor == registrar_user and "intake.csv" in e.reason for e in events)


def _xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_valid_xlsx_imports_with_date_cells_and_an_iin_typed_as_a_number(prog,
                                                                          registrar_user) -> None:
    """Excel turns 0503145... into the 11-digit number 503145...; it is padded back to 12."""
    iin_a = factories.valid_iin(BORN, "male")
    iin_b = factories.valid_iin(dt.date(1999, 7, 1), "female")
    assert iin_a.startswith("0")
    header = [" IIN ", "Last_Name_RU", "first_name_ru", "Birth_Date", "GENDER", "programme_code",
              "phone", "funding", "unknown column"]
    content = _xlsx(header, [
        [int(iin_a), "Ахметов", "Нурлан", BORN, "ер", prog.code, 77011234567, "grant", "x"],
        [iin_b, "Серикова", "Айгерим", dt.datetime(1999, 7, 1), "әйел", prog.code, None, None],
        [],  # a blank row is skipped
    ])
    created = import_students(by=registrar_user, file_name="Intake.XLSX", content=content)

    assert [s.iin for s in created] == [iin_a, iin_b]
    a = Student.objects.get(iin=iin_a)
    assert (a.birth_date, a.gender, a.phone, a.funding) == (BORN, "male", "77011234567",
                                                            "state_grant")
    b = Student.objects.get(iin=iin_b)
    assert (b.birth_date, b.gender, b.funding, b.status) == (dt.date(1999, 7, 1), "female",
                                                             "paid", "applicant")


def test_read_rows_normalises_header_and_pads_only_eleven_digit_iins() -> None:
    header = "IIN ;First_Name_RU;LAST_NAME_RU; birth_date;Gender;Programme_Code;x\n"
    content = (header + "50314501234;  Иван ;;;;\n5031450123;Б\n").encode()
    rows = read_rows("a.csv", content)
    assert rows[0]["iin"] == "050314501234"
    assert rows[0]["first_name_ru"] == "Иван"
    assert rows[1]["iin"] == "5031450123"  # 10 digits: left alone, the IIN check reports it
    assert rows[1]["gender"] == ""  # a short row: the missing cells are empty


# One bad row among good ones: nothing is imported ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("make_bad", "column", "words"), [
    (lambda r, p: {"iin": r["iin"][:11] + str((int(r["iin"][11]) + 1) % 10)}, "iin",
     "check digit"),
    (lambda r, p: {"iin": r["iin"][:11]}, "iin", "birth date"),  # padded to 00503...: no date
    (lambda r, p: {"iin": "ABC"}, "iin", "12 digits"),
    (lambda r, p: {"iin": factories.student(p).iin}, "iin", "already exists"),
    (lambda r, p: {"birth_date": "2005-03-15"}, "birth_date", "does not match the IIN"),
    (lambda r, p: {"birth_date": "14/03/2005"}, "birth_date", "not a date"),
    (lambda r, p: {"gender": "female"}, "gender", "does not match the IIN"),
    (lambda r, p: {"gender": "other"}, "gender", "is not one of"),
    (lambda r, p: {"programme_code": "NO-SUCH"}, "programme_code", "no programme"),
    (lambda r, p: {"email": "not-an-email"}, "email", "not a valid address"),
    (lambda r, p: {"citizenship": "KAZ"}, "citizenship", "two-letter"),
    (lambda r, p: {"funding": "free"}, "funding", "state_grant"),
    (lambda r, p: {"first_name_ru": ""}, "first_name_ru", "required"),
    (lambda r, p: {"last_name_en": "x" * 101}, "last_name_en", "at most 100"),
])
def test_one_bad_row_imports_nothing_and_names_row_and_column(prog, registrar_user, make_bad,
                                                              column, words) -> None:
    rows = [row(prog), row(prog), row(prog), row(prog)]
    rows[2].update(make_bad(rows[2], prog))
    errors = failure(registrar_user, as_csv(rows))
    assert [(e.row, e.column) for e in errors] == [(4, column)]  # header 1, data rows 2..5
    assert words in errors[0].message


@pytest.mark.django_db
def test_duplicate_iin_within_the_file_names_the_earlier_row(prog, registrar_user) -> None:
    rows = [row(prog), row(prog), row(prog)]
    rows[2]["iin"] = rows[0]["iin"]
    errors = failure(registrar_user, as_csv(rows))
    assert [(e.row, e.column) for e in errors] == [(4, "iin")]
    assert "row 2" in errors[0].message


@pytest.mark.django_db
def test_missing_required_header_names_each_missing_column(prog, registrar_user) -> None:
    columns = tuple(c for c in COLUMNS if c not in ("birth_date", "programme_code"))
    errors = failure(registrar_user, as_csv([row(prog)], columns=columns))
    assert [(e.row, e.column) for e in errors] == [(1, "birth_date"), (1, "programme_code")]
    assert "birth_date" in errors[0].message and "missing" in errors[0].message


@pytest.mark.django_db
def test_all_errors_of_all_rows_are_collected(prog, registrar_user) -> None:
    rows = [row(prog, email="bad"), row(prog), row(prog, programme_code="X", citizenship="1")]
    errors = failure(registrar_user, as_csv(rows))
    assert [(e.row, e.column) for e in errors] == [
        (2, "email"), (4, "citizenship"), (4, "programme_code")]


@pytest.mark.django_db
def test_bad_row_in_xlsx_is_reported_by_spreadsheet_row(prog, registrar_user) -> None:
    good = factories.valid_iin()
    content = _xlsx(list(COLUMNS[:1]) + ["last_name_ru", "first_name_ru", "birth_date", "gender",
                                          "programme_code"], [
        [good, "А", "Б", BORN, "m", prog.code],
        [good, "В", "Г", BORN, "m", prog.code],
    ])
    errors = failure(registrar_user, content, "s.xlsx")
    assert [(e.row, e.column) for e in errors] == [(3, "iin")]


@pytest.mark.django_db
@pytest.mark.parametrize(("file_name", "content", "words"), [
    ("students.txt", b"iin\n", "Unsupported file type"),
    ("students", b"iin\n", "Unsupported file type"),
    ("students.csv", b"", "empty"),
    ("students.csv", "\ufeff".encode(), "empty"),
    ("students.csv", b"\xff\xfe\x00i", "UTF-8"),
    ("students.xlsx", b"PK\x03\x04 not really", "not a valid XLSX"),
    ("students.csv", ",".join(COLUMNS).encode() + b"\n\n", "no student rows"),
])
def test_unreadable_files_fail_cleanly(registrar_user, file_name, content, words) -> None:
    errors = failure(registrar_user, content, file_name)
    assert len(errors) == 1 and words in errors[0].message


# Who may import ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dean_may_not_import(prog) -> None:
    """Only the registrar keeps the student body (§1)."""
    dean = factories.dean(prog.department.faculty)
    with pytest.raises(PermissionDenied):
        import_students(by=dean, file_name="s.csv", content=as_csv([row(prog)]))
    assert Student.objects.count() == 0
    assert AuditEvent.objects.count() == 0


# The error report ---------------------------------------------------------------------------------


def test_error_report_xlsx_lists_row_column_reason() -> None:
    data = error_report_xlsx([RowError(1, "birth_date", "missing"),
                              RowError(4, "iin", "IIN: bad\x01 check digit")])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["Row", "Column", "Reason"], [1, "birth_date", "missing"],
        [4, "iin", "IIN: bad check digit"]]


# The management command -------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_imports_and_reports_the_count(prog, registrar_user, tmp_path: Path) -> None:
    path = tmp_path / "intake.csv"
    path.write_bytes(as_csv([row(prog), row(prog)]))
    out = io.StringIO()
    call_command("import_students", str(path), user=registrar_user.username, stdout=out)
    assert "Imported 2" in out.getvalue()
    assert Student.objects.count() == 2


@pytest.mark.django_db
def test_command_prints_every_error_and_fails(prog, registrar_user, tmp_path: Path) -> None:
    rows = [row(prog), row(prog), row(prog, programme_code="NOPE")]
    rows[1]["gender"] = "female"  # the IIN says male
    path = tmp_path / "intake.csv"
    path.write_bytes(as_csv(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_students", str(path), user=registrar_user.username, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("row 3, column gender: ")
    assert lines[1].startswith("row 4, column programme_code: ")
    assert Student.objects.count() == 0


@pytest.mark.django_db
def test_command_refuses_unknown_user_missing_file_and_non_registrar(prog, tmp_path) -> None:
    path = tmp_path / "intake.csv"
    path.write_bytes(as_csv([row(prog)]))
    with pytest.raises(CommandError, match="no user"):
        call_command("import_students", str(path), user="nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_students", str(tmp_path / "missing.csv"),
                     user=factories.registrar().username)
    dean = factories.dean(prog.department.faculty)
    with pytest.raises(CommandError, match="not allowed"):
        call_command("import_students", str(path), user=dean.username)
    assert Student.objects.count() == 0


# Junk never crashes the import ------------------------------------------------------------------

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
_plausible = st.sampled_from(["", " ", "male", "Ж", "ер", "2005-03-14", "14.03.2005", "31.02.2005",
                              "KZ", "kz", "grant", "платно", "a@b.kz", "050314500015",
                              "50314500015", "900515300018", "²²²²²²²²²²²²", "٩٠٠٥١٥٣٠٠٠١٨",
                              "\x00", "=1+1", '"', "NO-SUCH-PROGRAMME"])
_junk_settings = settings(max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@_junk_settings
@given(rows=st.lists(st.lists(st.one_of(_text, _plausible), max_size=len(COLUMNS) + 2),
                     max_size=6),
       delimiter=st.sampled_from([",", ";"]))
def test_junk_rows_only_ever_fail_cleanly(registrar_user, rows, delimiter) -> None:
    """Whatever the cells hold, the import raises ImportFailed and creates nothing. The
    programme codes are never real, so no row can be valid."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    with pytest.raises(ImportFailed) as caught:
        import_students(by=registrar_user, file_name="junk.csv",
                        content=out.getvalue().encode())
    assert caught.value.errors
    assert Student.objects.count() == 0
    error_report_xlsx(caught.value.errors)  # the report can always be written


@pytest.mark.django_db
@_junk_settings
@given(junk=st.binary(max_size=400), with_header=st.booleans(),
       extension=st.sampled_from(["csv", "xlsx"]))
def test_junk_bytes_only_ever_fail_cleanly(registrar_user, junk, with_header, extension) -> None:
    content = (";".join(COLUMNS).encode() + b"\r\n" if with_header else b"") + junk
    with pytest.raises(ImportFailed):
        import_students(by=registrar_user, file_name=f"junk.{extension}", content=content)
    assert Student.objects.count() == 0
