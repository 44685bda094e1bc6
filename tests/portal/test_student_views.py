"""Student pages: a student sees only their own card; a dean only their faculty (§1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    fac_a, fac_b = factories.faculty(), factories.faculty()
    prog_a, prog_b = factories.programme(fac_a), factories.programme(fac_b)
    me_user = factories.user()
    me = factories.student(prog_a, user=me_user)
    other = factories.student(prog_a)
    far = factories.student(prog_b)
    return {"me_user": me_user, "me": me, "other": other, "far": far,
            "dean_a": factories.dean(fac_a), "registrar": factories.registrar()}


def test_student_sees_own_card_but_not_another_by_changing_the_id(client, world):
    client.force_login(world["me_user"])
    assert client.get(reverse("portal:student_detail", args=[world["me"].pk])).status_code == 200
    for other in (world["other"], world["far"]):
        assert client.get(reverse("portal:student_detail", args=[other.pk])).status_code == 404
    listing = client.get(reverse("portal:student_list"))
    assert [s["pk"] for s in listing.context["page"]] == [world["me"].pk]


def test_dean_sees_only_own_faculty(client, world):
    client.force_login(world["dean_a"])
    assert client.get(reverse("portal:student_detail", args=[world["other"].pk])).status_code == 200
    assert client.get(reverse("portal:student_detail", args=[world["far"].pk])).status_code == 404


def test_advisor_sees_advisees_only(client, world):
    advisor = factories.user(role="advisor")
    world["other"].advisor = advisor.staff
    world["other"].save()
    client.force_login(advisor)
    assert client.get(reverse("portal:student_detail", args=[world["other"].pk])).status_code == 200
    assert client.get(reverse("portal:student_detail", args=[world["me"].pk])).status_code == 404


def test_search_by_iin_and_name_in_scope(client, world):
    client.force_login(world["registrar"])
    me = world["me"]
    response = client.get(reverse("portal:student_list"), {"q": me.iin[:8]})
    assert me.pk in [s["pk"] for s in response.context["page"]]
    response = client.get(reverse("portal:student_list"), {"q": me.last_name_en})
    assert [s["pk"] for s in response.context["page"]] == [me.pk]


def test_only_registrar_imports(client, world):
    client.force_login(world["dean_a"])
    assert client.get(reverse("portal:student_import")).status_code == 403
    client.force_login(world["registrar"])
    assert client.get(reverse("portal:student_import")).status_code == 200
