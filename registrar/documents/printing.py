"""Printing an issued document: the PDF (WeasyPrint) and the XLSX copy.

Both are made from the document's snapshot (`IssuedDocument.content`) and its code, never from
the live records, and touch no database table: a re-print years later shows exactly what was
issued, and a batch may print in worker processes. Labels go through gettext in the
document's language; numbers take a decimal comma in Kazakh and Russian.
"""

from __future__ import annotations

import base64
import datetime as dt
import gc
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext

from .models import IssuedDocument

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def verification_url(code: str, language: str) -> str:
    """The public page that verifies a code, in the document's language."""
    base = getattr(settings, "PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL).rstrip("/")
    with translation.override(language):
        try:
            path = reverse("documents:verify", args=[code])
        except NoReverseMatch:  # the app's URLs are not included (e.g. a bare worker)
            path = f"/{language}/verify/{code}/"
    return base + path


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as a PNG data: URI, one pixel per module: tiny and quick to draw;
    printed with `image-rendering: pixelated`, so its edges stay sharp at any size."""
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=0)
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def number(text: str | int | None, language: str) -> str:
    if text is None or text == "":
        return "—"
    text = str(text)
    return text.replace(".", ",") if language in ("kk", "ru") else text


def _date(value: str | dt.date | dt.datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d.%m.%Y")


def title_of(document: IssuedDocument) -> str:
    return str(document.content.get("title") or document.get_kind_display())


def printable(document: IssuedDocument) -> dict[str, Any]:
    """The template context of a document (PDF and the verification page): the snapshot with
    numbers and dates formatted for the document's language. Call under its language."""
    content = document.content
    language = document.language
    holder = dict(content["holder"])
    holder["birth_date_text"] = _date(holder.get("birth_date"))
    terms = []
    for term in content["terms"]:
        rows = [{**row,
                 "score_text": number(row["score"], language),
                 "points_text": number(row["points"], language)} for row in term["rows"]]
        terms.append({**term, "rows": rows,
                      "term_gpa_text": number(term["term_gpa"], language),
                      "cumulative_gpa_text": number(term["cumulative_gpa"], language)})
    totals = content["totals"]
    scale = [{**band, "points_text": number(band["points"], language)}
             for band in content["scale"]]
    scale_groups: list[dict[str, Any]] = []
    for band in scale:  # consecutive bands of one traditional grade on one line
        if scale_groups and scale_groups[-1]["traditional"] == band["traditional"]:
            scale_groups[-1]["bands"].append(band)
        else:
            scale_groups.append({"traditional": band["traditional"],
                                 "label": band["traditional_label"], "bands": [band]})
    url = verification_url(document.code, language)
    return {
        "language": language,
        "university": content.get("university", ""),
        "title": title_of(document),
        "kind": document.kind,
        "holder": holder,
        "terms": terms,
        "total_credits_earned": totals["credits_earned"],
        "total_cumulative_gpa": number(totals["cumulative_gpa"], language),
        "scale": scale,
        "scale_groups": scale_groups,
        "code": document.code,
        "issued_on": _date(document.issued_at),
        "revoked": document.is_revoked,
        "revoked_on": _date(document.revoked_at),
        "revoke_reason": document.revoke_reason,
        "verify_url": url,
        "sha256": document.content_sha256,
    }


def document_html(document: IssuedDocument) -> str:
    with translation.override(document.language):
        context = printable(document)
        context["qr"] = qr_data_uri(context["verify_url"])
        return render_to_string("documents/transcript_pdf.html", context)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """WeasyPrint makes hundreds of thousands of short-lived objects per document; in a process
    with a large heap (Django, a batch) the collector's passes over that heap cost ~20% of a
    render. Paused for one render; the garbage is collected once it is enabled again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


STYLESHEET = Path(__file__).resolve().parent / "print" / "transcript.css"
_per_thread = threading.local()


def _print_setup() -> tuple[Any, Any]:
    """This thread's WeasyPrint font configuration and the parsed transcript stylesheet.

    Made once and reused: a fresh font configuration per document loads and shapes the
    fonts from cold caches again, and parsing the stylesheet is a fifth of a small render;
    together about 30% of a transcript's CPU time (docs/performance.md). Per thread, because
    Pango's font map is not shared safely between threads."""
    setup = getattr(_per_thread, "setup", None)
    if setup is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        setup = _per_thread.setup = (fonts, CSS(filename=str(STYLESHEET), font_config=fonts))
    return setup


def render_pdf(document: IssuedDocument) -> bytes:
    """The printable PDF of an issued document, from its snapshot."""
    from weasyprint import HTML  # heavy import, only when printing

    html = document_html(document)
    fonts, stylesheet = _print_setup()
    with _gc_paused():
        return HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=fonts)


