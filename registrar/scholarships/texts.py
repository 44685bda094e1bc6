"""Sentences for the reason codes of policy/scholarships.py, in the active language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registrar.contingent.choices import LeaveKind
from registrar.people.choices import StudentStatus
from registrar.policy import scholarships as rules


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def _count(reason: Mapping[str, Any]) -> int:
    try:
        return int(reason.get("count", 0))
    except (TypeError, ValueError):
        return 0


def describe(reason: Mapping[str, Any]) -> str:
    """One reason (a stored {"code": …, params…} mapping) as a sentence."""
    code = reason.get("code", "")
    p = {k: str(v) for k, v in reason.items()}
    if code == rules.PAID_TUITION:
        return _("studies on a paid basis: the state scholarship is for state-grant students")
    if code == rules.NOT_STUDYING:
        return _("not studying on the date payment starts (%(status)s)") % {
            "status": _label(StudentStatus, p.get("status", ""))}
    if code == rules.ON_LEAVE_UNPAID:
        return _("on academic leave (%(kind)s) on the date payment starts") % {
            "kind": _label(LeaveKind, p.get("kind", ""))}
    if code == rules.NO_GRADES:
        return _("no grades in the session")
    if code == rules.MISSING_GRADES:
        count = _count(reason)
        return ngettext("%(count)d discipline of the session has no grade",
                        "%(count)d disciplines of the session have no grade",
                        count) % {"count": count}
    if code == rules.FAILING_GRADES:
        parts = []
        if p.get("letters"):
            parts.append(_("failing grades in the session: %(letters)s") % p)
        if p.get("ungraded", "0") not in ("", "0"):
            parts.append(_("non-graded marks not passed: %(ungraded)s") % p)
        return "; ".join(parts)
    if code == rules.BELOW_MINIMUM:
        return _("grades below %(minimum)s: %(letters)s") % p
    if code == rules.UNKNOWN_LETTERS:
        return _("grades not on the grading scale: %(letters)s") % p
    if code == rules.OPEN_DEBTS:
        count = _count(reason)
        return ngettext("%(count)d open academic debt", "%(count)d open academic debts",
                        count) % {"count": count}
    if code == rules.NO_AMOUNT:
        return _("no scholarship amount is set for the degree “%(degree)s”") % p
    if code == rules.GOOD_AND_EXCELLENT:
        return _("all session grades %(minimum)s or better (good and excellent)") % p
    if code == rules.ALL_EXCELLENT:
        return _("all session grades %(minimum)s or better (excellent)") % p
    if code == rules.INCREASE:
        return _("increased by %(percent)s%%") % p
    if code == rules.PRESIDENTIAL_YEAR:
        return _("year of study %(year)s: the presidential scholarship is from year "
                 "%(from_year)s") % p
    if code == rules.LEAVE_KEPT:
        return _("on academic leave (%(kind)s): the scholarship is kept") % {
            "kind": _label(LeaveKind, p.get("kind", ""))}
    return str(code)


def describe_all(reasons: Iterable[Mapping[str, Any]]) -> str:
    return "; ".join(describe(r) for r in reasons)


def decided_by(code: str) -> str:
    """What put a competition candidate below the one above."""
    return {
        rules.FIRST: "",
        rules.BY_GPA: _("GPA"),
        rules.BY_EXCELLENT: _("all grades excellent"),
        rules.BY_RETAKES: _("fewer failed attempts"),
        rules.BY_NAME: _("name (alphabetical)"),
        rules.BY_TIEBREAK: _("registration number"),
    }.get(code, code)
