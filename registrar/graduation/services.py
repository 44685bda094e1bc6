"""Keeping the final attestation (§11): commissions, their members and events, and results.

Every function checks the actor's permission, runs in one transaction and writes an audit
event, or raises (`AttestationRefused` with the field and the reason, or PermissionDenied) and
writes nothing. The drafting of graduation orders is in `graduation.py`, diplomas and
supplements in `diplomas.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.institution.models import AcademicYear, Faculty, Language, Programme
from registrar.people.choices import StudentStatus
from registrar.people.models import Student
from registrar.policy import grading
from registrar.policy.selectors import policy_for_year

from . import permissions  # noqa: F401  (registers the rules)
from .models import (
    AttestationCommission,
    AttestationEvent,
    AttestationKind,
    AttestationResult,
    CommissionMember,
    MemberRole,
)


class AttestationRefused(Exception):
    """Refused with a reason naming the field; nothing was changed."""

    def __init__(self, message: str, field: str = "non_field"):
        self.field, self.message = field, message
        super().__init__(message)


def require(user: Any, perm: str, obj: Any = None) -> None:
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _actor(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _text(value: str | None, field: str, label: str, *, required: bool = True,
          limit: int = 255) -> str:
    text = (value or "").strip()
    if required and not text:
        raise AttestationRefused(_("%(field)s is required.") % {"field": label}, field)
    if len(text) > limit:
        raise AttestationRefused(_("%(field)s is longer than %(limit)d characters.")
                                 % {"field": label, "limit": limit}, field)
    return text


# --- Commissions ----------------------------------------------------------------------------

@transaction.atomic
def create_commission(*, by: Any, year: AcademicYear, faculty: Faculty,
                      programmes: Iterable[Programme], chair_name: str,
                      chair_position: str = "", order_reference: str) -> AttestationCommission:
    """A State Attestation Commission for an academic year and programmes of one faculty."""
    require(by, "graduation.manage_attestation")
    chosen = list(programmes)
    if not chosen:
        raise AttestationRefused(_("Choose at least one educational programme."), "programmes")
    foreign = [p.code for p in chosen if p.department.faculty_id != faculty.pk]
    if foreign:
        raise AttestationRefused(
            _("These programmes belong to another faculty: %(codes)s.")
            % {"codes": ", ".join(sorted(foreign))}, "programmes")
    commission = AttestationCommission.objects.create(
        year=year, faculty=faculty,
        chair_name=_text(chair_name, "chair_name", _("The chair")),
        chair_position=_text(chair_position, "chair_position", _("The chair's position"),
                             required=False),
        order_reference=_text(order_reference, "order_reference",
                              _("The order that appoints the commission"), limit=120),
        created_by=_actor(by))
    commission.programmes.set(chosen)
    audit.record(by, "attestation.commission_created", commission, {
        "year": str(year), "faculty": faculty.code,
        "programmes": sorted(p.code for p in chosen), "chair": commission.chair_name,
        "order_reference": commission.order_reference})
    return commission


@transaction.atomic
def add_member(commission: AttestationCommission, *, by: Any, name: str, position: str = "",
               role: str = MemberRole.MEMBER) -> CommissionMember:
    require(by, "graduation.manage_attestation")
    if role not in MemberRole.values:
        raise AttestationRefused(_("Unknown role in the commission."), "role")
    member = CommissionMember.objects.create(
        commission=commission, name=_text(name, "name", _("The member's name")),
        position=_text(position, "position", _("The position"), required=False), role=role)
    audit.record(by, "attestation.member_added", commission,
                 {"name": member.name, "position": member.position, "role": role})
    return member


@transaction.atomic
def remove_member(member: CommissionMember, *, by: Any) -> None:
    require(by, "graduation.manage_attestation")
    commission = member.commission
    if AttestationResult.objects.filter(event__commission=commission).exists():
        raise AttestationRefused(
            _("The commission has graded students; its members are in the protocols and "
              "cannot be removed."), "member")
    audit.record(by, "attestation.member_removed", commission,
                 {"name": member.name, "position": member.position, "role": member.role})
    member.delete()


@transaction.atomic
def create_event(commission: AttestationCommission, *, by: Any, kind: str, held_on: dt.date,
                 title_kk: str = "", title_ru: str = "", title_en: str = "",
                 credits: int = 0) -> AttestationEvent:
    """A state examination or a thesis defence the commission holds on a day."""
    require(by, "graduation.manage_attestation")
    if kind not in AttestationKind.values:
        raise AttestationRefused(_("Choose a state examination or a thesis defence."), "kind")
    if held_on is None:
        raise AttestationRefused(_("Give the date of the event."), "held_on")
    year = commission.year
    if not year.starts_on <= held_on <= year.ends_on:
        raise AttestationRefused(
            _("The event must be held within the academic year %(year)s (%(start)s – %(end)s).")
            % {"year": str(year), "start": year.starts_on.strftime("%d.%m.%Y"),
               "end": year.ends_on.strftime("%d.%m.%Y")}, "held_on")
    if not isinstance(credits, int) or not 0 <= credits <= 60:
        raise AttestationRefused(_("Credits must be a whole number from 0 to 60."), "credits")
    event = AttestationEvent.objects.create(
        commission=commission, kind=kind, held_on=held_on, credits=credits,
        title_kk=_text(title_kk, "title_kk", _("The Kazakh title"), required=False),
        title_ru=_text(title_ru, "title_ru", _("The Russian title"), required=False),
        title_en=_text(title_en, "title_en", _("The English title"), required=False))
    audit.record(by, "attestation.event_created", event, {
        "commission": commission.pk, "kind": kind, "held_on": held_on, "credits": credits,
        "title": event.title_in("en")})
    return event


# --- Results ---------------------------------------------------------------------------------

def can_sit(student: Student, event: AttestationEvent) -> str | None:
    """Why the student cannot be graded at the event, or None when they can: a studying
    final-year student of one of the commission's programmes."""
    commission = event.commission
    if not commission.programmes.filter(pk=student.programme_id).exists():
        return _("%(name)s does not study in a programme of this commission.") % {
            "name": student.full_name}
    if student.status != StudentStatus.ACTIVE:
        return _("%(name)s is not studying (status “%(status)s”).") % {
            "name": student.full_name, "status": student.get_status_display()}
    if student.year_of_study != student.programme.duration_years:
        return _("%(name)s is not in the final year (year %(year)d of %(max)d).") % {
            "name": student.full_name, "year": student.year_of_study,
            "max": student.programme.duration_years}
    return None


