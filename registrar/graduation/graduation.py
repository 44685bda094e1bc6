"""Drafting the graduation order (§9, §11) from the graduation preview.

The registrar previews the final-year students of a programme or a faculty
(`selectors.preview`) and drafts one GRADUATION order of the faculty with every student who
may graduate (or those chosen among them), through `contingent.services.create_order` and
`add_item`: the contingent state machine checks each item, and the order is then approved and
applied on the existing order pages. Each item's basis states the GPA, the final attestation
grades and whether the diploma is with honours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.contingent import services as contingent
from registrar.contingent.choices import OrderType
from registrar.contingent.models import Order
from registrar.institution.models import Faculty, Programme

from .selectors import GraduateRow, preview
from .services import AttestationRefused, require

DRAFTED = "graduation.order_drafted"


def _gpa_text(value: Decimal | None, minimum: Decimal | None = None) -> str:
    if value is None:
        return "—"
    shown = value.quantize(Decimal("0.01"))
    if minimum is not None and shown == minimum and value != minimum:
        return str(value.quantize(Decimal("0.0001")))
    return str(shown)


def item_basis(row: GraduateRow) -> str:
    """What the order item says about the graduate (at most 255 characters)."""
    parts = [_("GPA %(gpa)s") % {"gpa": _gpa_text(row.cumulative_gpa)},
             _("%(credits)d credits") % {"credits": row.credits_earned},
             _("final attestation %(letters)s") % {
                 "letters": ", ".join(row.attestation.letters) or "—"}]
    parts.append(_("diploma with honours") if row.verdict.eligible
                 else _("diploma without honours"))
    return "; ".join(parts)[:255]


@transaction.atomic
def draft_order(*, by: Any, start_year: int, effective_date: dt.date,
                programme: Programme | None = None, faculty: Faculty | None = None,
                student_ids: Iterable[int] | None = None) -> Order:
    """Draft the faculty's graduation order with the students who may graduate.

    `student_ids` narrows it to some of them; a chosen student who may not graduate refuses
    the whole draft, with the reasons. All or nothing: if the contingent services refuse an
    item, nothing is drafted and the refusal lists every problem."""
    require(by, "graduation.draft_order")
    if effective_date is None:
        raise AttestationRefused(_("Give the effective date of graduation."), "effective_date")
    rows = preview(by=by, start_year=start_year, programme=programme, faculty=faculty)
    if student_ids is not None:
        wanted = set(student_ids)
        chosen = [r for r in rows if r.student.pk in wanted]
        unknown = wanted - {r.student.pk for r in chosen}
        if unknown:
            raise AttestationRefused(
                _("Some chosen students are not final-year students of this programme or "
                  "faculty."), "students")
        blocked = [r for r in chosen if not r.ready]
        if blocked:
            raise contingent.OrderRefused([
                contingent.Problem(r.student.full_name, "student", " ".join(r.problems))
                for r in blocked])
        rows = chosen
    else:
        rows = [r for r in rows if r.ready]
    if not rows:
        raise AttestationRefused(_("No student here may graduate yet."), "students")
    owner = faculty if faculty is not None else programme.department.faculty  # type: ignore[union-attr]
    label = programme.code if programme is not None else owner.code
    order = contingent.create_order(
        by=by, order_type=OrderType.GRADUATION, faculty=owner,
        title=_("Graduation %(year)s: %(what)s") % {
            "year": f"{start_year}-{start_year + 1}", "what": label},
        basis=_("Final state attestation passed; every credit of the educational programme "
                "earned; no academic debt. Honours per §11 of the academic policy "
                "%(year)s.") % {"year": f"{start_year}-{start_year + 1}"})
    problems = []
    for row in rows:
        try:
            contingent.add_item(order, by=by, student=row.student,
                                effective_date=effective_date, basis=item_basis(row))
        except contingent.OrderRefused as refusal:
            problems.extend(refusal.problems)
    if problems:
        raise contingent.OrderRefused(problems)
    audit.record(by, DRAFTED, order, {
        "start_year": start_year, "programme": programme.code if programme else None,
        "faculty": owner.code, "students": [r.student.pk for r in rows],
        "with_honours": [r.student.pk for r in rows if r.verdict.eligible]})
    return order
