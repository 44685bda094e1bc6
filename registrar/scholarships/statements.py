"""The round's list for print and spreadsheets (§10, §12): the summary statement the
scholarship order rests on (PDF, WeasyPrint) and the list as XLSX (openpyxl).

Both take the same (optionally filtered) awards and totals as the round page, in the requested
language; amounts are the stored Decimals (whole tenge by default), never floats.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registrar.policy.gpa import display

from . import selectors, texts
from .models import RoundState, ScholarshipAward, ScholarshipRound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def money(value: Decimal | None, language: str) -> str:
    """12 345 or 12 345,50 (a thin space between thousands; a decimal comma in kk/ru)."""
    if value is None:
        return ""
    text = f"{value:,.2f}" if value != value.to_integral_value() else f"{int(value):,}"
    text = text.replace(",", "\u202f")
    return text.replace(".", ",") if language[:2] in ("kk", "ru") else text


def _scope(round_: ScholarshipRound, language: str) -> str:
    return round_.faculty.name_in(language) if round_.faculty else _("Whole university")


def _rows(awards: QuerySet[ScholarshipAward], language: str) -> list[dict[str, Any]]:
    return [
        {
            "n": n,
            "name": a.student.full_name_in(language),
            "iin": a.student.iin,
            "faculty": a.faculty.name_in(language),
            "programme": f"{a.programme.code} {a.programme.name_in(language)}",
            "group": a.student.group.name if a.student.group else "",
            "year": a.year_of_study,
            "gpa": display(a.term_gpa),
            "letters": ", ".join(a.letters),
            "kind": a.get_kind_display(),
            "amount": a.monthly_amount,
            "amount_text": money(a.monthly_amount, language),
            "grounds": texts.describe_all(a.reasons),
        }
        for n, a in enumerate(awards, start=1)
    ]


def statement_html(round_: ScholarshipRound, awards: QuerySet[ScholarshipAward],
                   language: str) -> str:
    with translation.override(language):
        summary = selectors.totals(awards, round_.months)
        return render_to_string("scholarships/statement_pdf.html", {
            "round": round_,
            "rows": _rows(awards, language),
            "totals": summary,
            "by_kind": [(k, money(k.monthly, language)) for k in summary.by_kind],
            "monthly": money(summary.monthly, language),
            "period_total": money(summary.period_total, language),
            "university": settings.UNIVERSITY_NAME.get(language, ""),
            "scope": _scope(round_, language),
            "draft": round_.state == RoundState.DRAFT,
            "language": language,
            "printed_at": timezone.localtime(),
        })


def statement_pdf(round_: ScholarshipRound, awards: QuerySet[ScholarshipAward],
                  language: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when printing

    return HTML(string=statement_html(round_, awards, language)).write_pdf()


def _autosize(sheet: Any, min_row: int = 1) -> None:
    for column in sheet.iter_cols(min_row=min_row):
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 6), 60)


def list_xlsx(round_: ScholarshipRound, awards: QuerySet[ScholarshipAward],
              exclusions: list[selectors.Exclusion], language: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override(language):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Scholarships")[:31]
        bold = Font(bold=True)
        sheet.append([_("Scholarship list: %(period)s, %(scope)s") % {
            "period": round_.period, "scope": _scope(round_, language)}])
        sheet.append([_("Payment starts on"), round_.payment_starts_on,
                      _("Months paid"), round_.months])
        sheet.cell(row=2, column=2).number_format = "DD.MM.YYYY"
        sheet.append([])
        header = [_("No."), _("Student"), _("IIN"), _("Faculty"), _("Programme"), _("Group"),
                  _("Year of study"), _("Term GPA"), _("Session grades"), _("Scholarship"),
                  _("Monthly amount"), _("Grounds")]
        sheet.append(header)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in _rows(awards, language):
            sheet.append([row["n"], row["name"], row["iin"], row["faculty"], row["programme"],
                          row["group"], row["year"], row["gpa"], row["letters"], row["kind"],
                          row["amount"], row["grounds"]])
            sheet.cell(row=sheet.max_row, column=11).number_format = "#,##0.00"
        _autosize(sheet, min_row=4)

        summary = selectors.totals(awards, round_.months)
        sums = book.create_sheet(_("Totals")[:31])
        sums.append([_("Scholarship"), _("Students"), _("Monthly amount")])
        for cell in sums[1]:
            cell.font = bold
        for kind in summary.by_kind:
            sums.append([kind.label, kind.students, kind.monthly])
        sums.append([_("Monthly fund"), summary.students, summary.monthly])
        sums.append([_("Total for %(months)d months") % {"months": summary.months}, None,
                     summary.period_total])
        for row in sums.iter_rows(min_row=2):
            row[2].number_format = "#,##0.00"
        for cell in sums[sums.max_row - 1] + sums[sums.max_row]:
            cell.font = bold
        _autosize(sums)

        others = book.create_sheet(_("Not eligible")[:31])
        others.append([_("No."), _("Student"), _("IIN"), _("Programme"), _("Group"),
                       _("Reasons")])
        for cell in others[1]:
            cell.font = bold
        for n, exclusion in enumerate(exclusions, start=1):
            s = exclusion.student
            others.append([n, s.full_name_in(language), s.iin,
                           f"{s.programme.code} {s.programme.name_in(language)}",
                           s.group.name if s.group else "",
                           texts.describe_all(exclusion.reasons)])
        _autosize(others)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
