"""Grade entry for teachers, reopening for deans, own scores for students (§6)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registrar.assessment import documents, selectors, services, spreadsheets
from registrar.assessment.models import (
    GradeSheet,
    ReopenRequest,
    ReopenState,
    SheetKind,
    SheetState,
)
from registrar.people.imports import ImportFailed
from registrar.people.roles import scope_of

from ..links import id_link_prefix


def _sheet(request: HttpRequest, pk: int) -> GradeSheet:
    sheet = get_object_or_404(selectors.sheets_visible_to(request.user), pk=pk)
    return sheet


def _sheet_to_show(request: HttpRequest, pk: int) -> GradeSheet:
    """`_sheet` for its page, which does not show the teacher: one join fewer."""
    return get_object_or_404(selectors.sheets_visible_to(request.user).select_related(None)
                             .select_related("section__discipline", "section__period__year"),
                             pk=pk)


@login_required
def teaching(request: HttpRequest) -> HttpResponse:
    """The sheets of the sections I teach (or, for a dean or the registrar, in my scope)."""
    sheets = selectors.sheet_rows(request.user, limit=300)
    link = id_link_prefix("portal:sheet_detail")
    for row in sheets:
        row["url"] = f"{link}{row['pk']}/"
    return render(request, "portal/grades/sheets.html", {"sheets": sheets})


@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk) if request.method == "POST" else _sheet_to_show(request, pk)
    can_enter = (request.user.has_perm("assessment.enter_grades", sheet)
                 and sheet.state != SheetState.LOCKED)
    if request.method == "POST":
        if not request.user.has_perm("assessment.enter_grades", sheet):
            raise PermissionDenied
        rows = []
        for entry in sheet.entries.all():
            key = f"score-{entry.student_id}"
            if key not in request.POST and f"absent-{entry.student_id}" not in request.POST:
                continue
            rows.append({
                "student_id": entry.student_id,
                "score": request.POST.get(key, ""),
                "absent": request.POST.get(f"absent-{entry.student_id}") == "on",
                "absence_share": request.POST.get(f"absence-{entry.student_id}") or None,
            })
        try:
            changed = services.enter_scores(sheet, rows, by=request.user)
        except services.GradingRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("%(count)d scores saved.") % {"count": len(changed)})
        return redirect("portal:sheet_detail", pk=sheet.pk)
    return render(request, "portal/grades/sheet.html", {
        "sheet": sheet,
        "entries": selectors.sheet_entry_rows(sheet),
        "validate_url": reverse("portal:sheet_validate", args=[sheet.pk]),
        "can_enter": can_enter,
        "is_exam": sheet.kind in (SheetKind.EXAM, SheetKind.RESIT),
        "is_rating_2": sheet.kind == SheetKind.RATING_2,
        "can_request_reopen": sheet.state == SheetState.LOCKED and request.user.has_perm(
            "assessment.request_reopen", sheet),
    })


@login_required
@require_POST
def validate_score(request: HttpRequest, pk: int) -> HttpResponse:
    """HTMX: check one typed score and answer with the error text (empty when fine)."""
    _sheet(request, pk)
    key = next((k for k in request.POST if k.startswith("score-")), None)
    value = request.POST.get(key, "") if key else ""
    if value.strip() == "":
        return HttpResponse("")
    try:
        services.parse_score(value)
    except services.GradingRefused as refused:
        # the message quotes what was typed; HTMX puts the answer into the page as HTML
        return HttpResponse(escape(refused.message))
    return HttpResponse("")


@login_required
@require_POST
def sheet_submit(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Confirm the submission: a submitted sheet is locked."))
        return redirect("portal:sheet_detail", pk=sheet.pk)
    try:
        services.submit_sheet(sheet, by=request.user)
    except services.GradingRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The sheet is submitted and locked."))
    return redirect("portal:sheet_detail", pk=sheet.pk)


@login_required
@require_POST
def sheet_upload(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an XLSX file."))
        return redirect("portal:sheet_detail", pk=sheet.pk)
    try:
        changed = spreadsheets.upload_scores(sheet, upload.name or "", upload.read(),
                                             request.user)
    except ImportFailed as failed:
        for error in failed.errors[:50]:
            messages.error(request, _("Row %(row)s, %(column)s: %(message)s") % {
                "row": error.row, "column": error.column, "message": error.message})
    except services.GradingRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("%(count)d scores saved.") % {"count": len(changed)})
    return redirect("portal:sheet_detail", pk=sheet.pk)


@login_required
def sheet_template(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    response = HttpResponse(
        spreadsheets.sheet_template_xlsx(sheet),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="sheet-{sheet.pk}.xlsx"'
    return response


@login_required
def sheet_print(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    sheet = _sheet(request, pk)
    if language not in ("kk", "ru", "en"):
        raise Http404
    response = HttpResponse(documents.sheet_pdf(sheet, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sheet-{sheet.pk}-{language}.pdf"'
    return response


@login_required
@require_POST
def sheet_reopen_request(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    try:
        services.request_reopen(sheet, by=request.user, reason=request.POST.get("reason", ""))
    except services.GradingRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The request is sent to the dean."))
    return redirect("portal:sheet_detail", pk=sheet.pk)


@login_required
def reopen_requests(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).dean_faculty_ids and not scope_of(request.user).is_registrar:
        raise PermissionDenied
    visible = selectors.sheets_visible_to(request.user)
    pending = (ReopenRequest.objects.filter(state=ReopenState.PENDING, sheet__in=visible)
               .select_related("sheet__section__discipline", "requested_by"))
    return render(request, "portal/grades/reopen_requests.html", {"requests": pending})


@login_required
@require_POST
def reopen_decide(request: HttpRequest, pk: int) -> HttpResponse:
    reopen = get_object_or_404(ReopenRequest.objects.filter(
        sheet__in=selectors.sheets_visible_to(request.user)), pk=pk)
    try:
        hours = int(request.POST.get("hours", "48"))
        services.decide_reopen(reopen, by=request.user,
                               approve=request.POST.get("decision") == "approve", hours=hours)
    except ValueError:
        messages.error(request, _("Hours must be a whole number."))
    except services.GradingRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("portal:reopen_requests")


@login_required
def my_grades(request: HttpRequest) -> HttpResponse:
    student_id = scope_of(request.user).student_id
    if student_id is None:
        raise PermissionDenied
    return render(request, "portal/grades/mine.html", {
        "rows": selectors.own_grade_lines(student_id)})


@login_required
def grade_changes_report(request: HttpRequest) -> HttpResponse:
    """Every change to a locked grade in a term (§6 integrity): for the registrar."""
    from registrar.institution.models import AcademicPeriod

    if not scope_of(request.user).is_registrar:
        raise PermissionDenied
    periods = AcademicPeriod.objects.select_related("year").order_by("-starts_on")
    period = periods.filter(pk=request.GET.get("period") or 0).first() or periods.first()
    rows = selectors.grade_changes(period) if period else []
    return render(request, "portal/grades/changes.html", {
        "periods": periods, "period": period, "rows": rows})
