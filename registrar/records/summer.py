"""Summer semester (§8): registration for academic debts, curriculum differences and extra
disciplines.

Summer sections are ordinary `registration.Section` rows in the academic period of kind
"summer"; a seat is a `registration.Registration`. Each summer registration also has a
`SummerEnrolment` saying why the student takes the discipline and what it costs.

Rules (numbers from the academic policy of the year the summer period belongs to):
- not for graduating (final-year) students;
- at most `credit_max_summer` credits (default 15) per student;
- registration closes a week before the period starts (`closes_on`);
- paid at the period's cost per credit (`SummerTariff`), except a curriculum difference after
  medical leave, which is free;
- a debt reason needs an open academic debt in the discipline; a difference reason needs the
  discipline among the missing ones of the student's academic difference (§3);
- a section opens with at least `min_group_size_summer` students (default 3):
  `close_underfilled_summer_sections` cancels the others after registration closes.

Results of summer attempts (records.Attempt of kind "summer" in the summer period) belong to
the academic year of the period, so they enter the year GPA and the promotion decision (§7).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.contingent.choices import LeaveKind, OrderState, OrderType
from registrar.contingent.models import OrderItem
from registrar.curriculum import selectors as curriculum
from registrar.institution.models import AcademicPeriod, PeriodKind
from registrar.people.choices import StudentStatus
from registrar.people.models import Student
from registrar.policy.selectors import policy_for_year
from registrar.registration.models import (
    ACTIVE_STATES,
    Registration,
    RegistrationState,
    Section,
    SectionStatus,
)

from .difference import difference_of
from .models import (
    AcademicDebt,
    Attempt,
    DebtState,
    SummerEnrolment,
    SummerEnrolmentState,
    SummerReason,
    SummerTariff,
)
from .selectors import RecordsRefused, require

CENT = Decimal("0.01")
# §8 default: registration closes a week before the summer semester starts. Read from the
# policy when it carries `summer_registration_closes_days`.
CLOSES_DAYS_BEFORE = 7


class SummerRefused(RecordsRefused):
    pass


def _summer(period: AcademicPeriod) -> None:
    if period.kind != PeriodKind.SUMMER:
        raise SummerRefused(_("%(period)s is not a summer semester.") % {"period": period},
                            "period")


def closes_on(period: AcademicPeriod) -> dt.date:
    """The first day registration is closed: a week (policy) before the period starts."""
    policy = policy_for_year(period.year.start_year)
    days = getattr(policy, "summer_registration_closes_days", CLOSES_DAYS_BEFORE)
    return period.starts_on - dt.timedelta(days=days)


def _open(period: AcademicPeriod, today: dt.date) -> None:
    closing = closes_on(period)
    if today >= closing:
        raise SummerRefused(
            _("Summer semester registration closed on %(date)s, a week before the semester "
              "starts on %(start)s.") % {"date": closing.isoformat(),
                                          "start": period.starts_on.isoformat()}, "date")


def graduating(student: Student) -> bool:
    """In the final year of the programme: graduates after it, no summer semester (§8)."""
    return student.year_of_study >= student.programme.duration_years


def returned_from_medical_leave(student: Student) -> bool:
    """The student's latest applied academic leave was a medical one."""
    leave = (OrderItem.objects.filter(student=student, order__order_type=OrderType.ACADEMIC_LEAVE,
                                      order__state=OrderState.APPLIED)
             .order_by("-effective_date", "-pk").values_list("leave_kind", flat=True).first())
    return leave == LeaveKind.MEDICAL


def enrolled_credits(student: Student, period: AcademicPeriod) -> int:
    return SummerEnrolment.objects.filter(
        student=student, period=period, state=SummerEnrolmentState.REGISTERED,
    ).aggregate(total=Sum("credits"))["total"] or 0


# --- Tariff -------------------------------------------------------------------------------

def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise SummerRefused(_("“%(value)s” is not an amount of money.") % {"value": value},
                            field) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
        raise SummerRefused(_("The cost per credit must be a non-negative amount with at most "
                              "two decimals."), field)
    return amount


@transaction.atomic
def set_cost_per_credit(period: AcademicPeriod, cost_per_credit: Any, *, by: Any) -> SummerTariff:
    """Set the cost of one credit in a summer semester. Enrolments already made keep the cost
    they were made at."""
    require(by, "records.manage_summer")
    _summer(period)
    cost = _money(cost_per_credit, "cost_per_credit")
    tariff = SummerTariff.objects.select_for_update().filter(period=period).first()
    before = tariff.cost_per_credit if tariff else None
    if tariff is None:
        tariff = SummerTariff(period=period)
    tariff.cost_per_credit = cost
    tariff.set_by = by
    tariff.save()
    audit.record(by, "summer.cost_set", period, {"cost_per_credit": [before, cost]})
    return tariff


