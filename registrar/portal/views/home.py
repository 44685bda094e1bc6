from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registrar.people.roles import scope_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    return render(request, "portal/home.html", {"scope": scope})
