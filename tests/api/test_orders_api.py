"""Orders over the API (§9), read-only: the registrar sees all, a dean their faculty's; the list
is refused to other roles and an order outside the scope is not found."""

from __future__ import annotations

import datetime as dt

import pytest

from registrar.contingent.choices import ExpulsionReason
from registrar.contingent.models import OrderItem
from tests.api.conftest import auth

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders"


def _ids(client, w, role, **params) -> set[int]:
    response = client.get(URL, params, **auth(w, role))
    assert response.status_code == 200, response.content
    return {o["id"] for o in response.json()["items"]}


def test_the_registrar_and_deans_list_their_orders(client, api_world):
    w = api_world
    assert _ids(client, w, "registrar") == {w.order.pk, w.other_order.pk, w.draft.pk}
    assert _ids(client, w, "dean") == {w.order.pk, w.draft.pk}
    assert _ids(client, w, "other_dean") == {w.other_order.pk}


@pytest.mark.parametrize("role", ["student", "teacher", "advisor"])
def test_other_roles_may_not_list_orders(client, api_world, role):
    response = client.get(URL, **auth(api_world, role))
    assert response.status_code == 403
    assert response.json()["problems"] == []


def test_order_filters(client, api_world):
    w = api_world
    assert _ids(client, w, "registrar", state="applied") == {w.order.pk, w.other_order.pk}
    assert _ids(client, w, "registrar", order_type="expulsion") == {w.draft.pk}
    assert _ids(client, w, "registrar", faculty_id=w.other_faculty.pk) == {w.other_order.pk}
    assert _ids(client, w, "registrar", year=2025) == {w.order.pk, w.other_order.pk}
    assert _ids(client, w, "registrar", student_id=w.outsider.pk) == {w.other_order.pk}
    assert _ids(client, w, "dean", student_id=w.outsider.pk) == set()


def test_one_order(client, api_world):
    w = api_world
    response = client.get(f"{URL}/{w.order.pk}", **auth(w, "dean"))
    assert response.status_code == 200
    body = response.json()
    assert (body["order_type"], body["state"], body["number"], body["item_count"]) == (
        "enrolment", "applied", w.order.number, 3)
    assert body["faculty_id"] == w.faculty.pk


@pytest.mark.parametrize("role, visible", [
    ("registrar", True), ("dean", True),
    ("other_dean", False), ("student", False), ("teacher", False), ("advisor", False),
])
def test_an_order_outside_the_scope_is_not_found(client, api_world, role, visible):
    w = api_world
    status = 200 if visible else 404
    assert client.get(f"{URL}/{w.order.pk}", **auth(w, role)).status_code == status
    assert client.get(f"{URL}/{w.order.pk}/items", **auth(w, role)).status_code == status


def test_the_items_of_an_order(client, api_world):
    w = api_world
    body = client.get(f"{URL}/{w.order.pk}/items", {"page_size": 2},
                      **auth(w, "registrar")).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    item = body["items"][0]
    assert (item["student_id"], item["effective_date"], item["to_group_id"],
            item["to_funding"], item["reason"]) == (w.students[0].pk, "2025-08-20", w.group.pk,
                                                    "paid", None)
    assert w.group.name in item["description"]


def _expel_item(w, reason: str = "own_wish"):
    from registrar.contingent.services import add_item

    return add_item(w.draft, by=w.registrar, student=w.students[1],
                    effective_date=dt.date(2026, 2, 1), reason=reason)


def test_the_items_of_an_expulsion_order_give_the_reason(client, api_world):
    w = api_world
    item = _expel_item(w)
    for role in ("registrar", "dean"):
        response = client.get(f"{URL}/{w.draft.pk}/items", **auth(w, role))
        assert response.status_code == 200, response.content
        [body] = response.json()["items"]
        assert (body["id"], body["reason"], body["leave_kind"]) == (item.pk, "own_wish", None)


def test_a_stored_value_outside_the_codes_is_answered_as_stored(client, api_world):
    """An item written before the codes were checked (the service now refuses such values)
    holds free text; the listing shows it as stored instead of failing with a 500."""
    w = api_world
    item = _expel_item(w)
    OrderItem.objects.filter(pk=item.pk).update(
        reason="прогулы", leave_kind="holiday", scholarship_kind="golden", to_funding="free")
    response = client.get(f"{URL}/{w.draft.pk}/items", **auth(w, "registrar"))
    assert response.status_code == 200, response.content
    [body] = response.json()["items"]
    assert (body["reason"], body["leave_kind"], body["scholarship_kind"],
            body["to_funding"]) == ("прогулы", "holiday", "golden", "free")
    assert "прогулы" in body["description"]


def test_the_schema_lists_the_codes_of_the_reason(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["OrderItemOut"]
    reason = schema["properties"]["reason"]
    assert {"type": "string"} in reason["anyOf"]
    assert all(code in reason["description"] for code in ExpulsionReason.values)