# --- Registration -------------------------------------------------------------------------

def _reason_checks(student: Student, section: Section, reason: str) -> AcademicDebt | None:
    discipline = section.discipline
    if reason not in SummerReason.values:
        raise SummerRefused(_("Choose the reason: academic debt, curriculum difference or an "
                              "extra discipline."), "reason")
    if Attempt.objects.filter(student=student, discipline=discipline, passed=True).exists():
        raise SummerRefused(_("%(code)s is already passed; a positive grade cannot be retaken "
                              "to raise it.") % {"code": discipline.code}, "section")
    if reason == SummerReason.DEBT:
        debt = AcademicDebt.objects.filter(student=student, discipline=discipline,
                                           state=DebtState.OPEN).first()
        if debt is None:
            raise SummerRefused(_("There is no open academic debt in %(code)s; choose another "
                                  "reason.") % {"code": discipline.code}, "reason")
        return debt
    if reason in (SummerReason.DIFFERENCE, SummerReason.DIFFERENCE_MEDICAL):
        if reason == SummerReason.DIFFERENCE_MEDICAL and not returned_from_medical_leave(student):
            raise SummerRefused(_("A free curriculum difference is only for a student returned "
                                  "from medical leave."), "reason")
        found = curriculum.curriculum_of(student)
        if found is None:
            raise SummerRefused(_("No working curriculum for the student's programme and "
                                  "intake year, so there is no curriculum difference."), "reason")
        missing = difference_of(student, found, 2 * student.year_of_study).missing_codes
        if discipline.code not in missing:
            raise SummerRefused(_("%(code)s is not part of the student's curriculum difference.")
                                % {"code": discipline.code}, "reason")
    return None


def _price(period: AcademicPeriod, reason: str, credits: int) -> tuple[Decimal, Decimal]:
    if reason == SummerReason.DIFFERENCE_MEDICAL:
        return Decimal("0.00"), Decimal("0.00")  # §8: free after medical leave
    tariff = SummerTariff.objects.filter(period=period).first()
    if tariff is None:
        raise SummerRefused(_("The cost per credit of this summer semester is not set yet."),
                            "cost_per_credit")
    return tariff.cost_per_credit, (tariff.cost_per_credit * credits).quantize(CENT)


def _take_seat(section_id: int) -> bool:
    return bool(Section.objects.filter(
        pk=section_id, status=SectionStatus.OPEN, enrolled_count__lt=F("capacity"),
    ).update(enrolled_count=F("enrolled_count") + 1))


@transaction.atomic
def register(student: Student, section: Section, reason: str, *, by: Any,
             today: dt.date | None = None) -> SummerEnrolment:
    """Register a student for a summer section with a reason (§8); refused with the field and
    the reason, changing nothing."""
    require(by, "records.register_summer", student)
    # One registration of a student at a time: the credit limit holds under concurrency.
    student = Student.objects.select_for_update(of=("self",)).select_related(
        "programme", "group").get(pk=student.pk)
    section = Section.objects.select_related("period__year", "discipline").get(pk=section.pk)
    period = section.period
    _summer(period)
    _open(period, today or timezone.localdate())
    if section.status != SectionStatus.OPEN:
        raise SummerRefused(_("The section %(code)s is not open for registration.")
                            % {"code": section.code}, "section")
    if student.status != StudentStatus.ACTIVE:
        raise SummerRefused(_("Only a studying student can register for the summer semester."),
                            "student")
    if graduating(student):
        raise SummerRefused(_("A graduating (final-year) student cannot take the summer "
                              "semester."), "student")
    debt = _reason_checks(student, section, reason)
    credits = section.discipline.credits
    limit = policy_for_year(period.year.start_year).credit_max_summer
    already = enrolled_credits(student, period)
    if already + credits > limit:
        raise SummerRefused(
            _("%(code)s adds %(credits)d credits to the %(already)d already registered; the "
              "summer semester allows at most %(max)d.")
            % {"code": section.discipline.code, "credits": credits, "already": already,
               "max": limit}, "credits")
    cost, amount = _price(period, reason, credits)
    if Registration.objects.filter(student=student, discipline_id=section.discipline_id,
                                   period=period, state__in=ACTIVE_STATES).exists():
        raise SummerRefused(_("The student is already registered for %(code)s this summer.")
                            % {"code": section.discipline.code}, "section")
    if not _take_seat(section.pk):
        raise SummerRefused(_("The section %(code)s is full (%(capacity)d seats); choose another "
                              "section.") % {"code": section.code, "capacity": section.capacity},
                            "section")
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                student=student, section=section, discipline_id=section.discipline_id,
                period=period, state=RegistrationState.ENROLLED)
    except IntegrityError:  # a concurrent request for the same discipline won
        raise SummerRefused(_("The student is already registered for %(code)s this summer.")
                            % {"code": section.discipline.code}, "section") from None
    enrolment = SummerEnrolment.objects.create(
        student=student, period=period, discipline=section.discipline,
        registration=registration, debt=debt, reason=reason, credits=credits,
        cost_per_credit=cost, amount=amount, created_by=by if getattr(by, "pk", None) else None)
    audit.record(by, "summer.registered", student,
                 {"section": section.code, "reason": reason, "credits": credits,
                  "cost_per_credit": cost, "amount": amount})
    return enrolment


