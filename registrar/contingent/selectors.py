"""Read queries for orders and the derived status of students."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet

from registrar.institution.models import Programme
from registrar.people.models import Student
from registrar.people.roles import scope_of
from registrar.policy.selectors import PolicyCache

from .choices import OrderState
from .models import Order, OrderItem, StatusChange
from .services import STATE_FIELDS, change_for
from .transitions import INITIAL, StudentState, apply_change


def orders_visible_to(user: Any) -> QuerySet[Order]:
    scope = scope_of(user)
    orders = Order.objects.select_related("faculty", "created_by", "approved_by")
    if scope.is_registrar or getattr(user, "is_superuser", False):
        return orders
    if scope.dean_faculty_ids:
        return orders.filter(faculty_id__in=scope.dean_faculty_ids)
    return orders.none()


def students_visible_to(user: Any) -> QuerySet[Student]:
    scope = scope_of(user)
    students = Student.objects.select_related("programme__department__faculty", "group")
    if scope.is_registrar or getattr(user, "is_superuser", False):
        return students
    visible = Q(pk__in=[])
    if scope.dean_faculty_ids:
        visible |= Q(programme__department__faculty_id__in=scope.dean_faculty_ids)
    if scope.staff_id is not None:
        visible |= Q(advisor_id=scope.staff_id)
    if scope.student_id is not None:
        visible |= Q(pk=scope.student_id)
    return students.filter(visible)


def status_on(student: Student, day: dt.date) -> StatusChange | None:
    """The student's effective state on a day (None before their first order)."""
    return (
        StatusChange.objects.filter(student=student, effective_date__lte=day)
        .order_by("-effective_date", "-order_item__order__applied_at", "-id")
        .first()
    )


def applied_items(student_ids: list[int] | None = None) -> QuerySet[OrderItem]:
    """Applied items in the order they take effect: by effective date, then application."""
    items = OrderItem.objects.filter(order__state=OrderState.APPLIED).select_related(
        "order", "to_group"
    )
    if student_ids is not None:
        items = items.filter(student_id__in=student_ids)
    return items.order_by("student_id", "effective_date", "order__applied_at", "id")


def derive_states(student_ids: list[int] | None = None) -> dict[int, StudentState]:
    """Each student's state replayed from their applied orders alone."""
    durations = dict(Programme.objects.values_list("pk", "duration_years"))
    policies = PolicyCache()
    by_student: dict[int, list[OrderItem]] = defaultdict(list)
    for item in applied_items(student_ids):
        by_student[item.student_id].append(item)
    derived: dict[int, StudentState] = {}
    for student_id, items in by_student.items():
        state = INITIAL
        for item in items:
            change = change_for(item.order.order_type, item, durations, state.programme_id)
            state = apply_change(state, change, policies.on(item.effective_date))
        derived[student_id] = state
    return derived


def status_mismatches(student_ids: list[int] | None = None) -> list[tuple[int, str, Any, Any]]:
    """(student id, field, stored, derived) wherever the stored state disagrees with orders."""
    derived = derive_states(student_ids)
    students = Student.objects.all()
    if student_ids is not None:
        students = students.filter(pk__in=student_ids)
    mismatches = []
    for row in students.values("pk", *STATE_FIELDS).iterator(chunk_size=2000):
        state = derived.get(row["pk"])
        if state is None:
            if row["status"] != INITIAL.status:
                mismatches.append((row["pk"], "status", row["status"], INITIAL.status))
            continue
        for field_name in STATE_FIELDS:
            if row[field_name] != getattr(state, field_name):
                mismatches.append((row["pk"], field_name, row[field_name],
                                   getattr(state, field_name)))
    return mismatches
