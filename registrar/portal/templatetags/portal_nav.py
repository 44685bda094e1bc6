"""The main navigation of every portal page, rendered once per kind of user and page.

The navigation is some thirty links, each with a reversed URL, a translated label and an
``aria-current`` test: about 1.5 ms of CPU on every page when rendered anew. What it shows
depends only on the language, the page (its view name), whether the user is a student,
teacher or advisor, and which of the ``NAV_PERMISSIONS`` they hold, so the HTML is kept per
process under that key. The permissions themselves are asked of the user on every request
(``user.has_perm``, through every backend), so a change of roles shows on the next page.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from registrar.people.models import Role
from registrar.people.roles import scope_of

register = template.Library()

# Shown to those who may draft orders (the registrar's and the dean's offices) ...
OFFICE = "contingent.add_order"
OFFICE_PERMISSIONS = ("reports.view_reports", "scholarships.view_lists", "graduation.use",
                      "blanks.view_inventory", "audit.view_access_logs",
                      "contingent.archive_files")
# ... and to anyone who holds these.
ANYONE_PERMISSIONS = ("scheduling.use", "interop.use")
NAV_PERMISSIONS = (OFFICE, *OFFICE_PERMISSIONS, *ANYONE_PERMISSIONS)

_MAX_KEPT = 2048  # languages × pages × kinds of user: far fewer in practice
_kept: dict[tuple[Any, ...], SafeString] = {}


def _granted(user: Any) -> frozenset[str]:
    asked = [OFFICE, *ANYONE_PERMISSIONS]
    if user.has_perm(OFFICE):
        asked += OFFICE_PERMISSIONS
    return frozenset(p for p in asked if user.has_perm(p))


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> SafeString:
    request = context["request"]
    user = request.user
    match = request.resolver_match
    scope = scope_of(user)
    values = {
        "here": match.view_name if match else "",
        "is_student": scope.student_id is not None,
        "is_teacher": Role.TEACHER in scope.roles,
        "is_advisor": Role.ADVISOR in scope.roles,
        "granted": _granted(user),
    }
    key = (get_language(), *values.values())
    html = _kept.get(key)
    if html is None:
        html = mark_safe(render_to_string("portal/nav.html", values))  # noqa: S308 (our template)
        if len(_kept) >= _MAX_KEPT:
            _kept.clear()
        _kept[key] = html
    return html
