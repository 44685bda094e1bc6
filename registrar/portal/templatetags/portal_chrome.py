"""The parts of every portal page's frame that are the same on every request.

The stylesheet and scripts (their static URLs, the HTMX script tag) never change while the
process runs, and the language menu changes only with the active language; drawn by their
template tags on every page they cost about 0.2 ms of CPU, a third of the frame. They are
drawn once here and kept per process (per language for the menu).
"""

from __future__ import annotations

import functools
from html import escape

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info
from django_htmx.jinja import htmx_script

register = template.Library()


@register.simple_tag
@functools.cache
def page_assets() -> SafeString:
    """The portal's stylesheet, HTMX and the portal's script (portal/portal.js)."""
    return mark_safe(  # noqa: S308 - static URLs of our own files
        f'<link rel="stylesheet" href="{escape(static("portal/portal.css"))}">\n'
        f"{htmx_script(nonce=None)}\n"
        f'<script src="{escape(static("portal/portal.js"))}" defer></script>')


@register.simple_tag
def language_options() -> SafeString:
    """An ``<option>`` per language of the site, named in that language, the active one
    selected."""
    return _language_options(get_language() or settings.LANGUAGE_CODE)


@functools.cache
def _language_options(current: str) -> SafeString:
    options = []
    for code, _name in settings.LANGUAGES:
        selected = " selected" if code == current else ""
        options.append(f'<option value="{escape(code)}" lang="{escape(code)}"{selected}>'
                       f'{escape(get_language_info(code)["name_local"])}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every value is escaped
