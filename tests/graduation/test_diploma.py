"""The diploma and the diploma supplement (§11): only for graduates, each on exactly one
strict accountability form, honours printed when the verdict holds, a QR code of the public
verification page, the European 8-section supplement in kk/ru/en."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext
from pypdf import PdfReader

from registrar.audit.models import AuditEvent
from registrar.blanks.models import BlankForm, FormState
from registrar.contingent import services as contingent
from registrar.documents.models import DocumentFrozen, DocumentKind, IssuedDocument
from registrar.documents.printing import verification_url
from registrar.graduation import diplomas, graduation, printing
from registrar.institution.models import Degree
from registrar.records.models import AcademicDebt
from tests import factories
from tests.records.builders import enrol, grade

from . import world as W

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _in_stock(form_type: str) -> int:
    return BlankForm.objects.filter(form_type=form_type, state=FormState.IN_STOCK).count()


@pytest.fixture
def graduate(w):
    student = W.ready_graduate(w)
    W.graduate(w, student)
    W.stock(w, "BD", 1, 5)
    W.stock(w, "SUPPLEMENT", 1, 5)
    return student


# --- Only for graduates ----------------------------------------------------------------------

def test_no_diploma_before_the_graduation_order_is_applied(w):
    student = W.ready_graduate(w)
    W.stock(w, "BD")
    with pytest.raises(diplomas.DiplomaRefused, match="graduation order"):
        diplomas.issue_diploma(student, by=w.registrar)
    assert _in_stock("BD") == 5
    assert not IssuedDocument.objects.exists()


def test_no_diploma_for_an_expelled_student(w):
    student = W.ready_graduate(w)
    student.status = "expelled"
    student.save()
    W.stock(w, "BD")
    with pytest.raises(diplomas.DiplomaRefused):
        diplomas.issue_diploma(student, by=w.registrar)


def test_only_the_registrar_issues(w, graduate):
    for user in (w.dean, w.teacher):
        with pytest.raises(PermissionDenied):
            diplomas.issue_diploma(graduate, by=user)
    assert _in_stock("BD") == 5


# --- Blank forms -----------------------------------------------------------------------------

def test_diploma_consumes_exactly_one_blank_form(w, graduate):
    document = diplomas.issue_diploma(graduate, by=w.registrar, language="ru")
    assert _in_stock("BD") == 4 and _in_stock("SUPPLEMENT") == 5
    form = BlankForm.objects.get(state=FormState.ISSUED)
    assert (form.issued_to_id, form.document_code, form.serial) == (
        graduate.pk, document.code, "BD 0000001")
    assert document.kind == DocumentKind.DIPLOMA
    assert document.content["diploma"]["serial"] == "BD 0000001"
    assert document.content["diploma"]["series"] == "BD"
    assert AuditEvent.objects.filter(action="document.issued",
                                     changes__code=document.code).exists()
    assert AuditEvent.objects.filter(action="blanks.form_issued").count() == 1


def test_a_second_diploma_is_refused_and_takes_no_form(w, graduate):
    first = diplomas.issue_diploma(graduate, by=w.registrar)
    with pytest.raises(diplomas.DiplomaRefused, match=first.code):
        diplomas.issue_diploma(graduate, by=w.registrar)
    assert _in_stock("BD") == 4
    assert IssuedDocument.objects.filter(kind=DocumentKind.DIPLOMA).count() == 1


def test_no_form_in_stock_refuses_and_writes_nothing(w):
    student = W.ready_graduate(w)
    W.graduate(w, student)
    with pytest.raises(diplomas.DiplomaRefused, match="in stock"):
        diplomas.issue_diploma(student, by=w.registrar)
    assert not IssuedDocument.objects.exists()


def test_master_diploma_is_series_md(w):
    master = factories.programme(w.faculty, duration=2, degree=Degree.MASTER, total_credits=24)
    w.commission.programmes.add(master)
    (student,) = enrol(w, 1, year_of_study=2, programme=master)
    W.good_record(w, student)
    W.attest(w, student)
    order = graduation.draft_order(by=w.registrar, start_year=W.START_YEAR,
                                   effective_date=W.GRADUATION_DAY, programme=master)
    contingent.apply_order(contingent.approve_order(order, by=w.registrar,
                                                    signed_on=W.GRADUATION_DAY), by=w.registrar)
    student.refresh_from_db()
    W.stock(w, "BD", 1, 3)
    W.stock(w, "MD", 500, 501)
    document = diplomas.issue_diploma(student, by=w.registrar)
    assert document.content["diploma"]["serial"] == "MD 0000500"
    assert _in_stock("BD") == 3 and _in_stock("MD") == 1


# --- Honours ---------------------------------------------------------------------------------

def test_honours_printed_when_the_verdict_holds(w, graduate):
    document = diplomas.issue_diploma(graduate, by=w.registrar, language="en")
    assert document.content["diploma"]["honours"] is True
    text = _text(printing.render_pdf(document))
    with translation.override("en"):
        assert pgettext("document", "with honours").upper() in text.upper()
    assert "BD № 0000001" in text
    assert "Studentov" in text and "Information Systems" in text


def test_no_honours_when_refused(w):
    student = W.ready_graduate(w, defence="85")  # final attestation B+
    W.graduate(w, student)
    W.stock(w, "BD")
    document = diplomas.issue_diploma(student, by=w.registrar, language="en")
    assert document.content["diploma"]["honours"] is False
    assert all(face["honours"] == "" for face in document.content["texts"].values())
    event = AuditEvent.objects.get(action="document.issued", changes__code=document.code)
    assert event.changes["honours_refused"] == ["final_attestation_below"]
    with translation.override("en"):
        honours = pgettext("document", "with honours").upper()
    assert honours not in _text(printing.render_pdf(document)).upper()


def test_diploma_is_trilingual_with_a_qr_of_the_verification_page(w, graduate, settings):
    settings.PUBLIC_BASE_URL = "https://registrar.example.kz"
    document = diplomas.issue_diploma(graduate, by=w.registrar, language="kk")
    assert set(document.content["texts"]) == {"kk", "ru", "en"}
    text = _text(printing.render_pdf(document))
    for face in document.content["texts"].values():
        assert face["programme_title"] in text
    assert "Информационные системы" in text and "Ақпараттық жүйелер" in text
    url = verification_url(document.code, "kk")
    assert url == f"https://registrar.example.kz/kk/verify/{document.code}/"
    assert url in text.replace(" ", "") or url in _text(printing.render_pdf(document))
    assert document.code in text


def test_the_snapshot_is_immutable(w, graduate):
    document = diplomas.issue_diploma(graduate, by=w.registrar)
    document.content["diploma"]["honours"] = False
    with pytest.raises(DocumentFrozen):
        document.save()
    with pytest.raises(DocumentFrozen):
        document.delete()


def test_reprint_shows_the_snapshot_not_the_live_records(w, graduate):
    document = diplomas.issue_diploma(graduate, by=w.registrar, language="en")
    w.programme.name_en = "Renamed Programme"
    w.programme.save()
    text = _text(printing.render_pdf(IssuedDocument.objects.get(pk=document.pk)))
    assert "Information Systems" in text and "Renamed Programme" not in text


# --- Supplement ------------------------------------------------------------------------------

def test_supplement_needs_the_diploma(w, graduate):
    with pytest.raises(diplomas.DiplomaRefused, match="diploma first"):
        diplomas.issue_supplement(graduate, by=w.registrar)
    assert _in_stock("SUPPLEMENT") == 5


def test_supplement_consumes_one_supplement_form_and_names_the_diploma(w, graduate):
    diploma = diplomas.issue_diploma(graduate, by=w.registrar)
    supplement = diplomas.issue_supplement(graduate, by=w.registrar, language="en")
    assert _in_stock("SUPPLEMENT") == 4 and _in_stock("BD") == 4
    assert supplement.content["diploma"] == {"serial": "BD 0000001", "code": diploma.code,
                                             "honours": True}
    assert supplement.content["blank"]["serial"].endswith("0000001")
    with pytest.raises(diplomas.DiplomaRefused, match=supplement.code):
        diplomas.issue_supplement(graduate, by=w.registrar)
    assert _in_stock("SUPPLEMENT") == 4


def test_supplement_pdf_has_the_8_sections_in_each_language(w, graduate):
    diplomas.issue_diploma(graduate, by=w.registrar)
    supplement = diplomas.issue_supplement(graduate, by=w.registrar, language="ru")
    text = _text(printing.render_pdf(supplement))
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            headings = [str(h) for h in printing.SECTION_HEADINGS]
            title = pgettext("document", "DIPLOMA SUPPLEMENT")
        assert len(headings) == 8
        for number, heading in enumerate(headings, start=1):
            assert f"{number}. {heading}" in text, (language, heading)
        assert title in text
    # Section 4: every discipline passed with credits (ECTS), letter, points, traditional grade.
    for part in supplement.content["parts"].values():
        rows = [r for t in part["contents"]["terms"] for r in t["rows"]]
        assert [r["letter"] for r in rows] == ["A", "A-", "A", "B+"]
        assert all(r["credits"] == 5 for r in rows)
        assert [a["letter"] for a in part["contents"]["attestation"]] == ["A", "A-"]
    assert "3,67" in text and "3.67" in text  # ru/kk decimal comma, en point
    assert "Система учёта студентов" in text and "A student records system" in text


def test_supplement_lists_passed_attempts_only(w):
    student = W.ready_graduate(w)
    grade(w, student, w.autumn, "F", 5)
    grade(w, student, w.spring, "A", 5)  # another discipline, to keep the credits
    debt = AcademicDebt.objects.get(student=student)
    grade(w, student, w.summer, "B", 5, subject=debt.discipline)  # the debt re-studied
    W.graduate(w, student)
    W.stock(w, "BD")
    W.stock(w, "SUPPLEMENT")
    diplomas.issue_diploma(student, by=w.registrar)
    supplement = diplomas.issue_supplement(student, by=w.registrar, language="en")
    rows = [r for t in supplement.content["parts"]["en"]["contents"]["terms"] for r in t["rows"]]
    assert "F" not in [r["letter"] for r in rows] and len(rows) == 6


def test_supplement_pages_for_sixty_disciplines(w):
    (student,) = W.final_year(w)
    for i in range(60):
        grade(w, student, w.autumn if i % 2 else w.spring, ["A", "A-", "B+"][i % 3], 4)
    W.attest(w, student)
    W.graduate(w, student)
    W.stock(w, "BD")
    W.stock(w, "SUPPLEMENT")
    diplomas.issue_diploma(student, by=w.registrar)
    supplement = diplomas.issue_supplement(student, by=w.registrar, language="en")
    reader = PdfReader(io.BytesIO(printing.render_pdf(supplement)))
    assert 6 <= len(reader.pages) <= 20
    text = _text(printing.render_pdf(supplement))
    assert text.count("DSC") >= 3 * 60  # every code in each language part


# --- Public verification ---------------------------------------------------------------------

def test_verification_page_shows_the_diploma(client, w, graduate):
    document = diplomas.issue_diploma(graduate, by=w.registrar, language="en")
    response = client.get(reverse("documents:verify", args=[document.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "badge active" in html
    assert "BD № 0000001" in html
    assert graduate.full_name_in("en") in html
    assert w.programme.code in html
    face = document.content["texts"]["en"]
    assert face["qualification"] in html and face["honours"] in html
    # Only what the diploma shows: no IIN, no birth date, no grades.
    assert graduate.iin not in html
    assert graduate.birth_date.strftime("%d.%m.%Y") not in html
    assert "Cumulative GPA" not in html


def test_verification_page_shows_the_supplement_results(client, w, graduate):
    diplomas.issue_diploma(graduate, by=w.registrar)
    supplement = diplomas.issue_supplement(graduate, by=w.registrar, language="ru")
    html = client.get(reverse("documents:verify", args=[supplement.code])).content.decode()
    assert supplement.content["blank"]["serial"] in html and "BD 0000001" in html
    assert "3,67" in html and "3,75" in html  # A- points and the cumulative GPA
    assert graduate.iin not in html
