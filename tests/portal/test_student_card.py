"""The student card (§1, §7, §9, §11): personal data, status history with its orders, the
academic history by term with GPA, debts, study plans, issued documents; within scope only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from registrar.documents import services as documents
from registrar.registration.models import StudyPlan
from tests import factories
from tests.records.builders import build_world, enrol, grade

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def w():
    w = build_world()
    w.student, = enrol(w, year_of_study=1, funding="state_grant")
    w.far, = enrol(w, programme=w.other_programme)
    grade(w, w.student, w.autumn, "A", 5)   # 4.00 × 5
    grade(w, w.student, w.autumn, "B", 3)   # 3.00 × 3 → term 29/8 = 3.625 → 3.63
    w.failed = grade(w, w.student, w.spring, "F", 4)  # opens a debt
    w.plan = StudyPlan.objects.create(student=w.student, period=w.autumn, semester=1)
    w.document = documents.issue_transcript(w.student, by=w.registrar, language="en")
    return w


def card(client, user, student):
    client.force_login(user)
    return client.get(reverse("portal:student_detail", args=[student.pk]))


def test_the_registrar_sees_the_whole_history(client, w):
    response = card(client, w.registrar, w.student)
    assert response.status_code == 200
    html = response.content.decode()
    # Status history: the enrolment order, linked.
    change = response.context["history"][0]
    order = change.order_item.order
    assert order.pk in response.context["visible_orders"]
    assert reverse("portal:order_detail", args=[order.pk]) in html
    assert order.number in html
    assert [i.order for i in response.context["orders"]] == [order]
    # Academic history by term with the GPA of the snapshots.
    terms = response.context["record"]["terms"]
    assert [len(t["rows"]) for t in terms] == [2, 1]
    assert terms[0]["term_gpa"] == "3.63"
    assert {r["letter"] for r in terms[0]["rows"]} == {"A", "B"}
    assert terms[1]["rows"][0]["letter"] == "F"
    assert response.context["record"]["totals"]["cumulative_gpa"] == "2.42"  # 29/12
    # Debts, plans, documents and the issue form.
    assert [d.discipline for d in response.context["debts"]] == [w.failed.discipline]
    assert response.context["open_debts"] == 1
    assert response.context["plans"][0][0] == w.plan
    assert response.context["documents"] == [w.document]
    assert w.document.code in html
    assert reverse("documents:issue", args=[w.student.pk]) in html
    assert response.context["events"] is not None


def test_dean_sees_own_faculty_card_and_not_another(client, w):
    response = card(client, w.dean, w.student)
    assert response.status_code == 200
    assert response.context["documents"] == [w.document]
    assert response.context["can_issue"] is True
    assert response.context["events"] is None  # the audit trail is the registrar's
    assert card(client, w.dean, w.far).status_code == 404
    assert card(client, w.other_dean, w.student).status_code == 404


def test_advisor_sees_the_academic_history_but_no_orders_or_documents(client, w):
    advisor = factories.user(role="advisor")
    w.student.advisor = advisor.staff
    w.student.save(update_fields=["advisor"])
    response = card(client, advisor, w.student)
    assert response.status_code == 200
    assert response.context["orders"] is None
    assert response.context["documents"] == []
    assert response.context["can_issue"] is False
    assert len(response.context["record"]["terms"]) == 2
    html = response.content.decode()
    assert reverse("documents:issue", args=[w.student.pk]) not in html
    # The order is named but not linked: the advisor cannot open orders.
    assert response.context["visible_orders"] == set()
    assert card(client, advisor, w.far).status_code == 404


def test_teacher_without_advisees_sees_no_card(client, w):
    teacher = factories.user(role="teacher")
    assert card(client, teacher, w.student).status_code == 404
