"""Scholarship rounds and vacant-grant competitions (§10): create, compute, draft the orders.

Every function checks the actor's permission, runs in one transaction and writes audit events.
The rules are the pure functions of `policy/scholarships.py`; the inputs come from
`selectors.session_inputs` / `selectors.competition_inputs`.

Which policy: the letters are judged by the policy of the session's academic year (its grading
scale, the minimum and excellent letters, the year the presidential scholarship starts, the
kinds of leave that keep it); the amounts, the increase and the rounding are those in force on
the date payment starts, since that is when they are paid.

Orders are drafted through the contingent services, like the promotion orders
(records/promotion.py): one SCHOLARSHIP_AWARD order per round (for its faculty, or
university-wide) with one item per award, effective from the date payment starts; one
FUNDING_CHANGE order per competition (for the programme's faculty) moving the winners to a
state grant. Drafting is all or nothing: if the contingent rules refuse any student, nothing is
drafted and `OrderRefused` lists every problem. A drafted round (competition) is frozen; if its
order is cancelled (or a draft order deleted) it becomes a draft again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.contingent import services as contingent
from registrar.contingent.choices import OrderState, OrderType
from registrar.contingent.models import Order
from registrar.institution.models import AcademicPeriod, Faculty, PeriodKind, Programme
from registrar.people.choices import Funding
from registrar.policy import scholarships as rules
from registrar.policy.gpa import display
from registrar.policy.selectors import policy_for_year, policy_on
from registrar.policy.values import PolicyValues

from . import permissions, selectors, texts  # noqa: F401  (permissions registers the rules)
from .models import (
    CompetitionEntry,
    GrantCompetition,
    RoundState,
    ScholarshipAward,
    ScholarshipRound,
)

OrderRefused = contingent.OrderRefused


class ScholarshipRefused(Exception):
    """Refused with a reason naming the field; nothing was changed."""

    def __init__(self, message: str, field: str = "non_field"):
        self.field, self.message = field, message
        super().__init__(message)


def require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def round_policy(period: AcademicPeriod, payment_starts_on: dt.date) -> PolicyValues:
    """The session year's rules with the amounts in force on the date payment starts."""
    session = policy_for_year(period.year.start_year)
    paid = policy_on(payment_starts_on)
    return dataclasses.replace(
        session,
        scholarship_amounts=paid.scholarship_amounts,
        scholarship_presidential_amounts=paid.scholarship_presidential_amounts,
        scholarship_increase=paid.scholarship_increase,
        scholarship_rounding=paid.scholarship_rounding,
    )


def _reopen_if_order_gone(obj: ScholarshipRound | GrantCompetition, by: Any) -> None:
    """A frozen round (competition) whose order was cancelled or deleted is a draft again."""
    if obj.state != RoundState.ORDERED:
        return
    order = Order.objects.filter(pk=obj.order_id).first() if obj.order_id else None
    if order is not None and order.state != OrderState.CANCELLED:
        return
    obj.state, obj.order = RoundState.DRAFT, None
    obj.save(update_fields=["state", "order"])
    audit.record(by, "scholarship.reopened", obj,
                 {"order": str(order) if order is not None else None})


# --- Scholarship rounds ---------------------------------------------------------------------

@transaction.atomic
def create_round(*, by: Any, period: AcademicPeriod, faculty: Faculty | None,
                 payment_starts_on: dt.date, months: int) -> ScholarshipRound:
    """A draft round for the session of `period` (a faculty, or the whole university)."""
    require(by, "scholarships.manage_round", faculty)
    if period.kind == PeriodKind.SUMMER:
        raise ScholarshipRefused(_("Scholarships are awarded after the autumn and spring "
                                   "sessions, not after the summer semester."), "period")
    if not 1 <= months <= 12:
        raise ScholarshipRefused(_("The scholarship is paid for 1 to 12 months."), "months")
    if payment_starts_on <= period.starts_on:
        raise ScholarshipRefused(_("Payment starts after the session, not before the term "
                                   "begins."), "payment_starts_on")
    overlapping = ScholarshipRound.objects.filter(period=period)
    if faculty is not None:
        overlapping = overlapping.filter(faculty__isnull=True) | overlapping.filter(
            faculty=faculty)
    if overlapping.exists():
        raise ScholarshipRefused(_("A scholarship round for this session already covers these "
                                   "students."), "faculty")
    round_ = ScholarshipRound(period=period, faculty=faculty,
                              payment_starts_on=payment_starts_on, months=months,
                              created_by=by)
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError as exc:  # a concurrent request created it first
        raise ScholarshipRefused(_("A scholarship round for this session already covers these "
                                   "students."), "faculty") from exc
    audit.record(by, "scholarship.round_created", round_,
                 {"period": period, "faculty": faculty, "payment_starts_on": payment_starts_on,
                  "months": months})
    return round_


