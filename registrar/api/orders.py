"""Orders (§9), read-only: the registrar sees every order, a dean those of their faculty; the
list is refused (403) to everyone else and any order outside the caller's scope is not found
(404), as in the portal. An order's items are a list of their own (a promotion order may hold
thousands)."""


import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, TextChoices
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from registrar.contingent.choices import (
    ExpulsionReason,
    LeaveKind,
    OrderState,
    OrderType,
    ScholarshipKind,
)
from registrar.contingent.documents import describe_item
from registrar.contingent.models import Order, OrderItem
from registrar.contingent.selectors import orders_visible_to
from registrar.people.choices import Funding
from registrar.people.roles import scope_of

from .common import Id, Pagination, PathId, answers

router = Router(tags=["orders"])


class OrderOut(Schema):
    id: int
    order_type: OrderType
    state: OrderState
    number: str = Field(description="Given when the order is approved (signed).")
    title: str
    basis: str
    faculty_id: int | None = Field(description="Empty for a university-wide order.")
    signed_on: dt.date | None
    signatory: str
    created_at: dt.datetime
    approved_at: dt.datetime | None
    applied_at: dt.datetime | None
    item_count: int

    @staticmethod
    def resolve_item_count(order: Order) -> int:
        count = getattr(order, "item_count", None)
        return count if count is not None else order.items.count()


def _coded(choices: type[TextChoices], what: str) -> Any:
    """A coded item field, answered as stored: one of the codes of `choices` (listed in the
    description) or null when not given. Not an enum: an item drafted before the codes were
    checked may hold other text, and an applied order is never rewritten, so the answer shows
    what the order says instead of failing."""
    codes = ", ".join(choices.values)
    return Field(description=f"{what}: one of {codes}; null when not given. Items drafted "
                             "before the codes were checked may hold other text, shown as "
                             "stored.")


class OrderItemOut(Schema):
    id: int
    student_id: int
    student_name: str = Field(alias="student.full_name")
    description: str = Field(description="What the item orders, in the language of the request.")
    effective_date: dt.date
    basis: str
    reason: str | None = _coded(ExpulsionReason, "The reason for expulsion (expulsion orders "
                                                 "only)")
    leave_kind: str | None = _coded(LeaveKind, "The kind of academic leave")
    leave_until: dt.date | None
    to_programme_id: int | None
    to_group_id: int | None
    to_year_of_study: int | None
    to_funding: str | None = _coded(Funding, "The new funding")
    scholarship_kind: str | None = _coded(ScholarshipKind, "The scholarship awarded")
    amount: Decimal | None

    @staticmethod
    def resolve_description(item: OrderItem) -> str:
        return describe_item(item, item.order.order_type)

    @staticmethod
    def resolve_reason(item: OrderItem) -> str | None:
        return item.reason or None

    @staticmethod
    def resolve_leave_kind(item: OrderItem) -> str | None:
        return item.leave_kind or None

    @staticmethod
    def resolve_to_funding(item: OrderItem) -> str | None:
        return item.to_funding or None

    @staticmethod
    def resolve_scholarship_kind(item: OrderItem) -> str | None:
        return item.scholarship_kind or None


class OrderFilter(Schema):
    state: OrderState | None = None
    order_type: OrderType | None = None
    faculty_id: Id | None = None
    year: int | None = Field(None, ge=1900, le=2200, description="Calendar year of signing.")
    student_id: Id | None = Field(None, description="Orders with an item for this student.")


def _visible(request: HttpRequest, order_id: int) -> Order:
    return get_object_or_404(orders_visible_to(request.user), pk=order_id)


@router.get("", response=answers(list[OrderOut]), summary="Orders (registrar, deans)")
@paginate(Pagination)
def list_orders(request: HttpRequest, filters: Query[OrderFilter]) -> Any:
    scope = scope_of(request.user)
    if not (scope.is_registrar or scope.dean_faculty_ids or request.user.is_superuser):
        raise PermissionDenied
    orders = orders_visible_to(request.user)
    if filters.state is not None:
        orders = orders.filter(state=filters.state)
    if filters.order_type is not None:
        orders = orders.filter(order_type=filters.order_type)
    if filters.faculty_id is not None:
        orders = orders.filter(faculty_id=filters.faculty_id)
    if filters.year is not None:
        orders = orders.filter(year=filters.year)
    if filters.student_id is not None:
        orders = orders.filter(pk__in=OrderItem.objects.filter(
            student_id=filters.student_id).values("order_id"))
    return orders.annotate(item_count=Count("items")).order_by("-created_at", "-pk")


@router.get("/{order_id}", response=answers(OrderOut), summary="One order")
def get_order(request: HttpRequest, order_id: PathId) -> Any:
    return _visible(request, order_id)


@router.get("/{order_id}/items", response=answers(list[OrderItemOut]),
            summary="The items of an order")
@paginate(Pagination)
def order_items(request: HttpRequest, order_id: PathId) -> Any:
    order = _visible(request, order_id)
    return (OrderItem.objects.filter(order=order)
            .select_related("order", "student", "to_group", "to_programme").order_by("pk"))
