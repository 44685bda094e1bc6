"""Printed statements (§6, §11): rating, exam, final and group summary statements in kk/ru/en.

The PDFs are opened with pypdf and their text is checked for the students, the scores, the
discipline title in the requested language and the headings: in English literally, in Kazakh
and Russian as the catalogue's translation, which must exist (differ from the English msgid).
"""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from registrar.assessment import documents, services
from registrar.assessment.models import SheetKind

from .conftest import IN_R1, IN_R2, NAMES

pytestmark = pytest.mark.django_db

SURNAMES = {lang: [n[i] for n in NAMES[:3]] for i, lang in enumerate(("ru", "kk", "en"))}
TITLES = {"en": "Calculus", "ru": "Математический анализ", "kk": "Математикалық талдау"}
UNIVERSITY = {"en": "Demo University", "ru": "Демонстрационный университет",
              "kk": "Демо университеті"}


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 1
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def assert_headings(text: str, language: str, *msgids: str) -> None:
    """Each heading appears in the language: English as written, kk/ru translated."""
    for msgid in msgids:
        with translation.override(language):
            expected = gettext(msgid)
        if language != "en":
            assert expected != msgid, f"{msgid!r} is not translated to {language}"
        assert expected in text, f"{expected!r} not in the {language} statement"


def assert_common(text: str, language: str) -> None:
    assert UNIVERSITY[language].upper() in text  # the head is set in capitals
    assert "MAT1101" in text and "MAT1101-01" in text
    assert TITLES[language] in text
    for surname in SURNAMES[language]:
        assert surname in text


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_rating_statement_r1(graded, language):
    text = pdf_text(documents.sheet_pdf(graded[SheetKind.RATING_1], language))
    assert_common(text, language)
    decimal_72_5 = "72.5" if language == "en" else "72,5"
    for score in ("85", decimal_72_5, "64"):
        assert score in text
    assert_headings(text, language, "RATING STATEMENT R1", "Rating score", "Teacher", "Student",
                    "Current scores", "Submitted and locked")
    if language == "en":
        assert "Prepodavateleva Anna" in text
        assert "Submitted and locked, 20.10.2026" in text
        assert "DRAFT" not in text
        assert "90; 80; 85" in text  # Абаев's current scores


def test_rating_statement_r2_shows_unexcused_absence(graded):
    text = pdf_text(documents.sheet_pdf(graded[SheetKind.RATING_2], "en"))
    assert "RATING STATEMENT R2" in text and "Unexcused absence" in text
    for value in ("91", "77.25", "58", "5 %", "10 %"):
        assert value in text


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_exam_statement(graded, language):
    text = pdf_text(documents.sheet_pdf(graded[SheetKind.EXAM], language))
    assert_common(text, language)
    assert "94" in text and ("66.5" if language == "en" else "66,5") in text
    assert_headings(text, language, "EXAM STATEMENT", "Exam score", "Exam date",
                    "did not appear")
    assert {"en": "did not appear", "ru": "не явился", "kk": "келмеді"}[language] in text
    assert "22.12.2026" in text


def test_open_sheet_is_marked_as_draft(world, sheets):
    a, b, _c = world.students
    services.enter_scores(sheets[SheetKind.RATING_1], [{"student_id": a.pk, "score": "88"}],
                          by=world.teacher, now=IN_R1)
    text = pdf_text(documents.sheet_pdf(sheets[SheetKind.RATING_1], "en"))
    assert "NOT SUBMITTED — DRAFT" in text
    assert "Open for entry" in text and "88" in text
    for language in ("ru", "kk"):
        text = pdf_text(documents.sheet_pdf(sheets[SheetKind.RATING_1], language))
        assert_headings(text, language, "NOT SUBMITTED — DRAFT", "Open for entry")
    html = documents.sheet_html(sheets[SheetKind.RATING_1], "ru")
    assert "Абаев" in html and "Математический анализ" in html


def test_exam_statement_marks_students_not_admitted(world, sheets):
    a, b, c = world.students
    r1, r2, exam = (sheets[k] for k in (SheetKind.RATING_1, SheetKind.RATING_2, SheetKind.EXAM))
    for sheet, now in ((r1, IN_R1), (r2, IN_R2)):
        services.enter_scores(sheet, [{"student_id": s.pk, "score": v}
                                      for s, v in ((a, "80"), (b, "40"), (c, "70"))],
                              by=world.teacher, now=now)
        services.submit_sheet(sheet, by=world.teacher, now=now)
    html = documents.sheet_html(exam, "en")
    assert html.count("not admitted") == 1


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_final_statement(graded, world, language):
    text = pdf_text(documents.final_statement_pdf(world.section, language))
    assert_common(text, language)
    for letter in ("A-", "FX", "C-"):
        assert letter in text
    values = ["90.4", "44.93", "63.2", "74.88", "3.67", "0.50", "1.67"]
    if language != "en":
        values = [v.replace(".", ",") for v in values]
    for value in values:
        assert value in text
    assert_headings(text, language, "FINAL STATEMENT", "Admission rating", "Final score",
                    "Letter", "Points", "Traditional grade", "did not appear")
    with translation.override(language):
        for grade in ("excellent", "satisfactory", "fail"):
            assert documents.traditional_label(grade) in text
        assert gettext("DRAFT") not in text
    if language == "en":
        assert "final score = 0.6 × AR + 0.4 × exam" in text


def test_final_statement_before_the_exam_is_a_draft(world, sheets):
    a = world.students[0]
    services.enter_scores(sheets[SheetKind.RATING_1], [{"student_id": a.pk, "score": "77"}],
                          by=world.teacher, now=IN_R1)
    text = pdf_text(documents.final_statement_pdf(world.section, "en"))
    assert "NOT SUBMITTED — DRAFT" in text and "77" in text


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_group_summary(graded, world, language):
    text = pdf_text(documents.group_summary_pdf(world.group, world.autumn, language))
    assert UNIVERSITY[language].upper() in text and world.group.name in text
    assert TITLES[language] in text  # the legend of the discipline codes
    for surname in SURNAMES[language]:
        assert surname in text
    for letter in ("A-", "FX", "C-"):
        assert letter in text
    # 2 of 3 students without a fail, 1 of 3 with only excellent/good grades
    sep = "." if language == "en" else ","
    assert f"66{sep}7 %" in text and f"33{sep}3 %" in text
    assert_headings(text, language, "SUMMARY STATEMENT", "Absolute performance",
                    "Quality performance", "Students assessed", "Dean", "Registrar")
    with translation.override(language):
        assert gettext("DRAFT") not in text


def test_group_summary_is_a_draft_while_an_exam_statement_is_open(world, sheets):
    text = pdf_text(documents.group_summary_pdf(world.group, world.autumn, "en"))
    assert "DRAFT — not all exam statements are submitted" in text
    assert "MAT1101-01" in text
    text = pdf_text(documents.group_summary_pdf(world.group, world.autumn, "kk"))
    assert_headings(text, "kk", "DRAFT — not all exam statements are submitted")


def test_number_formatting():
    from decimal import Decimal as D
    assert documents.number(D("85.00"), "en") == "85"
    assert documents.number(D("100.00"), "ru") == "100"
    assert documents.number(D("72.50"), "ru") == "72,5"
    assert documents.number(D("44.93"), "kk") == "44,93"
    assert documents.number(D("0.5"), "en", places=2) == "0.50"
    assert documents.number(None, "en") == ""
