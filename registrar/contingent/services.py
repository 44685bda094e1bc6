"""Operations on orders: draft, add items, approve (sign and number), apply, cancel.

Every function checks the actor's permission, runs in one transaction and
writes audit events. Applying is all-or-nothing: if any item is refused, nothing
changes and `OrderRefused` lists every problem.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.institution.models import Faculty, Programme
from registrar.people.models import Student
from registrar.policy.selectors import PolicyCache

from .choices import OrderState, OrderType
from .models import Order, OrderCounter, OrderItem, StatusChange
from .transitions import Change, Refused, StudentState, apply_change


@dataclasses.dataclass(frozen=True)
class Problem:
    student: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.student}: {self.message}" if self.student else self.message


class OrderRefused(Exception):
    """The operation was refused; nothing was changed."""

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("", "order", problems)]
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


ITEM_FIELDS = (
    "basis", "reason", "leave_kind", "leave_until", "to_programme", "to_group",
    "to_year_of_study", "to_funding", "new_names", "scholarship_kind", "amount",
    "override_reason", "academic_difference",
)

STATE_FIELDS = ("status", "programme_id", "group_id", "year_of_study", "funding")


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def state_of(student: Student, last_change: dt.date | None) -> StudentState:
    return StudentState(
        status=student.status,
        programme_id=student.programme_id,
        group_id=student.group_id,
        year_of_study=student.year_of_study,
        funding=student.funding,
        last_change=last_change,
    )


REQUIRED_NAME_FIELDS = ("last_name_ru", "first_name_ru")


def valid_new_names(new_names: dict[str, Any]) -> bool:
    """At least one name field, only known fields, and no required one left blank."""
    if not new_names or any(k not in Student.NAME_FIELDS for k in new_names):
        return False
    if any(not str(new_names[k]).strip() for k in REQUIRED_NAME_FIELDS if k in new_names):
        return False
    return any(str(v).strip() for v in new_names.values())


def change_for(order_type: str, item: OrderItem, durations: dict[int, int],
               current_programme_id: int | None) -> Change:
    """The plain `Change` an item asks for; `durations` maps programme id to years."""
    programme_id = item.to_programme_id or current_programme_id
    return Change(
        order_type=order_type,
        effective_date=item.effective_date,
        to_programme_id=item.to_programme_id,
        to_group_id=item.to_group_id,
        to_group_programme_id=item.to_group.programme_id if item.to_group else None,
        to_year_of_study=item.to_year_of_study,
        to_funding=item.to_funding,
        reason=item.reason,
        leave_kind=item.leave_kind,
        leave_until=item.leave_until,
        override_reason=item.override_reason,
        programme_duration=durations.get(programme_id or 0, 4),
        scholarship_amount=item.amount,
        scholarship_kind=item.scholarship_kind,
        has_new_names=valid_new_names(item.new_names),
    )


def _last_changes(student_ids: Iterable[int]) -> dict[int, dt.date]:
    rows = (
        StatusChange.objects.filter(student_id__in=list(student_ids))
        .values("student_id")
        .annotate(last=Max("effective_date"))
    )
    return {r["student_id"]: r["last"] for r in rows}


def _durations(programme_ids: Iterable[int | None]) -> dict[int, int]:
    ids = {p for p in programme_ids if p}
    return dict(Programme.objects.filter(pk__in=ids).values_list("pk", "duration_years"))


def _check_items(order: Order, items: list[OrderItem], students: dict[int, Student]
                 ) -> list[tuple[OrderItem, StudentState, StudentState]]:
    """Run every item through the state machine; raise OrderRefused listing all refusals."""
    last = _last_changes(students)
    policies = PolicyCache()
    durations = _durations(
        [i.to_programme_id for i in items] + [s.programme_id for s in students.values()]
    )
    results, problems = [], []
    for item in items:
        student = students[item.student_id]
        before = state_of(student, last.get(student.pk))
        change = change_for(order.order_type, item, durations, student.programme_id)
        try:
            after = apply_change(before, change, policies.on(item.effective_date))
        except Refused as refusal:
            problems.append(Problem(student.full_name, refusal.field, refusal.message))
            continue
        results.append((item, before, after))
    if problems:
        raise OrderRefused(problems)
    return results


@transaction.atomic
def create_order(*, by: Any, order_type: str, faculty: Faculty | None = None, title: str = "",
                 basis: str = "") -> Order:
    _require(by, "contingent.add_order")
    if faculty is None and not by.has_perm("contingent.apply_order"):
        raise PermissionDenied(_("Only the registrar drafts university-wide orders."))
    if order_type not in OrderType.values:
        raise OrderRefused(_("Unknown order type."))
    order = Order(order_type=order_type, faculty=faculty, title=title, basis=basis, created_by=by)
    _require(by, "contingent.change_order", order)
    order.save()
    audit.record(by, "order.drafted", order, {"type": order_type, "faculty": faculty})
    return order


@transaction.atomic
def add_item(order: Order, *, by: Any, student: Student, effective_date: dt.date,
             **fields: Any) -> OrderItem:
    """Add a student to a draft order; refused at once if the change cannot apply now."""
    _require(by, "contingent.change_order", order)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown order item fields: {sorted(unknown)}")
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.DRAFT:
        raise OrderRefused(_("Items can be added only to a draft order."))
    # The caller's instance may be stale; decide on the stored state.
    student = Student.objects.select_related("programme__department").get(pk=student.pk)
    faculty_id = student.programme.department.faculty_id
    if order.faculty_id is not None and faculty_id != order.faculty_id:
        raise OrderRefused([Problem(student.full_name, "student",
                                    _("The student belongs to another faculty."))])
    if order.items.filter(student=student).exists():
        raise OrderRefused([Problem(student.full_name, "student",
                                    _("The student is already in this order."))])
    if order.order_type in (OrderType.ENROLMENT, OrderType.TRANSFER_IN):
        fields.setdefault("to_programme", student.programme)
    item = OrderItem(order=order, student=student, effective_date=effective_date, **fields)
    _check_items(order, [item], {student.pk: student})
    item.save()
    audit.record(by, "order.item_added", order, {"student": student, "effective_date":
                                                 effective_date})
    return item


@transaction.atomic
def remove_item(item: OrderItem, *, by: Any) -> None:
    order = Order.objects.select_for_update().get(pk=item.order_id)
    _require(by, "contingent.change_order", order)
    if order.state != OrderState.DRAFT:
        raise OrderRefused(_("Items can be removed only from a draft order."))
    audit.record(by, "order.item_removed", order, {"student": item.student})
    item.delete()


def _next_number(year: int, order_type: str) -> int:
    try:
        with transaction.atomic():
            counter, _created = OrderCounter.objects.select_for_update().get_or_create(
                year=year, order_type=order_type
            )
    except IntegrityError:  # another transaction created the counter first
        counter = OrderCounter.objects.select_for_update().get(year=year, order_type=order_type)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _locked_items(order: Order) -> tuple[list[OrderItem], dict[int, Student]]:
    items = list(order.items.select_related("to_group").order_by("id"))
    students = {
        s.pk: s
        for s in Student.objects.select_for_update().filter(pk__in=[i.student_id for i in items])
    }
    return items, students


@transaction.atomic
def approve_order(order: Order, *, by: Any, signed_on: dt.date | None = None,
                  signatory: str = "") -> Order:
    """Sign the order: it gets its number for the year and type, and is checked once more."""
    _require(by, "contingent.approve_order", order)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.DRAFT:
        raise OrderRefused(_("Only a draft order can be approved; this one is “%(state)s”.")
                           % {"state": order.get_state_display()})
    items, students = _locked_items(order)
    if not items:
        raise OrderRefused(_("An order without items cannot be approved."))
    _check_items(order, items, students)
    signed_on = signed_on or timezone.localdate()
    order.year = signed_on.year
    order.sequence = _next_number(order.year, order.order_type)
    order.number = Order.format_number(order.order_type, order.year, order.sequence)
    order.signed_on = signed_on
    order.signatory = signatory or by.get_full_name() or by.get_username()
    order.state = OrderState.APPROVED
    order.approved_by = by
    order.approved_at = timezone.now()
    order.save()
    audit.record(by, "order.approved", order, {"number": order.number, "signed_on": signed_on})
    return order


def _snapshot(state: StudentState) -> dict[str, Any]:
    return {
        "status": state.status,
        "programme_id": state.programme_id,
        "group_id": state.group_id,
        "year_of_study": state.year_of_study,
        "funding": state.funding,
    }


@transaction.atomic
def apply_order(order: Order, *, by: Any) -> Order:
    """Apply an approved order to its students, all at once or not at all."""
    _require(by, "contingent.apply_order", order)
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.APPROVED:
        raise OrderRefused(_("Only an approved order can be applied; this one is “%(state)s”.")
                           % {"state": order.get_state_display()})
    items, students = _locked_items(order)
    results = _check_items(order, items, students)
    reason = f"{order.number} {order.get_order_type_display()}"
    history, events, changed_names = [], [], False
    for item, before, after in results:
        student = students[item.student_id]
        changes: dict[str, Any] = {
            f: [getattr(before, f), getattr(after, f)]
            for f in STATE_FIELDS if getattr(before, f) != getattr(after, f)
        }
        for field_name in STATE_FIELDS:
            setattr(student, field_name, getattr(after, field_name))
        if order.order_type == OrderType.NAME_CHANGE:
            changed_names = True
            for key, value in item.new_names.items():
                if key in Student.NAME_FIELDS:
                    changes[key] = [getattr(student, key), value]
                    setattr(student, key, value)
        item.before, item.after = _snapshot(before), _snapshot(after)
        history.append(StatusChange(
            student=student, order_item=item, effective_date=item.effective_date,
            status=after.status, programme_id=after.programme_id, group_id=after.group_id,
            year_of_study=after.year_of_study, funding=after.funding,
        ))
        events.append(audit.event_for(by, "student.changed_by_order", student, changes,
                                      reason=f"{reason}; {item.basis}".strip("; ")))
    fields = list(STATE_FIELDS) + (list(Student.NAME_FIELDS) if changed_names else [])
    Student.objects.bulk_update(students.values(), fields, batch_size=500)
    OrderItem.objects.bulk_update(items, ["before", "after"], batch_size=500)
    StatusChange.objects.bulk_create(history, batch_size=500)
    audit.record_many(events)
    order.state = OrderState.APPLIED
    order.applied_by = by
    order.applied_at = timezone.now()
    Order.objects.filter(pk=order.pk).update(
        state=order.state, applied_by=by, applied_at=order.applied_at
    )
    audit.record(by, "order.applied", order, {"items": len(items)})
    return order


@transaction.atomic
def cancel_order(order: Order, *, by: Any, reason: str) -> Order:
    _require(by, "contingent.change_order", order)
    if not reason.strip():
        raise OrderRefused(_("Give the reason for cancelling the order."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state == OrderState.CANCELLED:
        raise OrderRefused(_("The order is already cancelled."))
    if order.state != OrderState.DRAFT and order.state != OrderState.APPROVED:
        raise OrderRefused(_("An applied order cannot be cancelled; issue a new order instead."))
    order.state = OrderState.CANCELLED
    order.cancel_reason = reason
    order.save()
    audit.record(by, "order.cancelled", order, reason=reason)
    return order
