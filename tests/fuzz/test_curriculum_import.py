"""Fuzzing the working-curriculum import (registrar/curriculum/imports.py): bad files raise
ImportFailed naming row, column and reason; nothing is written unless the whole file is clean."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from registrar.audit.models import AuditEvent
from registrar.curriculum.imports import COLUMNS, ImportFailed, import_curriculum
from registrar.curriculum.models import Curriculum, CurriculumEntry, Discipline
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

HEADER = ["semester", "code", "title_kk", "title_ru", "title_en", "credits", "lecture_hours",
          "practice_hours", "lab_hours", "independent_hours", "assessment_form", "component",
          "cycle", "prerequisites", "department_code"]
TABLES = (Discipline, Discipline.prerequisites.through, Curriculum, CurriculumEntry, AuditEvent)


@pytest.fixture
def world():
    with translation.override("en"):
        programme = factories.programme(duration=4)
        yield programme, factories.registrar()


def valid_rows(count: int, department_code: str) -> list[list[str]]:
    return [[str(n % 8 + 1), f"FZ{n:03d}", f"Пән {n}", f"Дисциплина {n}", f"Discipline {n}",
             "5", "30", "15", "0", "105", "exam", "elective", "basic",
             f"FZ{n - 1:03d}" if n and (n - 1) % 8 < n % 8 else "", department_code]
            for n in range(count)]


def run(by, programme, name: str, content: bytes) -> Curriculum | ImportFailed:
    try:
        return import_curriculum(by=by, programme=programme, intake_year=2026, file_name=name,
                                 content=content)
    except ImportFailed as failed:
        assert failed.errors
        assert_messages(e.message for e in failed.errors)
        for e in failed.errors:
            assert isinstance(e.row, int) and e.row >= 0 and isinstance(e.column, str)
        return failed


BAD = {
    "semester": ["0", "9", "1.5", "١", "２", "-1", "first"],
    "code": ["", "X" * 25],
    "title_ru": ["", "Я" * 256],
    "credits": ["0", "61", "5.5", "５", "five", "1e1"],
    "lecture_hours": ["-1", "abc", "31", "1.5"],
    "independent_hours": ["0", "٣٠", "999999"],
    "assessment_form": ["oral", "экзамен!", "EXAM?"],
    "component": ["maybe", "ОК?"],
    "cycle": ["none", "ПДД"],
    "prerequisites": ["NOPE999", "FZ999"],
    "department_code": ["NO-DEPT", "D" * 40],
}


@fuzz(25)
@given(data=st.data())
def test_garbage_files_are_refused_whole(world, data):
    programme, by = world
    good = [HEADER, *valid_rows(2, programme.department.code)]
    content = data.draw(garbage_files(xlsx(good), csv_bytes(good)))
    name = data.draw(st.sampled_from(["c.csv", "c.xlsx", "c.ods", "c"]))
    before = snapshot(*TABLES)
    outcome = run(by, programme, name, content)
    if isinstance(outcome, ImportFailed):
        assert snapshot(*TABLES) == before
    else:  # half a CSV may still be a clean file: then it is imported whole
        assert name == "c.csv" and outcome.entries.count() >= 1


@fuzz(25)
@given(data=st.data())
def test_workbook_of_random_cells_and_columns(world, data):
    programme, by = world
    header = data.draw(st.lists(st.sampled_from([*COLUMNS, "", "extra", "code"]),
                                max_size=len(COLUMNS) + 3))
    body = data.draw(st.lists(st.lists(cell_values(), max_size=len(header) + 2), max_size=5))
    before = snapshot(*TABLES)
    outcome = run(by, programme, "random.xlsx", xlsx([header, *body]))
    assert isinstance(outcome, ImportFailed)
    assert snapshot(*TABLES) == before


@fuzz(25)
@given(data=st.data())
def test_csv_with_odd_encodings_delimiters_and_cells(world, data):
    programme, by = world
    rows = valid_rows(data.draw(st.integers(1, 4)), programme.department.code)
    r = data.draw(st.integers(0, len(rows) - 1))
    c = data.draw(st.integers(0, len(HEADER) - 1))
    rows[r][c] = data.draw(nasty_text() | st.sampled_from(["a\nb", "\"", "a;b", "1,5"]))
    content = csv_bytes([HEADER, *rows], delimiter=data.draw(st.sampled_from(DELIMITERS)),
                        encoding=data.draw(st.sampled_from(ENCODINGS)))
    before = snapshot(*TABLES)
    outcome = run(by, programme, "odd.csv", content)
    if isinstance(outcome, ImportFailed):
        assert snapshot(*TABLES) == before
    else:  # e.g. an emoji in a title: the whole file is the curriculum
        assert outcome.entries.count() == len(rows)


@fuzz(40)
@given(data=st.data())
def test_one_bad_row_among_valid_rows_writes_nothing(world, data):
    programme, by = world
    rows = valid_rows(data.draw(st.integers(1, 8)), programme.department.code)
    bad_index = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(sorted(BAD)))
    rows[bad_index][HEADER.index(column)] = data.draw(st.sampled_from(BAD[column]))
    as_xlsx = data.draw(st.booleans())
    content = xlsx([HEADER, *rows]) if as_xlsx else csv_bytes([HEADER, *rows])
    before = snapshot(*TABLES)
    outcome = run(by, programme, "mixed.xlsx" if as_xlsx else "mixed.csv", content)
    assert isinstance(outcome, ImportFailed), (column, rows[bad_index])
    named = {(e.row, e.column) for e in outcome.errors}
    # the hours of a row are checked together and reported on independent_hours
    assert (bad_index + 2, column) in named or (
        column.endswith("_hours") and (bad_index + 2, "independent_hours") in named), named
    assert snapshot(*TABLES) == before
