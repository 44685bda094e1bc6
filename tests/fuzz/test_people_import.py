"""Fuzzing the applicants import (registrar/people/imports.py): bad files raise ImportFailed
naming row, column and reason; nothing is ever written unless the whole file is clean."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from registrar.audit.models import AuditEvent
from registrar.people.imports import COLUMNS, REQUIRED, ImportFailed, import_students
from registrar.people.models import Student
from tests import factories

from .strategies import (
    DELIMITERS,
    ENCODINGS,
    assert_messages,
    cell_values,
    csv_bytes,
    fuzz,
    garbage_files,
    nasty_text,
    snapshot,
    xlsx,
)

pytestmark = pytest.mark.django_db

HEADER = ["iin", "last_name_ru", "first_name_ru", "birth_date", "gender", "programme_code",
          "funding", "email", "citizenship"]
BIRTH = dt.date(2005, 3, 14)


@pytest.fixture
def world():
    with translation.override("en"):
        programme = factories.programme()
        yield programme, factories.registrar()


def valid_rows(programme, count: int) -> list[list[str]]:
    rows = []
    for n in range(count):
        sex = "male" if n % 2 else "female"
        rows.append([factories.valid_iin(BIRTH, sex), f"Фамилия{n}", "Имя", "2005-03-14", sex,
                     programme.code, "paid", f"s{n}@example.kz", "KZ"])
    return rows


def run(by, name: str, content: bytes) -> list[Student] | ImportFailed:
    """The import's outcome; any exception other than ImportFailed fails the test."""
    try:
        return import_students(by=by, file_name=name, content=content)
    except ImportFailed as failed:
        assert failed.errors
        assert_messages(e.message for e in failed.errors)
        for e in failed.errors:
            assert isinstance(e.row, int) and e.row >= 0 and isinstance(e.column, str)
        return failed


# Values that can never be right in the column; the importer must name the column.
BAD = {
    "iin": ["12345", "abcdefghijkl", "１２３４５６７８９０１２", "050314 50001", "0503145000١٢",
            "9" * 40],
    "last_name_ru": ["", "Я" * 300],
    "first_name_ru": ["", "x" * 256],
    "birth_date": ["31.02.2005", "2005/03/14", "tomorrow", "2005-3-14x", "1999-01-01"],
    "gender": ["X", "мужской", "😀", "Ｍ"],
    "programme_code": ["NOPE", "6В99999", "'; DROP TABLE people_student; --"],
    "funding": ["free", "гранд"],
    "email": ["not-an-email", "a@@b.kz", "a@b"],
    "citizenship": ["KAZ", "K1", "ҚЗ", "ＫＺ"],
}


@fuzz(30)
@given(data=st.data())
def test_garbage_files_are_refused_whole(world, data):
    programme, by = world
    good = [HEADER, *valid_rows(programme, 2)]
    content = data.draw(garbage_files(xlsx(good), csv_bytes(good)))
    name = data.draw(st.sampled_from(["a.csv", "a.xlsx", "a.XLSX", "a.xls", "a", "a.csv.exe"]))
    before = snapshot(Student, AuditEvent)
    outcome = run(by, name, content)
    if isinstance(outcome, list):  # a half-truncated CSV may still hold one whole clean row
        assert name.lower().endswith(".csv") and Student.objects.count() == before[
            "people.Student"] + len(outcome)
    else:
        assert snapshot(Student, AuditEvent) == before


@fuzz(30)
@given(data=st.data())
def test_workbook_of_random_cells_and_columns(world, data):
    programme, by = world
    header = data.draw(st.lists(st.sampled_from([*COLUMNS, "", "IIN ", "extra", "iin"]),
                                max_size=len(COLUMNS) + 3))
    width = max(len(header), 1)
    body = data.draw(st.lists(st.lists(cell_values(), max_size=width + 2), max_size=6))
    before = snapshot(Student, AuditEvent)
    outcome = run(by, "random.xlsx", xlsx([header, *body]))
    assert isinstance(outcome, ImportFailed)
    assert snapshot(Student, AuditEvent) == before


@fuzz(30)
@given(data=st.data())
def test_csv_with_odd_encodings_delimiters_quotes_and_cells(world, data):
    programme, by = world
    rows = valid_rows(programme, data.draw(st.integers(1, 3)))
    r = data.draw(st.integers(0, len(rows) - 1))
    c = data.draw(st.integers(0, len(HEADER) - 1))
    rows[r][c] = data.draw(nasty_text() | st.sampled_from(["a\nb", "\"", "a;b", "a,b", "\r"]))
    content = csv_bytes([HEADER, *rows], delimiter=data.draw(st.sampled_from(DELIMITERS)),
                        encoding=data.draw(st.sampled_from(ENCODINGS)),
                        quoting=data.draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL,
                                                           csv.QUOTE_NONNUMERIC])))
    before = snapshot(Student, AuditEvent)
    outcome = run(by, "odd.csv", content)
    if isinstance(outcome, ImportFailed):
        assert snapshot(Student, AuditEvent) == before
    else:  # a harmless value in an optional column: the whole file, and only it
        assert Student.objects.count() == before["people.Student"] + len(rows) == (
            before["people.Student"] + len(outcome))


@fuzz(40)
@given(data=st.data())
def test_one_bad_row_among_valid_rows_writes_nothing(world, data):
    programme, by = world
    rows = valid_rows(programme, data.draw(st.integers(1, 6)))
    bad_index = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(sorted(BAD)))
    value = data.draw(st.sampled_from(BAD[column]))
    if column == "birth_date" and value == "1999-01-01":
        pass  # a real date that does not match the IIN
    rows[bad_index][HEADER.index(column)] = value
    as_xlsx = data.draw(st.booleans())
    content = xlsx([HEADER, *rows]) if as_xlsx else csv_bytes([HEADER, *rows])
    before = snapshot(Student, AuditEvent)
    outcome = run(by, "mixed.xlsx" if as_xlsx else "mixed.csv", content)
    assert isinstance(outcome, ImportFailed), (column, value)
    assert (bad_index + 2, column) in {(e.row, e.column) for e in outcome.errors}, outcome.errors
    assert snapshot(Student, AuditEvent) == before


@fuzz(15)
@given(data=st.data())
def test_missing_duplicated_and_extra_columns(world, data):
    programme, by = world
    rows = valid_rows(programme, 2)
    header = list(HEADER)
    dropped = data.draw(st.sampled_from([c for c in HEADER if c in REQUIRED]))
    index = header.index(dropped)
    header[index] = data.draw(st.sampled_from(["", "iin2", dropped.upper() + "_", "note"]))
    before = snapshot(Student, AuditEvent)
    outcome = run(by, "cols.csv", csv_bytes([header, *rows]))
    assert isinstance(outcome, ImportFailed)
    assert (1, dropped) in {(e.row, e.column) for e in outcome.errors}
    assert snapshot(Student, AuditEvent) == before


def test_error_messages_are_translated(world):
    """The reasons come from the catalogue: in Russian they are not the English text."""
    _programme, by = world
    with translation.override("ru"):
        outcome = run(by, "a.ods", b"whatever")
    assert isinstance(outcome, ImportFailed)
    assert "Unsupported" not in outcome.errors[0].message