def _locked_round(round_: ScholarshipRound, by: Any) -> ScholarshipRound:
    locked = ScholarshipRound.objects.select_for_update(of=("self",)).select_related(
        "period__year", "faculty").get(pk=round_.pk)
    require(by, "scholarships.manage_round", locked)
    _reopen_if_order_gone(locked, by)
    if locked.state != RoundState.DRAFT:
        raise ScholarshipRefused(_("The scholarship order of this round is drafted; the list "
                                   "is frozen. Cancel the order to change it."), "state")
    return locked


@transaction.atomic
def compute_round(round_: ScholarshipRound, *, by: Any) -> ScholarshipRound:
    """(Re)compute the round's list from the session results; only while it is a draft."""
    round_ = _locked_round(round_, by)
    policy = round_policy(round_.period, round_.payment_starts_on)
    population = selectors.round_population(round_.period, round_.faculty)
    awards, exclusions = [], []
    for row in selectors.session_inputs(round_.period, population, round_.payment_starts_on,
                                        policy):
        decided = rules.verdict(row.record, policy)
        reasons = [r.as_dict() for r in decided.reasons]
        if decided.eligible:
            awards.append(ScholarshipAward(
                round=round_, student=row.student, kind=decided.kind,
                monthly_amount=decided.monthly_amount, reasons=reasons,
                faculty_id=row.student.programme.department.faculty_id,
                programme_id=row.student.programme_id,
                year_of_study=row.record.year_of_study, letters=list(row.record.letters),
                term_gpa=row.term_gpa))
        elif row.record.funding == Funding.STATE_GRANT:
            exclusions.append({"student": row.student.pk, "reasons": reasons})
    before = round_.awards.count()
    round_.awards.all().delete()
    ScholarshipAward.objects.bulk_create(awards, batch_size=1000)
    round_.exclusions = exclusions
    round_.computed_at = timezone.now()
    round_.save(update_fields=["exclusions", "computed_at"])
    summary = selectors.totals(round_.awards.all(), round_.months)
    audit.record(by, "scholarship.round_computed", round_, {
        "awards_before": before, "awards": summary.students,
        "by_kind": {k.kind: [k.students, k.monthly] for k in summary.by_kind},
        "monthly_fund": summary.monthly, "not_eligible": len(exclusions),
    })
    return round_


def item_basis(round_: ScholarshipRound, award: ScholarshipAward) -> str:
    text = _("Session %(period)s: %(grounds)s") % {
        "period": round_.period, "grounds": texts.describe_all(award.reasons)}
    return text[:255]


@transaction.atomic
def draft_order(round_: ScholarshipRound, *, by: Any) -> Order:
    """Draft the SCHOLARSHIP_AWARD order of the round: one item per award of the list,
    effective from the date payment starts. The round is frozen until the order is cancelled."""
    round_ = _locked_round(round_, by)
    if round_.computed_at is None:
        raise ScholarshipRefused(_("Compute the list first."), "state")
    awards = list(round_.awards.select_related("student").order_by(
        "student__last_name_ru", "student__first_name_ru", "student_id"))
    if not awards:
        raise ScholarshipRefused(_("The list is empty: there is nothing to order."), "state")
    title = _("Award of scholarships after the session: %(period)s") % {"period": round_.period}
    basis = _("Summary statement of the session %(period)s; scholarships paid monthly for "
              "%(months)d months from %(date)s.") % {
        "period": round_.period, "months": round_.months,
        "date": round_.payment_starts_on.strftime("%d.%m.%Y")}
    order = contingent.create_order(by=by, order_type=OrderType.SCHOLARSHIP_AWARD,
                                    faculty=round_.faculty, title=title[:255], basis=basis)
    problems = []
    for award in awards:
        try:
            contingent.add_item(order, by=by, student=award.student,
                                effective_date=round_.payment_starts_on,
                                scholarship_kind=award.kind, amount=award.monthly_amount,
                                basis=item_basis(round_, award))
        except contingent.OrderRefused as refusal:
            problems.extend(refusal.problems)
    if problems:
        raise contingent.OrderRefused(problems)
    round_.state, round_.order = RoundState.ORDERED, order
    round_.save(update_fields=["state", "order"])
    audit.record(by, "scholarship.order_drafted", round_, {"order": order.pk,
                                                           "items": len(awards)})
    return order


# --- Vacant grant competitions -------------------------------------------------------------

