"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, installed by
`make system-deps`) against pytest-django's live server. No browser is ever downloaded.

- One Chromium per pytest(-xdist) worker (pytest-playwright's session-scoped `browser`), a fresh
  context (cookies, storage) per test; each worker gets its own live server on a free port.
- The live server needs committed data: the tests use a transactional database, flushed after
  each test; `serialized_rollback` brings back the rows the migrations seed (policy, checklist).
- Chromium missing is an error telling to run `make system-deps`, not a skip; set
  REGISTRAR_SKIP_BROWSER=1 to skip these tests on purpose.
- Each journey saves a full-page screenshot to test-artifacts/screenshots/<role>.png; a failing
  test leaves test-artifacts/screenshots/failed-<test>.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

# Playwright's sync API keeps an asyncio loop running in the main thread (in a greenlet), so
# Django's "async-unsafe" guard would refuse every ORM call made by the test or by later tests
# on the same worker. This is Django's documented escape hatch; the ORM is used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("REGISTRAR_CHROMIUM", "/usr/bin/chromium"))
SKIP = os.environ.get("REGISTRAR_SKIP_BROWSER", "").strip().lower() in {"1", "true", "yes"}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "pw-Registrar-123"  # tests.factories.user's password
TIMEOUT_MS = 10_000


def pytest_configure(config):
    # pytest-playwright 0.10 declares its session-scoped `base_url` fixture on a class, which
    # pytest 9 deprecates; nothing here relies on it.
    config.addinivalue_line("filterwarnings", "ignore:Session-scoped fixtures defined as "
                            "instance methods:pytest.PytestRemovedIn10Warning")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options plus Debian's Chromium (never a downloaded one)."""
    if SKIP:
        pytest.skip("browser tests skipped: REGISTRAR_SKIP_BROWSER=1")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
                    "Run `make system-deps` (as root or with sudo) to install it, or set "
                    "REGISTRAR_SKIP_BROWSER=1 to skip the browser tests.", pytrace=False)
    args = ["--disable-dev-shm-usage", "--disable-gpu"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox itself as root
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": [*browser_type_launch_args.get("args", []), *args]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900},
            "locale": "en-GB", "timezone_id": "Asia/Almaty", "accept_downloads": True}


@pytest.fixture
def page(page, request):
    """pytest-playwright's page with shorter timeouts; a screenshot when the test fails."""
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    failed = "failed-" + re.sub(r"[^\w.-]+", "_", request.node.name)
    (ARTIFACTS / f"{failed}.png").unlink(missing_ok=True)  # from an earlier run
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            shoot(page, failed)
        except Exception:  # noqa: BLE001, S110 - the test's own failure is what matters
            pass


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """URLs are reversed under /en/ and the data is built in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def url(live_server):
    """url("portal:my_grades") → http://localhost:<port>/en/my/grades/ (the English pages)."""

    def build(name: str, *args, language: str = "en", query: str = "") -> str:
        with translation.override(language):
            path = reverse(name, args=args)
        return f"{live_server.url}{path}{'?' + query if query else ''}"

    return build


@pytest.fixture
def sign_in(page, url):
    """Sign in through the real form as `user` and land on `next_url`.

    The login form may grow a second (TOTP) step for users with a device; the test users have
    none and sign in with the user name and password in one step.
    """

    def sign_in(user, next_url: str) -> None:
        path = re.sub(r"^https?://[^/]+", "", next_url)
        page.goto(url("login", query=f"next={path}"))
        page.get_by_label(re.compile(r"user ?name", re.I)).fill(user.get_username())
        page.get_by_label(re.compile(r"^password", re.I)).fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile(r"sign in|log in", re.I)).click()
        assert "/login" not in page.url, (
            f"{user.get_username()} was not signed in: {page.locator('main').inner_text()}")
        if page.url != next_url:
            page.goto(next_url)

    return sign_in


def shoot(page, name: str) -> Path:
    """A full-page screenshot saved as test-artifacts/screenshots/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
