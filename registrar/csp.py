"""django-csp's middleware with the policy built once per process.

django-csp builds the Content-Security-Policy header anew for every response (the settings'
directives merged with what a view asked for, and a nonce when a template used one): some
0.1 ms of CPU a request, on every page and API call, to write the same string each time.
Here a response that brings nothing of its own (no per-view change, no nonce, no header
already set) gets the header built once from the settings; any other response is django-
csp's, unchanged. The headers are the same either way (tests/security/test_csp_cache.py).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings

# What a view or decorator (csp.decorators) leaves on a response to change its policy.
_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro",
                 "_csp_update_ro", "_csp_replace_ro", "_csp_exempt", "_csp_exempt_ro")


class CSPMiddleware(DjangoCSPMiddleware):
    @cached_property
    def _plain(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(header, value, excluded path prefixes) of the settings' policies."""
        headers = []
        for header, setting, report_only in (
                (HEADER, "CONTENT_SECURITY_POLICY", False),
                (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True)):
            value = build_policy(report_only=report_only)
            if value:
                policy = getattr(settings, setting, None) or {}
                headers.append((header, value,
                                tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())))
        return tuple(headers)

    def process_response(self, request: Any, response: Any) -> Any:
        if (settings.DEBUG or getattr(request, "_csp_nonce", None) is not None
                or HEADER in response or HEADER_REPORT_ONLY in response
                or any(hasattr(response, name) for name in _PER_RESPONSE)):
            return super().process_response(request, response)
        for header, value, excluded in self._plain:
            if not request.path_info.startswith(excluded):
                response[header] = value
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
