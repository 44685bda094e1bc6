"""Production settings (issue 10): `check --deploy` is clean, cookies are secure, HSTS and the
proxy header come from the environment, and there is no production without a SECRET_KEY.

The settings module reads the environment once, at import, so each case runs Django in a
subprocess with the environment a production server would have."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "k3y-" + "Zq8vR2mX9wL4pT7nB1cJ6hF0sD5gA3eY" * 2  # long and varied, as check --deploy asks


def _production(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
                        "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_AGE",
                        "SESSION_EXPIRE_AT_BROWSER_CLOSE", "DJANGO_SETTINGS_MODULE",
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}  # set by the browser tests
    env.update({
        "DEBUG": "0",
        "SECRET_KEY": KEY,
        "ALLOWED_HOSTS": "registrar.example.edu",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "registrar.settings",
    })
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


NAMES = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "CSRF_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER",
         "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS",
         "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE"]

PRINT = ("import django, json; django.setup(); from django.conf import settings; "
         f"print(json.dumps({{n: getattr(settings, n, None) for n in {NAMES!r}}}))")


def _settings(tmp_path: Path, **extra: str) -> dict:
    done = _run(["-c", PRINT], _production(tmp_path, **extra))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_with_production_environment(tmp_path):
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                _production(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_would_fail_on_a_weak_production(tmp_path):
    """The test above proves something: switching HSTS off makes the same check fail."""
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                _production(tmp_path, SECURE_HSTS_SECONDS="0"))
    assert done.returncode != 0
    assert "security.W004" in done.stdout + done.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production(tmp_path)
    del env["SECRET_KEY"]
    done = _run(["manage.py", "check"], env)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "SECRET_KEY" in done.stderr


def test_production_cookies_headers_and_sessions(tmp_path):
    s = _settings(tmp_path)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] and s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["SESSION_COOKIE_AGE"] == 8 * 3600 and s["SESSION_EXPIRE_AT_BROWSER_CLOSE"]


def test_production_values_come_from_the_environment(tmp_path):
    s = _settings(tmp_path, SECURE_HSTS_SECONDS="600", SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
                  SECURE_HSTS_PRELOAD="0", SECURE_SSL_REDIRECT="0",
                  SECURE_PROXY_SSL_HEADER="X-Scheme: https", SESSION_COOKIE_AGE="3600",
                  SESSION_EXPIRE_AT_BROWSER_CLOSE="0")
    assert s["SECURE_HSTS_SECONDS"] == 600
    assert not s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and not s["SECURE_HSTS_PRELOAD"]
    assert s["SECURE_SSL_REDIRECT"] is False
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_SCHEME", "https"]
    assert s["SESSION_COOKIE_AGE"] == 3600 and not s["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert _settings(tmp_path, SECURE_PROXY_SSL_HEADER="")["SECURE_PROXY_SSL_HEADER"] is None


def test_development_keeps_plain_http_cookies(tmp_path):
    s = _settings(tmp_path, DEBUG="1")
    assert s["DEBUG"] is True
    assert not s["SESSION_COOKIE_SECURE"] and not s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] == 0 and s["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.django_db
def test_secure_cookies_are_sent_secure_and_http_only(client, settings):
    """With the production cookie flags the session and CSRF cookies carry Secure and HttpOnly
    (the values themselves are proved by the subprocess tests above)."""
    from tests import factories

    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    user = factories.registrar()
    page = client.get("/en/login/")
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    response = client.post("/en/login/", {"username": user.username,
                                          "password": "pw-Registrar-123"})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert not session["max-age"]  # ends with the browser (SESSION_EXPIRE_AT_BROWSER_CLOSE)
