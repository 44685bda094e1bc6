"""TOTP second factor: staff enrol on the Security page; once enrolled, signing in takes a
code; a half-signed-in session reaches nothing else; students never see the page."""

from __future__ import annotations

from base64 import b32encode

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from registrar.api.models import ApiToken
from registrar.audit.models import AuditEvent
from tests import factories

from .helpers import code, enrolled, is_signed_in, sign_in, wrong_code

pytestmark = pytest.mark.django_db

HOME = "portal:home"
SECURITY = "accounts:security"
VERIFY = "accounts:verify"


@pytest.fixture
def staff():
    return factories.user(username="teacher1", role="teacher")


@pytest.fixture
def student_user():
    account = factories.user(username="student1")
    factories.student(user=account)
    return account


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """django-otp delays retries after a wrong code by 1, 2, 4… seconds; tests do not wait."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_enrolment_shows_qr_and_secret_and_confirms_with_a_code(client, staff):
    client.force_login(staff)
    page = client.get(reverse(SECURITY))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert page.context["qr"].startswith("data:image/svg+xml;base64,")
    assert page.context["secret"].replace(" ", "") == b32encode(device.bin_key).decode()
    # Reloading keeps the secret that may already be in the app.
    assert client.get(reverse(SECURITY)).context["secret"] == page.context["secret"]
    assert TOTPDevice.objects.filter(user=staff).count() == 1

    refused = client.post(reverse(SECURITY), {"otp_token": wrong_code(device)})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post(reverse(SECURITY), {"otp_token": code(device)})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEvent.objects.filter(action="account.totp_enrolled",
                                     object_id=str(staff.pk)).exists()
    # The session that enrolled counts as verified.
    assert client.get(reverse(HOME)).status_code == 200
    assert client.get(reverse(SECURITY)).context["device"].pk == device.pk


def test_sign_in_asks_for_the_code_once_enrolled(client, staff):
    device = enrolled(staff)
    first = sign_in(client, "teacher1")
    assert first.status_code == 302 and first["Location"].startswith(reverse(VERIFY))
    assert client.get(reverse(HOME))["Location"].startswith(reverse(VERIFY))

    done = client.post(reverse(VERIFY), {"otp_token": code(device), "next": "/ru/students/"})
    assert done.status_code == 302 and done["Location"] == "/ru/students/"
    assert client.get(reverse(HOME)).status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_without_a_device_the_password_is_enough(client, staff):
    response = sign_in(client, "teacher1")
    assert response.status_code == 302 and response["Location"] == reverse(HOME)
    assert client.get(reverse(HOME)).status_code == 200


def test_wrong_code_is_refused(client, staff):
    device = enrolled(staff)
    sign_in(client, "teacher1")
    for token in (wrong_code(device), "12345", "abcdef"):
        refused = client.post(reverse(VERIFY), {"otp_token": token})
        assert refused.status_code == 200 and refused.context["form"].errors
    assert client.get(reverse(HOME))["Location"].startswith(reverse(VERIFY))


def test_a_code_is_accepted_once(client, staff):
    device = enrolled(staff)
    token = code(device)
    sign_in(client, "teacher1")
    assert client.post(reverse(VERIFY), {"otp_token": token}).status_code == 302
    client.logout()
    sign_in(client, "teacher1")
    assert client.post(reverse(VERIFY), {"otp_token": token}).status_code == 200


def test_wrong_codes_count_towards_the_lockout(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device = enrolled(staff)
    sign_in(client, "teacher1")  # a success: the count starts from zero
    for _ in range(2):
        assert client.post(reverse(VERIFY), {"otp_token": wrong_code(device)}).status_code == 200
    locked = client.post(reverse(VERIFY), {"otp_token": wrong_code(device)})
    assert locked.status_code == 429 and not is_signed_in(client)
    assert sign_in(client, "teacher1").status_code == 429


def test_half_signed_in_session_reaches_no_page(client, staff):
    enrolled(staff)
    client.force_login(staff)  # also through the user_logged_in signal, like the admin login
    for url in (reverse(HOME), reverse("portal:student_list"), reverse(SECURITY), "/ru/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse(VERIFY)), url
    assert client.get(reverse(VERIFY)).status_code == 200


def test_next_must_stay_on_the_site(client, staff):
    device = enrolled(staff)
    sign_in(client, "teacher1")
    done = client.post(reverse(VERIFY), {"otp_token": code(device),
                                         "next": "https://evil.example/"})
    assert done["Location"] == reverse(HOME)


def test_api_ignores_a_half_signed_in_session_but_takes_bearer_tokens(client, staff):
    enrolled(staff)
    sign_in(client, "teacher1")
    url = "/api/v1/registration/sections?period_id=999999"
    assert client.get(url).status_code == 401
    _, key = ApiToken.issue(staff, "script")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_verified_session_reaches_the_api(client, staff):
    device = enrolled(staff)
    sign_in(client, "teacher1")
    client.post(reverse(VERIFY), {"otp_token": code(device)})
    assert client.get("/api/v1/registration/sections?period_id=999999").status_code == 200


def test_student_gets_403_on_the_security_page(client, student_user):
    client.force_login(student_user)
    assert client.get(reverse(SECURITY)).status_code == 403
    assert client.post(reverse(SECURITY), {"otp_token": "123456"}).status_code == 403
    assert client.post(reverse("accounts:remove"), {"otp_token": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=student_user).exists()


def test_removal_needs_a_valid_code(client, staff):
    device = enrolled(staff)
    sign_in(client, "teacher1")
    client.post(reverse(VERIFY), {"otp_token": code(device)})

    refused = client.post(reverse("accounts:remove"), {"otp_token": wrong_code(device)})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(pk=device.pk).exists()
    removed = client.post(reverse("accounts:remove"), {"otp_token": code(device, steps_ahead=1)})
    assert removed.status_code == 302 and not TOTPDevice.objects.filter(user=staff).exists()
    assert AuditEvent.objects.filter(action="account.totp_removed").count() == 1

    client.logout()
    assert sign_in(client, "teacher1")["Location"] == reverse(HOME)


def test_required_totp_sends_staff_to_setup(client, staff, student_user, settings):
    settings.REGISTRAR_REQUIRE_TOTP_FOR_STAFF = True
    first = sign_in(client, "teacher1")
    assert first["Location"].startswith(reverse(SECURITY))
    assert client.get(reverse(HOME))["Location"].startswith(reverse(SECURITY))
    setup = client.get(reverse(SECURITY))
    assert setup.status_code == 200 and setup.context["required"]

    device = TOTPDevice.objects.get(user=staff)
    assert client.post(reverse(SECURITY), {"otp_token": code(device)}).status_code == 302
    assert client.get(reverse(HOME)).status_code == 200

    client.logout()
    assert sign_in(client, "student1")["Location"] == reverse(HOME)  # students are not asked
    assert client.get(reverse(HOME)).status_code == 200


def test_not_required_by_default(settings):
    assert settings.REGISTRAR_REQUIRE_TOTP_FOR_STAFF is False


def test_registrar_resets_a_lost_device_in_the_admin(client, staff):
    device = enrolled(staff)
    registrar = factories.registrar()
    registrar.is_staff = True
    registrar.save()
    client.force_login(registrar)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    client.logout()
    assert sign_in(client, "teacher1")["Location"] == reverse(HOME)


def test_the_session_device_is_read_as_the_orm_reads_it_and_checked_as_django_otp_checks_it(
        client, staff):
    """The OTP middleware reads the verified session's device with a statement compiled once
    (registrar.accounts.middleware.OTPMiddleware, registrar.sql.instance_by_pk): the same
    device, field by field; an unknown, malformed or deleted device, another user's or an
    unconfirmed one leaves the session unverified (django-otp's own checks still apply)."""
    from django.contrib.sessions.backends.db import SessionStore

    from registrar.accounts.middleware import OTPMiddleware
    from registrar.sql import instance_by_pk

    device = enrolled(staff)
    loaded = instance_by_pk(TOTPDevice, device.pk)
    fields = [f.attname for f in TOTPDevice._meta.concrete_fields]
    assert [getattr(loaded, f) for f in fields] == [getattr(device, f) for f in fields]
    assert instance_by_pk(TOTPDevice, device.pk + 1000) is None

    middleware = OTPMiddleware(lambda request: None)
    assert middleware._device_from_persistent_id(device.persistent_id) == device
    for wrong in ("otp_totp.totpdevice/x", "nonsense", "otp_totp.nomodel/1",
                  "auth.user/1", f"otp_totp.totpdevice/{device.pk + 1000}"):
        assert middleware._device_from_persistent_id(wrong) is None, wrong

    sign_in(client, "teacher1")
    client.post(reverse(VERIFY), {"otp_token": code(device)})
    response = client.get(reverse(HOME))
    assert response.status_code == 200 and response.wsgi_request.user.is_verified()
    assert response.wsgi_request.user.otp_device == device
    TOTPDevice.objects.filter(pk=device.pk).update(user=factories.user(role="teacher"))
    response = client.get(reverse(HOME))
    assert not response.wsgi_request.user.is_verified()
    session = SessionStore(client.session.session_key)
    assert DEVICE_ID_SESSION_KEY not in session.load()
