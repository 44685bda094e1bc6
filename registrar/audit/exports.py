"""The disclosure log as a workbook (§12: XLSX for every list)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Disclosure


def disclosures_xlsx(rows: Iterable[Disclosure]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    headers = ["№", _("When"), _("Who"), _("Student"), _("IIN"), _("What"), _("Detail"),
               _("Channel"), _("IP address")]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Disclosures")[:31]
    ws.append(headers)
    for col in range(1, len(headers) + 1):
        ws.cell(1, col).font = Font(bold=True)
    for n, row in enumerate(rows, start=1):
        ws.append([
            n, timezone.localtime(row.at).replace(tzinfo=None), row.username,
            row.student.full_name, row.student.iin, row.get_what_display(), row.detail,
            row.get_channel_display(), row.ip_address or "",
        ])
        ws.cell(ws.max_row, 2).number_format = "DD.MM.YYYY HH:MM:SS"
    for col, width in enumerate((6, 20, 18, 34, 14, 30, 34, 10, 16), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
