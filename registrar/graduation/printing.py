"""Printing the diploma and the diploma supplement (PDF, WeasyPrint) from their snapshots.

As for transcripts (`registrar.documents.printing`, whose QR code, number formatting and
verification URL this reuses), only the issued document's snapshot and code are read, never
the live records: a re-print shows exactly what was issued. Labels go through gettext in each
part's language (`{% language %}` in the templates); numbers take a decimal comma in Kazakh and
Russian.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from registrar.documents.models import DocumentKind, IssuedDocument
from registrar.documents.printing import _gc_paused, number, qr_data_uri, verification_url

from .diplomas import LANGUAGES

# The eight sections of the European diploma supplement, in order.
SECTION_HEADINGS: tuple[Promise, ...] = (
    pgettext_lazy("diploma supplement", "Information identifying the holder of the "
                  "qualification"),
    pgettext_lazy("diploma supplement", "Information identifying the qualification"),
    pgettext_lazy("diploma supplement", "Information on the level and duration of the "
                  "qualification"),
    pgettext_lazy("diploma supplement", "Information on the programme completed and the "
                  "results obtained"),
    pgettext_lazy("diploma supplement", "Information on the function of the qualification"),
    pgettext_lazy("diploma supplement", "Additional information"),
    pgettext_lazy("diploma supplement", "Certification of the supplement"),
    pgettext_lazy("diploma supplement", "Information on the national higher education "
                  "system"),
)

TEMPLATES = {
    DocumentKind.DIPLOMA: "documents/diploma_pdf.html",
    DocumentKind.DIPLOMA_SUPPLEMENT: "documents/diploma_supplement_pdf.html",
}


def date_text(value: str | None) -> str:
    if not value:
        return ""
    return dt.date.fromisoformat(value).strftime("%d.%m.%Y")


def _css_string(text: str) -> str:
    """Text safe inside a CSS string literal of the page margin boxes."""
    return "".join(ch for ch in text if ch not in '"\\\n\r<>')


def _terms(terms: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    counter = 0
    printed = []
    for term in terms:
        rows = []
        for row in term["rows"]:
            counter += 1
            rows.append({**row, "n": counter, "points_text": number(row["points"], lang)})
        printed.append({**term, "rows": rows})
    return printed


def _part(content: dict[str, Any], lang: str) -> dict[str, Any]:
    part = content["parts"][lang]
    contents = dict(part["contents"])
    contents["terms"] = _terms(contents["terms"], lang)
    contents["attestation"] = [
        {**row, "score_text": number(row["score"], lang),
         "points_text": number(row["points"], lang), "held_on_text": date_text(row["held_on"])}
        for row in contents["attestation"]]
    contents["scale"] = [{**band, "points_text": number(band["points"], lang)}
                         for band in contents["scale"]]
    contents["gpa_text"] = number(contents["gpa"], lang)
    holder = dict(part["holder"])
    holder["birth_date_text"] = date_text(holder.get("birth_date"))
    return {**part, "lang": lang, "holder": holder, "contents": contents,
            "certification": {**part["certification"],
                              "date_text": date_text(part["certification"]["date"])}}


def printable(document: IssuedDocument) -> dict[str, Any]:
    """The template context of a diploma or a supplement."""
    content = document.content
    url = verification_url(document.code, document.language)
    context: dict[str, Any] = {
        "document": document,
        "kind": document.kind,
        "language": document.language,
        "code": document.code,
        "verify_url": url,
        "revoked": document.is_revoked,
        "revoked_on": (document.revoked_at.strftime("%d.%m.%Y") if document.revoked_at
                       else ""),
        "revoke_reason": document.revoke_reason,
        "languages": LANGUAGES,
    }
    if document.kind == DocumentKind.DIPLOMA:
        diploma = dict(content["diploma"])
        diploma.update({
            "issued_on_text": date_text(diploma.get("issued_on")),
            "graduated_on_text": date_text(diploma.get("graduated_on")),
            "order_signed_on_text": date_text(diploma["graduation_order"].get("signed_on")),
            "attestation_date_text": date_text(diploma["attestation"].get("date")),
        })
        context.update({
            "diploma": diploma,
            "texts": [{"lang": lang, **content["texts"][lang]} for lang in LANGUAGES],
            "title": content["texts"][document.language]["title"],
            "css_header": _css_string(f'{diploma["serial"]} · {document.code}'),
        })
    else:
        context.update({
            "parts": [_part(content, lang) for lang in LANGUAGES],
            "diploma": content["diploma"],
            "blank": content["blank"],
            "headings": SECTION_HEADINGS,
            "title": content["parts"][document.language]["title"],
            "css_header": _css_string(
                f'{content["parts"][document.language]["holder"]["name"]} · '
                f'{content["blank"]["serial"]} · {document.code}'),
        })
    return context


def document_html(document: IssuedDocument) -> str:
    if document.kind not in TEMPLATES:
        raise ValueError(f"not a diploma or a supplement: {document.kind}")
    with translation.override(document.language):
        context = printable(document)
        context["qr"] = qr_data_uri(context["verify_url"])
        return render_to_string(TEMPLATES[DocumentKind(document.kind)], context)


def render_pdf(document: IssuedDocument) -> bytes:
    """The printable PDF of an issued diploma or supplement, from its snapshot."""
    from weasyprint import HTML  # heavy import, only when printing

    html = document_html(document)
    with _gc_paused():
        return HTML(string=html).write_pdf()
