"""Issuing and revoking documents (§11).

`issue_transcript` freezes what the document shows into an `IssuedDocument` (the snapshot from
`selectors.transcript_data`, its SHA-256 and a random verification code) and records an audit
event; `render_pdf` and `transcript_xlsx` print that snapshot (see `printing`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from registrar.audit import services as audit
from registrar.institution.models import Language
from registrar.people.choices import StudentStatus
from registrar.people.models import Student
from registrar.records import gpa
from registrar.records.models import Attempt, GpaSnapshot

from . import permissions, selectors  # noqa: F401  (permissions registers the rules)
from .models import RECORD_KINDS, DocumentKind, IssuedDocument, new_code
from .printing import render_pdf, transcript_xlsx, verification_url

__all__ = ["DocumentRefused", "build_content", "issue_transcript", "render_pdf", "revoke",
           "transcript_xlsx", "verification_url"]

# §11: the academic certificate is for students who leave before graduation.
LEFT_BEFORE_GRADUATION = (StudentStatus.EXPELLED, StudentStatus.TRANSFERRED_OUT)
CODE_ATTEMPTS = 5


class DocumentRefused(Exception):
    """The document cannot be issued or changed; the message says why. Nothing was written."""


def _require(user: Any, perm: str, obj: Any) -> None:
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def ensure_snapshots(student: Student) -> None:
    """Make sure every term of the student's attempts has its `GpaSnapshot` (attempts written
    in bulk, e.g. by an import, may have none yet); recomputed by `records.gpa` itself, so the
    figures are the same as everywhere else."""
    terms = set(Attempt.objects.filter(student=student).values_list("period_id", flat=True))
    stored = set(GpaSnapshot.objects.filter(student=student).values_list("period_id", flat=True))
    if terms != stored:
        gpa.recompute([student.pk])


def printed_title(kind: str) -> str:
    """The title printed on the document, in the active language."""
    if kind == DocumentKind.ACADEMIC_CERTIFICATE:
        return pgettext("document", "ACADEMIC CERTIFICATE")
    return pgettext("document", "TRANSCRIPT")


def build_content(student: Student, *, kind: str, language: str) -> dict[str, Any]:
    """Exactly what the document shows, as JSON values."""
    data = selectors.transcript_data(student, language)
    with translation.override(language):
        title = printed_title(kind)
        kind_label = str(DocumentKind(kind).label)
    return {"kind": kind, "kind_label": kind_label, "title": title, **data}


def _check_request(student: Student, *, by: Any, language: str, kind: str) -> None:
    if kind not in DocumentKind.values:
        raise DocumentRefused(_("Unknown document kind: %(kind)s.") % {"kind": kind})
    if kind not in RECORD_KINDS:
        raise DocumentRefused(_("A diploma or its supplement is issued only through graduation, "
                                "on a blank form."))
    if language not in Language.values:
        raise DocumentRefused(_("The document language must be Kazakh, Russian or English."))
    _require(by, "documents.issue_transcript", student)
    if kind == DocumentKind.ACADEMIC_CERTIFICATE and student.status not in LEFT_BEFORE_GRADUATION:
        raise DocumentRefused(
            _("An academic certificate is issued only to a student who has left before "
              "graduation (expelled or transferred to another university); %(name)s is "
              "“%(status)s”. Issue a transcript instead.")
            % {"name": student.full_name, "status": student.get_status_display()})


@transaction.atomic
def issue_transcript(student: Student, *, by: Any, language: str,
                     kind: str = DocumentKind.TRANSCRIPT) -> IssuedDocument:
    """Issue a transcript (or, for a student who left, an academic certificate) in kk/ru/en.

    Allowed to the registrar, the dean of the student's faculty and the student themself.
    Raises PermissionDenied or DocumentRefused (with the reason) and then writes nothing."""
    student = Student.objects.select_related("programme__department").get(pk=student.pk)
    _check_request(student, by=by, language=language, kind=kind)
    ensure_snapshots(student)
    content = build_content(student, kind=kind, language=language)
    if not content["terms"]:
        raise DocumentRefused(
            _("%(name)s has no recorded results yet: there is nothing to put on the document.")
            % {"name": student.full_name})
    issued_by = by if getattr(by, "pk", None) else None
    for attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                document = IssuedDocument.objects.create(
                    kind=kind, student=student, language=language, code=new_code(),
                    issued_at=timezone.now(), issued_by=issued_by, content=content)
            break
        except IntegrityError:  # the one-in-2^60 clash of codes: draw another
            if attempt == CODE_ATTEMPTS - 1:
                raise
    audit.record(by, "document.issued", student, {
        "kind": kind, "code": document.code, "language": language,
        "content_sha256": document.content_sha256,
    })
    return document


@transaction.atomic
def revoke(document: IssuedDocument, *, by: Any, reason: str) -> IssuedDocument:
    """Mark a document revoked (the registrar, with a reason); its verification page says so.
    The document itself stays as issued."""
    _require(by, "documents.revoke_issueddocument", document)
    reason = (reason or "").strip()
    if not reason:
        raise DocumentRefused(_("Give the reason for revoking this document."))
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_revoked:
        raise DocumentRefused(_("This document has already been revoked."))
    document.revoked_at = timezone.now()
    document.revoked_by = by if getattr(by, "pk", None) else None
    document.revoke_reason = reason
    document.save()
    audit.record(by, "document.revoked", document.student, {
        "kind": document.kind, "code": document.code}, reason=reason)
    return document
