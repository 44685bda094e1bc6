"""Import of a working curriculum from an XLSX or CSV file (§3), all or nothing.

One file is the working curriculum of one programme for one intake year: every row places one
discipline in a semester. Every row is validated, every error is collected with its row number,
column and reason, and nothing is written unless the whole file is clean; a clean file is written
in one transaction with one audit event (``curriculum.imported``).

File format
-----------
XLSX (the first sheet) or CSV (UTF-8, with or without a BOM; ``,`` or ``;``), read as for the
student import (``registrar.people.imports``). The first row is the header; names are
case-insensitive and may be surrounded by spaces; unknown columns are ignored; any order.

=====================  ========  =============================================================
column                 required  value
=====================  ========  =============================================================
``semester``           yes       1 … 2 × the programme's duration in years
``code``               yes       discipline code (at most 24 characters), once per file
``title_kk``           yes       title in Kazakh
``title_ru``           yes       title in Russian
``title_en``           yes       title in English
``credits``            yes       whole number 1 … 60
``lecture_hours``      yes       whole number ≥ 0 (an empty cell is 0)
``practice_hours``     yes       whole number ≥ 0 (an empty cell is 0)
``lab_hours``          yes       whole number ≥ 0 (an empty cell is 0)
``independent_hours``  yes       whole number ≥ 0 (an empty cell is 0); the four hours must
                                 add up to credits × 30 (§3: 1 credit = 30 academic hours)
``assessment_form``    yes       exam, diff_credit, coursework, practice, thesis — or
                                 экзамен, дифзачет, курсовая, практика, диплом (any case)
``component``          yes       compulsory (ОК, обязательный) or elective (КВ, ВК,
                                 элективный, по выбору), any case
``cycle``              yes       general, basic, major, attestation — or ООД, БД, ПД, ИА
``prerequisites``                codes separated by ``,`` or ``;``: each a discipline of this
                                 file in an earlier semester, or an existing discipline
``department_code``              code of an existing department that teaches the discipline
=====================  ========  =============================================================

Further rules: the compulsory credits of a semester may not exceed the academic policy's
``credit_max_semester`` (§5) for the academic year the semester is taught in; prerequisites may
not form a cycle, counting the prerequisites already recorded for disciplines not in the file.

Disciplines are shared by all curricula, so a code that already exists is reused, not created:

* its credits must equal the file's (a different value is an error naming both: credits count
  in transcripts and GPAs already earned, so they are changed in the catalogue, not by a file);
* its titles, hours and assessment form are taken from the file, and its department too when
  ``department_code`` is filled in; a discipline is saved only if one of these differs;
* when the file has a ``prerequisites`` column, the file is authoritative for the prerequisites
  of the disciplines it lists (an empty cell means none) — for every curriculum that uses them;
  without the column, existing prerequisites are kept.

An existing curriculum of the same programme and intake year is replaced: its entries are deleted
and the file's entries created (its approval date is kept).

Row numbers in errors are spreadsheet rows: the header is row 1, the first data row is row 2.
Row 0 means the file as a whole (e.g. a semester over the credit limit). Blank rows are skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from registrar.audit.services import record
from registrar.institution.models import Department, Programme
from registrar.people.imports import (
    ImportFailed,
    RowError,
    _csv_table,
    _has_control,
    _shown,
    _xlsx_table,
)
from registrar.policy.selectors import policy_for_year

from .models import (
    HOURS_PER_CREDIT,
    AssessmentForm,
    Component,
    Curriculum,
    CurriculumEntry,
    Cycle,
    Discipline,
)

__all__ = ["COLUMNS", "REQUIRED", "ImportFailed", "RowError", "import_curriculum",
           "validate_rows"]

TITLE_COLUMNS = {"title_kk": "name_kk", "title_ru": "name_ru", "title_en": "name_en"}
HOUR_COLUMNS = ("lecture_hours", "practice_hours", "lab_hours", "independent_hours")
COLUMNS = ("semester", "code", *TITLE_COLUMNS, "credits", *HOUR_COLUMNS, "assessment_form",
           "component", "cycle", "prerequisites", "department_code")
REQUIRED = tuple(c for c in COLUMNS if c not in ("prerequisites", "department_code"))

ASSESSMENT_FORMS = {
    **{f.value: f.value for f in AssessmentForm},
    "экзамен": AssessmentForm.EXAM.value,
    "дифзачет": AssessmentForm.DIFF_CREDIT.value,
    "курсовая": AssessmentForm.COURSEWORK.value,
    "практика": AssessmentForm.PRACTICE.value,
    "диплом": AssessmentForm.THESIS.value,
}
COMPONENTS = {
    "compulsory": Component.COMPULSORY.value, "ок": Component.COMPULSORY.value,
    "обязательный": Component.COMPULSORY.value,
    "elective": Component.ELECTIVE.value, "кв": Component.ELECTIVE.value,
    "вк": Component.ELECTIVE.value, "элективный": Component.ELECTIVE.value,
    "по выбору": Component.ELECTIVE.value,
}
CYCLES = {
    **{c.value: c.value for c in Cycle},
    "оод": Cycle.GENERAL.value, "бд": Cycle.BASIC.value, "пд": Cycle.MAJOR.value,
    "иа": Cycle.ATTESTATION.value,
}

_CHUNK = 500
_CODE_LENGTH = Discipline._meta.get_field("code").max_length or 24
_TITLE_LENGTH = Discipline._meta.get_field("name_ru").max_length or 255
_MAX_CREDITS = 60  # the discipline_credits_range constraint
_SPLIT = re.compile(r"[,;]")


def _key(value: str) -> str:
    """A choice as typed, for looking up aliases: any case, ё as е, spaces collapsed."""
    return " ".join(value.casefold().replace("ё", "е").split())


def _whole(value: str, digits: int = 5) -> int | None:
    """A non-negative whole number in ASCII digits (a spreadsheet number 3.0 reads as "3")."""
    if value.isascii() and re.fullmatch(rf"\d{{1,{digits}}}", value):
        return int(value)
    return None


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = sorted(values)
    return (items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK))


@dataclass
class Line:
    """One valid-looking row; fields that failed validation are None."""

    row: int
    code: str
    semester: int | None = None
    titles: dict[str, str] = field(default_factory=dict)  # model field -> value
    credits: int | None = None
    hours: dict[str, int] = field(default_factory=dict)  # model field -> value
    assessment_form: str | None = None
    component: str | None = None
    cycle: str | None = None
    prerequisites: list[str] = field(default_factory=list)
    department: Department | None = None


@dataclass
class Checked:
    """The result of validation: usable only when `errors` is empty."""

    lines: list[Line]
    errors: list[RowError]
    known: dict[str, Discipline]  # existing disciplines by code (the file's and prerequisites)
    has_prerequisites: bool


# Reading ------------------------------------------------------------------------------------


def read_rows(file_name: str, content: bytes) -> tuple[list[dict[str, str]], list[str]]:
    """The data rows as {column: stripped text} (blank rows kept, so that the dict at index i is
    spreadsheet row i + 2) and the header's column names."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension == "csv":
        table = _csv_table(content)
    elif extension == "xlsx":
        table = _xlsx_table(content)
    else:
        raise ImportFailed([RowError(0, "", _("Unsupported file type “%(name)s”: upload a .csv "
                                              "or .xlsx file.") % {"name": _shown(file_name)})])
    if not table:
        raise ImportFailed([RowError(1, "", _("The file is empty: the first row must be the "
                                              "header."))])
    header = [h.strip().lower() for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed([RowError(1, c, _("The required column “%(column)s” is missing "
                                             "from the header.") % {"column": c})
                            for c in missing])
    rows = [{name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name}
            for cells in table[1:]]
    return rows, header


# Validating ---------------------------------------------------------------------------------


def validate_rows(programme: Programme, intake_year: int, rows: list[dict[str, str]],
                  has_prerequisites: bool = True) -> Checked:
    """Check every row and the file as a whole (§3); collect every error."""
    codes = {c for r in rows if (c := r.get("code", "")) and not _has_control(c)}
    for r in rows:
        codes.update(c for c in _prerequisite_codes(r.get("prerequisites", ""))
                     if not _has_control(c))
    known: dict[str, Discipline] = {}
    for part in _chunks(codes):
        known.update((d.code, d) for d in Discipline.objects.filter(code__in=part))
    department_codes = {c for r in rows
                        if (c := r.get("department_code", "")) and not _has_control(c)}
    departments: dict[str, Department] = {}
    for part in _chunks(department_codes):
        departments.update((d.code, d) for d in Department.objects.filter(code__in=part))

    last_semester = 2 * programme.duration_years
    errors: list[RowError] = []
    lines: list[Line] = []
    first: dict[str, Line] = {}  # code -> its first row
    for index, row in enumerate(rows):
        if not any(row.values()):
            continue
        line = _line_from(row, index + 2, errors, known, departments, programme, last_semester)
        if line.code:
            if line.code in first:
                errors.append(RowError(line.row, "code", _(
                    "Code: %(code)s is repeated; it is already in row %(row)d.")
                    % {"code": line.code, "row": first[line.code].row}))
                continue
            first[line.code] = line
        lines.append(line)
    if not lines and not errors:
        errors.append(RowError(0, "", _("The file has no discipline rows after the header.")))

    for line in lines:
        _check_prerequisites(line, first, known, errors)
    _check_semester_load(lines, intake_year, errors)
    if has_prerequisites:
        _check_cycles(first, known, errors)
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
    return Checked(lines=lines, errors=errors, known=known, has_prerequisites=has_prerequisites)


def _prerequisite_codes(value: str) -> list[str]:
    codes: list[str] = []
    for part in _SPLIT.split(value):
        code = part.strip()
        if code and code not in codes:
            codes.append(code)
    return codes


def _line_from(row: dict[str, str], number: int, errors: list[RowError],
               known: dict[str, Discipline], departments: dict[str, Department],
               programme: Programme, last_semester: int) -> Line:
    def error(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    values = {c: row.get(c, "") for c in COLUMNS}
    for column, value in values.items():
        if _has_control(value):
            error(column, _("%(column)s: the value contains control characters.")
                  % {"column": column})
            values[column] = ""
        elif not value and column in REQUIRED and column not in HOUR_COLUMNS:
            error(column, _("%(column)s: a value is required.") % {"column": column})

    line = Line(row=number, code=values["code"])
    if len(line.code) > _CODE_LENGTH:
        error("code", _("Code: at most %(limit)d characters are allowed.")
              % {"limit": _CODE_LENGTH})
        line.code = ""

    if values["semester"]:
        semester = _whole(values["semester"], digits=2)
        if semester is None or not 1 <= semester <= last_semester:
            error("semester", _("Semester: “%(value)s” is not a whole number from 1 to "
                                "%(last)d (the programme lasts %(years)d years).")
                  % {"value": _shown(values["semester"]), "last": last_semester,
                     "years": programme.duration_years})
        else:
            line.semester = semester

    for column, model_field in TITLE_COLUMNS.items():
        if len(values[column]) > _TITLE_LENGTH:
            error(column, _("%(column)s: at most %(limit)d characters are allowed.")
                  % {"column": column, "limit": _TITLE_LENGTH})
        elif values[column]:
            line.titles[model_field] = values[column]

    if values["credits"]:
        credits = _whole(values["credits"], digits=3)
        if credits is None or not 1 <= credits <= _MAX_CREDITS:
            error("credits", _("Credits: “%(value)s” is not a whole number from 1 to %(max)d.")
                  % {"value": _shown(values["credits"]), "max": _MAX_CREDITS})
        else:
            line.credits = credits
            existing = known.get(line.code)
            if existing is not None and existing.credits != credits:
                error("credits", _("Credits: the discipline %(code)s already exists with "
                                   "%(existing)d credits, but the file gives %(given)d.")
                      % {"code": line.code, "existing": existing.credits, "given": credits})

    hours_ok = True
    for column in HOUR_COLUMNS:
        hours = _whole(values[column]) if values[column] else 0
        if hours is None:
            hours_ok = False
            error(column, _("%(column)s: “%(value)s” is not a whole number of hours "
                            "(0 or more).") % {"column": column, "value": _shown(values[column])})
        else:
            line.hours[column] = hours
    if hours_ok and line.credits is not None:
        total = sum(line.hours.values())
        if total != line.credits * HOURS_PER_CREDIT:
            error("independent_hours", _(
                "Hours: lecture, practice, laboratory and independent hours add up to "
                "%(total)d, but %(credits)d credits are %(needed)d hours (%(per)d per credit).")
                % {"total": total, "credits": line.credits,
                   "needed": line.credits * HOURS_PER_CREDIT, "per": HOURS_PER_CREDIT})

    if values["assessment_form"]:
        line.assessment_form = ASSESSMENT_FORMS.get(_key(values["assessment_form"]))
        if line.assessment_form is None:
            error("assessment_form", _(
                "Assessment form: “%(value)s” is not one of exam, diff_credit, coursework, "
                "practice, thesis (or экзамен, дифзачет, курсовая, практика, диплом).")
                % {"value": _shown(values["assessment_form"])})

    if values["component"]:
        line.component = COMPONENTS.get(_key(values["component"]))
        if line.component is None:
            error("component", _(
                "Component: “%(value)s” is not compulsory (ОК, обязательный) or elective "
                "(КВ, ВК, элективный, по выбору).") % {"value": _shown(values["component"])})

    if values["cycle"]:
        line.cycle = CYCLES.get(_key(values["cycle"]))
        if line.cycle is None:
            error("cycle", _("Cycle: “%(value)s” is not one of general, basic, major, "
                             "attestation (or ООД, БД, ПД, ИА).")
                  % {"value": _shown(values["cycle"])})

    if values["department_code"]:
        line.department = departments.get(values["department_code"])
        if line.department is None:
            error("department_code", _("Department: there is no department with code "
                                       "“%(code)s”.") % {"code": _shown(values["department_code"])})

    line.prerequisites = _prerequisite_codes(values["prerequisites"])
    return line


def _check_prerequisites(line: Line, first: dict[str, Line], known: dict[str, Discipline],
                         errors: list[RowError]) -> None:
    """Each prerequisite is a discipline of an earlier semester of this file, or an existing
    discipline that this file does not place in the curriculum."""
    valid: list[str] = []
    for code in line.prerequisites:
        placed = first.get(code)
        if code == line.code:
            message = _("Prerequisites: %(code)s cannot be a prerequisite of itself.")
        elif placed is not None:
            if (placed.semester is None or line.semester is None
                    or placed.semester < line.semester):
                valid.append(code)
                continue
            message = _("Prerequisites: %(code)s is in semester %(its)d of this file (row "
                        "%(row)d); a prerequisite must come in a semester before %(semester)d.")
        elif code in known:
            valid.append(code)
            continue
        else:
            message = _("Prerequisites: %(code)s is neither a discipline of this file nor an "
                        "existing discipline.")
        errors.append(RowError(line.row, "prerequisites", message % {
            "code": _shown(code), "its": placed.semester if placed else 0,
            "row": placed.row if placed else 0, "semester": line.semester or 0}))
    line.prerequisites = valid


def _check_semester_load(lines: list[Line], intake_year: int, errors: list[RowError]) -> None:
    """The compulsory credits of each semester stay within the policy maximum (§5) of the
    academic year in which the semester is taught."""
    load: dict[int, int] = defaultdict(int)
    for line in lines:
        if (line.component == Component.COMPULSORY and line.semester is not None
                and line.credits is not None):
            load[line.semester] += line.credits
    limits: dict[int, int] = {}
    for semester in sorted(load):
        year = intake_year + (semester - 1) // 2
        if year not in limits:
            limits[year] = policy_for_year(year).credit_max_semester
        limit = limits[year]
        if load[semester] > limit:
            errors.append(RowError(0, "semester", _(
                "Semester %(semester)d: its compulsory disciplines total %(credits)d credits, "
                "more than the maximum of %(max)d per semester.")
                % {"semester": semester, "credits": load[semester], "max": limit}))


def _check_cycles(first: dict[str, Line], known: dict[str, Discipline],
                  errors: list[RowError]) -> None:
    """No discipline may (indirectly) require itself, counting the prerequisites already
    recorded for the existing disciplines that the file does not list."""
    recorded: dict[str, set[str]] = {}
    pending = {p for line in first.values() for p in line.prerequisites if p not in first}
    through = Discipline.prerequisites.through
    while pending:
        for code in pending:
            recorded[code] = set()
        for part in _chunks(pending):
            for source, target in through.objects.filter(
                from_discipline__code__in=part
            ).values_list("from_discipline__code", "to_discipline__code"):
                recorded[source].add(target)
        pending = {t for targets in recorded.values() for t in targets
                   if t not in first and t not in recorded}

    def edges(code: str) -> list[str]:
        return sorted(first[code].prerequisites if code in first else recorded.get(code, set()))

    reported: set[frozenset[str]] = set()
    for cycle in _cycles(sorted(first), edges):
        members = frozenset(cycle)
        rows = [first[c].row for c in cycle if c in first]
        if not rows or members in reported:
            continue
        reported.add(members)
        errors.append(RowError(min(rows), "prerequisites", _(
            "Prerequisites: the prerequisites form a cycle: %(cycle)s.")
            % {"cycle": " → ".join(cycle)}))


def _cycles(starts: list[str], edges: Callable[[str], list[str]]) -> list[list[str]]:
    """Cycles found by a depth-first search, each as a path that ends where it began."""
    gray, black = 1, 2
    colour: dict[str, int] = {}
    found: list[list[str]] = []
    for start in starts:
        if start in colour:
            continue
        colour[start] = gray
        path = [start]
        stack = [iter(edges(start))]
        while stack:
            following = next(stack[-1], None)
            if following is None:
                stack.pop()
                colour[path.pop()] = black
            elif colour.get(following) == gray:
                found.append(path[path.index(following):] + [following])
            elif following not in colour:
                colour[following] = gray
                path.append(following)
                stack.append(iter(edges(following)))
    return found


# Importing ----------------------------------------------------------------------------------


def import_curriculum(*, by: Any, programme: Programme, intake_year: int, file_name: str,
                      content: bytes) -> Curriculum:
    """Create or replace the working curriculum of `programme` for `intake_year` from a file
    (§3), all or nothing; raise ImportFailed with every error, or PermissionDenied for a user
    who may not import."""
    if not by.has_perm("curriculum.import_curriculum"):
        raise PermissionDenied(_("You are not allowed to import curricula."))
    if not 1000 <= intake_year <= 9999:
        raise ImportFailed([RowError(0, "", _("Intake year: %(year)s is not a four-digit year.")
                                     % {"year": intake_year})])
    rows, header = read_rows(file_name, content)
    checked = validate_rows(programme, intake_year, rows,
                            has_prerequisites="prerequisites" in header)
    if checked.errors:
        raise ImportFailed(checked.errors)
    try:
        with transaction.atomic():
            return _write(by, programme, intake_year, file_name, checked)
    except IntegrityError:  # someone created one of these codes or the curriculum meanwhile
        raise ImportFailed([RowError(0, "", _(
            "Another user has just changed these disciplines or this curriculum; nothing was "
            "imported. Please try again."))]) from None


def _write(by: Any, programme: Programme, intake_year: int, file_name: str,
           checked: Checked) -> Curriculum:
    # the lock makes two imports of one curriculum replace its entries one after the other
    curriculum, created = Curriculum.objects.select_for_update().get_or_create(
        programme=programme, intake_year=intake_year)
    replaced, _counts = CurriculumEntry.objects.filter(curriculum=curriculum).delete()

    disciplines: dict[str, Discipline] = {}
    new: list[Discipline] = []
    changed: list[Discipline] = []
    changed_fields: set[str] = set()
    for line in checked.lines:  # in a file without errors no field of a line is None
        values: dict[str, Any] = {**line.titles, **line.hours,
                                  "assessment_form": line.assessment_form}
        if line.department is not None:
            values["department_id"] = line.department.pk
        discipline = checked.known.get(line.code)
        if discipline is None:
            discipline = Discipline(code=line.code, credits=line.credits or 0, **values)
            new.append(discipline)
        else:
            differing = [f for f, v in values.items() if getattr(discipline, f) != v]
            if differing:
                for f in differing:
                    setattr(discipline, f, values[f])
                changed.append(discipline)
                changed_fields.update(differing)
        disciplines[line.code] = discipline
    created_disciplines = Discipline.objects.bulk_create(new, batch_size=_CHUNK)
    if created_disciplines and created_disciplines[0].pk is None:  # no ids returned
        ids = dict(Discipline.objects.filter(code__in=[d.code for d in new])
                   .values_list("code", "pk"))
        for d in new:
            d.pk = ids[d.code]
    if changed:
        Discipline.objects.bulk_update(changed, sorted(changed_fields), batch_size=_CHUNK)

    prerequisites_changed: list[str] = []
    if checked.has_prerequisites:
        prerequisites_changed = _write_prerequisites(checked, disciplines)

    CurriculumEntry.objects.bulk_create(
        [CurriculumEntry(curriculum=curriculum, discipline=disciplines[line.code],
                         semester=line.semester or 0, component=line.component or "",
                         cycle=line.cycle or "")
         for line in checked.lines],
        batch_size=_CHUNK,
    )
    record(by, "curriculum.imported", curriculum, reason=_("Imported from the file "
                                                           "“%(name)s”.") % {"name": file_name},
           changes={
               "file": file_name, "programme": programme.code, "intake_year": intake_year,
               "curriculum_created": created, "entries": len(checked.lines),
               "entries_replaced": replaced, "disciplines_created": len(new),
               "disciplines_updated": len(changed),
               "updated_codes": sorted(d.code for d in changed),
               "prerequisites_changed": len(prerequisites_changed),
               "prerequisites_changed_codes": prerequisites_changed,
           })
    return curriculum


def _write_prerequisites(checked: Checked, disciplines: dict[str, Discipline]) -> list[str]:
    """Set the prerequisites of the file's disciplines to the file's lists where they differ;
    the codes whose prerequisites changed."""
    through = Discipline.prerequisites.through

    def pk_of(code: str) -> int:
        return (disciplines.get(code) or checked.known[code]).pk

    wanted = {disciplines[line.code].pk: {pk_of(p) for p in line.prerequisites}
              for line in checked.lines}
    current: dict[int, set[int]] = defaultdict(set)
    for part in _chunks(wanted):
        for source, target in through.objects.filter(from_discipline_id__in=part).values_list(
            "from_discipline_id", "to_discipline_id"
        ):
            current[source].add(target)
    differing = [pk for pk, targets in wanted.items() if targets != current[pk]]
    for part in _chunks(differing):
        through.objects.filter(from_discipline_id__in=part).delete()
    through.objects.bulk_create(
        [through(from_discipline_id=pk, to_discipline_id=target)
         for pk in differing for target in sorted(wanted[pk])],
        batch_size=_CHUNK,
    )
    codes = {d.pk: code for code, d in disciplines.items()}
    return sorted(codes[pk] for pk in differing)
