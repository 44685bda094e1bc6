"""Students in the portal: search within scope, the student card, the import page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registrar.audit.selectors import events_for
from registrar.audit.services import disclosed
from registrar.contingent.models import OrderItem, StatusChange
from registrar.contingent.personal_files import checklist
from registrar.contingent.selectors import orders_visible_to, students_visible_to
from registrar.documents.models import DocumentKind
from registrar.documents.selectors import (
    DOCUMENT_LIST_FIELDS,
    academic_record,
    documents_visible_to,
)
from registrar.institution.models import Language
from registrar.people import imports
from registrar.people.choices import Funding, StudentStatus
from registrar.people.models import Student
from registrar.people.roles import scope_of
from registrar.people.selectors import search_page
from registrar.records.models import AcademicDebt, DebtState
from registrar.registration.models import StudyPlan

from ..forms import ImportForm, StudentSearchForm
from ..links import id_link_prefix


@login_required
def student_list(request: HttpRequest) -> HttpResponse:
    """Search within the user's scope (a dean: their faculty). Typing in the search box asks
    for the results table only (HTMX), which replaces the one on the page."""
    form = StudentSearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = search_page(students_visible_to(request.user), text, request.GET.get("page"))
    context = {"form": form, "page": page, "q": text, "rows": _result_rows(page)}
    htmx = getattr(request, "htmx", None)
    partial = htmx is not None and bool(htmx) and not (htmx.boosted
                                                       or htmx.history_restore_request)
    response = render(request, "portal/students/results.html" if partial else
                      "portal/students/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# The columns the card prints of each related row (the order's: its number, type and state).
_ORDER = ("number", "order_type", "state")
HISTORY_FIELDS = ("effective_date", "status", "year_of_study", "funding", "programme__code",
                  "group__name", *(f"order_item__order__{f}" for f in _ORDER))
ORDER_ITEM_FIELDS = ("effective_date", "basis", *(f"order__{f}" for f in _ORDER))
_ATTEMPT = ("credits", "letter", "period__kind", "period__year__start_year")
DEBT_FIELDS = ("state", "discipline__code", "discipline__name_kk", "discipline__name_ru",
               "discipline__name_en", *(f"failed_attempt__{f}" for f in _ATTEMPT),
               *(f"cleared_by__{f}" for f in _ATTEMPT))
EVENT_FIELDS = ("at", "action", "changes", "reason", "actor__username")


def _result_rows(page: Page) -> list[dict[str, Any]]:
    """The table's cells per student found, computed once here rather than by template tags
    per row (issue 10: the live search redraws the table on every keystroke)."""
    link = id_link_prefix("portal:student_detail")
    statuses = {value: str(label) for value, label in StudentStatus.choices}
    fundings = {value: str(label) for value, label in Funding.choices}
    language = get_language()
    return [{"href": f"{link}{s['pk']}/", "name": Student.name_in(s, language), "iin": s["iin"],
             "group": s["group_name"] or "", "year": str(s["year_of_study"]),
             "status": s["status"], "status_label": statuses.get(s["status"], s["status"]),
             "funding": fundings.get(s["funding"], s["funding"])} for s in page]


def _card(student: Student, user, language: str) -> dict:
    """Everything the card shows that the user may see (the student is visible to them).
    The related rows are read with the columns the card prints only (issue 10)."""
    orders = orders_visible_to(user)
    history = list(StatusChange.objects.filter(student=student).select_related(
        "group", "programme", "order_item__order").only(*HISTORY_FIELDS)
        .order_by("effective_date", "id"))
    visible_orders = set(orders.filter(
        pk__in={c.order_item.order_id for c in history}).values_list("pk", flat=True)
    ) if history else set()
    touching = (OrderItem.objects.filter(student=student, order__in=orders)
                .select_related("order").only(*ORDER_ITEM_FIELDS)
                .order_by("-order__created_at", "-id"))
    debts = list(AcademicDebt.objects.filter(student=student)
                 .select_related("discipline", "failed_attempt__period__year",
                                 "cleared_by__period__year").only(*DEBT_FIELDS)
                 .order_by("-state", "failed_attempt__period__starts_on", "discipline__code"))
    plans = list(StudyPlan.objects.filter(student=student).select_related("period__year")
                 .order_by("-period__starts_on"))
    for plan in plans:  # the permission rules read plan.student: not once per plan
        plan.student = student
    return {
        "history": history,
        "visible_orders": visible_orders,
        "orders": list(touching) if user.has_perm("contingent.add_order") else None,
        "record": academic_record(student.pk, language),
        "debts": debts,
        "open_debts": sum(1 for d in debts if d.state == DebtState.OPEN),
        "plans": [(p, user.has_perm("registration.view_studyplan", p)) for p in plans],
        # The listed columns only: not the stored content of each document.
        "documents": list(documents_visible_to(user).filter(student=student)
                          .select_related(None).only(*DOCUMENT_LIST_FIELDS)),
    }


@login_required
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The student card: personal data, status history with its orders, orders, the
    academic history by term with GPA, debts, study plans, issued documents (§1, §7, §9, §11).
    Outside the user's scope the student does not exist (404)."""
    student = get_object_or_404(
        students_visible_to(request.user).select_related("advisor"), pk=pk)
    own_record = scope_of(request.user).student_id == student.pk
    context = {
        "student": student,
        "checklist": None if own_record else checklist(student),
        "events": events_for(student).only(*EVENT_FIELDS)[:50]
        if request.user.has_perm("people.change_student", student) else None,
        "can_issue": request.user.has_perm("documents.issue_transcript", student),
        "document_kinds": DocumentKind.choices,
        "document_languages": Language.choices,
        "document_language": (request.LANGUAGE_CODE or "ru")[:2],
        **_card(student, request.user, request.LANGUAGE_CODE),
    }
    disclosed(request.user, student, "card", request)  # not when it is the student's own
    return render(request, "portal/students/detail.html", context)


@login_required
def student_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("people.import_students"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = imports.import_students(by=request.user, file_name=upload.name,
                                              content=upload.read())
        except imports.ImportFailed as failed:
            errors = failed.errors
            request.session["import_errors"] = [
                (e.row, e.column, e.message) for e in failed.errors
            ]
            messages.error(request, _("Nothing was imported: fix the rows below and try again."))
        else:
            messages.success(request, _("%(count)d students imported as applicants.")
                             % {"count": len(created)})
            return redirect("portal:student_list")
    return render(request, "portal/students/import.html", {"form": form, "errors": errors})


@login_required
def student_import_errors(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("people.import_students"):
        raise PermissionDenied
    rows = request.session.get("import_errors", [])
    content = imports.error_report_xlsx([imports.RowError(*row) for row in rows])
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="import-errors.xlsx"'
    return response
