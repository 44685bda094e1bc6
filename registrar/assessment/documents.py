"""Printable statements (PDF, WeasyPrint) in Kazakh, Russian or English (§6, §11, §12).

- the rating statement (R1 or R2) and the exam (or resit) statement of a sheet: `sheet_pdf`;
- the final statement of a section: `final_statement_pdf`;
- the summary statement of a group after the session: `group_summary_pdf`.

Every text goes through gettext in the requested language; names and discipline titles are
taken in that language. Scores are shown as stored (at most two decimals, trailing zeros
dropped) with a decimal comma in Kazakh and Russian and a point in English. A statement whose
sheet is not submitted and locked carries a "NOT SUBMITTED — DRAFT" mark on every page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from registrar.institution.models import AcademicGroup, AcademicPeriod
from registrar.policy.selectors import policy_for_year
from registrar.registration.models import Section

from . import selectors
from .models import GradeSheet, SheetKind, SheetState
from .services import admission_of

# --- Formatting ---------------------------------------------------------------------------

def number(value: Decimal | int | None, language: str, places: int | None = None) -> str:
    """A score for print: trailing zeros dropped (or exactly `places` decimals), a decimal
    comma in kk/ru."""
    if value is None:
        return ""
    value = Decimal(value)
    if places is not None:
        text = f"{value:.{places}f}"
    elif value == value.to_integral_value():
        text = str(int(value))
    else:
        text = format(value.normalize(), "f")
    return text.replace(".", ",") if language[:2] in ("kk", "ru") else text


def traditional_label(value: str) -> str:
    """The traditional grade of the scale (excellent / good / satisfactory / fail), translated."""
    labels = {
        "excellent": pgettext("traditional grade", "excellent"),
        "good": pgettext("traditional grade", "good"),
        "satisfactory": pgettext("traditional grade", "satisfactory"),
        "fail": pgettext("traditional grade", "fail"),
    }
    return labels.get(value, value)


def _date(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d.%m.%Y")


def _section_context(section: Section, language: str) -> dict[str, Any]:
    discipline = section.discipline
    department = discipline.department
    return {
        "university": settings.UNIVERSITY_NAME.get(language, ""),
        "faculty": department.faculty.name_in(language) if department else "",
        "discipline_code": discipline.code,
        "discipline_title": discipline.name_in(language),
        "credits": discipline.credits,
        "section_code": section.code,
        "teacher": section.teacher.full_name_in(language) if section.teacher else "",
        "term": str(section.period),
        "language": language,
        "printed_on": _date(timezone.now()),
    }


def _load_section(section_id: int) -> Section:
    return Section.objects.select_related(
        "discipline__department__faculty", "period__year", "teacher").get(pk=section_id)


# --- Rating and exam statements -----------------------------------------------------------

def _sheet_title(kind: str) -> str:
    return {
        SheetKind.RATING_1: _("RATING STATEMENT R1"),
        SheetKind.RATING_2: _("RATING STATEMENT R2"),
        SheetKind.EXAM: _("EXAM STATEMENT"),
        SheetKind.RESIT: _("EXAM RESIT STATEMENT (FX)"),
    }[SheetKind(kind)]


def sheet_html(sheet: GradeSheet, language: str) -> str:
    """A rating statement (№, student, group, score; R2 also the unexcused absence) or an exam
    statement (absent students "did not appear", students not admitted "not admitted")."""
    with translation.override(language):
        sheet = GradeSheet.objects.select_related("submitted_by").get(pk=sheet.pk)
        section = _load_section(sheet.section_id)
        exam = sheet.kind in (SheetKind.EXAM, SheetKind.RESIT)
        entries = list(sheet.entries.select_related("student__group"))
        with_parts = not exam and any(e.parts for e in entries)
        rows = []
        for entry in entries:
            note = ""
            if exam and entry.absent:
                score = _("did not appear")
            elif entry.score is None:
                score = ""
                if sheet.kind == SheetKind.EXAM:
                    admission = admission_of(section, entry.student_id)
                    if admission is not None and not admission.admitted:
                        score = _("not admitted")
            else:
                score = number(entry.score, language)
            if exam and entry.cheating:
                note = _("cheating")
            rows.append({
                "name": entry.student.full_name_in(language),
                "group": entry.student.group.name if entry.student.group else "",
                "score": score,
                "parts": "; ".join(number(Decimal(p), language) for p in entry.parts),
                "absence": (number(Decimal(100) * entry.absence_share, language) + " %"
                            if entry.absence_share is not None else ""),
                "note": note,
            })
        locked = sheet.state == SheetState.LOCKED
        context = _section_context(section, language)
        context.update({
            "title": _sheet_title(sheet.kind),
            "exam": exam,
            "rating_2": sheet.kind == SheetKind.RATING_2,
            "with_parts": with_parts,
            "with_notes": any(r["note"] for r in rows),
            "rows": rows,
            "locked": locked,
            "state": sheet.get_state_display(),
            "exam_date": _date(sheet.exam_at),
            "submitted_on": _date(sheet.submitted_at) if locked else "",
        })
        return render_to_string("assessment/sheet_pdf.html", context)


def sheet_pdf(sheet: GradeSheet, language: str) -> bytes:
    return _pdf(sheet_html(sheet, language))


# --- Final statement ----------------------------------------------------------------------

def final_statement_html(section: Section, language: str) -> str:
    """R1, R2, AR, exam, final score, letter, points and traditional grade of each student;
    a draft until the exam statement is locked."""
    with translation.override(language):
        section = _load_section(section.pk)
        sheets = {s.kind: s for s in section.grade_sheets.all()}
        exam_sheet = sheets.get(SheetKind.EXAM)
        locked = exam_sheet is not None and exam_sheet.state == SheetState.LOCKED
        rows = []
        for row in selectors.final_statement(section):
            if row.exam_absent:
                exam = _("did not appear")
            elif row.admitted is False:
                exam = _("not admitted")
            else:
                exam = number(row.exam, language)
            rows.append({
                "name": row.student.full_name_in(language),
                "group": row.student.group.name if row.student.group else "",
                "r1": number(row.r1, language),
                "r2": number(row.r2, language),
                "ar": number(row.admission_rating, language),
                "exam": exam,
                "resit": row.resit,
                "final": number(row.final_score, language),
                "letter": row.letter,
                "points": number(row.points, language, places=2) if row.points is not None
                else "",
                "traditional": traditional_label(row.traditional),
                "cheating": row.cheating,
            })
        policy = policy_for_year(section.period.year.start_year)
        context = _section_context(section, language)
        context.update({
            "title": _("FINAL STATEMENT"),
            "admission_weight": number(policy.admission_weight, language),
            "exam_weight": number(policy.exam_weight, language),
            "rows": rows,
            "locked": locked,
            "exam_date": _date(exam_sheet.exam_at) if exam_sheet else "",
            "submitted_on": _date(exam_sheet.submitted_at) if locked and exam_sheet else "",
            "state": (exam_sheet.get_state_display() if exam_sheet
                      else _("The exam statement is not opened yet")),
        })
        return render_to_string("assessment/final_statement_pdf.html", context)


def final_statement_pdf(section: Section, language: str) -> bytes:
    return _pdf(final_statement_html(section, language))


# --- Group summary statement --------------------------------------------------------------

def group_summary_html(group: AcademicGroup, period: AcademicPeriod, language: str) -> str:
    """Students × disciplines of the term with letter and final score, fails per student and
    the group's absolute and quality performance (selectors.group_summary)."""
    with translation.override(language):
        group = AcademicGroup.objects.select_related(
            "programme__department__faculty").get(pk=group.pk)
        period = AcademicPeriod.objects.select_related("year").get(pk=period.pk)
        summary = selectors.group_summary(group, period)
        rows = [{
            "name": row.student.full_name_in(language),
            "cells": [None if c is None else {
                "letter": c.letter,
                "score": number(c.final_score, language),
                "fail": not c.passed,
            } for c in row.cells],
            "fails": row.fails if row.assessed else "",
        } for row in summary.rows]
        programme = group.programme
        return render_to_string("assessment/group_summary_pdf.html", {
            "title": _("SUMMARY STATEMENT"),
            "university": settings.UNIVERSITY_NAME.get(language, ""),
            "faculty": programme.department.faculty.name_in(language),
            "programme": f"{programme.code} {programme.name_in(language)}",
            "group": group.name,
            "term": str(period),
            "disciplines": [{"code": d.code, "title": d.name_in(language), "credits": d.credits}
                            for d in summary.disciplines],
            "rows": rows,
            "summary": summary,
            "absolute": (number(summary.absolute_performance, language, places=1) + " %"
                         if summary.absolute_performance is not None else "—"),
            "quality": (number(summary.quality_performance, language, places=1) + " %"
                        if summary.quality_performance is not None else "—"),
            "locked": not summary.pending_sections,
            "pending": [s.code for s in summary.pending_sections],
            "language": language,
            "printed_on": _date(timezone.now()),
        })


def group_summary_pdf(group: AcademicGroup, period: AcademicPeriod, language: str) -> bytes:
    return _pdf(group_summary_html(group, period, language))


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when printing

    return HTML(string=html).write_pdf()
