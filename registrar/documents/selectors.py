"""Read queries for documents: the transcript data (§11) and who sees which issued document.

`transcript_data` returns plain JSON values (strings, numbers, booleans, None), so the result
is stored as it is in an issued document's snapshot. GPA figures are read from the stored
`GpaSnapshot` rows — the same figures every other screen and list shows — and rounded half-up
to 2 decimals by `registrar.policy.gpa.display`; nothing is recomputed here.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import pgettext

from registrar.institution.models import AcademicYear, Degree, PeriodKind, StudyForm
from registrar.people.choices import StudentStatus
from registrar.people.models import Student
from registrar.people.roles import scope_of
from registrar.policy.gpa import display
from registrar.policy.selectors import policy_for_year, policy_on
from registrar.policy.values import GradeBand, PolicyValues
from registrar.records.models import Attempt, AttemptKind, GpaSnapshot

from .models import IssuedDocument, normalise_code

SCHEMA_VERSION = 1


def traditional_label(value: str) -> str:
    """The traditional grade of the scale, translated (same msgids as the grade statements)."""
    labels = {
        "excellent": pgettext("traditional grade", "excellent"),
        "good": pgettext("traditional grade", "good"),
        "satisfactory": pgettext("traditional grade", "satisfactory"),
        "fail": pgettext("traditional grade", "fail"),
    }
    return labels.get(value, value)


def attempt_mark(kind: str, counted: bool) -> str:
    """The short note printed after a discipline taken other than in a regular term."""
    marks: dict[str, str] = {
        AttemptKind.RESIT: pgettext("transcript mark", "resit"),
        AttemptKind.SUMMER: pgettext("transcript mark", "summer semester"),
        AttemptKind.RESTUDY: pgettext("transcript mark", "re-study"),
        AttemptKind.TRANSFER: pgettext("transcript mark", "transfer credit"),
    }
    parts = [marks[kind]] if kind in marks else []
    if not counted:
        parts.append(pgettext("transcript mark", "not counted in GPA"))
    return "; ".join(str(p) for p in parts)


def _gpa(value: Decimal | None) -> str | None:
    shown = display(value)
    return None if shown is None else str(shown)


def _score(value: Decimal | None) -> str | None:
    """The exact final score without trailing zeros: 87.40 → "87.4", 92.00 → "92"."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _scale_rows(policy: PolicyValues) -> list[dict[str, Any]]:
    bands = sorted(policy.grading_scale, key=lambda b: -b.min_score)
    return [{"letter": b.letter, "points": str(b.points), "min": b.min_score, "max": b.max_score,
             "traditional": b.traditional, "traditional_label": str(traditional_label(
                 b.traditional))} for b in bands]


def holder_data(student: Student, language: str) -> dict[str, Any]:
    """Who the document is about, in the document's language."""
    programme = student.programme
    last_name = {"kk": student.last_name_kk, "en": student.last_name_en}.get(
        language, "") or student.last_name_ru
    return {
        "name": student.full_name_in(language),
        "surname": last_name,
        "iin": student.iin,
        "birth_date": student.birth_date.isoformat(),
        "programme_code": programme.code,
        "programme_title": programme.name_in(language),
        "faculty": programme.department.faculty.name_in(language),
        "degree": programme.degree,
        "degree_label": str(Degree(programme.degree).label),
        "study_form": programme.study_form,
        "study_form_label": str(StudyForm(programme.study_form).label),
        "group": student.group.name if student.group is not None else "",
        "year_of_study": student.year_of_study,
        "status": student.status,
        "status_label": str(StudentStatus(student.status).label),
    }


def transcript_data(student: Student, language: str = "ru") -> dict[str, Any]:
    """Everything a transcript shows, as JSON values (see the module docstring).

    Terms in time order, each with every attempt of the term (resits, summer, re-study and
    transfer credits marked), the term's GPA figures from its `GpaSnapshot`; totals from the
    snapshot of the last term; the holder; the grading scale in force."""
    language = (language or "ru")[:2]
    student = Student.objects.select_related(
        "programme__department__faculty", "group").get(pk=student.pk)
    record, scale_policy = _record(student.pk, language)
    if scale_policy is None:
        scale_policy = policy_on(timezone.localdate())
    with translation.override(language):
        return {
            "schema": SCHEMA_VERSION,
            "language": language,
            "university": settings.UNIVERSITY_NAME.get(language, ""),
            "holder": holder_data(student, language),
            "terms": record["terms"],
            "totals": record["totals"],
            "scale": _scale_rows(scale_policy),
        }


def academic_record(student_id: int, language: str = "ru") -> dict[str, Any]:
    """The terms and totals of `transcript_data` alone (the student card's academic history):
    without the holder and the scale, so the student is not read again (issue 10)."""
    return _record(student_id, (language or "ru")[:2])[0]


