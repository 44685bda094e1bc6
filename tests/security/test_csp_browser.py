"""In a real browser (Chromium, tests/browser/conftest.py) the pages keep working under the
Content-Security-Policy and the browser reports no violation: the grade sheet (HTMX
validation, Enter to the next score, the confirmation before locking), the language switcher,
and the API docs (Swagger UI from our own static files)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import worlds

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods"),
]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _violations(page, console: list[str]) -> list[str]:
    reported = page.evaluate("window.__csp || []")
    return [*reported, *(m for m in console if "Content Security Policy" in m)]


@pytest.fixture
def watched(page):
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH)
    return page, console


def test_grade_sheet_and_language_switcher_work_without_violations(watched, url, sign_in):
    page, console = watched
    w = worlds.teacher_world()
    sign_in(w.teacher, url("portal:sheet_detail", w.r1.pk))
    headers = page.request.get(page.url).headers
    assert "script-src 'self'" in headers["content-security-policy"]
    scores = page.locator("input.score")
    first, second = scores.nth(0), scores.nth(1)

    second.fill("150")  # HTMX validates as you type
    expect(page.locator("#grid .errorlist").nth(1)).to_have_text(
        "A score must be between 0 and 100.")
    first.focus()
    first.press("Enter")  # portal.js: Enter moves to the next score, the form is not sent
    expect(second).to_be_focused()

    page.once("dialog", lambda dialog: dialog.dismiss())  # portal.js: data-confirm
    page.get_by_role("button", name="Submit and lock").click()
    expect(page.get_by_role("button", name="Save")).to_be_visible()  # still open

    with page.expect_navigation():
        page.locator("#language").select_option("ru")  # portal.js: data-autosubmit
    assert "/ru/" in page.url
    assert _violations(page, console) == []


def test_api_docs_render_without_violations(watched, live_server):
    page, console = watched
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text(re.compile("students", re.I))
    assert _violations(page, console) == []