@transaction.atomic
def create_competition(*, by: Any, period: AcademicPeriod, programme: Programme, grants: int,
                       year_of_study: int | None = None) -> GrantCompetition:
    require(by, "scholarships.manage_competition", programme)
    if grants < 1:
        raise ScholarshipRefused(_("At least one vacant grant is needed."), "grants")
    if year_of_study is not None and not 1 <= year_of_study <= programme.duration_years:
        raise ScholarshipRefused(_("The year of study must be between 1 and %(max)d.")
                                 % {"max": programme.duration_years}, "year_of_study")
    competition = GrantCompetition(period=period, programme=programme, grants=grants,
                                   year_of_study=year_of_study, created_by=by)
    try:
        with transaction.atomic():
            competition.save()
    except IntegrityError as exc:
        raise ScholarshipRefused(_("A competition for this programme, year and session "
                                   "already exists."), "programme") from exc
    audit.record(by, "scholarship.competition_created", competition,
                 {"period": period, "programme": programme, "grants": grants,
                  "year_of_study": year_of_study})
    return competition


def _locked_competition(competition: GrantCompetition, by: Any) -> GrantCompetition:
    locked = GrantCompetition.objects.select_for_update(of=("self",)).select_related(
        "period__year", "programme__department").get(pk=competition.pk)
    require(by, "scholarships.manage_competition", locked)
    _reopen_if_order_gone(locked, by)
    if locked.state != RoundState.DRAFT:
        raise ScholarshipRefused(_("The change of funding order of this competition is "
                                   "drafted; the ranking is frozen. Cancel the order to change "
                                   "it."), "state")
    return locked


@transaction.atomic
def rank(competition: GrantCompetition, *, by: Any) -> GrantCompetition:
    """(Re)rank the candidates: paid, studying students of the programme (and year) with a GPA
    and no open academic debt; the first `grants` places win (§10)."""
    competition = _locked_competition(competition, by)
    policy = policy_for_year(competition.period.year.start_year)
    inputs = selectors.competition_inputs(competition, policy)
    candidates = []
    for row in inputs:
        if row.gpa is None or row.open_debts:
            continue
        student = row.student
        candidates.append(rules.Candidate(
            key=student.pk, gpa=row.gpa, all_excellent=row.all_excellent,
            retakes=row.retakes, tiebreak=student.pk,
            name=" ".join(filter(None, (student.last_name_ru, student.first_name_ru,
                                        student.patronymic_ru)))))
    placed = rules.rank_competition(candidates, competition.grants)
    competition.entries.all().delete()
    CompetitionEntry.objects.bulk_create([
        CompetitionEntry(competition=competition, student_id=p.candidate.tiebreak,
                         position=p.position, gpa=p.candidate.gpa,
                         all_excellent=p.candidate.all_excellent,
                         retakes=p.candidate.retakes, decided_by=p.decided_by,
                         awarded=p.awarded)
        for p in placed
    ], batch_size=1000)
    competition.ranked_at = timezone.now()
    competition.save(update_fields=["ranked_at"])
    audit.record(by, "scholarship.competition_ranked", competition, {
        "candidates": len(placed), "grants": competition.grants,
        "awarded": [p.candidate.key for p in placed if p.awarded],
        "not_competing": len(inputs) - len(candidates),
    })
    return competition


def _gpa(value: Decimal) -> str:
    return str(display(value))


@transaction.atomic
def draft_competition_order(competition: GrantCompetition, *, by: Any,
                            effective_date: dt.date) -> Order:
    """Draft the FUNDING_CHANGE order moving the winners to a state grant."""
    competition = _locked_competition(competition, by)
    if competition.ranked_at is None:
        raise ScholarshipRefused(_("Rank the candidates first."), "state")
    winners = list(competition.entries.filter(awarded=True).select_related("student")
                   .order_by("position"))
    if not winners:
        raise ScholarshipRefused(_("Nobody is awarded a grant: there is nothing to order."),
                                 "state")
    programme = competition.programme
    title = _("Award of vacant state grants: %(programme)s, after the session %(period)s") % {
        "programme": programme, "period": competition.period}
    basis = _("Competition for %(grants)d vacant state grants on GPA (ties: all grades "
              "excellent first), session %(period)s.") % {
        "grants": competition.grants, "period": competition.period}
    order = contingent.create_order(by=by, order_type=OrderType.FUNDING_CHANGE,
                                    faculty=programme.department.faculty, title=title[:255],
                                    basis=basis)
    problems = []
    for entry in winners:
        text = _("Vacant state grant competition: place %(place)d, GPA %(gpa)s") % {
            "place": entry.position, "gpa": _gpa(entry.gpa)}
        try:
            contingent.add_item(order, by=by, student=entry.student,
                                effective_date=effective_date, to_funding=Funding.STATE_GRANT,
                                basis=text[:255])
        except contingent.OrderRefused as refusal:
            problems.extend(refusal.problems)
    if problems:
        raise contingent.OrderRefused(problems)
    competition.state, competition.order = RoundState.ORDERED, order
    competition.save(update_fields=["state", "order"])
    audit.record(by, "scholarship.competition_order_drafted", competition,
                 {"order": order.pk, "items": len(winners)})
    return order
