"""Printed timetables and exam schedules (WeasyPrint PDFs, like the order and the transcript):
a week grid of a group, teacher, room or person on landscape A4, and a session's exam
schedule. In Kazakh, Russian or English (the labels through gettext), in the project's one
serif family (DejaVu Serif)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from registrar.institution.models import AcademicPeriod

from .models import ExamSession, ExamSitting
from .selectors import WeekGrid, describe


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when printing

    return HTML(string=html).write_pdf()


def _relabel(grid: WeekGrid, view: str) -> WeekGrid:
    """The cells again in the active language (the grid may have been built in another)."""
    for row in grid.rows:
        row.cells = [[describe(item.meeting, view) for item in cell] for cell in row.cells]
    from .models import Weekday

    labels = dict(Weekday.choices)
    grid.days = [(d, str(labels.get(d, d))) for d, _label in grid.days]
    return grid


def timetable_html(title: str, period: AcademicPeriod, grid: WeekGrid, view: str,
                   language: str) -> str:
    with translation.override(language):
        return render_to_string("scheduling/grid_pdf.html", {
            "title": title, "period": period, "grid": _relabel(grid, view),
            "language": language, "university": settings.UNIVERSITY_NAME.get(language, ""),
            "printed_on": timezone.localdate(),
        })


def timetable_pdf(title: str, period: AcademicPeriod, grid: WeekGrid, view: str,
                  language: str) -> bytes:
    return _pdf(timetable_html(title, period, grid, view, language))


def sittings_html(session: ExamSession, sittings: Sequence[ExamSitting], language: str) -> str:
    with translation.override(language):
        return render_to_string("scheduling/sittings_pdf.html", {
            "session": session, "sittings": sittings, "language": language,
            "university": settings.UNIVERSITY_NAME.get(language, ""),
            "printed_on": timezone.localdate(),
        })


def sittings_pdf(session: ExamSession, sittings: Sequence[ExamSitting], language: str) -> bytes:
    return _pdf(sittings_html(session, sittings, language))
