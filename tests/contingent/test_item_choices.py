"""Coded item fields hold allowed values (§9): an expulsion gives one of the reasons for
expulsion, other orders give none, and a kind of leave, funding or scholarship is one of its
codes. The services refuse anything else naming the field, in the user's language, and change
nothing; the portal's form and the admin say the same."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from registrar.contingent.choices import OrderState, OrderType
from registrar.contingent.models import OrderItem
from registrar.contingent.services import OrderRefused, add_item, approve_order, create_order
from tests import factories

from .helpers import draft, enrol, snapshot

pytestmark = pytest.mark.django_db

D = dt.date
T = OrderType


@pytest.fixture
def ctx(reg, fac, prog, grp):
    return types.SimpleNamespace(reg=reg, fac=fac, prog=prog, grp=grp)


@pytest.mark.parametrize(
    "order_type, on, fields, field, shown",
    [
        (T.EXPULSION, D(2026, 2, 1), dict(reason="skipped the winter session"), "reason",
         "Poor academic results (poor_results)"),
        (T.EXPULSION, D(2026, 2, 1), dict(reason="OWN_WISH"), "reason", "(own_wish)"),
        (T.PROMOTION, D(2026, 7, 1), dict(reason="own_wish"), "reason", "takes no reason"),
        (T.TRANSFER_OUT, D(2026, 1, 10), dict(reason="transfer"), "reason", "takes no reason"),
        (T.ACADEMIC_LEAVE, D(2026, 2, 1), dict(leave_kind="holiday",
                                               leave_until=D(2027, 2, 1)), "leave_kind",
         "kind of leave"),
        (T.PROMOTION, D(2026, 7, 1), dict(to_funding="free"), "to_funding", "(state_grant)"),
        (T.SCHOLARSHIP_AWARD, D(2026, 2, 1), dict(scholarship_kind="golden", amount=1),
         "scholarship_kind", "(presidential)"),
    ],
    ids=["expulsion-free-text", "expulsion-wrong-case", "promotion-with-reason",
         "transfer-out-with-reason", "unknown-leave-kind", "unknown-funding",
         "unknown-scholarship"],
)
def test_a_value_outside_the_choices_is_refused_and_nothing_is_created(
        ctx, order_type, on, fields, field, shown):
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = create_order(by=ctx.reg, order_type=order_type)
    before = snapshot([s], [order])
    with translation.override("en"):
        with pytest.raises(OrderRefused) as caught:
            add_item(order, by=ctx.reg, student=s, effective_date=on, **fields)
        [problem] = caught.value.problems
        assert (problem.student, problem.field) == (s.full_name, field)
    assert shown in problem.message
    assert snapshot([s], [order]) == before
    assert not OrderItem.objects.filter(order=order).exists()


def test_the_refusal_is_in_the_language_of_the_user(ctx):
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = create_order(by=ctx.reg, order_type=T.EXPULSION)
    for language, words in (("ru", ("не является допустимой причиной", "По собственному")),
                            ("kk", ("рұқсат етілген себеп емес",))):
        with translation.override(language), pytest.raises(OrderRefused) as caught:
            add_item(order, by=ctx.reg, student=s, effective_date=D(2026, 2, 1),
                     reason="прогулы")
        message = caught.value.problems[0].message
        assert "«прогулы»" in message or "“прогулы”" in message
        assert all(w in message for w in words), message
    assert not order.items.exists()


def test_a_valid_reason_is_accepted(ctx):
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = draft(T.EXPULSION, [(s, D(2026, 2, 1), dict(reason="non_attendance"))], by=ctx.reg)
    assert list(order.items.values_list("reason", flat=True)) == ["non_attendance"]


def test_a_stored_draft_with_a_bad_reason_is_not_approved(ctx):
    """A draft holding a reason written before the check cannot be signed until corrected."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = draft(T.EXPULSION, [(s, D(2026, 2, 1), dict(reason="own_wish"))], by=ctx.reg)
    OrderItem.objects.filter(order=order).update(reason="because")
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused) as caught:
        approve_order(order, by=ctx.reg, signed_on=D(2026, 2, 1))
    assert [p.field for p in caught.value.problems] == ["reason"]
    assert snapshot([s], [order]) == before
    order.refresh_from_db()
    assert (order.state, order.number) == (OrderState.DRAFT, "")


def test_the_admin_form_checks_the_reason_against_the_order_type(ctx):
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = create_order(by=ctx.reg, order_type=T.PROMOTION)
    item = OrderItem(order=order, student=s, effective_date=D(2026, 7, 1), reason="own_wish")
    with pytest.raises(ValidationError) as caught:
        item.full_clean(exclude=["before", "after"])
    assert set(caught.value.message_dict) == {"reason"}
    item.reason = ""
    item.full_clean(exclude=["before", "after"])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_portal_refuses_a_reason_the_order_does_not_take(client, ctx):
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    client.force_login(ctx.reg)
    for order_type, reason, expected in (
            (T.PROMOTION, "own_wish", ("takes no reason", "причина не указывается")),
            (T.EXPULSION, "whatever", ("Reason for expulsion", "Причина отчисления"))):
        order = create_order(by=ctx.reg, order_type=order_type)
        response = client.post(reverse("portal:order_add_item", args=[order.pk]), {
            "student_iin": s.iin, "effective_date": "2026-07-01", "reason": reason,
        })
        assert response.status_code == 302
        shown = _messages(response)
        assert any(e in m for m in shown for e in expected), shown
        assert not order.items.exists()
