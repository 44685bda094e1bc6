"""Promotion after the academic year (§7, §9): the preview of every decision, and the run that
drafts the promotion and repeat-year orders.

The registrar previews the whole university or one faculty and runs the promotion (one
promotion order and one repeat-year order per faculty, drafted for approval); a dean previews
their own faculty only. Everyone else is refused (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from registrar.contingent.models import Order
from registrar.contingent.selectors import orders_visible_to
from registrar.contingent.services import OrderRefused
from registrar.institution.models import AcademicPeriod, AcademicYear, Faculty
from registrar.people.roles import Scope, scope_of
from registrar.records import promotion
from registrar.records.selectors import RecordsRefused

PAGE_SIZE = 100

DECISIONS = (
    ("", gettext_lazy("All students")),
    ("promote", gettext_lazy("Promoted")),
    ("with_debts", gettext_lazy("Promoted with academic debts")),
    ("repeat", gettext_lazy("Repeat the year")),
    ("loses_grant", gettext_lazy("Repeat and lose the state grant")),
    ("final_year", gettext_lazy("Final year (graduation)")),
)


def _is_registrar(scope: Scope, user: Any) -> bool:
    return scope.is_registrar or bool(getattr(user, "is_superuser", False))


def default_year() -> AcademicYear | None:
    """The academic year in progress, else the latest one."""
    today = timezone.localdate()
    years = AcademicYear.objects.order_by("-start_year")
    return years.filter(starts_on__lte=today, ends_on__gte=today).first() or years.first()


def default_effective_date(start_year: int) -> dt.date:
    """The day after the last term of the year (summer semester included) ends."""
    last = AcademicPeriod.objects.filter(year__start_year=start_year).aggregate(
        last=Max("ends_on"))["last"]
    return (last + dt.timedelta(days=1)) if last else timezone.localdate()


class PreviewForm(forms.Form):
    year = forms.ModelChoiceField(label=gettext_lazy("Academic year"),
                                  queryset=AcademicYear.objects.order_by("-start_year"),
                                  to_field_name="start_year", empty_label=None)
    faculty = forms.ModelChoiceField(label=gettext_lazy("Faculty"),
                                     queryset=Faculty.objects.none(), required=False,
                                     empty_label=gettext_lazy("Whole university"))
    decision = forms.ChoiceField(label=gettext_lazy("Show"), choices=DECISIONS,
                                 required=False)

    def __init__(self, *args: Any, scope: Scope, registrar: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["faculty"]
        assert isinstance(field, forms.ModelChoiceField)
        if registrar:
            field.queryset = Faculty.objects.all()
        else:
            field.queryset = Faculty.objects.filter(pk__in=scope.dean_faculty_ids)
            field.required, field.empty_label = True, None


class RunForm(forms.Form):
    start_year = forms.IntegerField(widget=forms.HiddenInput)
    effective_date = forms.DateField(label=gettext_lazy("Effective date of the orders"),
                                     widget=forms.DateInput(attrs={"type": "date"}))
    confirm = forms.BooleanField(label=gettext_lazy(
        "I have checked the preview: draft the orders for the whole university."))


def _visible(orders: list[Order], user: Any) -> list[Order]:
    visible = set(orders_visible_to(user).filter(pk__in=[o.pk for o in orders])
                  .values_list("pk", flat=True))
    return [o for o in orders if o.pk in visible]


def _matches(row: promotion.PromotionRow, decision: str) -> bool:
    if decision == "with_debts":
        return row.with_debts
    if decision == "loses_grant":
        return row.loses_grant
    return not decision or row.decision == decision


@login_required
def promotion_preview(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_of(user)
    registrar = _is_registrar(scope, user)
    if not (registrar or scope.dean_faculty_ids):
        raise PermissionDenied
    data = request.GET.copy()
    if not data.get("year"):
        year = default_year()
        if year is not None:
            data["year"] = str(year.start_year)
    if not registrar and not data.get("faculty"):
        data["faculty"] = str(min(scope.dean_faculty_ids))
    form = PreviewForm(data, scope=scope, registrar=registrar)
    context: dict[str, Any] = {"form": form, "rows": None, "can_run": False}
    if not form.is_valid():
        return render(request, "portal/promotion/preview.html", context)
    start_year = form.cleaned_data["year"].start_year
    faculty = form.cleaned_data["faculty"]
    if not user.has_perm("records.preview_promotion", faculty):
        raise PermissionDenied
    try:
        rows = promotion.preview(start_year, faculty, by=user)
    except RecordsRefused as refused:
        messages.error(request, refused.message)
        rows = []
    decision = form.cleaned_data.get("decision") or ""
    counts = {
        "all": len(rows),
        "promote": sum(1 for r in rows if r.decision == promotion.PROMOTE),
        "with_debts": sum(1 for r in rows if r.with_debts),
        "repeat": sum(1 for r in rows if r.decision == promotion.REPEAT),
        "loses_grant": sum(1 for r in rows if r.loses_grant),
        "final_year": sum(1 for r in rows if r.decision == promotion.FINAL_YEAR),
    }
    shown = [r for r in rows if _matches(r, decision)]
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    can_run = user.has_perm("records.run_promotion")
    context.update({
        "rows": page, "counts": counts, "start_year": start_year, "faculty": faculty,
        "query": query.urlencode(), "can_run": can_run,
        "year_label": f"{start_year}-{start_year + 1}",
        "drafted": _visible(promotion.drafted_orders(start_year), user),
        "run_form": RunForm(initial={"start_year": start_year,
                                     "effective_date": default_effective_date(start_year)})
        if can_run else None,
    })
    return render(request, "portal/promotion/preview.html", context)


@login_required
@require_POST
def promotion_run(request: HttpRequest) -> HttpResponse:
    """Draft the orders (registrar only), after an explicit confirmation."""
    if not request.user.has_perm("records.run_promotion"):
        raise PermissionDenied
    form = RunForm(request.POST)
    start_year = request.POST.get("start_year", "")
    back = reverse("portal:promotion") + (
        "?" + urlencode({"year": start_year}) if start_year.isdigit() else "")
    if not form.is_valid():
        if "confirm" in form.errors:
            messages.error(request, _("Confirm that you have checked the preview."))
        else:
            messages.error(request, _("Choose the academic year and a valid effective date."))
        return redirect(back)
    try:
        orders = promotion.run(form.cleaned_data["start_year"], by=request.user,
                               effective_date=form.cleaned_data["effective_date"])
    except RecordsRefused as refused:
        messages.error(request, refused.message)
    except OrderRefused as refused:
        messages.error(request, _("Nothing was drafted:"))
        for problem in refused.problems[:50]:
            messages.error(request, str(problem))
    else:
        messages.success(request, ngettext(
            "%(count)d draft order was created; check, approve and apply it in Orders.",
            "%(count)d draft orders were created; check, approve and apply them in Orders.",
            len(orders)) % {"count": len(orders)})
    return redirect(back)
