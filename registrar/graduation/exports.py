"""The theses register as a workbook (§12: XLSX for every list)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import AttestationResult


def theses_xlsx(results: Iterable[AttestationResult]) -> bytes:
    """One row per thesis defence, titles in the active language (the other two alongside)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    language = (get_language() or "ru")[:2]
    headers = [
        "№", _("Academic year"), _("Faculty"), _("Programme"), _("Student"), _("Group"),
        _("Thesis title"), _("Thesis title (Kazakh)"), _("Thesis title (Russian)"),
        _("Thesis title (English)"), _("Supervisor"), _("Reviewer"), _("Defended on"),
        _("Protocol"), _("Score"), _("Letter"), _("Points"),
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Theses")[:31]
    ws.append(headers)
    for col in range(1, len(headers) + 1):
        cell = ws.cell(1, col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F1F1F1")
    for n, r in enumerate(results, start=1):
        commission = r.event.commission
        ws.append([
            n, str(commission.year), commission.faculty.code, r.student.programme.code,
            r.student.full_name_in(language),
            r.student.group.name if r.student.group is not None else "",
            r.thesis_title_in(language), r.thesis_title_kk, r.thesis_title_ru,
            r.thesis_title_en, r.supervisor, r.reviewer, r.event.held_on, r.protocol_number,
            r.score, r.letter, r.points,
        ])
        ws.cell(ws.max_row, 13).number_format = "DD.MM.YYYY"
        ws.cell(ws.max_row, 15).number_format = "0.00"
        ws.cell(ws.max_row, 17).number_format = "0.00"
    widths = (5, 11, 9, 11, 30, 10, 50, 30, 30, 30, 24, 24, 12, 10, 8, 7, 7)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column == 7)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
