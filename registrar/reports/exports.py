"""A report (tables.Report) as an XLSX workbook (openpyxl) or a PDF (WeasyPrint).

XLSX: one worksheet per table; the report title, the university, the filters and the date of
making above the heading rows (group headings merged over their columns), numbers as numbers
(percentages with one decimal), the totals row in bold, the panes frozen under the headings.
PDF: the same tables on A4 (landscape for wide reports), with the large chart when there is one.

`progress(done, total)` is called while writing, for the export jobs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .tables import Report

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 200  # rows between two progress reports

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


def _no_progress(done: int, total: int) -> None:
    return None


def _sheet_title(title: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:26]} {n}"
        n += 1
    taken.add(name.lower())
    return name


def _cell_value(value: Any) -> Any:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return value  # openpyxl writes Decimals as numbers
    return value


def xlsx(report: Report, progress: Progress = _no_progress) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    heading_fill = PatternFill("solid", fgColor="EEF1F4")
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    total_rows, done = report.row_count, 0
    progress(0, total_rows)
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    made = date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")
    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        sheet.append([report.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([settings.UNIVERSITY_NAME.get((get_language() or "ru")[:2], "")])
        for label, value in report.filters:
            sheet.append([label, value])
        sheet.append([_("Made on"), made])
        sheet.append([table.title])
        sheet.cell(sheet.max_row, 1).font = bold
        first, second = table.header()
        top = sheet.max_row + 1
        col = 1
        for cell in first:
            sheet.cell(top, col, cell.label)
            if table.grouped and (cell.colspan > 1 or cell.rowspan > 1):
                sheet.merge_cells(start_row=top, start_column=col,
                                  end_row=top + cell.rowspan - 1,
                                  end_column=col + cell.colspan - 1)
            col += cell.colspan
        heading_rows = 2 if table.grouped else 1
        if table.grouped:
            col = 1
            for cell in first:
                if cell.rowspan == 1:
                    for k in range(cell.colspan):
                        sheet.cell(top + 1, col + k, second.pop(0).label)
                col += cell.colspan
        for r in range(top, top + heading_rows):
            for c in range(1, len(table.columns) + 1):
                heading = sheet.cell(r, c)
                heading.font, heading.fill, heading.border = bold, heading_fill, box
                heading.alignment = centre
        for row in table.rows:
            sheet.append([_cell_value(v) for v in row])
            done += 1
            if done % PROGRESS_EVERY == 0:
                progress(done, total_rows)
        if table.totals is not None:
            sheet.append([_cell_value(v) for v in table.totals])
            for c in range(1, len(table.columns) + 1):
                sheet.cell(sheet.max_row, c).font = bold
            done += 1
        if not table.rows and table.empty:
            sheet.append([table.empty])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            if column.percent:
                for (cell,) in sheet.iter_rows(min_row=top + heading_rows, min_col=index,
                                               max_col=index):
                    if isinstance(cell.value, (int, float, Decimal)):
                        cell.number_format = "0.0"
            width = max([len(str(column.label)) // (2 if table.grouped else 1), 6]
                        + [len(str(r[index - 1])) for r in table.rows[:500]])
            sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = sheet.cell(top + heading_rows, 1)
        progress(done, total_rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def html(report: Report) -> str:
    language = (get_language() or "ru")[:2]
    return render_to_string("reports/report_pdf.html", {
        "report": report,
        "university": settings.UNIVERSITY_NAME.get(language, ""),
        "language": language,
        "made": timezone.localtime(),
    })


def pdf(report: Report, progress: Progress = _no_progress) -> bytes:
    from weasyprint import HTML  # heavy import, only when printing

    progress(0, 2)
    document = html(report)
    progress(1, 2)
    data: bytes = HTML(string=document).write_pdf()
    progress(2, 2)
    return data


def filename(slug: str, export_format: str) -> str:
    return f"{slug}-{timezone.localdate():%Y%m%d}.{export_format}"
