"""Promotion to the next year after the academic year, summer semester included (§7, §9).

`preview` lists every studying student with their year GPA, the threshold of the Academic
Council for their year of study and study form, and the decision; a dean previews their own
faculty. `run` turns the decisions into DRAFT orders — per faculty one promotion order and one
repeat-year order — for the registrar to check, approve and apply through the contingent
services. Repeating a year makes a state-grant student paid (the REPEAT_YEAR transition does
it, §7); final-year students are left out: graduation is a separate process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registrar.audit import services as audit
from registrar.audit.models import AuditEvent
from registrar.contingent import services as contingent
from registrar.contingent.choices import OrderState, OrderType
from registrar.contingent.models import Order
from registrar.institution.models import AcademicPeriod, AcademicYear, Faculty
from registrar.people.choices import Funding, StudentStatus
from registrar.people.models import Student
from registrar.policy.gpa import display, promotion
from registrar.policy.selectors import policy_for_year

from .models import DebtState
from .selectors import RecordsRefused, require, year_gpas, year_label

PROMOTE = "promote"
REPEAT = "repeat"
FINAL_YEAR = "final_year"

# The audit action that ties a drafted order to the academic year it closes.
DRAFTED = "promotion.drafted"


class PromotionRefused(RecordsRefused):
    pass


@dataclasses.dataclass(frozen=True)
class PromotionRow:
    student: Student
    faculty_id: int
    year_of_study: int
    study_form: str
    funding: str
    year_gpa: Decimal | None  # exact; the decision uses this
    year_gpa_display: Decimal | None
    threshold: Decimal | None
    decision: str  # PROMOTE / REPEAT / FINAL_YEAR
    open_debts: int

    @property
    def with_debts(self) -> bool:
        """§7: a student may be promoted with academic debts and clear them later."""
        return self.decision == PROMOTE and self.open_debts > 0

    @property
    def loses_grant(self) -> bool:
        """§7: a state-grant student who repeats a year loses the grant."""
        return self.decision == REPEAT and self.funding == Funding.STATE_GRANT


def preview(start_year: int, faculty: Faculty | None = None, *, by: Any) -> list[PromotionRow]:
    """The decision for every studying student (of a faculty, or of the university) after the
    academic year `start_year`, from the year GPA of the stored snapshots."""
    require(by, "records.preview_promotion", faculty)
    policy = policy_for_year(start_year)
    students = (Student.objects.filter(status=StudentStatus.ACTIVE)
                .select_related("programme__department", "group")
                .annotate(open_debts=Count("debts", filter=Q(debts__state=DebtState.OPEN))))
    if faculty is not None:
        students = students.filter(programme__department__faculty=faculty)
    members = list(students.order_by("programme__department__faculty_id", "programme__code",
                                     "year_of_study", "group__name", "last_name_ru",
                                     "first_name_ru", "pk"))
    gpas = year_gpas([s.pk for s in members], start_year)
    rows = []
    for student in members:
        programme = student.programme
        exact = gpas.get(student.pk)
        decision = promotion(student.year_of_study, programme.study_form, exact,
                             programme.duration_years, policy)
        rows.append(PromotionRow(
            student=student, faculty_id=programme.department.faculty_id,
            year_of_study=student.year_of_study, study_form=programme.study_form,
            funding=student.funding, year_gpa=exact, year_gpa_display=display(exact),
            threshold=decision.threshold,
            decision=(FINAL_YEAR if decision.final_year else
                      PROMOTE if decision.promote else REPEAT),
            open_debts=student.open_debts,  # type: ignore[attr-defined]
        ))
    return rows


def drafted_orders(start_year: int) -> list[Order]:
    """Orders a run drafted for the academic year, except cancelled ones."""
    ids = (AuditEvent.objects.filter(action=DRAFTED, object_type="contingent.order",
                                     changes__start_year=start_year)
           .values_list("object_id", flat=True))
    return list(Order.objects.filter(pk__in=[int(i) for i in ids])
                .exclude(state=OrderState.CANCELLED).order_by("pk"))


def _gpa_text(value: Decimal | None, threshold: Decimal | None = None) -> str:
    """The displayed GPA; the exact stored figure when the displayed one would read as the
    threshold itself (1.9967 is below 2.00 although it displays as 2.00)."""
    shown = display(value)
    if shown is None or value is None:
        return "—"
    if threshold is not None and shown == threshold and value != threshold:
        return str(value.quantize(Decimal("0.0001")))
    return str(shown)


def _item_basis(row: PromotionRow) -> str:
    figures = {"gpa": _gpa_text(row.year_gpa, row.threshold),
               "threshold": _gpa_text(row.threshold)}
    if row.decision == PROMOTE:
        if row.threshold is None:
            text = _("year GPA %(gpa)s; no transfer threshold is set for this year") % figures
        else:
            text = _("year GPA %(gpa)s, threshold %(threshold)s") % figures
        if row.open_debts:
            text += "; " + ngettext("promoted with %(count)d academic debt",
                                    "promoted with %(count)d academic debts",
                                    row.open_debts) % {"count": row.open_debts}
        return text
    if row.year_gpa is None:
        text = _("no graded credits in the year; threshold %(threshold)s") % figures
    else:
        text = _("year GPA %(gpa)s below the threshold %(threshold)s") % figures
    if row.loses_grant:
        text += "; " + _("the state grant is lost: studies continue on a paid basis")
    return text


def _lock_year(start_year: int, effective_date: dt.date) -> None:
    """Lock the academic year (one run at a time) and check the effective date."""
    if not list(AcademicYear.objects.select_for_update().filter(start_year=start_year)):
        raise PromotionRefused(_("The academic year %(year)s is not in the calendar.")
                               % {"year": year_label(start_year)}, "start_year")
    last_end = AcademicPeriod.objects.filter(year__start_year=start_year).aggregate(
        last=Max("ends_on"))["last"]
    if last_end is not None and effective_date <= last_end:
        raise PromotionRefused(
            _("The decision is taken after the academic year, summer semester included, which "
              "ends on %(date)s; choose a later effective date.") % {"date": last_end.isoformat()},
            "effective_date")


@transaction.atomic
def run(start_year: int, *, by: Any, effective_date: dt.date) -> list[Order]:
    """Draft the promotion and repeat-year orders of every faculty for the registrar to approve.

    Refused while orders drafted by an earlier run for the same year exist and are not
    cancelled. All or nothing: if any student cannot be put in an order, nothing is drafted and
    the refusal lists every problem."""
    require(by, "records.run_promotion")
    _lock_year(start_year, effective_date)
    existing = drafted_orders(start_year)
    if existing:
        drafts = [o for o in existing if o.state == OrderState.DRAFT]
        if drafts:
            raise PromotionRefused(
                _("Draft promotion orders for %(year)s already exist; approve or cancel them "
                  "before running again.") % {"year": year_label(start_year)}, "start_year")
        raise PromotionRefused(
            _("The promotion orders for %(year)s are already signed; correct a student with a "
              "separate order.") % {"year": year_label(start_year)}, "start_year")
    rows = [r for r in preview(start_year, by=by) if r.decision != FINAL_YEAR]
    by_order: dict[tuple[int, str], list[PromotionRow]] = defaultdict(list)
    for row in rows:
        order_type = OrderType.PROMOTION if row.decision == PROMOTE else OrderType.REPEAT_YEAR
        by_order[(row.faculty_id, order_type)].append(row)
    faculties = Faculty.objects.in_bulk({faculty_id for faculty_id, _kind in by_order})
    label = year_label(start_year)
    texts: dict[str, tuple[str, str]] = {
        OrderType.PROMOTION: (
            _("Promotion to the next year of study after the %(year)s academic year"),
            _("Year GPA (summer semester included) at or above the transfer threshold set by "
              "the Academic Council for the year of study and study form, %(year)s."),
        ),
        OrderType.REPEAT_YEAR: (
            _("Repeat of the year after the %(year)s academic year; state-grant students lose "
              "the state grant and continue on a paid basis"),
            _("Year GPA (summer semester included) below the transfer threshold set by the "
              "Academic Council for the year of study and study form, %(year)s. A state-grant "
              "student who repeats a year loses the state grant."),
        ),
    }
    orders, problems = [], []
    for (faculty_id, kind), members in sorted(by_order.items()):
        title, basis = texts[kind]
        order = contingent.create_order(by=by, order_type=kind, faculty=faculties[faculty_id],
                                        title=title % {"year": label},
                                        basis=basis % {"year": label})
        for row in members:
            try:
                contingent.add_item(order, by=by, student=row.student,
                                    effective_date=effective_date, basis=_item_basis(row)[:255])
            except contingent.OrderRefused as refusal:
                problems.extend(refusal.problems)
        audit.record(by, DRAFTED, order, {"start_year": start_year, "type": kind,
                                          "items": len(members)})
        orders.append(order)
    if problems:
        raise contingent.OrderRefused(problems)
    return orders
