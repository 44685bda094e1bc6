"""The printed papers of strict accountability forms (WeasyPrint PDFs, like the order and the
transcript): the receipt a graduate signs for an issued form (two copies on the sheet: one
for the graduate, one for the office's file) and the act writing off spoiled forms; and the
inventory as a workbook (openpyxl). Printed in Kazakh, Russian or English (the labels through
gettext), A4, in the project's one serif family (DejaVu Serif)."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import BlankForm, FormState, SpoilAct
from .selectors import Inventory, InventoryRow


def _university(language: str) -> str:
    return settings.UNIVERSITY_NAME.get(language, "")


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when printing

    return HTML(string=html).write_pdf()


def receipt_html(form: BlankForm, language: str) -> str:
    """The receipt for an issued form: who received which form, signed by the graduate and
    by the officer who issued it."""
    if form.issued_to is None or form.issued_at is None:
        raise ValueError(f"form {form.serial} is not issued")
    with translation.override(language):
        student = form.issued_to
        issuer = form.issued_by
        return render_to_string("blanks/receipt_pdf.html", {
            "form": form,
            "language": language,
            "university": _university(language),
            "student_name": student.full_name_in(language),
            "student": student,
            "programme": f"{student.programme.code} {student.programme.name_in(language)}",
            "form_type": form.get_form_type_display(),
            "issued_on": timezone.localtime(form.issued_at).date(),
            "issuer_name": (issuer.get_full_name() or issuer.get_username()) if issuer else "",
            "spoiled": form.state == FormState.SPOILED,
        })


def receipt_pdf(form: BlankForm, language: str) -> bytes:
    return _pdf(receipt_html(form, language))


def act_html(act: SpoilAct, language: str) -> str:
    """The write-off act: its number, date and reason, and every form it writes off."""
    with translation.override(language):
        forms = act.forms.select_related("issued_to").order_by("form_type", "series", "number")
        rows = [{
            "serial": form.serial,
            "form_type": form.get_form_type_display(),
            "issued_to": form.issued_to.full_name_in(language) if form.issued_to else "",
            "issued_on": timezone.localtime(form.issued_at).date() if form.issued_at else None,
        } for form in forms]
        by = act.drawn_up_by
        return render_to_string("blanks/act_pdf.html", {
            "act": act,
            "rows": rows,
            "language": language,
            "university": _university(language),
            "drawn_up_by": (by.get_full_name() or by.get_username()) if by else "",
        })


def act_pdf(act: SpoilAct, language: str) -> bytes:
    return _pdf(act_html(act, language))


def inventory_xlsx(inventory: Inventory, language: str) -> bytes:
    """The inventory as a workbook: the totals per form type, then every batch."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F1F1F1")
    with translation.override(language):
        wb = Workbook()
        ws = wb.active
        ws.title = str(_("Inventory"))[:31]
        ws.append([_university(language)])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append([str(_("Inventory of strict accountability forms")),
                   timezone.localdate().strftime("%d.%m.%Y")])
        ws["A2"].font = Font(bold=True, size=13)
        counts = [str(_("Received")), str(_("Issued")), str(_("Spoiled")),
                  str(_("In stock")), str(_("Reconciles"))]

        def header(cells: list[str]) -> None:
            ws.append(cells)
            for col in range(1, len(cells) + 1):
                ws.cell(ws.max_row, col).font = bold
                ws.cell(ws.max_row, col).fill = head_fill

        def figures(row: InventoryRow) -> list[Any]:
            return [row.received, row.issued, row.spoiled, row.in_stock,
                    str(_("yes")) if row.reconciles else str(_("NO"))]

        ws.append([])
        header([str(_("Form type")), "", "", "", "", *counts])
        for row in inventory.by_type:
            ws.append([row.form_type_label, "", "", "", "", *figures(row)])
        ws.append([])
        header([str(_("Form type")), str(_("Serial numbers")), str(_("Received on")),
                str(_("Supplier")), str(_("Invoice")), *counts])
        for row in inventory.by_batch:
            batch = row.batch
            assert batch is not None
            ws.append([row.form_type_label, batch.range_text, batch.received_on,
                       batch.supplier, batch.invoice, *figures(row)])
            ws.cell(ws.max_row, 3).number_format = "DD.MM.YYYY"
        for col, width in enumerate((26, 28, 12, 24, 16, 10, 10, 10, 10, 11), start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        wb.properties.title = str(_("Inventory of strict accountability forms"))
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()
