"""The grade-sheet status board of a session (§6): for the registrar (every sheet) and the
dean (the sheets of their faculty: its departments' disciplines, and any sheet on which its
students are graded). Teachers use their own list ("Grade sheets"); students have no board.

Counts per state (open, submitted and locked, reopened) and the overdue sheets: open past the
entry deadline, or reopened past the end of the reopening.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrar.assessment.models import GradeEntry, GradeSheet, ReopenState, SheetState
from registrar.institution.models import AcademicPeriod, Department, Faculty
from registrar.people.models import Staff
from registrar.people.roles import Scope, scope_of

PAGE_SIZE = 100


def board_scope(user: Any) -> Scope:
    """The scope of a user allowed to see the board; PermissionDenied for anyone else."""
    scope = scope_of(user)
    if not (scope.is_registrar or scope.dean_faculty_ids or getattr(user, "is_superuser", False)):
        raise PermissionDenied
    return scope


def _faculty_sheets(scope: Scope, user: Any) -> QuerySet[GradeSheet]:
    sheets = GradeSheet.objects.all()
    if scope.is_registrar or getattr(user, "is_superuser", False):
        return sheets
    faculties = sorted(scope.dean_faculty_ids)
    return sheets.filter(
        Q(section__discipline__department__faculty_id__in=faculties)
        | Q(pk__in=GradeEntry.objects.filter(
            student__programme__department__faculty_id__in=faculties).values("sheet_id")))


def overdue_condition(now: Any) -> Q:
    return (Q(state=SheetState.OPEN, entry_deadline__lt=now)
            | Q(state=SheetState.REOPENED, reopened_until__lt=now)
            | Q(state=SheetState.REOPENED, reopened_until__isnull=True))


def default_period() -> AcademicPeriod | None:
    """The term in progress; else the latest term with grade sheets; else the latest."""
    today = timezone.localdate()
    periods = AcademicPeriod.objects.select_related("year")
    return (periods.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on").first()
            or periods.filter(sections__grade_sheets__isnull=False).order_by("-starts_on").first()
            or periods.order_by("-starts_on").first())


class BoardForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Term"), queryset=AcademicPeriod.objects.none(),
                                    required=False, empty_label=None)
    faculty = forms.ModelChoiceField(label=_("Faculty"), queryset=Faculty.objects.none(),
                                     required=False, empty_label=_("All"))
    department = forms.ModelChoiceField(label=_("Department"),
                                        queryset=Department.objects.none(), required=False,
                                        empty_label=_("All"))
    teacher = forms.ModelChoiceField(label=_("Teacher"), queryset=Staff.objects.none(),
                                     required=False, empty_label=_("All"))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), *SheetState.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, scope: Scope, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        faculties = Faculty.objects.all()
        if not (scope.is_registrar or getattr(user, "is_superuser", False)):
            faculties = faculties.filter(pk__in=scope.dean_faculty_ids)
        self._set("period", AcademicPeriod.objects.select_related("year").order_by("-starts_on"))
        self._set("faculty", faculties)
        self._set("department", Department.objects.filter(faculty__in=faculties))
        self._set("teacher", Staff.objects.filter(
            sections__grade_sheets__in=_faculty_sheets(scope, user)).distinct()
            .order_by("last_name_ru", "first_name_ru"))

    def _set(self, name: str, queryset: QuerySet) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


@login_required
def sheet_board(request: HttpRequest) -> HttpResponse:
    scope = board_scope(request.user)
    data = request.GET.copy()
    if not data.get("period"):
        period = default_period()
        if period is not None:
            data["period"] = str(period.pk)
    form = BoardForm(data, scope=scope, user=request.user)
    form.is_valid()
    chosen = getattr(form, "cleaned_data", {})
    period = chosen.get("period")
    now = timezone.now()
    sheets = _faculty_sheets(scope, request.user).filter(section__period=period)
    if chosen.get("faculty"):
        sheets = sheets.filter(section__discipline__department__faculty=chosen["faculty"])
    if chosen.get("department"):
        sheets = sheets.filter(section__discipline__department=chosen["department"])
    if chosen.get("teacher"):
        sheets = sheets.filter(section__teacher=chosen["teacher"])
    overdue = overdue_condition(now)
    counts = sheets.aggregate(
        total=Count("pk"),
        **{state: Count("pk", filter=Q(state=state)) for state in SheetState.values},
        overdue=Count("pk", filter=overdue),
    )
    if chosen.get("state"):
        sheets = sheets.filter(state=chosen["state"])
    if chosen.get("overdue"):
        sheets = sheets.filter(overdue)
    rows = (sheets.select_related("section__discipline__department", "section__teacher",
                                  "section__period__year")
            .annotate(is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()),
                      entries_total=Count("entries", distinct=True),
                      entries_filled=Count("entries", distinct=True, filter=Q(
                          entries__score__isnull=False) | Q(entries__absent=True)),
                      pending_reopen=Count("reopen_requests", distinct=True, filter=Q(
                          reopen_requests__state=ReopenState.PENDING)))
            .order_by("-is_overdue", "entry_deadline", "section__code", "kind", "pk"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    states = [(value, label, counts[value]) for value, label in SheetState.choices]
    return render(request, "portal/boards/sheets.html", {
        "form": form, "period": period, "counts": counts, "states": states, "page": page,
        "query": query.urlencode(), "now": now,
    })
