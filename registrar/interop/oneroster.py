"""1EdTech OneRoster 1.2 CSV: the roster of a term for an LMS, and LMS results back in (issue 9).

Export (`export_period`): a bulk ZIP of `manifest.csv`, `orgs.csv`, `academicSessions.csv`,
`courses.csv`, `classes.csv`, `users.csv`, `roles.csv` and `enrollments.csv` with the column
headers, in the order, of the OneRoster 1.2 CSV binding (`COLUMNS`). Bulk files leave `status`
and `dateLastModified` empty, as the binding asks; a file without rows is left out and marked
`absent` in the manifest. Identifiers are stable across exports (`stu-<id>`, `tea-<id>`,
`cls-<id>`, …; see `docs/interop.md`), so a re-export updates the LMS instead of duplicating.
No IIN leaves the university unless `include_iin` is set (then as each student's `identifier`).

Mapping: the university is the `district` org, faculties are `school` orgs (classes, courses,
roles and enrollments point at the faculty of the discipline's department), departments are
`department` orgs; the academic year is a `schoolYear` session and its periods `semester` (or
`term` for the summer) sessions; a discipline is a course, a section a class; students enrolled
in the term's sections and the sections' teachers are the users.

Import (`import_results`): `lineItems.csv` and `results.csv` (and optionally `categories.csv`)
from an LMS gradebook. A line item is a rating statement of a section: its class is one of our
`cls-<id>` classes, and its grade component (R1, R2 or exam) comes from the explicit mapping
given with the upload, else from its category's title, else from its own title (`component_of`:
"R1", "Rating 1", "РК1", "АБ1", "Exam", "Экзамен", "Емтихан", …). Line items of no component
(homework, quizzes) are ignored. A "fully graded" result's score, rescaled to 0–100 when the
line item declares another range, is entered on the sheet through
`assessment.services.enter_scores` as the uploading user, so every rule of the statements
applies (0–100, two decimals, the sheet open, only the section's teacher enters). The import is
all or nothing: every problem is listed with its file, row (the header is row 1) and column, and
nothing is written unless there is none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from registrar.assessment import services as grading
from registrar.assessment.models import GradeSheet, SheetKind
from registrar.audit import services as audit
from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicPeriod, Department, Faculty, PeriodKind
from registrar.people.models import Staff, Student
from registrar.registration.models import Registration, RegistrationState, Section, SectionStatus

from . import permissions  # noqa: F401  (registers the rules)
from .outbox import CLASS_PREFIX, STUDENT_PREFIX, TEACHER_PREFIX, TERM_PREFIX

ONEROSTER_VERSION = "1.2"
MANIFEST_VERSION = "1.0"
SOURCE_SYSTEM_NAME = "Registrar"

UNIVERSITY_ID = "org-university"
FACULTY_PREFIX = "org-fac-"
DEPARTMENT_PREFIX = "org-dep-"
YEAR_PREFIX = "year-"
COURSE_PREFIX = "crs-"

# The header of each file, in the order of the OneRoster 1.2 CSV binding.
COLUMNS: dict[str, tuple[str, ...]] = {
    "manifest.csv": ("propertyName", "value"),
    "orgs.csv": ("sourcedId", "status", "dateLastModified", "name", "type", "identifier",
                 "parentSourcedId"),
    "academicSessions.csv": ("sourcedId", "status", "dateLastModified", "title", "type",
                             "startDate", "endDate", "parentSourcedId", "schoolYear"),
    "courses.csv": ("sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title",
                    "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"),
    "classes.csv": ("sourcedId", "status", "dateLastModified", "title", "grades",
                    "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId",
                    "termSourcedIds", "subjects", "subjectCodes", "periods"),
    "users.csv": ("sourcedId", "status", "dateLastModified", "enabledUser", "username",
                  "userIds", "givenName", "familyName", "middleName", "identifier", "email",
                  "sms", "phone", "agentSourcedIds", "grades", "password",
                  "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName",
                  "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId",
                  "pronouns"),
    "roles.csv": ("sourcedId", "status", "dateLastModified", "userSourcedId", "roleType",
                  "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"),
    "enrollments.csv": ("sourcedId", "status", "dateLastModified", "classSourcedId",
                        "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate",
                        "endDate"),
}

# The manifest lists every file of the binding; ours are "bulk" (or "absent" when empty).
MANIFEST_FILES = (
    "academicSessions", "categories", "classes", "classResources", "courses",
    "courseResources", "demographics", "enrollments", "lineItemLearningObjectiveIds",
    "lineItems", "lineItemScoreScales", "orgs", "resources", "resultLearningObjectiveIds",
    "results", "resultScoreScales", "roles", "scoreScales", "userProfiles", "userResources",
    "users",
)
EXPORTED = ("orgs", "academicSessions", "courses", "classes", "users", "roles", "enrollments")

# CEDS grade level of post-secondary students.
POSTSECONDARY = "PS"


# --- Export ---------------------------------------------------------------------------------

def _name(obj: Any, language: str) -> str:
    return obj.name_in(language)


def _person(person: Any, language: str) -> tuple[str, str, str]:
    """(given, family, middle) in the language's script, falling back to Russian."""
    if language == "en" and person.last_name_en:
        return person.first_name_en, person.last_name_en, ""
    if language == "kk" and person.last_name_kk:
        return person.first_name_kk, person.last_name_kk, person.patronymic_kk
    return person.first_name_ru, person.last_name_ru, person.patronymic_ru


