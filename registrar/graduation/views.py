"""Pages of final attestation and graduation (§9, §11).

Only the registrar and deans use them: anyone else (students, teachers, advisors) gets 403.
A dean sees the commissions, results, theses, graduation preview and diplomas of their own
faculty and gets 404 for anything of another faculty (its existence is not disclosed); every
change (commissions, results, graduation orders, diplomas) is the registrar's, and a dean who
tries one gets 403. The services check the same permissions again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from registrar.audit.services import disclosed
from registrar.contingent import services as contingent
from registrar.contingent.selectors import students_visible_to
from registrar.documents.models import DocumentKind, IssuedDocument
from registrar.documents.selectors import documents_visible_to
from registrar.people.choices import StudentStatus
from registrar.people.models import Student
from registrar.policy.selectors import academic_start_year

from . import diplomas, exports, printing, selectors, services
from .forms import (
    CommissionForm,
    DraftOrderForm,
    EventForm,
    IssueForm,
    MemberForm,
    PreviewForm,
    ResultForm,
    ThesesFilterForm,
)
from .graduation import draft_order
from .models import AttestationKind, CommissionMember

DIPLOMA_KINDS = (DocumentKind.DIPLOMA, DocumentKind.DIPLOMA_SUPPLEMENT)


def _use(request: HttpRequest) -> None:
    if not (request.user.has_perm("graduation.use") or request.user.is_superuser):
        raise PermissionDenied


def _manage(request: HttpRequest, perm: str = "graduation.manage_attestation") -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _refused(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, contingent.OrderRefused):
        for problem in exc.problems:
            messages.error(request, str(problem))
    else:
        messages.error(request, str(exc))


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


# --- Overview and commissions ----------------------------------------------------------------

@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _use(request)
    return redirect("graduation:commissions")


@login_required
@require_GET
def commissions(request: HttpRequest) -> HttpResponse:
    _use(request)
    found = selectors.commissions_visible_to(request.user)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "graduation/commissions.html", {
        "page": page, "can_manage": request.user.has_perm("graduation.manage_attestation"),
    })


@login_required
def commission_create(request: HttpRequest) -> HttpResponse:
    _use(request)
    _manage(request)
    form = CommissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commission = services.create_commission(by=request.user, **form.cleaned_data)
        except services.AttestationRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The commission is created."))
            return redirect("graduation:commission", pk=commission.pk)
    return render(request, "graduation/commission_form.html", {"form": form})


@login_required
@require_GET
def commission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _use(request)
    commission = get_object_or_404(selectors.commissions_visible_to(request.user), pk=pk)
    can_manage = request.user.has_perm("graduation.manage_attestation")
    events = commission.events.all().order_by("held_on", "pk")
    return render(request, "graduation/commission_detail.html", {
        "commission": commission,
        "members": commission.members.all(),
        "events": events,
        "can_manage": can_manage,
        "member_form": MemberForm() if can_manage else None,
        "event_form": EventForm() if can_manage else None,
    })


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    _use(request)
    commission = get_object_or_404(selectors.commissions_visible_to(request.user), pk=pk)
    _manage(request)
    form = MemberForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.add_member(commission, by=request.user, **form.cleaned_data)
        except services.AttestationRefused as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The member is added."))
    return redirect("graduation:commission", pk=commission.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    _use(request)
    commission = get_object_or_404(selectors.commissions_visible_to(request.user), pk=pk)
    member = get_object_or_404(CommissionMember, pk=member_pk, commission=commission)
    _manage(request)
    try:
        services.remove_member(member, by=request.user)
    except services.AttestationRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The member is removed."))
    return redirect("graduation:commission", pk=commission.pk)


@login_required
@require_POST
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    _use(request)
    commission = get_object_or_404(selectors.commissions_visible_to(request.user), pk=pk)
    _manage(request)
    form = EventForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("graduation:commission", pk=commission.pk)
    try:
        event = services.create_event(commission, by=request.user, **form.cleaned_data)
    except services.AttestationRefused as exc:
        _refused(request, exc)
        return redirect("graduation:commission", pk=commission.pk)
    messages.success(request, _("The event is added."))
    return redirect("graduation:event", pk=event.pk)


# --- Results ---------------------------------------------------------------------------------

def _result_form(event: Any, data: Any = None) -> ResultForm:
    graded = Student.objects.filter(attestation_results__event=event)
    students = (selectors.eligible_students(event) | graded).distinct().select_related(
        "group").order_by("group__name", "last_name_ru", "first_name_ru", "pk")
    return ResultForm(data, students=students,
                      thesis=event.kind == AttestationKind.THESIS_DEFENCE)


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _use(request)
    event = get_object_or_404(selectors.events_visible_to(request.user), pk=pk)
    can_manage = request.user.has_perm("graduation.manage_attestation")
    results = event.results.select_related("student__group", "student__programme").order_by(
        "student__group__name", "student__last_name_ru", "student__first_name_ru")
    return render(request, "graduation/event_detail.html", {
        "event": event, "commission": event.commission, "results": results,
        "can_manage": can_manage, "form": _result_form(event) if can_manage else None,
        "waiting": selectors.eligible_students(event).count(),
    })


@login_required
@require_POST
def result_record(request: HttpRequest, pk: int) -> HttpResponse:
    _use(request)
    event = get_object_or_404(selectors.events_visible_to(request.user), pk=pk)
    _manage(request)
    form = _result_form(event, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("graduation:event", pk=event.pk)
    data = dict(form.cleaned_data)
    student = data.pop("student")
    try:
        result = services.record_result(event, by=request.user, student=student, **data)
    except services.AttestationRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("%(name)s: %(letter)s is recorded.")
                         % {"name": student.full_name, "letter": result.letter})
    return redirect("graduation:event", pk=event.pk)


# --- Theses register -------------------------------------------------------------------------

def _theses(request: HttpRequest) -> tuple[ThesesFilterForm, Any]:
    form = ThesesFilterForm(request.GET or None,
                            programmes=selectors.programmes_visible_to(request.user),
                            faculties=selectors.faculties_visible_to(request.user))
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {"start_year": data.get("year"), "faculty": data.get("faculty"),
                   "programme": data.get("programme"), "letter": data.get("letter") or "",
                   "text": data.get("q") or ""}
    return form, selectors.theses(request.user, **filters)


@login_required
@require_GET
def theses(request: HttpRequest) -> HttpResponse:
    _use(request)
    form, results = _theses(request)
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "graduation/theses.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "language": (request.LANGUAGE_CODE or "ru")[:2],
    })


@login_required
@require_GET
def theses_xlsx(request: HttpRequest) -> HttpResponse:
    _use(request)
    _form, results = _theses(request)
    response = HttpResponse(
        exports.theses_xlsx(results),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="theses-{timezone.localdate():%Y%m%d}.xlsx"')
    response["Cache-Control"] = "private, no-store"
    return response


# --- Graduation preview and order ------------------------------------------------------------

def _scope_of_form(request: HttpRequest, form: PreviewForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"start_year": data["year"], "programme": data.get("programme"),
            "faculty": None if data.get("programme") else data.get("faculty")}


@login_required
@require_GET
def preview(request: HttpRequest) -> HttpResponse:
    _use(request)
    visible_programmes = selectors.programmes_visible_to(request.user)
    visible_faculties = selectors.faculties_visible_to(request.user)
    form = PreviewForm(request.GET or None, programmes=visible_programmes,
                       faculties=visible_faculties)
    rows, scope = None, None
    if request.GET:
        # A programme or faculty outside the user's scope is not disclosed.
        for key, queryset in (("programme", visible_programmes),
                              ("faculty", visible_faculties)):
            value = request.GET.get(key)
            if value and value.isdigit() and not queryset.filter(pk=int(value)).exists():
                raise Http404
        if form.is_valid():
            scope = _scope_of_form(request, form)
            rows = selectors.preview(by=request.user, **scope)
    can_draft = request.user.has_perm("graduation.draft_order")
    return render(request, "graduation/preview.html", {
        "form": form, "rows": rows, "scope": scope, "can_draft": can_draft,
        "ready": [r for r in rows or [] if r.ready],
        "today": timezone.localdate().isoformat(),
    })


@login_required
@require_POST
def preview_draft(request: HttpRequest) -> HttpResponse:
    _use(request)
    _manage(request, "graduation.draft_order")
    form = DraftOrderForm(request.POST, programmes=selectors.programmes_visible_to(request.user),
                          faculties=selectors.faculties_visible_to(request.user))
    back = reverse("graduation:preview")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    scope = _scope_of_form(request, form)
    query = f"?year={scope['start_year']}" + (
        f"&programme={scope['programme'].pk}" if scope["programme"] else
        f"&faculty={scope['faculty'].pk}")
    chosen = form.cleaned_data.get("students") or []
    if not chosen:
        messages.error(request, _("Choose the students to put in the order."))
        return redirect(back + query)
    try:
        order = draft_order(by=request.user, effective_date=form.cleaned_data["effective_date"],
                            student_ids=chosen, **scope)
    except (services.AttestationRefused, contingent.OrderRefused) as exc:
        _refused(request, exc)
        return redirect(back + query)
    messages.success(request, _("The draft graduation order is created with %(count)d "
                                "students; approve and apply it here.")
                     % {"count": order.items.count()})
    return redirect("portal:order_detail", pk=order.pk)


# --- Diplomas and supplements ----------------------------------------------------------------

def _graduate(request: HttpRequest, student_id: int) -> Student:
    return get_object_or_404(students_visible_to(request.user), pk=student_id)


@login_required
@require_GET
def student_diploma(request: HttpRequest, student_id: int) -> HttpResponse:
    _use(request)
    student = _graduate(request, student_id)
    documents = documents_visible_to(request.user).filter(student=student,
                                                          kind__in=DIPLOMA_KINDS)
    can_issue = request.user.has_perm("graduation.issue_diploma", student)
    valid = {kind: [d for d in documents if d.kind == kind and not d.is_revoked]
             for kind in DIPLOMA_KINDS}
    verdict = None
    graduation = diplomas.graduation_of(student)
    if graduation is not None:
        verdict = selectors.student_verdict(
            student, academic_start_year(graduation.effective_date))[2]
    return render(request, "graduation/student.html", {
        "student": student, "documents": documents, "can_issue": can_issue,
        "graduated": student.status == StudentStatus.GRADUATED, "graduation": graduation,
        "verdict": verdict,
        "has_diploma": bool(valid[DocumentKind.DIPLOMA]),
        "has_supplement": bool(valid[DocumentKind.DIPLOMA_SUPPLEMENT]),
        "form": IssueForm(initial={"language": student.programme.language}),
    })


@login_required
@require_POST
def issue(request: HttpRequest, student_id: int, kind: str) -> HttpResponse:
    _use(request)
    student = _graduate(request, student_id)
    if not request.user.has_perm("graduation.issue_diploma", student):
        raise PermissionDenied
    form = IssueForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("graduation:student", student_id=student.pk)
    service = {"diploma": diplomas.issue_diploma,
               "supplement": diplomas.issue_supplement}.get(kind)
    if service is None:
        raise Http404
    try:
        document = service(student, by=request.user, language=form.cleaned_data["language"])
    except diplomas.DiplomaRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("%(document)s %(code)s is issued.")
                         % {"document": document.get_kind_display(), "code": document.code})
    return redirect("graduation:student", student_id=student.pk)


@login_required
@require_GET
def download_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _use(request)
    document: IssuedDocument = get_object_or_404(
        documents_visible_to(request.user).filter(kind__in=DIPLOMA_KINDS), pk=pk)
    surname = slugify(document.content.get("holder", {}).get("surname", ""))
    body = printing.render_pdf(document)
    disclosed(request.user, document.student, "pdf", request,
              detail=f"{document.get_kind_display()} {document.code}")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{document.kind}-{surname or document.student_id}-'
        f'{document.code}.pdf"')
    response["Cache-Control"] = "private, no-store"
    return response
