"""The home page: a student's dashboard; the cards of the staff roles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from registrar.people.models import Role
from registrar.people.roles import scope_of

from .. import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    dashboard = None
    if scope.student_id is not None:
        dashboard = selectors.student_dashboard(scope.student_id, user=request.user,
                                                today=timezone.localdate())
    is_staff = (scope.staff_id is not None or bool(scope.roles - {Role.STUDENT})
                or request.user.is_superuser)
    return render(request, "portal/home.html", {
        "scope": scope,
        "dashboard": dashboard,
        "is_staff": is_staff,
        "is_teacher": Role.TEACHER in scope.roles,
        "is_advisor": Role.ADVISOR in scope.roles,
        "is_dean_or_registrar": (scope.is_registrar or bool(scope.dean_faculty_ids)
                                 or request.user.is_superuser),
        "is_registrar": scope.is_registrar or request.user.is_superuser,
    })