def _score(value: Any) -> Decimal:
    try:
        score = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(
            ",", "."))
    except (InvalidOperation, AttributeError) as exc:
        raise AttestationRefused(_("The score must be a number from 0 to 100."), "score") from exc
    try:
        grading.check_score(score)
    except grading.ScoreError as exc:
        raise AttestationRefused(_("The score must be a number from 0 to 100."), "score") from exc
    if score != score.quantize(Decimal("0.01")):
        raise AttestationRefused(_("The score has at most two decimals."), "score")
    return score


@transaction.atomic
def record_result(event: AttestationEvent, *, by: Any, student: Student, score: Any,
                  protocol_number: str, thesis_title_kk: str = "", thesis_title_ru: str = "",
                  thesis_title_en: str = "", thesis_language: str = "", supervisor: str = "",
                  reviewer: str = "", reason: str = "") -> AttestationResult:
    """Record (or correct, with a reason) a student's grade at a final attestation event.

    Letter, points and traditional grade come from the score by the grading scale of the
    policy in force for the commission's academic year (§6: the score rounded half-up to an
    integer first). A thesis defence needs the thesis title and the supervisor. A result of a
    student who has graduated is final."""
    require(by, "graduation.manage_attestation")
    event = AttestationEvent.objects.select_related("commission__year").get(pk=event.pk)
    student = Student.objects.select_for_update().select_related("programme").get(pk=student.pk)
    existing = AttestationResult.objects.select_for_update().filter(
        event=event, student=student).first()
    if existing is not None and student.status == StudentStatus.GRADUATED:
        raise AttestationRefused(
            _("%(name)s has graduated: the final attestation result is final.")
            % {"name": student.full_name}, "student")
    if existing is None:
        problem = can_sit(student, event)
        if problem:
            raise AttestationRefused(problem, "student")
    exact = _score(score)
    protocol = _text(protocol_number, "protocol_number", _("The protocol number"), limit=32)
    titles = {
        "thesis_title_kk": _text(thesis_title_kk, "thesis_title_kk", _("The Kazakh title"),
                                 required=False, limit=500),
        "thesis_title_ru": _text(thesis_title_ru, "thesis_title_ru", _("The Russian title"),
                                 required=False, limit=500),
        "thesis_title_en": _text(thesis_title_en, "thesis_title_en", _("The English title"),
                                 required=False, limit=500),
    }
    people = {
        "supervisor": _text(supervisor, "supervisor", _("The supervisor"), required=False),
        "reviewer": _text(reviewer, "reviewer", _("The reviewer"), required=False),
    }
    if thesis_language and thesis_language not in Language.values:
        raise AttestationRefused(_("The thesis language must be Kazakh, Russian or English."),
                                 "thesis_language")
    if event.kind == AttestationKind.THESIS_DEFENCE:
        if not any(titles.values()):
            raise AttestationRefused(_("Give the title of the thesis."), "thesis_title_ru")
        if not people["supervisor"]:
            raise AttestationRefused(_("Give the thesis supervisor."), "supervisor")
    elif any(titles.values()) or people["supervisor"] or people["reviewer"]:
        raise AttestationRefused(
            _("A state examination has no thesis title, supervisor or reviewer."),
            "thesis_title_ru")
    policy = policy_for_year(event.commission.year.start_year)
    band = grading.band_for(grading.to_integer(exact), policy.grading_scale)
    values: dict[str, Any] = {
        "score": exact, "letter": band.letter, "points": band.points,
        "traditional": band.traditional, "passed": band.traditional != "fail",
        "protocol_number": protocol, "thesis_language": thesis_language or "",
        **titles, **people, "recorded_by": _actor(by),
    }
    if existing is None:
        result = AttestationResult.objects.create(event=event, student=student, **values)
        audit.record(by, "attestation.result_recorded", student, {
            "event": event.pk, "kind": event.kind, "score": exact, "letter": band.letter,
            "protocol": protocol})
        return result
    reason = (reason or "").strip()
    if not reason:
        raise AttestationRefused(
            _("%(name)s already has a result at this event; give the reason for correcting "
              "it.") % {"name": student.full_name}, "reason")
    before = {k: getattr(existing, k) for k in ("score", "letter", "protocol_number",
                                                 "thesis_title_ru", "supervisor")}
    for key, value in values.items():
        setattr(existing, key, value)
    existing.save()
    audit.record(by, "attestation.result_corrected", student, {
        "event": event.pk, "before": before,
        "after": {"score": exact, "letter": band.letter, "protocol_number": protocol}},
        reason=reason)
    return existing
