"""The portal's order pages: scope (404 outside it), actions (403 without the right), and
the happy path of draft → approve → apply → print (§9, issue 2 acceptance)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from registrar.contingent import services
from registrar.contingent.choices import OrderState, OrderType
from registrar.contingent.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_faculties():
    fac_a, fac_b = factories.faculty("A"), factories.faculty("B")
    prog_a, prog_b = factories.programme(fac_a), factories.programme(fac_b)
    return {
        "a": fac_a, "b": fac_b,
        "group_a": factories.group(prog_a), "group_b": factories.group(prog_b),
        "student_a": factories.student(prog_a), "student_b": factories.student(prog_b),
        "dean_a": factories.dean(fac_a), "dean_b": factories.dean(fac_b),
        "registrar": factories.registrar(),
    }


def _draft_enrolment(world, side: str) -> Order:
    order = services.create_order(by=world["registrar"], order_type=OrderType.ENROLMENT,
                                  faculty=world[side])
    services.add_item(order, by=world["registrar"], student=world[f"student_{side}"],
                      effective_date=dt.date(2025, 9, 1), to_group=world[f"group_{side}"],
                      to_funding="state_grant")
    return order


def test_dean_cannot_see_or_approve_order_of_another_faculty(client, two_faculties):
    order_b = _draft_enrolment(two_faculties, "b")
    client.force_login(two_faculties["dean_a"])
    assert client.get(reverse("portal:order_detail", args=[order_b.pk])).status_code == 404
    assert client.post(reverse("portal:order_approve", args=[order_b.pk])).status_code == 404
    assert client.get(reverse("portal:order_print", args=[order_b.pk, "ru"])).status_code == 404
    listing = client.get(reverse("portal:order_list"))
    assert order_b not in list(listing.context["page"])
    order_b.refresh_from_db()
    assert order_b.state == OrderState.DRAFT and order_b.number == ""


def test_dean_approves_own_faculty_order_but_cannot_apply_it(client, two_faculties):
    order_a = _draft_enrolment(two_faculties, "a")
    client.force_login(two_faculties["dean_a"])
    response = client.post(reverse("portal:order_approve", args=[order_a.pk]))
    assert response.status_code == 302
    order_a.refresh_from_db()
    assert order_a.state == OrderState.APPROVED and order_a.number
    assert client.post(reverse("portal:order_apply", args=[order_a.pk])).status_code == 403
    order_a.refresh_from_db()
    assert order_a.state == OrderState.APPROVED


def test_registrar_applies_and_prints_in_three_languages(client, two_faculties):
    order = _draft_enrolment(two_faculties, "a")
    client.force_login(two_faculties["registrar"])
    client.post(reverse("portal:order_approve", args=[order.pk]))
    client.post(reverse("portal:order_apply", args=[order.pk]))
    order.refresh_from_db()
    assert order.state == OrderState.APPLIED
    student = two_faculties["student_a"]
    student.refresh_from_db()
    assert (student.status, student.group_id) == ("active", two_faculties["group_a"].pk)
    headings = {"kk": "БҰЙРЫҚ", "ru": "ПРИКАЗ", "en": "ORDER"}
    for language, heading in headings.items():
        response = client.get(reverse("portal:order_print", args=[order.pk, language]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pages = PdfReader(io.BytesIO(response.content)).pages
        text = "".join(page.extract_text() for page in pages)
        assert heading in text, language
        assert order.number in text
        surname = {"kk": student.last_name_kk, "ru": student.last_name_ru,
                   "en": student.last_name_en}[language]
        assert surname in text


def test_refused_apply_shows_the_reason_and_changes_nothing(client, two_faculties):
    """§9: expelling an already expelled student is refused with a message."""
    world = two_faculties
    enrol = _draft_enrolment(world, "a")
    services.approve_order(enrol, by=world["registrar"])
    services.apply_order(enrol, by=world["registrar"])
    first = services.create_order(by=world["registrar"], order_type=OrderType.EXPULSION,
                                  faculty=world["a"])
    second = services.create_order(by=world["registrar"], order_type=OrderType.EXPULSION,
                                   faculty=world["a"])
    for order in (first, second):
        services.add_item(order, by=world["registrar"], student=world["student_a"],
                          effective_date=dt.date(2025, 10, 1), reason="own_wish")
        services.approve_order(order, by=world["registrar"])
    services.apply_order(first, by=world["registrar"])
    client.force_login(world["registrar"])
    response = client.post(reverse("portal:order_apply", args=[second.pk]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("Expelled" in m or "Отчислен" in m for m in messages), messages
    second.refresh_from_db()
    assert second.state == OrderState.APPROVED


def test_student_and_teacher_cannot_open_order_pages(client, two_faculties):
    order = _draft_enrolment(two_faculties, "a")
    teacher = factories.user(role="teacher")
    client.force_login(teacher)
    assert client.get(reverse("portal:order_list")).status_code == 403
    assert client.get(reverse("portal:order_detail", args=[order.pk])).status_code == 404
    assert client.get(reverse("portal:order_create")).status_code == 403


def test_anonymous_is_sent_to_login(client, two_faculties):
    order = _draft_enrolment(two_faculties, "a")
    response = client.get(reverse("portal:order_detail", args=[order.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
