"""Scholarship rounds and vacant-grant competitions in the portal (§10).

Registrar: everything. Dean: the rounds of their own faculty and the competitions of its
programmes; others (and university-wide rounds) are answered with 404. Students, teachers and
advisors get 403 on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registrar.contingent.choices import OrderState
from registrar.contingent.services import OrderRefused

from . import selectors, services, statements, texts
from .forms import CompetitionForm, EffectiveDateForm, FilterForm, RoundForm
from .models import GrantCompetition, RoundState, ScholarshipRound

LANGUAGES = ("kk", "ru", "en")


def _require_lists(request: HttpRequest) -> None:
    if not request.user.has_perm("scholarships.view_lists"):
        raise PermissionDenied


def _round(request: HttpRequest, pk: int) -> ScholarshipRound:
    _require_lists(request)
    return get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)


def _competition(request: HttpRequest, pk: int) -> GrantCompetition:
    _require_lists(request)
    return get_object_or_404(selectors.competitions_visible_to(request.user), pk=pk)


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    try:
        action()
    except OrderRefused as refused:
        messages.error(request, _("The order was not drafted:"))
        for problem in refused.problems:
            messages.error(request, str(problem))
    except services.ScholarshipRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, success)
        return True
    return False


# --- Rounds ---------------------------------------------------------------------------------

@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    _require_lists(request)
    user = request.user
    form = RoundForm(request.POST or None, faculties=selectors.faculties_for(user),
                     allow_university=selectors.is_registrar(user))
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.create_round(by=user, **form.cleaned_data)
        except services.ScholarshipRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None,
                           refused.message)
        else:
            messages.success(request, _("The scholarship round is created; compute its list."))
            return redirect("scholarships:round_detail", pk=round_.pk)
    return render(request, "scholarships/round_list.html", {
        "rounds": selectors.rounds_visible_to(user).order_by("-period__starts_on",
                                                              "faculty__code", "pk"),
        "form": form,
    })


def _filters(request: HttpRequest, round_: ScholarshipRound) -> tuple[FilterForm, dict]:
    faculties = selectors.faculties_for(request.user)
    programmes = selectors.programmes_for(request.user)
    if round_.faculty_id is not None:
        faculties = faculties.filter(pk=round_.faculty_id)
        programmes = programmes.filter(department__faculty_id=round_.faculty_id)
    form = FilterForm(request.GET or None, faculties=faculties, programmes=programmes)
    chosen: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        chosen = {k: v for k, v in form.cleaned_data.items() if v}
    return form, chosen


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    form, chosen = _filters(request, round_)
    awards = selectors.awards_of(round_, **chosen)
    exclusions = selectors.exclusions_of(
        round_, faculty=chosen.get("faculty"), programme=chosen.get("programme"))
    can_manage = request.user.has_perm("scholarships.manage_round", round_)
    order_cancelled = (round_.state == RoundState.ORDERED
                       and (round_.order is None or round_.order.state == OrderState.CANCELLED))
    return render(request, "scholarships/round_detail.html", {
        "round": round_,
        "filter_form": form,
        "query": request.GET.urlencode(),
        "rows": [(a, texts.describe_all(a.reasons)) for a in awards],
        "exclusions": [(e.student, texts.describe_all(e.reasons)) for e in exclusions],
        "totals": selectors.totals(awards, round_.months),
        "can_manage": can_manage,
        "order_cancelled": order_cancelled,
        "languages": LANGUAGES,
    })


@login_required
@require_POST
def round_compute(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    _run(request, lambda: services.compute_round(round_, by=request.user),
         _("The list is computed from the session results."))
    return redirect("scholarships:round_detail", pk=round_.pk)


@login_required
@require_POST
def round_draft_order(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    _run(request, lambda: services.draft_order(round_, by=request.user),
         _("The draft scholarship order is created; approve it in Orders."))
    return redirect("scholarships:round_detail", pk=round_.pk)


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def round_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    _form, chosen = _filters(request, round_)
    awards = selectors.awards_of(round_, **chosen)
    exclusions = selectors.exclusions_of(
        round_, faculty=chosen.get("faculty"), programme=chosen.get("programme"))
    language = (request.LANGUAGE_CODE or "ru")[:2]
    return _attachment(statements.list_xlsx(round_, awards, exclusions, language),
                       statements.XLSX, f"scholarships-{round_.pk}-{language}.xlsx")


@login_required
def round_pdf(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    round_ = _round(request, pk)
    if language not in LANGUAGES:
        raise Http404
    _form, chosen = _filters(request, round_)
    awards = selectors.awards_of(round_, **chosen)
    return _attachment(statements.statement_pdf(round_, awards, language), "application/pdf",
                       f"scholarship-statement-{round_.pk}-{language}.pdf")


# --- Competitions ---------------------------------------------------------------------------

@login_required
def competition_list(request: HttpRequest) -> HttpResponse:
    _require_lists(request)
    user = request.user
    form = CompetitionForm(request.POST or None, programmes=selectors.programmes_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            competition = services.create_competition(by=user, **form.cleaned_data)
        except services.ScholarshipRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None,
                           refused.message)
        else:
            messages.success(request, _("The competition is created; rank the candidates."))
            return redirect("scholarships:competition_detail", pk=competition.pk)
    return render(request, "scholarships/competition_list.html", {
        "competitions": selectors.competitions_visible_to(user),
        "form": form,
    })


@login_required
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _competition(request, pk)
    entries = selectors.entries_of(competition)
    return render(request, "scholarships/competition_detail.html", {
        "competition": competition,
        "rows": [(e, texts.decided_by(e.decided_by)) for e in entries],
        "awarded": sum(1 for e in entries if e.awarded),
        "can_manage": request.user.has_perm("scholarships.manage_competition", competition),
        "order_form": EffectiveDateForm(),
    })


@login_required
@require_POST
def competition_rank(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _competition(request, pk)
    _run(request, lambda: services.rank(competition, by=request.user),
         _("The candidates are ranked."))
    return redirect("scholarships:competition_detail", pk=competition.pk)


@login_required
@require_POST
def competition_draft_order(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _competition(request, pk)
    form = EffectiveDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the effective date of the order."))
        return redirect("scholarships:competition_detail", pk=competition.pk)
    _run(request, lambda: services.draft_competition_order(
        competition, by=request.user, effective_date=form.cleaned_data["effective_date"]),
        _("The draft change of funding order is created; approve it in Orders."))
    return redirect("scholarships:competition_detail", pk=competition.pk)
