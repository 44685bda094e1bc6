"""Students in the portal: search within scope, the student card, the import page."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from registrar.audit.selectors import events_for
from registrar.contingent.models import OrderItem, StatusChange
from registrar.contingent.personal_files import checklist
from registrar.contingent.selectors import students_visible_to
from registrar.people import imports
from registrar.people.models import Student
from registrar.people.roles import scope_of

from ..forms import ImportForm, StudentSearchForm

NAME_SEARCH_FIELDS = ("last_name_ru", "first_name_ru", "last_name_kk", "first_name_kk",
                      "last_name_en", "first_name_en")


def search(queryset: QuerySet[Student], text: str) -> QuerySet[Student]:
    """Digits match the IIN; words match names in any script (every word must match);
    the whole text may also be the start of a group name."""
    text = text.strip()
    if not text:
        return queryset
    if text.isdigit():
        return queryset.filter(iin__startswith=text)
    names = Q()
    for word in text.split():
        names &= reduce(or_, (Q(**{f"{f}__istartswith": word}) for f in NAME_SEARCH_FIELDS))
    return queryset.filter(names | Q(group__name__istartswith=text))


@login_required
def student_list(request: HttpRequest) -> HttpResponse:
    form = StudentSearchForm(request.GET)
    students = students_visible_to(request.user)
    if form.is_valid():
        students = search(students, form.cleaned_data["q"])
    page = Paginator(students.order_by("last_name_ru", "first_name_ru", "pk"), 50).get_page(
        request.GET.get("page"))
    return render(request, "portal/students/list.html", {"form": form, "page": page})


@login_required
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    history = StatusChange.objects.filter(student=student).select_related(
        "group", "programme", "order_item__order").order_by("effective_date", "id")
    orders = OrderItem.objects.filter(student=student).select_related("order").order_by(
        "-order__created_at")
    own_record = scope_of(request.user).student_id == student.pk
    return render(request, "portal/students/detail.html", {
        "student": student,
        "history": history,
        "orders": orders if request.user.has_perm("contingent.add_order") else None,
        "checklist": None if own_record else checklist(student),
        "events": events_for(student)[:50] if request.user.has_perm("people.change_student",
                                                                      student) else None,
    })


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
