"""`manage.py create_api_token`: a token for an integration, its key printed once and stored only
as a digest; the token acts as its user, with the user's scope."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from registrar.api.models import ApiToken, digest
from registrar.audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def _create(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_key_is_printed_once_and_stored_as_a_digest(client):
    user = factories.registrar()
    key, note = _create(user.username, "--name", "LMS sync")
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.prefix, token.key_digest) == ("LMS sync", key[:8], digest(key))
    assert key not in token.key_digest and "LMS sync" in note
    assert AuditEvent.objects.filter(action="api_token.issued", object_id=str(token.pk)).exists()
    response = client.get("/api/v1/students", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


def test_the_token_has_its_users_scope(client):
    faculty = factories.faculty()
    other = factories.student(factories.programme(factories.faculty()))
    key, _ = _create(factories.dean(faculty).username, "--name", "dean office app")
    response = client.get(f"/api/v1/students/{other.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 404


def test_a_revoked_token_or_an_inactive_user_is_refused(client):
    user = factories.registrar()
    key, _ = _create(user.username, "--name", "reports")
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    assert client.get("/api/v1/students",
                      HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    key, _ = _create(user.username, "--name", "reports 2")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/students",
                      HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


@pytest.mark.parametrize("args", [
    ("nobody", "--name", "x"),
    ("{user}", "--name", "  "),
    ("{user}", "--name", "x" * 101),
])
def test_refusals(args):
    user = factories.registrar()
    with pytest.raises(CommandError):
        _create(*(a.format(user=user.username) for a in args))
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token():
    user = factories.registrar()
    user.is_active = False
    user.save(update_fields=["is_active"])
    with pytest.raises(CommandError):
        _create(user.username, "--name", "x")
