import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from registrar.institution.models import AcademicPeriod
from registrar.people.roles import scope_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    today = timezone.localdate()
    terms = []
    if scope.student_id is not None:
        terms = list(AcademicPeriod.objects.filter(
            ends_on__gte=today, starts_on__lte=today + dt.timedelta(days=240)
        ).select_related("year").order_by("starts_on")[:3])
    return render(request, "portal/home.html", {"scope": scope, "terms": terms})
