"""The session store (registrar/accounts/sessions.py): Django's database sessions read with one
plain statement. What matters is that it reads exactly what Django's store reads: the live row
of the key, never an expired one, nothing after sign-out (issue 10: session expiry)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from registrar.accounts.sessions import SessionStore
from tests import factories

pytestmark = pytest.mark.django_db


def _saved(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


def test_a_live_session_reads_as_djangos_store_reads_it():
    key = _saved(answer=42, name="Әлия")
    assert dict(SessionStore(key).items()) == dict(DjangoStore(key).items()) == \
        {"answer": 42, "name": "Әлия"}


def test_an_expired_session_is_empty_and_its_key_forgotten():
    key = _saved(answer=42)
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    store = SessionStore(key)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_an_unknown_key_is_empty():
    store = SessionStore("x" * 32)
    assert dict(store.items()) == {} and store.session_key is None


def test_signing_out_ends_the_session(client):
    account = factories.user()
    client.force_login(account, backend="registrar.accounts.backends.AccountBackend")
    assert client.get(reverse("portal:home")).status_code == 200
    key = client.cookies["sessionid"].value
    assert SessionStore(key).get("_auth_user_id") == str(account.pk)
    client.post(reverse("logout"))
    assert dict(SessionStore(key).items()) == {}
    client.cookies["sessionid"] = key  # a copy of the old cookie opens nothing
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_setting_selects_this_store(client):
    from django.conf import settings

    assert settings.SESSION_ENGINE == "registrar.accounts.sessions"
    account = factories.user()
    client.force_login(account, backend="registrar.accounts.backends.AccountBackend")
    assert isinstance(client.session, SessionStore)
