"""Timetables and exam schedules as workbooks (openpyxl): the week grid with one row per pair
and one column per weekday (a cell lists its classes, one per paragraph), and a session's exams
one per row with their rooms and seats."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from registrar.institution.models import AcademicPeriod

from .documents import _relabel
from .models import ExamSession, ExamSitting
from .selectors import WeekGrid


def _book():
    from openpyxl import Workbook

    return Workbook()


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def timetable_xlsx(title: str, period: AcademicPeriod, grid: WeekGrid, view: str,
                   language: str) -> bytes:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F1F1F1")
    wrap = Alignment(wrap_text=True, vertical="top")
    with translation.override(language):
        grid = _relabel(grid, view)
        wb = _book()
        ws = wb.active
        ws.title = str(_("Timetable"))[:31]
        ws.append([settings.UNIVERSITY_NAME.get(language, "")])
        ws.append([title, str(period)])
        ws["A2"].font = Font(bold=True, size=13)
        ws.append([])
        ws.append([str(_("Pair")), str(_("Time")), *[label for _d, label in grid.days]])
        for col in range(1, len(grid.days) + 3):
            ws.cell(ws.max_row, col).font = bold
            ws.cell(ws.max_row, col).fill = fill
        for row in grid.rows:
            cells = ["\n\n".join("\n".join([item.title, *item.lines]) for item in cell)
                     for cell in row.cells]
            ws.append([row.number, row.times, *cells])
            for col in range(1, len(cells) + 3):
                ws.cell(ws.max_row, col).alignment = wrap
        ws.column_dimensions["A"].width = 6
        ws.column_dimensions["B"].width = 13
        for col in range(3, len(grid.days) + 3):
            ws.column_dimensions[get_column_letter(col)].width = 30
        ws.freeze_panes = "C5"
        wb.properties.title = title
        return _save(wb)


def sittings_xlsx(session: ExamSession, sittings: Sequence[ExamSitting], language: str) -> bytes:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F1F1F1")
    with translation.override(language):
        wb = _book()
        ws = wb.active
        ws.title = str(_("Exams"))[:31]
        ws.append([settings.UNIVERSITY_NAME.get(language, "")])
        ws.append([str(session.name), str(session.period)])
        ws["A2"].font = Font(bold=True, size=13)
        ws.append([])
        ws.append([str(_("Date")), str(_("From")), str(_("Until")), str(_("Section")),
                   str(_("Discipline")), str(_("Teacher")), str(_("Groups")),
                   str(_("Students")), str(_("Rooms (seats)")), str(_("Published"))])
        for col in range(1, 11):
            ws.cell(ws.max_row, col).font = bold
            ws.cell(ws.max_row, col).fill = fill
        for sitting in sittings:
            section = sitting.section
            rooms = ", ".join(f"{seat.room.code} ({seat.seats})"
                              for seat in sorted(sitting.rooms.all(), key=lambda s: s.room.code))
            ws.append([sitting.date, sitting.starts_at.strftime("%H:%M"),
                       sitting.ends_at.strftime("%H:%M"), section.code,
                       section.discipline.name_in(language),
                       section.teacher.full_name_in(language) if section.teacher else "",
                       ", ".join(g.name for g in section.groups.all()), sitting.size, rooms,
                       str(_("yes")) if sitting.published else str(_("no"))])
            ws.cell(ws.max_row, 1).number_format = "DD.MM.YYYY"
        for col, width in enumerate((12, 8, 8, 14, 36, 28, 22, 10, 30, 10), start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "A5"
        wb.properties.title = str(session.name)
        return _save(wb)
