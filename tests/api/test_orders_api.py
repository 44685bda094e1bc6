"""Orders over the API (§9), read-only: the registrar sees all, a dean their faculty's; the list
is refused to other roles and an order outside the scope is not found."""

from __future__ import annotations

import pytest

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
