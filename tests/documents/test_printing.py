"""The printed transcript (PDF) and its XLSX copy are made from the snapshot (§11)."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from registrar.documents import services
from registrar.documents.printing import verification_url
from registrar.records.models import Attempt

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_opens_and_shows_code_surname_and_figures(w):
    doc = services.issue_transcript(w.student, by=w.registrar, language="ru")
    pdf = services.render_pdf(doc)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert doc.code in text
    assert "Жумабаева" in text
    assert "ТРАНСКРИПТ" in text
    assert "3,87" in text and "2,76" in text  # term 1 and cumulative GPA, decimal comma
    assert "Математика" in text and w.student.iin in text


def test_pdf_prints_the_snapshot_not_the_live_records(w):
    doc = services.issue_transcript(w.student, by=w.registrar, language="en")
    Attempt.objects.filter(student=w.student, discipline=w.mat).update(title_en="Renamed")
    text = _text(services.render_pdf(doc))
    assert "Mathematics" in text and "Renamed" not in text
    assert "TRANSCRIPT" in text and "3.87" in text


def test_kazakh_certificate_title(w):
    w.student.status = "expelled"
    w.student.save()
    doc = services.issue_transcript(w.student, by=w.registrar, language="kk",
                                    kind="academic_certificate")
    text = _text(services.render_pdf(doc))
    assert "АКАДЕМИЯЛЫҚ АНЫҚТАМА" in text and "Жұмабаева" in text


def test_revoked_pdf_says_so(w):
    doc = services.revoke(services.issue_transcript(w.student, by=w.registrar, language="en"),
                          by=w.registrar, reason="typo")
    assert "REVOKED" in _text(services.render_pdf(doc))


def test_qr_points_to_the_public_verification_page(w, settings):
    settings.PUBLIC_BASE_URL = "https://registrar.example.kz/"
    doc = services.issue_transcript(w.student, by=w.registrar, language="kk")
    url = verification_url(doc.code, "kk")
    assert url == f"https://registrar.example.kz/kk/verify/{doc.code}/"
    assert url in _text(services.render_pdf(doc)).replace("\n", "")


def test_xlsx_has_the_same_content(w):
    doc = services.issue_transcript(w.student, by=w.registrar, language="ru")
    book = load_workbook(io.BytesIO(services.transcript_xlsx(doc)))
    sheet = book.worksheets[0]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert doc.code in values and "Жумабаева Айгерим Сериковна" in values
    assert "Математика" in values and "ТРАНСКРИПТ" in values
    assert float(sheet.cell(sheet.max_row, 4).value) == pytest.approx(2.76)
    assert [r[0] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)][:2] == [
        "A", "A-"]


def test_labels_are_translated():
    with translation.override("ru"):
        assert translation.pgettext("document", "TRANSCRIPT") == "ТРАНСКРИПТ"
        assert translation.pgettext("document", "ACADEMIC CERTIFICATE") == "АКАДЕМИЧЕСКАЯ СПРАВКА"
    with translation.override("kk"):
        assert translation.pgettext("document", "TRANSCRIPT") == "ТРАНСКРИПТ"
        assert translation.pgettext("document", "ACADEMIC CERTIFICATE") == "АКАДЕМИЯЛЫҚ АНЫҚТАМА"
