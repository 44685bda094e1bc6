"""Issued documents (§11): the list and metadata of the documents the caller may download (the
holder, the dean of the holder's faculty, the registrar; any other is not found), and the PDF
of one. Diplomas and supplements print on the graduation layout, which the portal offers to
the registrar and deans only (403 for their holder, as in the portal)."""


import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from registrar.audit.models import Disclosure
from registrar.audit.services import disclosed
from registrar.documents import services
from registrar.documents.models import RECORD_KINDS, DocumentKind, IssuedDocument
from registrar.documents.selectors import documents_visible_to
from registrar.graduation import printing as graduation_printing
from registrar.institution.models import Language

from .common import READ_ERRORS, Id, Pagination, PathId, answers

router = Router(tags=["documents"])

PDF_RESPONSE = {
    "200": {
        "description": "The document as printed (PDF).",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    },
}


class DocumentOut(Schema):
    id: int
    kind: DocumentKind
    student_id: int
    language: Language
    code: str = Field(description="The verification code printed on the document.")
    issued_at: dt.datetime
    revoked: bool = Field(alias="is_revoked")
    revoked_at: dt.datetime | None
    content_sha256: str
    verification_url: str
    pdf_url: str

    @staticmethod
    def resolve_verification_url(document: IssuedDocument) -> str:
        return services.verification_url(document.code, document.language)

    @staticmethod
    def resolve_pdf_url(document: IssuedDocument) -> str:
        return reverse("api-1:document_pdf", args=[document.pk])


class DocumentFilter(Schema):
    student_id: Id | None = None
    kind: DocumentKind | None = None
    revoked: bool | None = None


def _visible(request: HttpRequest, document_id: int) -> IssuedDocument:
    return get_object_or_404(documents_visible_to(request.user), pk=document_id)


@router.get("", response=answers(list[DocumentOut]), summary="Documents I may download")
@paginate(Pagination)
def list_documents(request: HttpRequest, filters: Query[DocumentFilter]) -> Any:
    documents = documents_visible_to(request.user)
    if filters.student_id is not None:
        documents = documents.filter(student_id=filters.student_id)
    if filters.kind is not None:
        documents = documents.filter(kind=filters.kind)
    if filters.revoked is not None:
        documents = documents.filter(revoked_at__isnull=not filters.revoked)
    return documents.order_by("-issued_at", "-pk")


@router.get("/{document_id}", response=answers(DocumentOut), summary="One document's metadata")
def get_document(request: HttpRequest, document_id: PathId) -> Any:
    return _visible(request, document_id)


@router.get("/{document_id}/pdf", response=READ_ERRORS, openapi_extra={"responses": PDF_RESPONSE},
            url_name="document_pdf", summary="Download the document (PDF)")
def document_pdf(request: HttpRequest, document_id: PathId) -> HttpResponse:
    document = _visible(request, document_id)
    if document.kind in RECORD_KINDS:
        body = services.render_pdf(document)
    elif request.user.has_perm("graduation.use"):
        body = graduation_printing.render_pdf(document)
    else:
        raise PermissionDenied
    disclosed(request.user, document.student, Disclosure.What.PDF, request,
              detail=f"{document.get_kind_display()} {document.code}")
    surname = slugify(document.content.get("holder", {}).get("surname", ""))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{document.kind}-{surname or document.student_id}-'
        f'{document.code}.pdf"')
    response["Cache-Control"] = "private, no-store"
    return response
