"""The promotion page (§7, §9): the preview of every decision for the registrar (university or
faculty) and a dean (own faculty), and the run that drafts the orders (registrar only, after
confirmation)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from registrar.contingent.choices import OrderState, OrderType
from registrar.contingent.models import Order
from registrar.records.promotion import PROMOTE, REPEAT
from tests import factories
from tests.records.builders import build_world, enrol, grade

pytestmark = pytest.mark.django_db

EFFECTIVE = dt.date(2026, 8, 25)  # after the summer semester (ends 2026-07-25)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def w():
    w = build_world()
    w.good, w.debtor = enrol(w, 2, year_of_study=1)
    w.weak, = enrol(w, year_of_study=2, funding="state_grant")
    w.other, = enrol(w, programme=w.other_programme)
    grade(w, w.good, w.autumn, "A", 5)
    grade(w, w.debtor, w.autumn, "A", 5)
    grade(w, w.debtor, w.spring, "F", 2)  # 20/7 = 2.86 ≥ 1.80, one open debt
    grade(w, w.weak, w.autumn, "D", 5)  # 1.00 < 2.00: repeats, loses the grant
    grade(w, w.other, w.autumn, "B", 5)
    return w


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("portal:promotion"), params)


def decisions(response) -> dict:
    return {r.student.pk: r.decision for r in response.context["rows"]}


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_registrar_previews_the_university_and_a_faculty(client, w):
    response = page(client, w.registrar, year=2025)
    assert response.status_code == 200
    assert decisions(response) == {w.good.pk: PROMOTE, w.debtor.pk: PROMOTE,
                                   w.weak.pk: REPEAT, w.other.pk: PROMOTE}
    counts = response.context["counts"]
    assert (counts["all"], counts["promote"], counts["with_debts"], counts["repeat"],
            counts["loses_grant"]) == (4, 3, 1, 1, 1)
    assert response.context["can_run"] is True
    assert response.context["run_form"].initial["effective_date"] == dt.date(2026, 7, 26)
    one = page(client, w.registrar, year=2025, faculty=w.other_faculty.pk)
    assert set(decisions(one)) == {w.other.pk}


def test_the_decision_filter(client, w):
    assert set(decisions(page(client, w.registrar, year=2025, decision="with_debts"))) == {
        w.debtor.pk}
    assert set(decisions(page(client, w.registrar, year=2025, decision="loses_grant"))) == {
        w.weak.pk}
    assert set(decisions(page(client, w.registrar, year=2025, decision="repeat"))) == {w.weak.pk}


def test_dean_previews_own_faculty_only_and_cannot_run(client, w):
    response = page(client, w.dean, year=2025)
    assert response.status_code == 200
    assert set(decisions(response)) == {w.good.pk, w.debtor.pk, w.weak.pk}
    assert response.context["can_run"] is False and response.context["run_form"] is None
    assert reverse("portal:promotion_run") not in response.content.decode()
    forged = page(client, w.dean, year=2025, faculty=w.other_faculty.pk)
    assert forged.context["rows"] is None  # not a faculty of theirs: nothing shown
    assert w.other.full_name not in forged.content.decode()
    client.force_login(w.dean)
    run = client.post(reverse("portal:promotion_run"),
                      {"start_year": 2025, "effective_date": EFFECTIVE, "confirm": "on"})
    assert run.status_code == 403
    assert not Order.objects.filter(order_type=OrderType.PROMOTION).exists()


def test_students_and_teachers_are_refused(client, w):
    account = factories.user()
    w.good.user = account
    w.good.save(update_fields=["user"])
    teacher = factories.user(role="teacher")
    for user in (account, teacher):
        assert page(client, user, year=2025).status_code == 403
        client.force_login(user)
        assert client.post(reverse("portal:promotion_run"), {
            "start_year": 2025, "effective_date": EFFECTIVE, "confirm": "on"}).status_code == 403
    assert not Order.objects.filter(order_type=OrderType.PROMOTION).exists()


def test_the_run_needs_a_confirmation(client, w):
    client.force_login(w.registrar)
    response = client.post(reverse("portal:promotion_run"),
                           {"start_year": 2025, "effective_date": EFFECTIVE})
    assert response.status_code == 302
    assert "Confirm that you have checked the preview." in texts(response)
    assert not Order.objects.filter(order_type=OrderType.PROMOTION).exists()


def test_the_run_drafts_the_orders_and_refuses_a_second_run(client, w):
    client.force_login(w.registrar)
    data = {"start_year": 2025, "effective_date": EFFECTIVE, "confirm": "on"}
    response = client.post(reverse("portal:promotion_run"), data)
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2025")
    drafts = Order.objects.filter(state=OrderState.DRAFT,
                                  order_type__in=[OrderType.PROMOTION, OrderType.REPEAT_YEAR])
    by_kind = {(o.faculty_id, o.order_type): {i.student_id for i in o.items.all()}
               for o in drafts}
    assert by_kind == {
        (w.faculty.pk, OrderType.PROMOTION): {w.good.pk, w.debtor.pk},
        (w.faculty.pk, OrderType.REPEAT_YEAR): {w.weak.pk},
        (w.other_faculty.pk, OrderType.PROMOTION): {w.other.pk},
    }
    assert "3 draft orders were created; check, approve and apply them in Orders." in texts(
        response)
    # The preview lists them, with links.
    listed = page(client, w.registrar, year=2025)
    assert {o.pk for o in listed.context["drafted"]} == set(drafts.values_list("pk", flat=True))
    # A dean sees the drafts of their own faculty only.
    assert {o.faculty_id for o in page(client, w.dean, year=2025).context["drafted"]} == {
        w.faculty.pk}
    client.force_login(w.registrar)
    again = client.post(reverse("portal:promotion_run"), data)
    assert any("already exist" in t for t in texts(again))
    assert drafts.count() == 3


def test_an_effective_date_inside_the_year_is_refused_with_the_reason(client, w):
    client.force_login(w.registrar)
    response = client.post(reverse("portal:promotion_run"), {
        "start_year": 2025, "effective_date": dt.date(2026, 7, 1), "confirm": "on"})
    assert any("choose a later effective date" in t for t in texts(response))
    assert not Order.objects.filter(order_type=OrderType.PROMOTION).exists()


def test_messages_follow_the_language_of_the_request(client, w):
    """The refusal is produced under the request's language (catalogues are filled later)."""
    client.force_login(w.registrar)
    with translation.override("ru"):
        url = reverse("portal:promotion_run")
    assert url.startswith("/ru/")
    response = client.post(url, {"start_year": 2025, "effective_date": EFFECTIVE})
    assert response.status_code == 302 and texts(response)