def _faculty_org(department: Department | None) -> str:
    return f"{FACULTY_PREFIX}{department.faculty_id}" if department is not None else (
        UNIVERSITY_ID)


def _school_year(period: AcademicPeriod) -> str:
    """OneRoster's schoolYear is the calendar year in which the school year ends."""
    return str(period.year.start_year + 1)


def roster_rows(period: AcademicPeriod, *, include_iin: bool = False,
                language: str = "ru") -> dict[str, list[dict[str, str]]]:
    """The data rows of each exported file, as {column: text} (empty columns left out)."""
    language = (language or "ru")[:2]
    period = AcademicPeriod.objects.select_related("year").get(pk=period.pk)
    sections = list(
        Section.objects.filter(period=period).exclude(status=SectionStatus.CANCELLED)
        .select_related("discipline__department", "teacher__department", "teacher__user")
        .order_by("discipline__code", "code"))
    school_of = {s.pk: _faculty_org(s.discipline.department) for s in sections}
    registrations = list(
        Registration.objects.filter(section__in=sections, state=RegistrationState.ENROLLED)
        .order_by("section_id", "student_id").values_list("pk", "section_id", "student_id"))
    students = {s.pk: s for s in Student.objects.filter(
        pk__in={r[2] for r in registrations}).select_related(
        "programme__department", "user").order_by("pk")}
    teachers: dict[int, Staff] = {}
    for section in sections:
        if section.teacher is not None:
            teachers[section.teacher.pk] = section.teacher

    files: dict[str, list[dict[str, str]]] = {name: [] for name in EXPORTED}
    files["orgs"].append({"sourcedId": UNIVERSITY_ID, "type": "district",
                          "name": settings.UNIVERSITY_NAME.get(language, "") or SOURCE_SYSTEM_NAME})
    for faculty in Faculty.objects.order_by("code"):
        files["orgs"].append({"sourcedId": f"{FACULTY_PREFIX}{faculty.pk}", "type": "school",
                              "name": _name(faculty, language), "identifier": faculty.code,
                              "parentSourcedId": UNIVERSITY_ID})
    for department in Department.objects.order_by("code"):
        files["orgs"].append({"sourcedId": f"{DEPARTMENT_PREFIX}{department.pk}",
                              "type": "department", "name": _name(department, language),
                              "identifier": department.code,
                              "parentSourcedId": f"{FACULTY_PREFIX}{department.faculty_id}"})

    year = period.year
    year_id = f"{YEAR_PREFIX}{year.pk}"
    files["academicSessions"].append({
        "sourcedId": year_id, "title": str(year), "type": "schoolYear",
        "startDate": year.starts_on.isoformat(), "endDate": year.ends_on.isoformat(),
        "schoolYear": _school_year(period)})
    for term in year.periods.order_by("starts_on"):
        files["academicSessions"].append({
            "sourcedId": f"{TERM_PREFIX}{term.pk}", "title": str(term),
            "type": "term" if term.kind == PeriodKind.SUMMER else "semester",
            "startDate": term.starts_on.isoformat(), "endDate": term.ends_on.isoformat(),
            "parentSourcedId": year_id, "schoolYear": _school_year(period)})

    disciplines: dict[int, Discipline] = {}
    for section in sections:
        disciplines.setdefault(section.discipline_id, section.discipline)
    for discipline in sorted(disciplines.values(), key=lambda d: d.code):
        files["courses"].append({
            "sourcedId": f"{COURSE_PREFIX}{discipline.pk}", "schoolYearSourcedId": year_id,
            "title": _name(discipline, language), "courseCode": discipline.code,
            "grades": POSTSECONDARY, "orgSourcedId": _faculty_org(discipline.department)})
    for section in sections:
        files["classes"].append({
            "sourcedId": f"{CLASS_PREFIX}{section.pk}",
            "title": f"{section.code} {_name(section.discipline, language)}",
            "grades": POSTSECONDARY,
            "courseSourcedId": f"{COURSE_PREFIX}{section.discipline_id}",
            "classCode": section.code, "classType": "scheduled",
            "schoolSourcedId": school_of[section.pk],
            "termSourcedIds": f"{TERM_PREFIX}{period.pk}"})

    for student in students.values():
        given, family, middle = _person(student, language)
        sourced = f"{STUDENT_PREFIX}{student.pk}"
        org = _faculty_org(student.programme.department)
        files["users"].append({
            "sourcedId": sourced, "enabledUser": "true",
            "username": student.user.username if student.user is not None else sourced,
            "givenName": given, "familyName": family, "middleName": middle,
            "identifier": student.iin if include_iin else "",
            "email": student.email or (student.user.email if student.user is not None else ""),
            "grades": POSTSECONDARY, "primaryOrgSourcedId": org})
        files["roles"].append({"sourcedId": f"role-{sourced}", "userSourcedId": sourced,
                               "roleType": "primary", "role": "student", "orgSourcedId": org})
    for staff in sorted(teachers.values(), key=lambda t: t.pk):
        given, family, middle = _person(staff, language)
        sourced = f"{TEACHER_PREFIX}{staff.pk}"
        org = _faculty_org(staff.department)
        files["users"].append({
            "sourcedId": sourced, "enabledUser": "true",
            "username": staff.user.username if staff.user is not None else sourced,
            "givenName": given, "familyName": family, "middleName": middle,
            "email": staff.email or (staff.user.email if staff.user is not None else ""),
            "primaryOrgSourcedId": org})
        files["roles"].append({"sourcedId": f"role-{sourced}", "userSourcedId": sourced,
                               "roleType": "primary", "role": "teacher", "orgSourcedId": org})

    begin, end = period.starts_on.isoformat(), period.ends_on.isoformat()
    for section in sections:
        if section.teacher_id is not None:
            files["enrollments"].append({
                "sourcedId": f"enr-{TEACHER_PREFIX}{section.pk}",
                "classSourcedId": f"{CLASS_PREFIX}{section.pk}",
                "schoolSourcedId": school_of[section.pk],
                "userSourcedId": f"{TEACHER_PREFIX}{section.teacher_id}", "role": "teacher",
                "primary": "true", "beginDate": begin, "endDate": end})
    for pk, section_id, student_id in registrations:
        files["enrollments"].append({
            "sourcedId": f"enr-{pk}", "classSourcedId": f"{CLASS_PREFIX}{section_id}",
            "schoolSourcedId": school_of[section_id],
            "userSourcedId": f"{STUDENT_PREFIX}{student_id}", "role": "student",
            "primary": "false", "beginDate": begin, "endDate": end})
    return files