@transaction.atomic
def withdraw(enrolment: SummerEnrolment, *, by: Any,
             today: dt.date | None = None) -> SummerEnrolment:
    """Withdraw before registration closes: the seat is freed and nothing is owed."""
    require(by, "records.register_summer", enrolment.student)
    enrolment = SummerEnrolment.objects.select_for_update(of=("self",)).select_related(
        "period__year", "registration__section").get(pk=enrolment.pk)
    if enrolment.state != SummerEnrolmentState.REGISTERED:
        raise SummerRefused(_("This summer registration is no longer active."), "enrolment")
    _open(enrolment.period, today or timezone.localdate())
    registration = enrolment.registration
    registration.state = RegistrationState.DROPPED
    registration.save(update_fields=["state", "changed_at"])
    Section.objects.filter(pk=registration.section_id).update(
        enrolled_count=F("enrolled_count") - 1)
    enrolment.state = SummerEnrolmentState.WITHDRAWN
    enrolment.save(update_fields=["state"])
    audit.record(by, "summer.withdrawn", enrolment.student,
                 {"section": registration.section.code})
    return enrolment


@transaction.atomic
def close_underfilled_summer_sections(period: AcademicPeriod, *, by: Any,
                                      today: dt.date | None = None,
                                      dry_run: bool = False) -> list[Section]:
    """§8: a summer section opens with at least `min_group_size_summer` students (default 3).
    After registration closes, every open summer section with fewer is cancelled with its
    registrations; nothing is owed for them and the students are notified."""
    from registrar.notifications.services import notify

    require(by, "records.manage_summer")
    _summer(period)
    period = AcademicPeriod.objects.select_related("year").get(pk=period.pk)
    if not dry_run and (today or timezone.localdate()) < closes_on(period):
        raise SummerRefused(
            _("Registration is open until %(date)s; sections are checked after it closes.")
            % {"date": (closes_on(period) - dt.timedelta(days=1)).isoformat()}, "date")
    minimum = policy_for_year(period.year.start_year).min_group_size_summer
    sections = list(Section.objects.select_for_update(of=("self",)).filter(
        period=period, status=SectionStatus.OPEN, enrolled_count__lt=minimum,
    ).select_related("discipline").order_by("code"))
    if dry_run:
        return sections
    for section in sections:
        affected = list(Registration.objects.filter(section=section, state__in=ACTIVE_STATES)
                        .select_related("student__user"))
        Registration.objects.filter(pk__in=[r.pk for r in affected]).update(
            state=RegistrationState.CANCELLED, changed_at=timezone.now())
        SummerEnrolment.objects.filter(registration__in=affected,
                                       state=SummerEnrolmentState.REGISTERED).update(
            state=SummerEnrolmentState.CANCELLED)
        section.status = SectionStatus.CANCELLED
        section.enrolled_count = 0
        section.save(update_fields=["status", "enrolled_count"])
        notify([r.student.user for r in affected],
               _("Summer section %(code)s is not opened") % {"code": section.code},
               _("Fewer than %(min)d students registered for %(discipline)s; nothing is owed "
                 "for it. Please register for another section.")
               % {"min": minimum, "discipline": section.discipline.name})
        audit.record(by, "section.cancelled_underfilled", section,
                     {"enrolled": len(affected), "minimum": minimum})
    return sections
