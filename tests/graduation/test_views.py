"""The graduation pages: the registrar manages; a dean sees their own faculty (404 for
another's) and changes nothing (403); students and teachers get 403."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registrar.contingent.choices import OrderType
from registrar.contingent.models import Order
from registrar.documents.models import DocumentKind, IssuedDocument
from registrar.graduation import diplomas
from registrar.graduation.models import AttestationCommission, AttestationResult
from tests import factories

from . import world as W

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def graduate(w):
    student = W.ready_graduate(w)
    W.graduate(w, student)
    W.stock(w, "BD")
    W.stock(w, "SUPPLEMENT")
    return student


def _pages(w, student, document=None):
    pages = [
        reverse("graduation:commissions"),
        reverse("graduation:commission", args=[w.commission.pk]),
        reverse("graduation:event", args=[w.defence.pk]),
        reverse("graduation:theses"),
        reverse("graduation:theses_xlsx"),
        reverse("graduation:preview") + f"?year={W.START_YEAR}&programme={w.programme.pk}",
        reverse("graduation:student", args=[student.pk]),
    ]
    if document is not None:
        pages.append(reverse("graduation:download_pdf", args=[document.pk]))
    return pages


# --- Denials ---------------------------------------------------------------------------------

def test_students_and_teachers_get_403_everywhere(client, w, graduate):
    document = diplomas.issue_diploma(graduate, by=w.registrar)
    student_user = factories.user()
    graduate.user = student_user
    graduate.save()
    for user in (student_user, w.teacher):
        c = _client(client, user)
        for url in _pages(w, graduate, document):
            assert c.get(url).status_code == 403, url
        assert c.post(reverse("graduation:commission_create"), {}).status_code == 403
        assert c.post(reverse("graduation:issue", args=[graduate.pk, "diploma"]),
                      {"language": "ru"}).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, w):
    response = client.get(reverse("graduation:commissions"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_dean_of_another_faculty_gets_404(client, w, graduate):
    document = diplomas.issue_diploma(graduate, by=w.registrar)
    c = _client(client, w.other_dean)
    for url in _pages(w, graduate, document)[1:3] + _pages(w, graduate, document)[5:]:
        assert c.get(url).status_code == 404, url
    # Lists show nothing of the other faculty.
    assert w.commission.chair_name not in c.get(reverse("graduation:commissions")).content.decode()
    theses = c.get(reverse("graduation:theses")).content.decode()
    assert "A student records system" not in theses


def test_dean_sees_own_faculty_but_changes_nothing(client, w, graduate):
    document = diplomas.issue_diploma(graduate, by=w.registrar)
    c = _client(client, w.dean)
    for url in _pages(w, graduate, document):
        assert c.get(url).status_code == 200, url
    detail = c.get(reverse("graduation:commission", args=[w.commission.pk])).content.decode()
    assert reverse("graduation:event_add", args=[w.commission.pk]) not in detail
    (student,) = W.final_year(w)
    posts = [
        (reverse("graduation:commission_create"), {}),
        (reverse("graduation:member_add", args=[w.commission.pk]), {"name": "X"}),
        (reverse("graduation:event_add", args=[w.commission.pk]), {"kind": "state_exam"}),
        (reverse("graduation:result_record", args=[w.exam.pk]),
         {"student": student.pk, "score": "90", "protocol_number": "1"}),
        (reverse("graduation:preview_draft"), {"year": W.START_YEAR,
                                               "programme": w.programme.pk,
                                               "effective_date": "2026-06-30"}),
        (reverse("graduation:issue", args=[graduate.pk, "supplement"]), {"language": "ru"}),
    ]
    for url, data in posts:
        assert c.post(url, data).status_code == 403, url
    assert not AttestationResult.objects.filter(student=student).exists()
    assert not IssuedDocument.objects.filter(kind=DocumentKind.DIPLOMA_SUPPLEMENT).exists()


# --- The registrar's work --------------------------------------------------------------------

def test_registrar_creates_a_commission_and_records_results(client, w):
    c = _client(client, w.registrar)
    response = c.post(reverse("graduation:commission_create"), {
        "year": w.year.pk, "faculty": w.faculty.pk, "programmes": [w.programme.pk],
        "chair_name": "Омаров Е. К.", "chair_position": "профессор",
        "order_reference": "№ 15-П от 12.01.2026"})
    commission = AttestationCommission.objects.get(chair_name="Омаров Е. К.")
    assert response.status_code == 302
    assert response["Location"] == reverse("graduation:commission", args=[commission.pk])
    c.post(reverse("graduation:member_add", args=[commission.pk]),
           {"name": "Ким В.", "position": "доцент", "role": "secretary"})
    assert commission.members.get().role == "secretary"
    response = c.post(reverse("graduation:event_add", args=[commission.pk]), {
        "kind": "thesis_defence", "held_on": "2026-06-10", "credits": 4, "title_ru": "Защита"})
    event = commission.events.get()
    assert response["Location"] == reverse("graduation:event", args=[event.pk])
    (student,) = W.final_year(w)
    page = c.get(reverse("graduation:event", args=[event.pk])).content.decode()
    assert student.full_name in page
    c.post(reverse("graduation:result_record", args=[event.pk]), {
        "student": student.pk, "score": "93.5", "protocol_number": "3",
        "thesis_title_ru": "Анализ данных", "supervisor": "Ли А.", "reviewer": "Пак Б."})
    result = AttestationResult.objects.get(student=student, event=event)
    assert (result.letter, result.thesis_title_ru) == ("A-", "Анализ данных")


def test_refusals_are_shown_not_raised(client, w):
    c = _client(client, w.registrar)
    (student,) = W.final_year(w)
    response = c.post(reverse("graduation:result_record", args=[w.defence.pk]), {
        "student": student.pk, "score": "90", "protocol_number": "3"}, follow=True)
    assert response.status_code == 200
    assert "Give the title of the thesis." in response.content.decode()


def test_theses_register_filters_and_exports(client, w):
    first = W.ready_graduate(w, ru="Машинное обучение", en="Machine learning")
    W.ready_graduate(w, ru="Базы данных", en="Databases", supervisor="Смагулов С.")
    c = _client(client, w.registrar)
    page = c.get(reverse("graduation:theses")).content.decode()  # English: English titles
    assert "Machine learning" in page and "Databases" in page
    page = c.get(reverse("graduation:theses"), {"q": "Смагулов"}).content.decode()
    assert "Databases" in page and "Machine learning" not in page
    page = c.get(reverse("graduation:theses"), {"q": first.last_name_ru}).content.decode()
    assert "Machine learning" in page and "Databases" not in page
    page = c.get(reverse("graduation:theses"), {"q": "обучение"}).content.decode()
    assert "Machine learning" in page and "Databases" not in page
    response = c.get(reverse("graduation:theses_xlsx"), {"q": "Смагулов",
                                                         "year": W.START_YEAR})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and "Базы данных" in rows[1] and "Databases" in rows[1]
    assert "Смагулов С." in rows[1]


def test_preview_and_draft_order_button(client, w):
    ready = W.ready_graduate(w)
    (not_ready,) = W.final_year(w)
    c = _client(client, w.registrar)
    page = c.get(reverse("graduation:preview"),
                 {"year": W.START_YEAR, "programme": w.programme.pk}).content.decode()
    assert ready.full_name in page and not_ready.full_name in page
    assert "No final attestation result." in page
    assert reverse("graduation:preview_draft") in page
    response = c.post(reverse("graduation:preview_draft"), {
        "year": W.START_YEAR, "programme": w.programme.pk, "effective_date": "2026-06-30",
        "students": [ready.pk]})
    order = Order.objects.get(order_type=OrderType.GRADUATION)
    assert response["Location"] == reverse("portal:order_detail", args=[order.pk])
    assert [i.student_id for i in order.items.all()] == [ready.pk]


def test_issue_and_download(client, w, graduate):
    c = _client(client, w.registrar)
    page = c.get(reverse("graduation:student", args=[graduate.pk])).content.decode()
    assert reverse("graduation:issue", args=[graduate.pk, "diploma"]) in page
    c.post(reverse("graduation:issue", args=[graduate.pk, "diploma"]), {"language": "en"})
    c.post(reverse("graduation:issue", args=[graduate.pk, "supplement"]), {"language": "en"})
    documents = IssuedDocument.objects.filter(student=graduate).order_by("pk")
    assert [d.kind for d in documents] == [DocumentKind.DIPLOMA, DocumentKind.DIPLOMA_SUPPLEMENT]
    for document in documents:
        response = c.get(reverse("graduation:download_pdf", args=[document.pk]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert document.code in response["Content-Disposition"]


def test_issue_for_a_student_still_studying_is_refused_on_the_page(client, w):
    student = W.ready_graduate(w)
    W.stock(w, "BD")
    c = _client(client, w.registrar)
    response = c.post(reverse("graduation:issue", args=[student.pk, "diploma"]),
                      {"language": "ru"}, follow=True)
    assert "graduation order" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_draft_needs_chosen_students(client, w):
    W.ready_graduate(w)
    c = _client(client, w.registrar)
    response = c.post(reverse("graduation:preview_draft"), {
        "year": W.START_YEAR, "programme": w.programme.pk, "effective_date": "2026-06-30"},
        follow=True)
    assert "Choose the students to put in the order." in response.content.decode()
    assert not Order.objects.filter(order_type=OrderType.GRADUATION).exists()
