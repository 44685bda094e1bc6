"""The rows of the two busiest tables, built in Python.

The registration page lists every section of every discipline of the student's plan (36
rows for six disciplines of six sections) and is the most requested page of the
registration rush; its HTMX variant redraws the rows every 10 seconds. The live student
search redraws up to fifty rows on every keystroke. Drawn by the template language, a row of
six cells costs some 50 µs, most of either page's CPU; here a row is one formatted string
with its values escaped, as Django's admin builds the cells of its change list. The escaping
is the standard library's (``django.utils.html.escape`` is the same, plus a check of every
argument for a lazy string that costs more than the escaping). The tables' headers, empty
states and everything else stay in the templates.
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


@register.simple_tag
def student_rows(rows: Iterable[dict[str, str]]) -> SafeString:
    """A ``<tr>`` per found student (``portal.views.students._result_rows``): the name
    linking to the card, IIN, group, year, status as a badge, funding."""
    return mark_safe("".join(  # noqa: S308 - every value is escaped
        f'<tr><td><a href="{escape(s["href"])}">{escape(s["name"])}</a></td>'
        f"<td>{escape(s['iin'])}</td><td>{escape(s['group'])}</td>\n"
        f"<td>{escape(s['year'])}</td><td><span class=\"badge {escape(s['status'])}\">"
        f"{escape(s['status_label'])}</span></td><td>{escape(s['funding'])}</td></tr>\n"
        for s in rows))
