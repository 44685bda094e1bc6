"""The browser fixtures of tests/browser (Debian's Chromium, sign-in through the real form),
for test_csp_browser.py."""

from tests.browser.conftest import (  # noqa: F401
    browser_context_args,
    browser_type_launch_args,
    page,
    sign_in,
    url,
)