def transcript_xlsx(document: IssuedDocument) -> bytes:
    """The same content as the PDF, as a workbook: the transcript sheet and the scale."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    language = document.language
    content = document.content
    thin = Side(style="thin", color="888888")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="F1F1F1")
    bold = Font(bold=True)

    def decimal(text: str | None) -> Any:
        from decimal import Decimal

        return None if text in (None, "") else Decimal(str(text))

    with translation.override(language):
        context = printable(document)
        holder = context["holder"]
        wb = Workbook()
        ws = wb.active
        ws.title = str(document.get_kind_display())[:31]
        ws.append([context["university"]])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append([context["title"]])
        ws["A2"].font = Font(bold=True, size=14)
        ws.append([])
        identity = [
            (pgettext("document", "Full name"), holder["name"]),
            (pgettext("document", "IIN"), holder["iin"]),
            (pgettext("document", "Date of birth"), holder["birth_date_text"]),
            (pgettext("document", "Faculty"), holder["faculty"]),
            (pgettext("document", "Educational programme"),
             f'{holder["programme_code"]} {holder["programme_title"]}'),
            (pgettext("document", "Degree"), holder["degree_label"]),
            (pgettext("document", "Study form"), holder["study_form_label"]),
            (pgettext("document", "Group"), holder["group"] or "—"),
            (pgettext("document", "Status"), holder["status_label"]),
            (pgettext("document", "Verification code"), context["code"]),
            (pgettext("document", "Date of issue"), context["issued_on"]),
            (pgettext("document", "Verify at"), context["verify_url"]),
        ]
        if context["revoked"]:
            identity.append((pgettext("document", "REVOKED"),
                             f'{context["revoked_on"]} {context["revoke_reason"]}'))
        for label, value in identity:
            ws.append([label, None, value])
            ws.cell(ws.max_row, 1).font = bold
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row,
                           end_column=2)
            ws.merge_cells(start_row=ws.max_row, start_column=3, end_row=ws.max_row,
                           end_column=9)
        headers = ["№", pgettext("document", "Code"), pgettext("document", "Discipline"),
                   pgettext("document", "Credits"), pgettext("document", "Score"),
                   pgettext("document", "Letter"), pgettext("document", "Points"),
                   pgettext("document", "Traditional grade"), pgettext("document", "Note")]
        for term in content["terms"]:
            ws.append([])
            ws.append([term["title"]])
            ws.cell(ws.max_row, 1).font = Font(bold=True, size=11)
            ws.append(headers)
            for col in range(1, len(headers) + 1):
                cell = ws.cell(ws.max_row, col)
                cell.font, cell.fill, cell.border = bold, head_fill, box
            for n, row in enumerate(term["rows"], start=1):
                ws.append([n, row["code"], row["title"], row["credits"], decimal(row["score"]),
                           row["letter"], decimal(row["points"]), row["traditional_label"],
                           row["mark"]])
                for col in range(1, len(headers) + 1):
                    ws.cell(ws.max_row, col).border = box
                ws.cell(ws.max_row, 7).number_format = "0.00"
            ws.append(["", "", pgettext("document", "Term GPA"), term["credits"], None, None,
                       decimal(term["term_gpa"]), pgettext("document", "Cumulative GPA"),
                       decimal(term["cumulative_gpa"])])
            ws.cell(ws.max_row, 3).font = bold
            ws.cell(ws.max_row, 7).number_format = "0.00"
            ws.cell(ws.max_row, 9).number_format = "0.00"
        ws.append([])
        ws.append(["", "", pgettext("document", "Credits earned"),
                   content["totals"]["credits_earned"]])
        ws.cell(ws.max_row, 3).font = bold
        ws.append(["", "", pgettext("document", "Cumulative GPA"),
                   decimal(content["totals"]["cumulative_gpa"])])
        ws.cell(ws.max_row, 3).font = bold
        ws.cell(ws.max_row, 4).number_format = "0.00"
        for col, width in enumerate((6, 14, 48, 9, 9, 8, 9, 18, 22), start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=cell.column in (1, 3))

        scale = wb.create_sheet(pgettext("document", "Grading scale")[:31])
        scale.append([pgettext("document", "Letter"), pgettext("document", "Points"),
                      pgettext("document", "Score"), pgettext("document", "Traditional grade")])
        for col in range(1, 5):
            scale.cell(1, col).font, scale.cell(1, col).fill = bold, head_fill
        for band in content["scale"]:
            scale.append([band["letter"], decimal(band["points"]),
                          f'{band["min"]}–{band["max"]}', band["traditional_label"]])
            scale.cell(scale.max_row, 2).number_format = "0.00"
        for col, width in enumerate((10, 10, 12, 22), start=1):
            scale.column_dimensions[get_column_letter(col)].width = width
        wb.properties.title = f'{context["title"]} {context["code"]}'
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()
