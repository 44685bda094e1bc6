"""Helpers driving orders through the services, and snapshots of what they may change (§9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from registrar.audit.models import AuditEvent
from registrar.contingent.choices import OrderType
from registrar.contingent.models import Order, OrderCounter, OrderItem, StatusChange
from registrar.contingent.services import add_item, apply_order, approve_order, create_order
from registrar.people.models import Student

ENROLLED_ON = dt.date(2025, 9, 1)
STATE = ("status", "programme_id", "group_id", "year_of_study", "funding")


def draft(order_type: str, items: list[tuple[Student, dt.date, dict[str, Any]]], *, by,
          faculty=None) -> Order:
    """A draft order with the given (student, effective date, fields) items."""
    order = create_order(by=by, order_type=order_type, faculty=faculty)
    for student, on, fields in items:
        add_item(order, by=by, student=student, effective_date=on, **fields)
    return order


def run(order_type: str, student: Student, on: dt.date, *, by, signed_on: dt.date | None = None,
        **fields: Any) -> Order:
    """Draft, approve (signed on the effective date unless told) and apply a one-item order."""
    order = draft(order_type, [(student, on, fields)], by=by)
    order = approve_order(order, by=by, signed_on=signed_on or on)
    return apply_order(order, by=by)


def enrol(student: Student, group, *, by, on: dt.date = ENROLLED_ON,
          funding: str = "paid") -> Student:
    run(OrderType.ENROLMENT, student, on, by=by, to_group=group, to_funding=funding)
    student.refresh_from_db()
    return student


def state_of(student: Student) -> dict[str, Any]:
    """The stored academic fields of a student, read from the database."""
    return Student.objects.filter(pk=student.pk).values(*STATE).get()


def snapshot(students: list[Student] = (), orders: list[Order] = ()) -> dict[str, Any]:
    """Everything an order operation may change, to prove a refused one changed nothing."""
    return {
        "students": [
            Student.objects.filter(pk=s.pk).values(*STATE, *Student.NAME_FIELDS).get()
            for s in students
        ],
        "orders": [
            Order.objects.filter(pk=o.pk).values(
                "state", "year", "sequence", "number", "signed_on", "approved_by",
                "applied_by", "cancel_reason").get()
            for o in orders
        ],
        "items": list(OrderItem.objects.order_by("pk").values_list("pk", "order_id", "student_id",
                                                                  "before", "after")),
        "status_changes": list(StatusChange.objects.order_by("pk").values_list("pk", flat=True)),
        "audit_events": AuditEvent.objects.count(),
        "counters": sorted(OrderCounter.objects.values_list("year", "order_type", "last")),
    }