def _record(student_id: int, language: str) -> tuple[dict[str, Any], PolicyValues | None]:
    """The terms and totals of a transcript, and the policy of the last term (None if none).

    Attempts and snapshots are read as rows of the values used (no model instances)."""
    attempts = (
        Attempt.objects.filter(student_id=student_id)
        .order_by("period__starts_on", "period_id", "discipline__code", "recorded_at", "id")
        .values("period_id", "period__kind", "period__starts_on", "period__year__start_year",
                "discipline__code", "title_kk", "title_ru", "title_en", "credits",
                "final_score", "letter", "points", "kind", "counts_in_gpa", "passed"))
    snapshots = {s["period_id"]: s for s in GpaSnapshot.objects.filter(student_id=student_id)
                 .order_by()  # by period: the default order (by student name) joins for nothing
                 .values("period_id", "term_credits", "term_gpa", "year_gpa", "cumulative_gpa",
                         "credits_earned")}
    policies: dict[int, PolicyValues] = {}

    def band(start_year: int, letter: str) -> GradeBand | None:
        if start_year not in policies:
            policies[start_year] = policy_for_year(start_year)
        return next((b for b in policies[start_year].grading_scale if b.letter == letter), None)

    with translation.override(language):
        kinds = dict(PeriodKind.choices)
        by_term: OrderedDict[int, list[Mapping[str, Any]]] = OrderedDict()
        for attempt in attempts:
            by_term.setdefault(attempt["period_id"], []).append(attempt)
        terms: list[dict[str, Any]] = []
        for period_id, term_attempts in by_term.items():
            first = term_attempts[0]
            start_year = first["period__year__start_year"]
            rows: list[dict[str, Any]] = []
            for a in term_attempts:
                grade_band = band(start_year, a["letter"])
                traditional = grade_band.traditional if grade_band else ""
                rows.append({
                    "code": a["discipline__code"],
                    "title": a.get(f"title_{language}", "") or a["title_ru"],
                    "credits": a["credits"],
                    "score": _score(a["final_score"]),
                    "letter": a["letter"],
                    "points": str(a["points"]),
                    "traditional": traditional,
                    "traditional_label": str(traditional_label(traditional)) if traditional
                    else "",
                    "kind": a["kind"],
                    "counted": a["counts_in_gpa"],
                    "passed": a["passed"],
                    "mark": attempt_mark(a["kind"], a["counts_in_gpa"]),
                })
            snapshot = snapshots.get(period_id)
            year = str(AcademicYear(start_year=start_year))
            kind = first["period__kind"]
            terms.append({
                "period_id": period_id,
                "academic_year": year,
                "period_kind": kind,
                "title": f"{year} · {kinds.get(kind, kind)}",
                "starts_on": first["period__starts_on"].isoformat(),
                "rows": rows,
                "credits": sum(r["credits"] for r in rows),
                "graded_credits": snapshot["term_credits"] if snapshot else None,
                "term_gpa": _gpa(snapshot["term_gpa"]) if snapshot else None,
                "year_gpa": _gpa(snapshot["year_gpa"]) if snapshot else None,
                "cumulative_gpa": _gpa(snapshot["cumulative_gpa"]) if snapshot else None,
                "credits_earned": snapshot["credits_earned"] if snapshot else None,
            })
        last = snapshots.get(terms[-1]["period_id"]) if terms else None
        scale_policy = None
        if terms:
            last_year = by_term[terms[-1]["period_id"]][0]["period__year__start_year"]
            scale_policy = policies.get(last_year) or policy_for_year(last_year)
        record = {
            "terms": terms,
            "totals": {
                "credits_earned": last["credits_earned"] if last else 0,
                "cumulative_gpa": _gpa(last["cumulative_gpa"]) if last else None,
                "disciplines": len({r["code"] for t in terms for r in t["rows"]}),
            },
        }
        return record, scale_policy


# --- Who sees which document --------------------------------------------------------------

# What a list of issued documents shows (the stored content is not among them).
DOCUMENT_LIST_FIELDS = ("kind", "student_id", "language", "code", "issued_at", "revoked_at")


def documents_visible_to(user: Any) -> QuerySet[IssuedDocument]:
    """The documents a user may download: the registrar all; a dean those of students of their
    faculty; a student their own; nobody else any."""
    scope = scope_of(user)
    documents = IssuedDocument.objects.select_related(
        "student__programme__department", "issued_by")
    if scope.is_registrar or getattr(user, "is_superuser", False):
        return documents
    visible = Q(pk__in=[])
    if scope.dean_faculty_ids:
        visible |= Q(student__programme__department__faculty_id__in=scope.dean_faculty_ids)
    if scope.student_id is not None:
        visible |= Q(student_id=scope.student_id)
    return documents.filter(visible)


def document_by_code(text: str) -> IssuedDocument | None:
    """The document a typed code names, or None."""
    code = normalise_code(text)
    if code is None:
        return None
    return IssuedDocument.objects.filter(code=code).first()
