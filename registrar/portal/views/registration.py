"""Section registration page for a student (§5): live seats, waitlist position, register,
drop and swap. The page posts to these views; the JSON API offers the same operations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registrar.people.models import Student
from registrar.people.roles import scope_of
from registrar.registration import services
from registrar.registration.models import Registration, Section

from .. import selectors


def _student(request: HttpRequest) -> Student:
    student_id = scope_of(request.user).student_id
    if student_id is None:
        raise PermissionDenied
    return Student.objects.select_related("programme").get(pk=student_id)


@login_required
def registration_page(request: HttpRequest, period_id: int) -> HttpResponse:
    """The signed-in student's own page (the HTMX variant refreshes the rows every 10 s)."""
    student_id = scope_of(request.user).student_id
    if student_id is None:
        raise PermissionDenied
    page = selectors.registration_page(student_id, period_id)
    if page is None:
        raise Http404
    template = ("portal/registration/rows.html" if getattr(request, "htmx", False)
                else "portal/registration/page.html")
    return render(request, template, {"period": page.period, "plan": page.plan,
                                      "rows": page.rows})


def _run(request: HttpRequest, action, success: str) -> None:
    try:
        action()
    except services.RegistrationRefused as refused:
        for problem in refused.problems:
            messages.error(request, str(problem))
    else:
        messages.success(request, success)


@login_required
@require_POST
def register_action(request: HttpRequest, period_id: int) -> HttpResponse:
    student = _student(request)
    section = get_object_or_404(Section.objects.select_related("period"),
                                pk=request.POST.get("section"), period_id=period_id)
    registration_id = request.POST.get("registration")
    if registration_id:
        registration = get_object_or_404(Registration, pk=registration_id, student=student)
        _run(request, lambda: services.swap(registration, section, by=request.user),
             _("You moved to section %(code)s.") % {"code": section.code})
    else:
        _run(request, lambda: services.register(student, section, by=request.user),
             _("Registered for section %(code)s.") % {"code": section.code})
    return redirect("portal:registration", period_id=period_id)


@login_required
@require_POST
def drop_action(request: HttpRequest, period_id: int, pk: int) -> HttpResponse:
    student = _student(request)
    registration = get_object_or_404(Registration, pk=pk, student=student)
    _run(request, lambda: services.drop(registration, by=request.user),
         _("The registration is dropped."))
    return redirect("portal:registration", period_id=period_id)
