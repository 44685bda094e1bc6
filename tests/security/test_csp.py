"""The Content-Security-Policy header, and pages that satisfy it: no inline script or event
handler in any template, HTMX and the API docs served from our own origin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests import factories

REGISTRAR = Path(__file__).resolve().parents[2] / "registrar"
TEMPLATES = sorted(p for p in REGISTRAR.rglob("templates/**/*.html"))
HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:]
            for part in (p.strip() for p in header.split(";")) if part}


def _assert_strict(response) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]


def test_templates_were_found():
    assert len(TEMPLATES) > 50
    assert REGISTRAR / "portal" / "templates" / "portal" / "base.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(REGISTRAR)))
def test_no_inline_event_handlers_or_scripts(template):
    text = template.read_text(encoding="utf-8")
    assert not HANDLER.search(text), "inline event handler: move it to portal/portal.js"
    for attributes in SCRIPT.findall(text):
        # Only external scripts, or JSON data blocks (which the browser does not run).
        assert "src=" in attributes or 'type="application/json"' in attributes, (
            "inline <script>: move it to a static file")


@pytest.mark.django_db
def test_login_page_has_the_policy(client):
    response = client.get("/en/login/")
    assert response.status_code == 200
    _assert_strict(response)


@pytest.mark.django_db
def test_portal_pages_have_the_policy_and_load_scripts_from_self(client):
    user = factories.registrar()
    client.force_login(user)
    for url in ("/en/", "/en/students/", "/ru/orders/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_strict(response)
        html = response.content.decode()
        sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
        assert sources and all(src.startswith("/static/") for src in sources), sources
        assert "/static/portal/portal.js" in sources
        assert 'data-autosubmit' in html and "onchange" not in html


def test_the_portal_script_is_a_static_file():
    path = finders.find("portal/portal.js")
    assert path is not None
    text = Path(path).read_text(encoding="utf-8")
    assert "data-autosubmit" in text and "data-confirm" in text and "input.score" in text


@pytest.mark.django_db
def test_api_docs_have_the_policy_and_no_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    _assert_strict(response)
    html = response.content.decode()
    assert "cdn" not in html.lower()
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert sources and all(src.startswith("/static/ninja/") for src in sources), sources
    assert finders.find("ninja/swagger-ui-bundle.js") is not None


@pytest.mark.django_db
def test_json_answers_carry_the_policy_too(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
