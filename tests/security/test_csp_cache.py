"""The CSP middleware that builds the settings' policy once (registrar/csp.py) writes the
same headers as django-csp's own on every kind of response (issue 10: CSP everywhere)."""

from __future__ import annotations

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from registrar.csp import CSPMiddleware

REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"], "report-uri": "/csp-report/"},
               "EXCLUDE_URL_PREFIXES": ["/api/v1/docs"]}


def _plain(request):
    return HttpResponse("ok")


def _nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


@csp_update({"img-src": ["https://maps.example"]})
def _updated(request):
    return HttpResponse("ok")


@csp_replace({"script-src": ["'self'", "https://cdn.example"]})
def _replaced(request):
    return HttpResponse("ok")


@csp_exempt()
def _exempt(request):
    return HttpResponse("ok")


def _preset(request):
    response = HttpResponse("ok")
    response[HEADER] = "default-src 'none'"
    return response


def _headers(middleware_class, view, path="/ru/"):
    request = RequestFactory().get(path)
    response = middleware_class(view)(request)
    return {h: response.get(h) for h in (HEADER, HEADER_REPORT_ONLY)}, request


VIEWS = [_plain, _nonce, _updated, _replaced, _exempt, _preset]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
@pytest.mark.parametrize("path", ["/ru/", "/api/v1/docs"])
def test_the_headers_are_django_csps_on_every_kind_of_response(view, path):
    for report_only in (None, REPORT_ONLY):
        with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only):
            ours, _ = _headers(CSPMiddleware, view, path)
            theirs, _ = _headers(DjangoCSPMiddleware, view, path)
        assert ours == theirs, (view.__name__, path, report_only)
        assert ours[HEADER] is not None or view is _exempt


def test_the_plain_policy_is_built_once_and_is_the_settings_one():
    middleware = CSPMiddleware(_plain)
    first = middleware(RequestFactory().get("/ru/"))[HEADER]
    assert middleware._plain is middleware._plain  # kept, not rebuilt
    assert "script-src 'self'" in first and "frame-ancestors 'none'" in first
    assert middleware(RequestFactory().get("/en/"))[HEADER] == first


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    _, request = _headers(CSPMiddleware, _plain)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
