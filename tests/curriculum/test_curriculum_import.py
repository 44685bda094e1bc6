"""Working curriculum import from XLSX/CSV: validated row by row, all or nothing (§3, issue 3)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
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
from registrar.curriculum.imports import (
    COLUMNS,
    HOUR_COLUMNS,
    ImportFailed,
    RowError,
    import_curriculum,
)
from registrar.curriculum.models import (
    AssessmentForm,
    Component,
    Curriculum,
    CurriculumEntry,
    Cycle,
    Discipline,
)
from registrar.institution.models import Programme
from registrar.policy.models import AcademicPolicy, default_document
from tests import factories

INTAKE = 2025


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def prog() -> Programme:
    return factories.programme(duration=4)


@pytest.fixture
def registrar_user() -> Any:
    return factories.registrar()


def line(semester: int | str, code: str, credits: int | str = 5, **over: Any) -> dict:
    """A valid row: 5 credits are 150 hours (§3: 30 hours per credit)."""
    values: dict[str, Any] = {
        "semester": semester, "code": code, "title_kk": f"{code} пәні",
        "title_ru": f"Дисциплина {code}", "title_en": f"Discipline {code}", "credits": credits,
        "lecture_hours": 30, "practice_hours": 30, "lab_hours": 0, "independent_hours": 90,
        "assessment_form": "exam", "component": "compulsory", "cycle": "basic",
        "prerequisites": "", "department_code": "",
    }
    values.update(over)
    return values


def as_xlsx(rows: list[dict], columns: tuple[str, ...] = COLUMNS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(columns))
    for r in rows:
        sheet.append([r.get(c, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_rows() -> list[dict]:
    """Two semesters; rows 2–4 are semester 1, rows 5–6 semester 2."""
    return [
        line(1, "MAT101", cycle="basic"),
        line(1, "HIS101", cycle="general", assessment_form="diff_credit"),
        line(1, "ELE101", component="elective", cycle="major", lecture_hours=15,
             practice_hours=15, lab_hours=30),
        line(2, "MAT102", prerequisites="MAT101"),
        line(2, "PRJ201", credits=3, lecture_hours=0, practice_hours=30, independent_hours=60,
             assessment_form="coursework", cycle="major", prerequisites="MAT101; ELE101"),
    ]


def do_import(by: Any, prog: Programme, content: bytes, file_name: str = "plan.xlsx",
              intake_year: int = INTAKE) -> Curriculum:
    return import_curriculum(by=by, programme=prog, intake_year=intake_year,
                             file_name=file_name, content=content)


def counts() -> tuple[int, ...]:
    return (Discipline.objects.count(), Curriculum.objects.count(),
            CurriculumEntry.objects.count(), Discipline.prerequisites.through.objects.count(),
            AuditEvent.objects.count())


def failure(by: Any, prog: Programme, content: bytes, file_name: str = "plan.xlsx"
            ) -> list[RowError]:
    """The errors of a failed import, after checking that it wrote nothing."""
    before = counts()
    with pytest.raises(ImportFailed) as caught:
        do_import(by, prog, content, file_name)
    assert counts() == before
    return caught.value.errors


def places(errors: list[RowError]) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in errors}


# A valid file --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_valid_two_semester_file_imports_everything(prog, registrar_user):
    """§3: disciplines with credits, hours, assessment form and prerequisites, placed in
    semesters as compulsory or elective within cycles."""
    dept = factories.department()
    rows = good_rows()
    rows[4]["department_code"] = dept.code
    curriculum = do_import(registrar_user, prog, as_xlsx(rows))

    assert (curriculum.programme, curriculum.intake_year) == (prog, INTAKE)
    entries = {e.discipline.code: e for e in curriculum.entries.select_related("discipline")}
    assert sorted(entries) == ["ELE101", "HIS101", "MAT101", "MAT102", "PRJ201"]
    assert {c: e.semester for c, e in entries.items()} == {
        "MAT101": 1, "HIS101": 1, "ELE101": 1, "MAT102": 2, "PRJ201": 2}
    assert entries["ELE101"].component == Component.ELECTIVE
    assert all(e.component == Component.COMPULSORY for c, e in entries.items() if c != "ELE101")
    assert entries["HIS101"].cycle == Cycle.GENERAL
    assert entries["ELE101"].cycle == Cycle.MAJOR
    assert entries["MAT101"].cycle == Cycle.BASIC

    prj = Discipline.objects.get(code="PRJ201")
    assert (prj.credits, prj.lecture_hours, prj.practice_hours, prj.lab_hours,
            prj.independent_hours) == (3, 0, 30, 0, 60)
    assert prj.total_hours == 3 * 30
    assert prj.assessment_form == AssessmentForm.COURSEWORK
    assert prj.department == dept
    assert (prj.name_kk, prj.name_ru, prj.name_en) == (
        "PRJ201 пәні", "Дисциплина PRJ201", "Discipline PRJ201")
    assert sorted(prj.prerequisites.values_list("code", flat=True)) == ["ELE101", "MAT101"]
    assert list(Discipline.objects.get(code="MAT102").prerequisites.values_list(
        "code", flat=True)) == ["MAT101"]
    assert not Discipline.objects.get(code="MAT101").prerequisites.exists()
    assert Discipline.objects.get(code="HIS101").assessment_form == AssessmentForm.DIFF_CREDIT

    event = AuditEvent.objects.get(action="curriculum.imported")
    assert event.actor == registrar_user and event.object_id == str(curriculum.pk)
    assert event.changes["entries"] == 5
    assert event.changes["disciplines_created"] == 5
    assert event.changes["entries_replaced"] == 0
    assert event.changes["curriculum_created"] is True


@pytest.mark.django_db
def test_russian_aliases_are_accepted(prog, registrar_user):
    """§3: assessment forms, components and cycles as the Russian working curricula write
    them, in any case."""
    rows = [
        line(1, "A1", assessment_form="Экзамен", component="ОК", cycle="ООД"),
        line(1, "A2", assessment_form="ДИФЗАЧЕТ", component="обязательный", cycle="БД"),
        line(1, "A3", assessment_form="дифзачёт", component="КВ", cycle="пд"),
        line(2, "A4", assessment_form="Курсовая", component="ВК", cycle="ПД"),
        line(2, "A5", assessment_form="практика", component="Элективный", cycle="БД"),
        line(2, "A6", assessment_form="Диплом", component="по выбору", cycle="ИА"),
    ]
    curriculum = do_import(registrar_user, prog, as_xlsx(rows))
    got = {e.discipline.code: (e.discipline.assessment_form, e.component, e.cycle)
           for e in curriculum.entries.select_related("discipline")}
    assert got == {
        "A1": ("exam", "compulsory", "general"),
        "A2": ("diff_credit", "compulsory", "basic"),
        "A3": ("diff_credit", "elective", "major"),
        "A4": ("coursework", "elective", "major"),
        "A5": ("practice", "elective", "basic"),
        "A6": ("thesis", "elective", "attestation"),
    }


@pytest.mark.django_db
def test_csv_with_semicolons_is_accepted(prog, registrar_user):
    rows = good_rows()
    text = ";".join(COLUMNS) + "\n" + "\n".join(
        ";".join(str(r[c]).replace(";", ",") for c in COLUMNS) for r in rows)
    curriculum = do_import(registrar_user, prog, ("\ufeff" + text).encode(), "plan.csv")
    assert curriculum.entries.count() == 5
    assert Discipline.objects.get(code="PRJ201").prerequisites.count() == 2


@pytest.mark.django_db
def test_existing_prerequisite_outside_the_file_is_accepted(prog, registrar_user):
    """A prerequisite may be a discipline already in the catalogue (§3)."""
    Discipline.objects.create(code="SCH000", credits=5, name_kk="k", name_ru="r", name_en="e")
    rows = good_rows()
    rows[0]["prerequisites"] = "SCH000"
    do_import(registrar_user, prog, as_xlsx(rows))
    assert list(Discipline.objects.get(code="MAT101").prerequisites.values_list(
        "code", flat=True)) == ["SCH000"]


# Errors among good rows -------------------------------------------------------------------


def _hours_sum(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", independent_hours=60))  # 120 hours for 5 credits


def _unknown_assessment(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", assessment_form="oral"))


def _prerequisite_same_semester(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", prerequisites="MAT101"))


def _prerequisite_later_semester(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", prerequisites="MAT102"))


def _prerequisite_itself(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", prerequisites="BAD101"))


def _unknown_prerequisite(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", prerequisites="NOPE999"))


def _duplicate_code(rows: list[dict]) -> None:
    rows.insert(2, line(1, "MAT101", credits=4, independent_hours=60))


def _existing_other_credits(rows: list[dict]) -> None:
    Discipline.objects.create(code="BAD101", credits=3, name_kk="k", name_ru="r", name_en="e")
    rows.insert(2, line(1, "BAD101"))


def _semester_out_of_range(rows: list[dict]) -> None:
    rows.insert(2, line(9, "BAD101"))  # a 4-year programme has semesters 1..8


def _semester_not_a_number(rows: list[dict]) -> None:
    rows.insert(2, line("first", "BAD101"))


def _credits_not_a_number(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", credits="5.5"))


def _unknown_component(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", component="optional"))


def _unknown_cycle(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", cycle="humanities"))


def _unknown_department(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", department_code="NO-SUCH"))


def _negative_hours(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", lab_hours=-30, independent_hours=120))


def _missing_title(rows: list[dict]) -> None:
    rows.insert(2, line(1, "BAD101", title_ru=""))


def _prerequisite_cycle(rows: list[dict]) -> None:
    # BAD101 (already in the catalogue) is required by OLD100, and the file makes it require
    # OLD100: BAD101 → OLD100 → BAD101
    bad = Discipline.objects.create(code="BAD101", credits=5, name_kk="k", name_ru="r",
                                    name_en="e")
    old = Discipline.objects.create(code="OLD100", credits=5, name_kk="k", name_ru="r",
                                    name_en="e")
    old.prerequisites.add(bad)
    rows.insert(2, line(1, "BAD101", prerequisites="OLD100"))


# (build, column, words the message must contain: the field first, then the reason);
# the bad row is always spreadsheet row 4
CASES: dict[str, tuple[Callable[[list[dict]], None], str, tuple[str, ...]]] = {
    "hours sum": (_hours_sum, "independent_hours", ("Hours:", "120", "150")),
    "unknown assessment form": (_unknown_assessment, "assessment_form",
                                ("Assessment form:", "oral")),
    "prerequisite in the same semester": (_prerequisite_same_semester, "prerequisites",
                                          ("Prerequisites:", "MAT101", "semester 1", "row 2")),
    "prerequisite in a later semester": (_prerequisite_later_semester, "prerequisites",
                                         ("Prerequisites:", "MAT102", "semester 2")),
    "prerequisite of itself": (_prerequisite_itself, "prerequisites",
                               ("Prerequisites:", "BAD101")),
    "unknown prerequisite": (_unknown_prerequisite, "prerequisites",
                             ("Prerequisites:", "NOPE999")),
    "duplicate code": (_duplicate_code, "code", ("Code:", "MAT101", "row 2")),
    "existing discipline with other credits": (_existing_other_credits, "credits",
                                               ("Credits:", "BAD101", "3 credits", "gives 5")),
    "semester out of range": (_semester_out_of_range, "semester", ("Semester:", "9", "8")),
    "semester not a number": (_semester_not_a_number, "semester", ("Semester:", "first")),
    "credits not a whole number": (_credits_not_a_number, "credits", ("Credits:", "5.5")),
    "unknown component": (_unknown_component, "component", ("Component:", "optional")),
    "unknown cycle": (_unknown_cycle, "cycle", ("Cycle:", "humanities")),
    "unknown department": (_unknown_department, "department_code",
                           ("Department:", "NO-SUCH")),
    "negative hours": (_negative_hours, "lab_hours", ("lab_hours:", "-30")),
    "missing title": (_missing_title, "title_ru", ("title_ru:", "required")),
    "cycle in prerequisites": (_prerequisite_cycle, "prerequisites",
                               ("Prerequisites:", "cycle", "BAD101 → OLD100 → BAD101")),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_an_error_among_good_rows_imports_nothing(prog, registrar_user, case):
    """§3: one bad row stops the whole file; the error names its spreadsheet row (the header
    is row 1) and column."""
    build, column, words = CASES[case]
    rows = good_rows()
    build(rows)
    errors = failure(registrar_user, prog, as_xlsx(rows))
    assert places(errors) == {(4, column)}, errors
    message = errors[0].message
    assert message.startswith(words[0]), message
    for word in words[1:]:
        assert word in message, message


@pytest.mark.django_db
def test_semester_over_the_credit_cap_is_a_file_error(prog, registrar_user):
    """§5 via §3: 8 compulsory disciplines of 5 credits are 40 > 35 credits in semester 1;
    electives do not count."""
    rows = [line(1, f"C{i}") for i in range(7)]  # 35 credits: allowed
    rows.append(line(1, "E1", component="elective"))
    rows.append(line(2, "C7"))
    do_import(registrar_user, prog, as_xlsx(rows))

    rows.append(line(1, "C8"))
    errors = failure(registrar_user, factories.programme(), as_xlsx(rows))
    assert places(errors) == {(0, "semester")}
    assert "Semester 1" in errors[0].message and "40" in errors[0].message
    assert "35" in errors[0].message


@pytest.mark.django_db
def test_credit_cap_comes_from_the_policy_of_the_year(prog, registrar_user):
    """The maximum is a policy value, not a constant (domain preamble, §5)."""
    document = default_document()
    document["credit_max_semester"] = 20
    AcademicPolicy.objects.create(start_year=INTAKE, document=document)
    rows = [line(1, f"C{i}") for i in range(5)]  # 25 credits
    errors = failure(registrar_user, prog, as_xlsx(rows))
    assert places(errors) == {(0, "semester")} and "20" in errors[0].message


@pytest.mark.django_db
def test_every_error_is_reported_at_once(prog, registrar_user):
    rows = good_rows()
    rows[0]["credits"] = 0
    rows[1]["cycle"] = "??"
    rows[3]["prerequisites"] = "MAT101, NOPE"
    errors = failure(registrar_user, prog, as_xlsx(rows))
    assert places(errors) == {(2, "credits"), (3, "cycle"), (5, "prerequisites")}


@pytest.mark.django_db
def test_missing_header_column_is_reported_on_row_1(prog, registrar_user):
    columns = tuple(c for c in COLUMNS if c != "credits")
    errors = failure(registrar_user, prog, as_xlsx(good_rows(), columns=columns))
    assert places(errors) == {(1, "credits")}


@pytest.mark.django_db
def test_empty_and_unsupported_files(prog, registrar_user):
    assert places(failure(registrar_user, prog, as_xlsx([]))) == {(0, "")}
    assert places(failure(registrar_user, prog, b"x", "plan.pdf")) == {(0, "")}
    assert places(failure(registrar_user, prog, b"not a zip", "plan.xlsx")) == {(0, "")}


# Permissions and re-import ---------------------------------------------------------------


@pytest.mark.django_db
def test_non_registrar_is_denied(prog):
    dean = factories.dean(prog.department.faculty)
    before = counts()
    with pytest.raises(PermissionDenied):
        do_import(dean, prog, as_xlsx(good_rows()))
    assert counts() == before


@pytest.mark.django_db
def test_reimport_replaces_the_entries(prog, registrar_user):
    """§3: one working curriculum per programme and intake year; a new file replaces its
    entries, reuses the disciplines and updates titles and hours that differ."""
    first = do_import(registrar_user, prog, as_xlsx(good_rows()))
    rows = [
        line(1, "MAT101", title_en="Calculus I", lecture_hours=45, independent_hours=75),
        line(2, "NEW201", prerequisites="MAT101", component="КВ"),
    ]
    second = do_import(registrar_user, prog, as_xlsx(rows))

    assert second.pk == first.pk and Curriculum.objects.count() == 1
    assert sorted(second.entries.values_list("discipline__code", "semester", "component")) == [
        ("MAT101", 1, "compulsory"), ("NEW201", 2, "elective")]
    mat = Discipline.objects.get(code="MAT101")
    assert (mat.name_en, mat.lecture_hours, mat.independent_hours) == ("Calculus I", 45, 75)
    assert Discipline.objects.filter(code="HIS101").exists()  # disciplines are never deleted
    event = AuditEvent.objects.filter(action="curriculum.imported").latest("pk")
    assert event.changes["entries_replaced"] == 5 and event.changes["entries"] == 2
    assert event.changes["disciplines_created"] == 1
    assert event.changes["updated_codes"] == ["MAT101"]
    assert event.changes["curriculum_created"] is False


@pytest.mark.django_db
def test_unchanged_existing_discipline_is_not_saved(prog, registrar_user):
    do_import(registrar_user, prog, as_xlsx(good_rows()))
    do_import(registrar_user, factories.programme(), as_xlsx(good_rows()))
    event = AuditEvent.objects.filter(action="curriculum.imported").latest("pk")
    assert event.changes["disciplines_created"] == 0
    assert event.changes["disciplines_updated"] == 0
    assert event.changes["prerequisites_changed"] == 0


@pytest.mark.django_db
def test_file_sets_the_prerequisites_it_lists(prog, registrar_user):
    """With a prerequisites column the file is authoritative for its disciplines; without it
    the recorded prerequisites stay."""
    do_import(registrar_user, prog, as_xlsx(good_rows()))
    rows = [line(1, "MAT101"), line(2, "MAT102")]
    without = tuple(c for c in COLUMNS if c != "prerequisites")
    do_import(registrar_user, prog, as_xlsx(rows, columns=without))
    assert Discipline.objects.get(code="MAT102").prerequisites.count() == 1
    do_import(registrar_user, prog, as_xlsx(rows))
    assert Discipline.objects.get(code="MAT102").prerequisites.count() == 0


# Management command ----------------------------------------------------------------------


@pytest.mark.django_db
def test_management_command(prog, registrar_user, tmp_path: Path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(as_xlsx(good_rows()))
    out = io.StringIO()
    call_command("import_curriculum", str(path), "--programme", prog.code, "--intake-year",
                 str(INTAKE), "--user", registrar_user.username, stdout=out)
    assert "5" in out.getvalue()
    assert Curriculum.objects.get(programme=prog, intake_year=INTAKE).entries.count() == 5

    rows = good_rows()
    rows[0]["assessment_form"] = "oral"
    path.write_bytes(as_xlsx(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_curriculum", str(path), "--programme", prog.code,
                     "--intake-year", str(INTAKE), "--user", registrar_user.username,
                     stderr=err)
    assert "row 2, column assessment_form" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("import_curriculum", str(path), "--programme", "NOPE", "--intake-year",
                     str(INTAKE), "--user", registrar_user.username)


# Junk never crashes the import ----------------------------------------------------------------

_HOURS = ["0", "30", "90", "150", "", "-1", "1e3"]
_PLAUSIBLE: dict[str, list[str]] = {
    "semester": ["1", "2", "8", "9", "0", "-1", "1.5", "²", ""],
    "code": ["X1", "X2", "X3", "x1", "", "C" * 30, "\x00"],
    "title_kk": ["Алгебра", "", "T" * 300],
    "title_ru": ["Алгебра", "", "T" * 300],
    "title_en": ["Algebra", "", "T" * 300],
    "credits": ["1", "5", "60", "61", "0", "3.0", "five", ""],
    **{column: _HOURS for column in HOUR_COLUMNS},
    "assessment_form": ["exam", "Экзамен", "ДИФЗАЧЁТ", "oral", ""],
    "component": ["ОК", "КВ", "по  выбору", "x", ""],
    "cycle": ["ООД", "major", "IA", ""],
    "prerequisites": ["", "X1", "X2; X3", "X1,,X1", "NOPE", ";"],
    "department_code": ["", "NO-SUCH"],
}


def _cell(column: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(_PLAUSIBLE[column]),
                     st.text(st.characters(exclude_categories=("Cs",)), max_size=12))


_row = st.fixed_dictionaries({c: _cell(c) for c in COLUMNS})


@pytest.mark.django_db
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, max_size=5))
def test_junk_either_imports_consistently_or_fails_cleanly(prog, registrar_user, rows):
    """Whatever the cells hold: ImportFailed with nothing written, or a curriculum whose every
    discipline has credits × 30 hours (§3) and lies in the programme's semesters."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([r[c] for c in COLUMNS] for r in rows)
    before = counts()
    try:
        curriculum = do_import(registrar_user, prog, out.getvalue().encode(), "junk.csv")
    except ImportFailed as failed:
        assert failed.errors
        assert counts() == before
        return
    for entry in curriculum.entries.select_related("discipline"):
        assert entry.discipline.total_hours == entry.discipline.credits * 30
        assert 1 <= entry.semester <= 2 * prog.duration_years


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["prerequisites", "department_code"])
def test_control_characters_in_codes_fail_cleanly(column):
    """Found by the junk property on PostgreSQL: a NUL in a looked-up code must give an
    ImportFailed naming the column, never a database error."""
    from registrar.curriculum.imports import validate_rows

    prog = factories.programme()
    row = {"semester": "1", "code": "X1", "title_kk": "А", "title_ru": "А", "title_en": "A",
           "credits": "1", "lecture_hours": "0", "practice_hours": "0", "lab_hours": "0",
           "independent_hours": "30", "assessment_form": "exam", "component": "ОК",
           "cycle": "ООД", "prerequisites": "", "department_code": ""}
    row[column] = "\x00"
    checked = validate_rows(prog, 2026, [row])
    assert any(e.column == column for e in checked.errors)
