"""Pages of issued documents.

Public (no sign-in): the verification form and the verification page of a code, which shows
only what the document itself shows (never the IIN or birth date). Unknown codes get a 404
"no such document" page.

Signed-in: the documents of a student (list and issue form), issuing (POST), and downloading
an issued document as PDF or XLSX. A student outside the user's scope, or a document the user
may not download, is answered with 404 (its existence is not disclosed); a student the user
sees but may not issue for (an advisor) with 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from registrar.audit.services import disclosed
from registrar.contingent.selectors import students_visible_to
from registrar.institution.models import Language
from registrar.people.models import Student

from . import printing, selectors, services
from .models import RECORD_KINDS, IssuedDocument, normalise_code


class VerifyForm(forms.Form):
    code = forms.CharField(label=pgettext_lazy("document", "Verification code"),
                           max_length=32,
                           widget=forms.TextInput(attrs={"placeholder": "XXXX-XXXX-XXXX",
                                                         "autocomplete": "off",
                                                         "autocapitalize": "characters",
                                                         "spellcheck": "false"}))

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("A verification code has 12 letters and digits, "
                                          "e.g. K7QM-3XRD-P2WA."))
        return code


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("document", "Document"),
                             choices=[(k.value, k.label) for k in RECORD_KINDS])
    language = forms.ChoiceField(label=pgettext_lazy("document", "Language"),
                                 choices=Language.choices)


def _no_robots(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@never_cache
@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("documents:verify", code=form.cleaned_data["code"])
    return _no_robots(render(request, "documents/verify_form.html", {"form": form}))


@login_not_required
@never_cache
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    document = selectors.document_by_code(code)
    if document is None:
        return _no_robots(render(request, "documents/verify_missing.html",
                                 {"code": code[:32], "form": VerifyForm()}, status=404))
    if document.code != code:
        return redirect("documents:verify", code=document.code)
    context = printing.printable(document)
    context.update({"document": document, "intact": document.content_intact})
    return _no_robots(render(request, "documents/verify.html", context))


def _visible_student(request: HttpRequest, pk: int) -> Student:
    return get_object_or_404(students_visible_to(request.user), pk=pk)


@login_required
def student_documents(request: HttpRequest, student_id: int) -> HttpResponse:
    student = _visible_student(request, student_id)
    documents = selectors.documents_visible_to(request.user).filter(student=student)
    can_issue = request.user.has_perm("documents.issue_transcript", student)
    form = IssueForm(initial={"language": request.LANGUAGE_CODE[:2], "kind": "transcript"})
    return render(request, "documents/student_documents.html", {
        "student": student, "documents": documents, "can_issue": can_issue, "form": form,
    })


@login_required
def my_documents(request: HttpRequest) -> HttpResponse:
    student = getattr(request.user, "student", None)
    if student is None:
        raise PermissionDenied
    return redirect("documents:student_documents", student_id=student.pk)


@login_required
@require_POST
def issue(request: HttpRequest, student_id: int) -> HttpResponse:
    student = _visible_student(request, student_id)
    if not request.user.has_perm("documents.issue_transcript", student):
        raise PermissionDenied
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the document and its language."))
        return redirect("documents:student_documents", student_id=student.pk)
    try:
        document = services.issue_transcript(student, by=request.user,
                                             language=form.cleaned_data["language"],
                                             kind=form.cleaned_data["kind"])
    except services.DocumentRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The document %(code)s is issued.") % {"code": document.code})
    return redirect("documents:student_documents", student_id=student.pk)


def _visible_document(request: HttpRequest, pk: int) -> IssuedDocument:
    return get_object_or_404(selectors.documents_visible_to(request.user), pk=pk)


def _filename(document: IssuedDocument, extension: str) -> str:
    surname = slugify(document.content["holder"].get("surname", ""), allow_unicode=False)
    return f"{document.kind}-{surname or document.student_id}-{document.code}.{extension}"


def _detail(document: IssuedDocument) -> str:
    """How the disclosure log names a document: its kind and code."""
    return f"{document.get_kind_display()} {document.code}"


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = _visible_document(request, pk)
    if document.kind not in RECORD_KINDS:  # printed by graduation, on its own layout
        return redirect("graduation:download_pdf", pk=document.pk)
    body = services.render_pdf(document)
    disclosed(request.user, document.student, "pdf", request, detail=_detail(document))
    return _attachment(body, "application/pdf", _filename(document, "pdf"))


@login_required
@require_GET
def download_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    document = _visible_document(request, pk)
    if document.kind not in RECORD_KINDS:
        raise Http404
    body = services.transcript_xlsx(document)
    disclosed(request.user, document.student, "xlsx", request, detail=_detail(document))
    return _attachment(
        body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _filename(document, "xlsx"))
