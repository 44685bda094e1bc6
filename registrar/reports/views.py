"""Report pages (§12), their exports and the export jobs.

Who: the registrar (the whole university or any faculty) and deans (their own faculty only).
A dean asking for another faculty gets 404 (its reports are not disclosed); students,
teachers and advisors get 403. An export job is seen and downloaded by the user who asked for
it, or by the registrar; anyone else gets 404.

The session results and contingent reports are exported in the background (an `ExportJob`
run by ``manage.py run_exports``; the job page polls its progress with HTMX); the smaller
lists are downloaded at once.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from registrar.institution.models import Faculty
from registrar.people.roles import scope_of

from . import exports, jobs, presenters
from .forms import FORMS
from .models import ExportFormat, ExportJob, ReportKind


def _context(**extra: Any) -> dict[str, Any]:
    return {"report_kinds": ReportKind.choices, "formats": ExportFormat.choices, **extra}


def _export_fields(form: Any, access: Access) -> list[tuple[str, str]]:
    """The page's filters as (name, value) pairs, for the export forms and links."""
    fields = [("faculty", str(access.faculty.pk))] if access.faculty is not None else []
    for name in form.fields:
        value = form[name].value()
        if value not in (None, ""):
            fields.append((name, str(getattr(value, "pk", value))))
    return fields


@dataclasses.dataclass(frozen=True)
class Access:
    faculty: Faculty | None
    faculties: list[Faculty]  # the faculty choices
    university_wide: bool


def _access(request: HttpRequest) -> Access:
    """403 for users without reports; 404 for a faculty out of the user's scope."""
    user = request.user
    if not user.has_perm("reports.view_reports"):
        raise PermissionDenied
    university_wide = user.has_perm("reports.view_faculty", None)
    faculties = (list(Faculty.objects.order_by("code")) if university_wide else
                 list(Faculty.objects.filter(pk__in=scope_of(user).dean_faculty_ids)
                      .order_by("code")))
    wanted = request.GET.get("faculty") or request.POST.get("faculty") or ""
    if wanted:
        try:
            faculty = Faculty.objects.get(pk=int(wanted))
        except (ValueError, Faculty.DoesNotExist) as exc:
            raise Http404 from exc
        if not user.has_perm("reports.view_faculty", faculty):
            raise Http404
        return Access(faculty, faculties, university_wide)
    if university_wide:
        return Access(None, faculties, True)
    if not faculties:
        raise PermissionDenied
    return Access(faculties[0], faculties, False)


def _kind(kind: str) -> str:
    if kind not in ReportKind.values:
        raise Http404
    return kind


def _params(request: HttpRequest, kind: str, access: Access) -> tuple[Any, Any]:
    """The bound filter form (its defaults when nothing was asked) and the parameters, or
    None when the form is invalid."""
    data = request.GET if request.method == "GET" else request.POST
    form = FORMS[kind](data or None)
    if not form.is_bound:
        defaults = {name: field.initial for name, field in form.fields.items()
                    if field.initial is not None}
        form = FORMS[kind](defaults)
    if not form.is_valid():
        return form, None
    return form, form.params(access.faculty.pk if access.faculty else None)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    recent = jobs.visible_jobs(request.user).filter(user=request.user)[:5]
    return render(request, "reports/index.html", _context(access=access, jobs=recent))


@login_required
@require_GET
def report_page(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    access = _access(request)
    form, params = _params(request, kind, access)
    report = presenters.build_report(kind, params, request.user) if params else None
    fields = _export_fields(form, access)
    return render(request, "reports/report.html", _context(
        kind=kind, title=ReportKind(kind).label, access=access, form=form, report=report,
        background=kind in presenters.BACKGROUND_KINDS, export_fields=fields,
        export_query=urlencode(fields)))


@login_required
@require_GET
def download(request: HttpRequest, kind: str, export_format: str) -> HttpResponse:
    """A small report's file at once (the big ones go through `export`)."""
    kind = _kind(kind)
    if export_format not in ExportFormat.values:
        raise Http404
    access = _access(request)
    if kind in presenters.BACKGROUND_KINDS:
        raise Http404
    form, params = _params(request, kind, access)
    if params is None:
        raise Http404
    report = presenters.build_report(kind, params, request.user)
    if export_format == ExportFormat.XLSX:
        content, content_type = exports.xlsx(report), exports.XLSX_TYPE
    else:
        content, content_type = exports.pdf(report), exports.PDF_TYPE
    return _file(content, content_type, exports.filename(kind, export_format))


@login_required
@require_POST
def export(request: HttpRequest, kind: str, export_format: str) -> HttpResponse:
    """Queue a background export of the report with the page's filters."""
    kind = _kind(kind)
    if export_format not in ExportFormat.values:
        raise Http404
    access = _access(request)
    form, params = _params(request, kind, access)
    if params is None:
        raise Http404
    job = jobs.request_export(request.user, kind, export_format, params)
    return redirect("reports:job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.defer("content").select_related("user"), pk=pk)
    if not request.user.has_perm("reports.download_export", job):
        raise Http404
    return job


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("reports.view_reports"):
        raise PermissionDenied
    return render(request, "reports/jobs.html", _context(
        jobs=jobs.visible_jobs(request.user)[:100], job_page=True))


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "reports/job.html", _context(job=job, job_page=True))


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the job page polls (hx-trigger="every 1s") until it is done."""
    job = _job(request, pk)
    return render(request, "reports/_job_progress.html", {"job": job})


@login_required
@require_GET
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.state != "done":
        raise Http404
    content = ExportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    content_type = exports.XLSX_TYPE if job.export_format == ExportFormat.XLSX else \
        exports.PDF_TYPE
    return _file(bytes(content or b""), content_type, job.filename)


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
