"""Orders in the portal: list, draft, add items, approve, apply, cancel, print.

Objects outside the user's scope are answered with 404 (their existence is not
disclosed); actions the user may not take are answered with 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registrar.contingent import services
from registrar.contingent.choices import OrderState, OrderType
from registrar.contingent.documents import describe_item, order_pdf
from registrar.contingent.models import Order
from registrar.contingent.selectors import orders_visible_to, students_visible_to
from registrar.institution.models import Faculty
from registrar.people.roles import scope_of

from ..forms import CancelForm, OrderForm, OrderItemForm


def _visible_order(request: HttpRequest, pk: int) -> Order:
    return get_object_or_404(orders_visible_to(request.user), pk=pk)


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    if not (scope_of(request.user).is_registrar or scope_of(request.user).dean_faculty_ids
            or request.user.is_superuser):
        raise PermissionDenied
    orders = orders_visible_to(request.user)
    state = request.GET.get("state", "")
    order_type = request.GET.get("type", "")
    if state in OrderState.values:
        orders = orders.filter(state=state)
    if order_type in OrderType.values:
        orders = orders.filter(order_type=order_type)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    return render(request, "portal/orders/list.html", {
        "page": page, "state": state, "type": order_type,
        "states": OrderState.choices, "types": OrderType.choices,
    })


@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("contingent.add_order"):
        raise PermissionDenied
    scope = scope_of(request.user)
    registrar = scope.is_registrar or request.user.is_superuser
    faculties = (Faculty.objects.all() if registrar
                 else Faculty.objects.filter(pk__in=scope.dean_faculty_ids))
    form = OrderForm(request.POST or None, faculties=faculties, allow_university_wide=registrar)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.create_order(by=request.user, **form.cleaned_data)
        except (services.OrderRefused, PermissionDenied) as exc:
            form.add_error(None, str(exc) or _("You do not have permission to do this."))
        else:
            messages.success(request, _("The draft order is created."))
            return redirect("portal:order_detail", pk=order.pk)
    return render(request, "portal/orders/form.html", {"form": form})


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    items = order.items.select_related("student", "student__group", "to_group", "to_programme")
    rows = [(item, describe_item(item, order.order_type)) for item in items]
    user = request.user
    return render(request, "portal/orders/detail.html", {
        "order": order,
        "rows": rows,
        "item_form": OrderItemForm() if order.state == OrderState.DRAFT else None,
        "cancel_form": CancelForm(),
        "can_change": user.has_perm("contingent.change_order", order),
        "can_approve": user.has_perm("contingent.approve_order", order),
        "can_apply": user.has_perm("contingent.apply_order", order),
    })


def _run(request: HttpRequest, action, success: str) -> None:
    try:
        action()
    except services.OrderRefused as refused:
        for problem in refused.problems:
            messages.error(request, str(problem))
    else:
        messages.success(request, success)


@login_required
@require_POST
def order_add_item(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    if not request.user.has_perm("contingent.change_order", order):
        raise PermissionDenied
    form = OrderItemForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect("portal:order_detail", pk=order.pk)
    student = students_visible_to(request.user).filter(
        iin=form.cleaned_data["student_iin"]).first()
    if student is None:
        messages.error(request, _("No student with this IIN in your scope."))
        return redirect("portal:order_detail", pk=order.pk)
    _run(request, lambda: services.add_item(
        order, by=request.user, student=student,
        effective_date=form.cleaned_data["effective_date"], **form.item_fields(),
    ), _("The student is added to the order."))
    return redirect("portal:order_detail", pk=order.pk)


@login_required
@require_POST
def order_remove_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    item = get_object_or_404(order.items, pk=item_pk)
    _run(request, lambda: services.remove_item(item, by=request.user),
         _("The student is removed from the order."))
    return redirect("portal:order_detail", pk=order.pk)


@login_required
@require_POST
def order_approve(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    _run(request, lambda: services.approve_order(order, by=request.user),
         _("The order is approved and numbered."))
    return redirect("portal:order_detail", pk=order.pk)


@login_required
@require_POST
def order_apply(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    _run(request, lambda: services.apply_order(order, by=request.user),
         _("The order is applied: the students' records are changed."))
    return redirect("portal:order_detail", pk=order.pk)


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling the order."))
        return redirect("portal:order_detail", pk=order.pk)
    _run(request, lambda: services.cancel_order(order, by=request.user,
                                                reason=form.cleaned_data["reason"]),
         _("The order is cancelled."))
    return redirect("portal:order_detail", pk=order.pk)


@login_required
def order_print(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    order = _visible_order(request, pk)
    if language not in ("kk", "ru", "en"):
        raise Http404
    pdf = order_pdf(order, language)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = (order.number or f"draft-{order.pk}").replace("/", "-")
    response["Content-Disposition"] = f'inline; filename="order-{name}-{language}.pdf"'
    return response
