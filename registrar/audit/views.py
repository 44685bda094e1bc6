"""The registrar's access logs: refused requests, and who saw which student's record.

Only the registrar's office (`audit.view_access_logs`); anyone else signed in gets 403 (and
that refusal is itself logged). Lists are newest first, 50 a page, with filters; the
disclosure log downloads as XLSX with the same filters.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from registrar.people.models import Student

from . import exports
from .forms import DenialFilterForm, DisclosureFilterForm
from .models import AccessDenial, Disclosure


def _allowed(request: HttpRequest) -> None:
    if not request.user.has_perm("audit.view_access_logs"):
        raise PermissionDenied


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def denials(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = DenialFilterForm(request.GET or None)
    rows = form.apply(AccessDenial.objects.all()) if form.is_bound else AccessDenial.objects.all()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "audit/denials.html",
                  {"form": form, "page": page, "query": _query(request)})


def _disclosures(request: HttpRequest, student: Student | None) -> tuple[Any, Any]:
    form = DisclosureFilterForm(request.GET or None, per_student=student is not None)
    rows = Disclosure.objects.select_related("student")
    if student is not None:
        rows = rows.filter(student=student)
    if form.is_bound:
        rows = form.apply(rows)
    return form, rows


def _page(request: HttpRequest, student: Student | None) -> HttpResponse:
    form, rows = _disclosures(request, student)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "audit/disclosures.html", {
        "form": form, "page": page, "query": _query(request), "student": student,
    })


def _xlsx(request: HttpRequest, student: Student | None) -> HttpResponse:
    _form, rows = _disclosures(request, student)
    response = HttpResponse(
        exports.disclosures_xlsx(rows.iterator(chunk_size=2000)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    suffix = f"-{student.pk}" if student is not None else ""
    response["Content-Disposition"] = (
        f'attachment; filename="disclosures{suffix}-{timezone.localdate():%Y%m%d}.xlsx"')
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def disclosures(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    return _page(request, None)


@login_required
@require_GET
def disclosures_xlsx(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    return _xlsx(request, None)


@login_required
@require_GET
def student_disclosures(request: HttpRequest, student_id: int) -> HttpResponse:
    _allowed(request)
    return _page(request, get_object_or_404(Student, pk=student_id))


@login_required
@require_GET
def student_disclosures_xlsx(request: HttpRequest, student_id: int) -> HttpResponse:
    _allowed(request)
    return _xlsx(request, get_object_or_404(Student, pk=student_id))
