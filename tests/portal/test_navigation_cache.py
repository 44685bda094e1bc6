"""The main navigation kept per kind of user and page (portal/templatetags/portal_nav.py,
issue 10: it cost ~1.5 ms of every page). What must hold: the kept HTML never shows one user
what another kind of user sees, and a change of roles shows on the next page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from registrar.people.models import Role, RoleAssignment
from registrar.portal.templatetags import portal_nav
from tests import factories

pytestmark = pytest.mark.django_db


def _nav(client, user, url="portal:home", language="en") -> str:
    client.force_login(user)
    with translation.override(language):
        html = client.get(reverse(url)).content.decode()
    found = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    assert found
    return found.group(0)


def test_each_kind_of_user_gets_its_own_navigation_from_a_warm_cache(client):
    registrar, teacher = factories.registrar(), factories.user(role=Role.TEACHER)
    portal_nav._kept.clear()
    cold = {"registrar": _nav(client, registrar), "teacher": _nav(client, teacher)}
    # Warm now: each again, in the other order.
    assert _nav(client, teacher) == cold["teacher"]
    assert _nav(client, registrar) == cold["registrar"]
    assert ">Orders</a>" in cold["registrar"] and ">Orders</a>" not in cold["teacher"]
    assert ">Grade sheets</a>" in cold["teacher"]


def test_the_page_and_the_language_are_part_of_the_key(client):
    registrar = factories.registrar()
    home = _nav(client, registrar)
    reports = _nav(client, registrar, "portal:reports")
    assert re.findall(r'aria-current="page">([^<]+)</a>', home) == ["Home"]
    assert re.findall(r'aria-current="page">([^<]+)</a>', reports) == ["Reports"]
    russian = _nav(client, registrar, language="ru")
    assert "/ru/" in russian and "/en/" not in russian


def test_a_new_role_shows_on_the_next_page(client):
    account = factories.user(role=Role.TEACHER)
    before = _nav(client, account)
    assert ">Approvals</a>" not in before
    RoleAssignment.objects.create(user=account, role=Role.ADVISOR)
    after = _nav(client, account)
    assert ">Approvals</a>" in after and ">Grade sheets</a>" in after
