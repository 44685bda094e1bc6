"""Pages of interoperability: the OneRoster roster and results, transcripts as XML.

The OneRoster page is for the registrar (export and upload) and teachers (upload of their own
sections' results); anyone else gets 403, and a teacher who posts the export form gets 403.
Transcript XML follows the documents app: a document the user may not download is answered
with 404 (its existence is not disclosed), as on the PDF download.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from registrar.audit.services import disclosed

from . import oneroster, selectors, transcripts_xml
from .forms import ExportForm, ResultsUploadForm


def _use(request: HttpRequest) -> None:
    if not request.user.has_perm("interop.use"):
        raise PermissionDenied


def _page(request: HttpRequest, *, export_form: ExportForm | None = None,
          upload_form: ResultsUploadForm | None = None, problems: Any = None,
          report: Any = None, status: int = 200) -> HttpResponse:
    can_export = request.user.has_perm("interop.export_roster")
    return render(request, "interop/index.html", {
        "can_export": can_export,
        "export_form": (export_form or ExportForm()) if can_export else None,
        "upload_form": upload_form or ResultsUploadForm(),
        "problems": problems, "report": report,
    }, status=status)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _use(request)
    return _page(request)


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def export_roster(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("interop.export_roster"):
        raise PermissionDenied
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    period = form.cleaned_data["period"]
    body = oneroster.export_period(period, by=request.user,
                                   include_iin=form.cleaned_data["include_iin"],
                                   language=form.cleaned_data["language"])
    filename = f"oneroster-{slugify(str(period.year))}-{period.kind}.zip"
    return _attachment(body, "application/zip", filename)


@login_required
@require_POST
def import_results(request: HttpRequest) -> HttpResponse:
    _use(request)
    if not request.user.has_perm("interop.import_results"):
        raise PermissionDenied
    form = ResultsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    try:
        report = oneroster.import_results(form.cleaned_data["file"].read(), by=request.user,
                                          mapping=form.cleaned_data["mapping"])
    except oneroster.ResultsImportFailed as failed:
        messages.error(request, _("Nothing was imported: fix the rows below and try again."))
        return _page(request, upload_form=form, problems=failed.problems, status=400)
    messages.success(request, _("%(count)d scores entered on the statements.")
                     % {"count": report.entered})
    return _page(request, report=report)


@login_required
@require_GET
def transcripts(request: HttpRequest) -> HttpResponse:
    documents = selectors.transcripts_visible_to(request.user).select_related("student")
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    return render(request, "interop/transcripts.html", {"page": page})


def _document(request: HttpRequest, pk: int) -> Any:
    """A transcript the user may download; a revoked one is not sent to other systems."""
    document = get_object_or_404(selectors.transcripts_visible_to(request.user), pk=pk)
    if document.is_revoked:
        raise Http404
    return document


def _xml(request: HttpRequest, document: Any, body: bytes, standard: str) -> HttpResponse:
    disclosed(request.user, document.student, standard, request,
              detail=f"{document.get_kind_display()} {document.code}")
    surname = slugify(str((document.content.get("holder") or {}).get("surname", "")))
    return _attachment(body, "application/xml; charset=utf-8",
                       f"{document.kind}-{surname or document.student_id}-{document.code}"
                       f"-{standard}.xml")


@login_required
@require_GET
def transcript_elmo(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    try:
        body = transcripts_xml.elmo_xml(document)
    except transcripts_xml.XmlExportRefused:
        raise Http404 from None
    return _xml(request, document, body, "elmo")


@login_required
@require_GET
def transcript_pesc(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    try:
        body = transcripts_xml.pesc_xml(document)
    except transcripts_xml.XmlExportRefused:
        raise Http404 from None
    return _xml(request, document, body, "pesc")
