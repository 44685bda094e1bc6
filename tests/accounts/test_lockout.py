"""Sign-in lockout (django-axes): per user name + IP, with a cool-off, recorded in the audit
trail, lifted by the registrar or `axes_reset`."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from registrar.audit.models import AuditEvent
from tests import factories

from .helpers import is_signed_in, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim():
    return factories.user(username="victim", staff=True)


def fail(client, username: str, times: int, **extra):
    responses = [sign_in(client, username, "wrong-password-1", **extra) for _ in range(times)]
    return responses[-1]


def test_default_limit_and_cool_off_come_from_settings(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=30)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_locked_after_the_limit_and_the_right_password_is_refused(client, victim):
    assert fail(client, "victim", 4).status_code == 200  # the form again, with its error
    locked = fail(client, "victim", 1)
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    assert locked.context["minutes"] == 30

    right = sign_in(client, "victim")
    assert right.status_code == 429
    assert not is_signed_in(client)


def test_limit_is_configurable(client, victim, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert fail(client, "victim", 1).status_code == 200
    assert fail(client, "victim", 1).status_code == 429


def test_other_users_and_other_addresses_are_unaffected(client, victim):
    factories.user(username="colleague", staff=True)
    fail(client, "victim", 5)
    assert sign_in(client, "colleague").status_code == 302
    client.logout()
    # The same user from another address: the lock is on the pair.
    assert sign_in(client, "victim", REMOTE_ADDR="10.1.2.3").status_code == 302
    client.logout()
    assert sign_in(client, "victim").status_code == 429


def test_reset_command_unlocks(client, victim):
    fail(client, "victim", 5)
    call_command("axes_reset_username", "victim")
    response = sign_in(client, "victim")
    assert response.status_code == 302 and is_signed_in(client)


def test_lock_ends_after_the_cool_off(client, victim):
    fail(client, "victim", 5)
    assert sign_in(client, "victim").status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31))
    assert sign_in(client, "victim").status_code == 302


def test_attempts_while_locked_do_not_extend_the_lock(client, victim):
    fail(client, "victim", 5)
    started = AccessAttempt.objects.get().attempt_time
    fail(client, "victim", 3)
    assert AccessAttempt.objects.get().attempt_time == started


def test_success_clears_earlier_failures(client, victim):
    fail(client, "victim", 4)
    assert sign_in(client, "victim").status_code == 302
    client.logout()
    assert fail(client, "victim", 4).status_code == 200  # counting starts again


def test_lockout_is_audited_once(client, victim):
    fail(client, "victim", 8)
    events = AuditEvent.objects.filter(action="account.locked_out")
    assert [(e.object_id, e.changes["failures"]) for e in events] == [(str(victim.pk), 5)]
    assert events[0].changes["ip_address"] == "127.0.0.1"


def test_registrar_unlocks_in_the_admin(client, victim):
    fail(client, "victim", 5)
    attempt = AccessAttempt.objects.get(username="victim")
    registrar = factories.registrar()
    registrar.is_staff = True
    registrar.save()
    client.force_login(registrar)
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert sign_in(client, "victim").status_code == 302


def test_a_dean_may_not_unlock(client, victim):
    dean = factories.dean(factories.faculty())
    dean.is_staff = True
    dean.save()
    client.force_login(dean)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