def _csv_bytes(columns: Iterable[str], rows: Iterable[Mapping[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = list(columns)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_clean(row.get(c, "")) for c in columns])
    return buffer.getvalue().encode("utf-8")


def _clean(value: Any) -> str:
    """The binding allows no line breaks inside a field."""
    return re.sub(r"[\r\n]+", " ", str(value or ""))


def manifest_rows(present: Iterable[str]) -> list[dict[str, str]]:
    present = set(present)
    rows = [{"propertyName": "manifest.version", "value": MANIFEST_VERSION},
            {"propertyName": "oneroster.version", "value": ONEROSTER_VERSION}]
    rows += [{"propertyName": f"file.{name}", "value": "bulk" if name in present else "absent"}
             for name in MANIFEST_FILES]
    rows += [{"propertyName": "source.systemName", "value": SOURCE_SYSTEM_NAME},
             {"propertyName": "source.systemCode",
              "value": getattr(settings, "INTEROP_SOURCE_SYSTEM_CODE", "registrar")}]
    return rows


def build_zip(files: Mapping[str, list[dict[str, str]]]) -> bytes:
    """The ZIP of the non-empty files and their manifest (files at the root, no folders)."""
    present = [name for name in EXPORTED if files.get(name)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.csv",
                         _csv_bytes(COLUMNS["manifest.csv"], manifest_rows(present)))
        for name in present:
            archive.writestr(f"{name}.csv", _csv_bytes(COLUMNS[f"{name}.csv"], files[name]))
    return buffer.getvalue()


def export_period(period: AcademicPeriod, *, by: Any = None, include_iin: bool = False,
                  language: str = "ru") -> bytes:
    """The OneRoster ZIP of a term. `by` must hold `interop.export_roster` (the registrar);
    None is the operator's shell (the management command). The export is audited."""
    if by is not None and not by.has_perm("interop.export_roster"):
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        files = roster_rows(period, include_iin=include_iin, language=language)
        audit.record(by, "oneroster.exported", period, {
            "users": len(files["users"]), "classes": len(files["classes"]),
            "enrollments": len(files["enrollments"]), "include_iin": include_iin})
    return build_zip(files)


# --- Import of results ----------------------------------------------------------------------

RESULT_FILES = ("lineItems.csv", "results.csv", "categories.csv")
REQUIRED_COLUMNS = {
    "lineItems.csv": ("sourcedId", "title", "classSourcedId"),
    "results.csv": ("sourcedId", "lineItemSourcedId", "studentSourcedId", "scoreStatus",
                    "score"),
    "categories.csv": ("sourcedId", "title"),
}
SCORE_STATUSES = ("exempt", "fully graded", "not submitted", "partially graded", "submitted")
GRADED = "fully graded"
COMPONENTS = (SheetKind.RATING_1, SheetKind.RATING_2, SheetKind.EXAM)

_COMPONENT_WORDS = {
    SheetKind.RATING_1: ("rating1", "r1", "rk1", "рк1", "р1", "рейтинг1", "рубежныйконтроль1",
                         "аб1", "аралықбақылау1", "midterm1", "firstrating"),
    SheetKind.RATING_2: ("rating2", "r2", "rk2", "рк2", "р2", "рейтинг2", "рубежныйконтроль2",
                         "аб2", "аралықбақылау2", "midterm2", "secondrating"),
    SheetKind.EXAM: ("exam", "finalexam", "final", "examination", "экзамен", "итоговыйэкзамен",
                     "емтихан", "қорытындыемтихан"),
}
_WORD_TO_COMPONENT = {w: kind for kind, words in _COMPONENT_WORDS.items() for w in words}


def component_of(text: str) -> str | None:
    """The grade component a line item or category title names, or None."""
    key = re.sub(r"[\W_]+", "", (text or "").lower())
    return _WORD_TO_COMPONENT.get(key)


def component_label(kind: str) -> str:
    return str(SheetKind(kind).label)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # 1 is the header; 0 the whole file or archive
    column: str
    message: str

    def __str__(self) -> str:
        return _("%(file)s, row %(row)d, column %(column)s: %(reason)s") % {
            "file": self.file or "-", "row": self.row, "column": self.column or "-",
            "reason": self.message}


class ResultsImportFailed(Exception):
    """The upload was refused; `problems` lists every reason. Nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


@dataclass
class ImportReport:
    entered: int = 0  # grade entries changed
    unchanged: int = 0  # results equal to what the sheet already held
    skipped: int = 0  # results not fully graded, withdrawn, or of ignored line items
    ignored_line_items: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


@dataclass
class _LineItem:
    row: int
    sourced_id: str
    title: str
    section: Section | None
    kind: str | None
    low: Decimal
    high: Decimal


@dataclass
class _Result:
    row: int
    line_item: _LineItem
    student_id: int
    score: Decimal


def _fail(message: str, file: str = "", row: int = 0, column: str = "") -> ResultsImportFailed:
    return ResultsImportFailed([Problem(file, row, column, message)])


def read_archive(content: bytes) -> dict[str, bytes]:
    """The files of an uploaded OneRoster ZIP by base name (folders inside are tolerated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            files = {}
            for info in archive.infolist():
                if info.is_dir():
                    continue
                name = info.filename.rsplit("/", 1)[-1]
                if name not in (*RESULT_FILES, "manifest.csv"):
                    continue  # rosters and other files of a full gradebook export
                if info.file_size > 50 * 1024 * 1024:
                    raise _fail(_("%(file)s is too large.") % {"file": name}, name)
                files[name] = archive.read(info)
            return files
    # a damaged archive fails in many ways: bad headers (BadZipFile), a truncated or corrupt
    # stream (EOFError, zlib.error), encryption (RuntimeError), an unknown method
    # (NotImplementedError)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error,
            RuntimeError, NotImplementedError, ValueError):
        raise _fail(_("The file is not a ZIP archive of OneRoster CSV files.")) from None


def read_csv(name: str, content: bytes) -> list[dict[str, str]]:
    """The rows of a OneRoster CSV file as {column: stripped text}; the row at index i is line
    i + 2 (the header is line 1). A UTF-8 BOM is ignored, as the binding asks."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(_("The file is not in UTF-8 encoding."), name) from None
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _fail(_("The CSV file cannot be read: %(reason)s") % {"reason": exc},
                    name) from None
    if not table or not any(cell.strip() for cell in table[0]):
        raise _fail(_("The file is empty: the first row must be the header."), name, 1)
    header = [cell.strip() for cell in table[0]]
    missing = [c for c in REQUIRED_COLUMNS.get(name, ()) if c not in header]
    if missing:
        raise ResultsImportFailed([
            Problem(name, 1, c, _("The required column “%(column)s” is missing.")
                    % {"column": c}) for c in missing])
    return [{column: (cells[i].strip() if i < len(cells) else "")
             for i, column in enumerate(header)} for cells in table[1:]]


def _decimal(value: str) -> Decimal | None:
    """A finite number of a sane size (a score or a scale bound); None for anything else, so
    that rescaling never overflows."""
    try:
        number = Decimal(value.replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or not (number.is_zero() or -15 <= number.adjusted() <= 15):
        return None
    return number


def _check_manifest(files: Mapping[str, bytes]) -> None:
    if "manifest.csv" not in files:
        return  # many gradebooks send the two files alone
    rows = read_csv("manifest.csv", files["manifest.csv"])
    values = {r.get("propertyName", ""): r.get("value", "") for r in rows}
    version = values.get("oneroster.version", "")
    if version and not version.startswith("1."):
        raise _fail(_("OneRoster version %(version)s is not supported (1.1 or 1.2).")
                    % {"version": version}, "manifest.csv", 0, "oneroster.version")
    for name in ("lineItems", "results"):
        if values.get(f"file.{name}") == "absent":
            raise _fail(_("The manifest says %(file)s is absent; results need it.")
                        % {"file": f"{name}.csv"}, "manifest.csv", 0, f"file.{name}")


def _ids(value: str, prefix: str) -> int | None:
    digits = value[len(prefix):]
    # ASCII digits only ("²".isdigit() is true but int() refuses it), and few enough for a key
    if value.startswith(prefix) and digits.isascii() and digits.isdigit() and len(digits) <= 18:
        return int(digits)
    return None


def parse_mapping(text: str) -> dict[str, str]:
    """"lineItemSourcedId=component" pairs, one per line or comma; components are rating_1,
    rating_2, exam (or any title `component_of` knows, such as R1)."""
    mapping: dict[str, str] = {}
    for part in re.split(r"[\n,;]+", text or ""):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        kind = value.strip() if value.strip() in COMPONENTS else component_of(value)
        if not sep or not key.strip() or kind is None:
            raise _fail(_("“%(pair)s” is not “line item = R1, R2 or exam”.")
                        % {"pair": part.strip()[:60]}, "", 0, "mapping")
        mapping[key.strip()] = kind
    return mapping


def _line_items(files: Mapping[str, bytes], mapping: Mapping[str, str],
                problems: list[Problem]) -> dict[str, _LineItem]:
    name = "lineItems.csv"
    categories: dict[str, str] = {}
    if "categories.csv" in files:
        for r in read_csv("categories.csv", files["categories.csv"]):
            if r.get("sourcedId"):
                categories[r["sourcedId"]] = r.get("title", "")
    rows = read_csv(name, files[name])
    section_ids = {_ids(r.get("classSourcedId", ""), CLASS_PREFIX) for r in rows} - {None}
    sections = {s.pk: s for s in Section.objects.filter(pk__in=section_ids)
                .select_related("discipline")}
    items: dict[str, _LineItem] = {}
    claimed: dict[tuple[int, str], str] = {}
    for index, r in enumerate(rows):
        line = index + 2
        if not any(r.values()):
            continue
        sourced = r.get("sourcedId", "")
        if not sourced:
            problems.append(Problem(name, line, "sourcedId", _("The sourcedId is empty.")))
            continue
        if sourced in items:
            problems.append(Problem(name, line, "sourcedId",
                                    _("The sourcedId %(id)s is repeated; it is already in row "
                                      "%(row)d.") % {"id": sourced, "row": items[sourced].row}))
            continue
        title = r.get("title", "")
        category = categories.get(r.get("categorySourcedId", ""), "")
        kind = mapping.get(sourced) or component_of(category) or component_of(title)
        item = _LineItem(line, sourced, title, None, kind, Decimal(0), Decimal(100))
        items[sourced] = item
        if r.get("status", "") == "tobedeleted" or kind is None:
            item.kind = None
            continue
        class_id = _ids(r.get("classSourcedId", ""), CLASS_PREFIX)
        section = sections.get(class_id) if class_id is not None else None
        if section is None:
            problems.append(Problem(name, line, "classSourcedId",
                                    _("The class “%(id)s” is not a section of this university "
                                      "(expected cls-<number> from our roster export).")
                                    % {"id": r.get("classSourcedId", "")[:60]}))
            continue
        item.section = section
        for column, default in (("resultValueMin", Decimal(0)), ("resultValueMax", Decimal(100))):
            raw = r.get(column, "")
            number = _decimal(raw) if raw else default
            if number is None:
                problems.append(Problem(name, line, column, _("“%(value)s” is not a number.")
                                        % {"value": raw[:40]}))
                number = default
            if column == "resultValueMin":
                item.low = number
            else:
                item.high = number
        if item.high <= item.low:
            problems.append(Problem(name, line, "resultValueMax",
                                    _("The maximum score must be greater than the minimum.")))
        key = (section.pk, kind)
        if key in claimed:
            problems.append(Problem(name, line, "title", _(
                "Line items %(first)s and %(second)s both give %(component)s of section "
                "%(section)s; keep one or map them explicitly.") % {
                "first": claimed[key], "second": sourced, "component": component_label(kind),
                "section": section.code}))
            continue
        claimed[key] = sourced
    return items


def _results(files: Mapping[str, bytes], items: Mapping[str, _LineItem],
             problems: list[Problem], report: ImportReport) -> list[_Result]:
    name = "results.csv"
    rows = read_csv(name, files[name])
    results: list[_Result] = []
    seen: dict[tuple[str, int], int] = {}
    sourced_seen: dict[str, int] = {}
    for index, r in enumerate(rows):
        line = index + 2
        if not any(r.values()):
            continue
        sourced = r.get("sourcedId", "")
        if not sourced:
            problems.append(Problem(name, line, "sourcedId", _("The sourcedId is empty.")))
        elif sourced in sourced_seen:
            problems.append(Problem(name, line, "sourcedId",
                                    _("The sourcedId %(id)s is repeated; it is already in row "
                                      "%(row)d.") % {"id": sourced, "row": sourced_seen[sourced]}))
            continue
        else:
            sourced_seen[sourced] = line
        item = items.get(r.get("lineItemSourcedId", ""))
        if item is None:
            problems.append(Problem(name, line, "lineItemSourcedId",
                                    _("The line item “%(id)s” is not in lineItems.csv.")
                                    % {"id": r.get("lineItemSourcedId", "")[:60]}))
            continue
        status = r.get("scoreStatus", "")
        if status not in SCORE_STATUSES:
            problems.append(Problem(name, line, "scoreStatus",
                                    _("“%(value)s” is not a OneRoster score status (%(allowed)s).")
                                    % {"value": status[:40], "allowed": ", ".join(SCORE_STATUSES)}))
            continue
        if item.kind is None or item.section is None or r.get("status", "") == "tobedeleted" or (
                status != GRADED):
            report.skipped += 1
            continue
        student_id = _ids(r.get("studentSourcedId", ""), STUDENT_PREFIX)
        if student_id is None:
            problems.append(Problem(name, line, "studentSourcedId",
                                    _("The student “%(id)s” is not one of ours (expected "
                                      "stu-<number> from our roster export).")
                                    % {"id": r.get("studentSourcedId", "")[:60]}))
            continue
        raw = r.get("score", "")
        number = _decimal(raw) if raw else None
        if number is None:
            problems.append(Problem(name, line, "score",
                                    _("A fully graded result needs a numeric score; “%(value)s” "
                                      "is not one.") % {"value": raw[:40]}))
            continue
        if not item.low <= number <= item.high:
            problems.append(Problem(name, line, "score",
                                    _("The score %(score)s is outside the line item's range "
                                      "%(low)s–%(high)s.") % {"score": raw, "low": item.low,
                                                             "high": item.high}))
            continue
        key = (item.sourced_id, student_id)
        if key in seen:
            problems.append(Problem(name, line, "studentSourcedId",
                                    _("A second result for the same student and line item; the "
                                      "first is in row %(row)d.") % {"row": seen[key]}))
            continue
        seen[key] = line
        results.append(_Result(line, item, student_id, _to_percent(number, item)))
    return results


def _to_percent(score: Decimal, item: _LineItem) -> Decimal:
    """A score on the line item's scale as 0–100 with two decimals (half up)."""
    if (item.low, item.high) == (Decimal(0), Decimal(100)):
        return score
    percent = (score - item.low) * 100 / (item.high - item.low)
    return percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


_FIELD_COLUMNS = {"score": "score", "student_id": "studentSourcedId", "sheet":
                  "lineItemSourcedId", "absent": "scoreStatus", "parts": "score"}


def import_results(content: bytes, *, by: Any, mapping: Mapping[str, str] | None = None,
                   now: dt.datetime | None = None) -> ImportReport:
    """Enter an LMS gradebook's results on the rating statements, all or nothing.

    Raises `ResultsImportFailed` listing every problem (file, row, column, reason); then nothing
    was written. Each score goes through `assessment.services.enter_scores` as `by`."""
    if by is None or not by.has_perm("interop.import_results"):
        raise PermissionDenied(_("You do not have permission to do this."))
    files = read_archive(content)
    missing = [n for n in ("lineItems.csv", "results.csv") if n not in files]
    if missing:
        raise ResultsImportFailed([Problem(n, 0, "", _("The archive has no %(file)s.")
                                           % {"file": n}) for n in missing])
    _check_manifest(files)
    mapping = dict(mapping or {})
    problems: list[Problem] = []
    report = ImportReport()
    items = _line_items(files, mapping, problems)
    unknown = [k for k in mapping if k not in items]
    problems += [Problem("lineItems.csv", 0, "sourcedId",
                         _("The mapping names the line item %(id)s, which is not in the file.")
                         % {"id": k[:60]}) for k in unknown]
    report.ignored_line_items = [f"{i.sourced_id} {i.title}".strip() for i in items.values()
                                 if i.kind is None]
    results = _results(files, items, problems, report)
    if problems:
        raise ResultsImportFailed(problems)
    try:
        with transaction.atomic():
            _enter(results, by=by, now=now, report=report)
    except _Refused as refused:
        raise ResultsImportFailed(refused.problems) from None
    return report


class _Refused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _enter(results: list[_Result], *, by: Any, now: dt.datetime | None,
           report: ImportReport) -> None:
    name = "results.csv"
    problems: list[Problem] = []
    sheets: dict[tuple[int, str], GradeSheet | None] = {}
    allowed: dict[int, bool] = {}
    for result in results:
        item = result.line_item
        assert item.section is not None and item.kind is not None
        key = (item.section.pk, item.kind)
        if key not in sheets:
            sheets[key] = (GradeSheet.objects.select_related("section__discipline")
                           .filter(section=item.section, kind=item.kind).first())
        sheet = sheets[key]
        if sheet is None:
            problems.append(Problem(name, result.row, "lineItemSourcedId", _(
                "Section %(section)s has no %(component)s statement yet.") % {
                "section": item.section.code, "component": component_label(item.kind)}))
            continue
        if sheet.pk not in allowed:
            allowed[sheet.pk] = bool(by.has_perm("assessment.enter_grades", sheet))
        if not allowed[sheet.pk]:
            problems.append(Problem(name, result.row, "lineItemSourcedId", _(
                "You may not enter scores on “%(sheet)s”: only the section's teacher does.")
                % {"sheet": sheet}))
            continue
        try:
            changed = grading.enter_scores(
                sheet, [{"student_id": result.student_id, "score": str(result.score)}],
                by=by, now=now)
        except grading.GradingRefused as refused:
            problems.append(Problem(name, result.row, _FIELD_COLUMNS.get(refused.field, "score"),
                                    refused.message))
            continue
        except PermissionDenied as exc:
            problems.append(Problem(name, result.row, "lineItemSourcedId", str(exc)))
            continue
        if changed:
            report.entered += 1
        else:
            report.unchanged += 1
        if str(sheet) not in report.sheets:
            report.sheets.append(str(sheet))
    if problems:
        raise _Refused(problems)
