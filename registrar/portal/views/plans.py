"""Individual study plans in the portal (§5): the student builds and submits, the advisor and
the dean approve or return; everyone entitled can print."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registrar.curriculum import selectors as curriculum
from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicPeriod
from registrar.people.models import Student
from registrar.people.roles import scope_of
from registrar.registration import services
from registrar.registration.documents import plan_pdf
from registrar.registration.models import PlanState, StudyPlan


def _plan(request: HttpRequest, pk: int) -> StudyPlan:
    plan = get_object_or_404(StudyPlan.objects.select_related("student__programme", "period"),
                             pk=pk)
    if not request.user.has_perm("registration.view_studyplan", plan):
        raise Http404
    return plan


def _run(request: HttpRequest, action, success: str) -> None:
    try:
        action()
    except services.RegistrationRefused as refused:
        for problem in refused.problems:
            messages.error(request, str(problem))
    else:
        messages.success(request, success)


@login_required
def my_plan(request: HttpRequest, period_id: int) -> HttpResponse:
    """The signed-in student's plan for a term, generated on first visit."""
    student_id = scope_of(request.user).student_id
    if student_id is None:
        raise PermissionDenied
    period = get_object_or_404(AcademicPeriod, pk=period_id)
    student = Student.objects.select_related("group", "programme").get(pk=student_id)
    try:
        plan = services.generate_plan(student, period, by=request.user)
    except services.RegistrationRefused as refused:
        return render(request, "portal/plans/unavailable.html", {"problems": refused.problems},
                      status=409)
    return redirect("portal:plan_detail", pk=plan.pk)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = request.user
    can_change = (user.has_perm("registration.change_studyplan", plan)
                  and plan.state in (PlanState.DRAFT, PlanState.RETURNED))
    found = curriculum.curriculum_of(plan.student)
    planned = set(plan.lines.values_list("discipline_id", flat=True))
    catalogue = ([e for e in curriculum.elective_catalogue(found, plan.semester)
                  if e.discipline_id not in planned] if found and can_change else [])
    lines = list(plan.lines.select_related("discipline"))
    return render(request, "portal/plans/detail.html", {
        "plan": plan,
        "lines": lines,
        "total": sum(line.credits for line in lines),
        "problems": services.plan_problems(plan) if can_change else [],
        "catalogue": catalogue,
        "can_change": can_change,
        "can_advisor_approve": plan.state == PlanState.SUBMITTED and user.has_perm(
            "registration.advisor_approve_studyplan", plan),
        "can_dean_approve": plan.state == PlanState.ADVISOR_APPROVED and user.has_perm(
            "registration.dean_approve_studyplan", plan),
    })


@login_required
@require_POST
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    plan = _plan(request, pk)
    user = request.user
    if action in ("add", "remove"):
        discipline = get_object_or_404(Discipline, pk=request.POST.get("discipline"))
        operation = services.add_elective if action == "add" else services.remove_elective
        _run(request, lambda: operation(plan, discipline, by=user),
             _("The plan is updated."))
    elif action == "submit":
        _run(request, lambda: services.submit_plan(plan, by=user),
             _("The plan is submitted to your advisor."))
    elif action == "advisor-approve":
        _run(request, lambda: services.advisor_approve(plan, by=user),
             _("The plan is approved and sent to the dean."))
    elif action == "dean-approve":
        _run(request, lambda: services.dean_approve(plan, by=user), _("The plan is approved."))
    elif action == "return":
        _run(request, lambda: services.return_plan(plan, by=user,
                                                   comment=request.POST.get("comment", "")),
             _("The plan is returned to the student."))
    else:
        raise Http404
    return redirect("portal:plan_detail", pk=plan.pk)


@login_required
def plan_print(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    plan = _plan(request, pk)
    if language not in ("kk", "ru", "en"):
        raise Http404
    response = HttpResponse(plan_pdf(plan, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{plan.pk}-{language}.pdf"'
    return response


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Plans waiting for this advisor or dean."""
    scope = scope_of(request.user)
    waiting = Q(pk__in=[])
    if scope.staff_id is not None:
        waiting |= Q(state=PlanState.SUBMITTED, student__advisor_id=scope.staff_id)
    if scope.dean_faculty_ids:
        waiting |= Q(state=PlanState.ADVISOR_APPROVED,
                     student__programme__department__faculty_id__in=scope.dean_faculty_ids)
    if scope.is_registrar:
        waiting = Q(state__in=[PlanState.SUBMITTED, PlanState.ADVISOR_APPROVED])
    plans = (StudyPlan.objects.filter(waiting).select_related("student__group", "period")
             .order_by("submitted_at")[:200])
    return render(request, "portal/plans/approvals.html", {"plans": plans})
