"""The section rows of the registration page, built in Python.

The page lists every section of every discipline of the student's plan (36 rows for six
disciplines of six sections) and is the most requested page of the registration rush; its
HTMX variant redraws the rows every 10 seconds. Drawn by the template language, each row's
six cells and button cost some 50 µs, most of the page's CPU; here a row is one formatted
string with its values escaped, as Django's admin builds the cells of its change list. The
escaping is the standard library's (``django.utils.html.escape`` is the same, plus a check
of every argument for a lazy string that costs more than the escaping).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _labels() -> dict[str, str]:
    """The button's label per action (``SectionChoice.button``), escaped, in the active
    language."""
    return {"swap": escape(gettext("Swap here")), "register": escape(gettext("Register")),
            "waitlist": escape(gettext("Join the waitlist"))}


@register.simple_tag
def section_rows(sections: Iterable[dict[str, Any]]) -> SafeString:
    """A ``<tr>`` per ``portal.selectors.SectionChoice``: code, teacher, language, schedule,
    seats left and, when the student may act, a submit button posting the section's id as
    ``section`` (the form around the table is the template's)."""
    labels = _labels()
    rows = []
    for s in sections:
        action = s["button"]
        button = (f'<button type="submit" name="section" value="{escape(s["pk"])}">'
                  f"{labels[action]}</button>") if action else ""
        rows.append(f"<tr><td>{escape(s['code'])}</td><td>{escape(s['teacher'])}</td>"
                    f"<td>{escape(s['language'])}</td><td>{escape(s['schedule'])}</td>"
                    f"<td>{escape(s['seats'])}</td><td>{button}</td></tr>\n")
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped
