"""Order types, states and item reasons (§9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderType(models.TextChoices):
    ENROLMENT = "enrolment", _("Enrolment (first year)")
    TRANSFER_IN = "transfer_in", _("Enrolment by transfer from another university")
    TRANSFER_OUT = "transfer_out", _("Transfer to another university")
    INTERNAL_TRANSFER = "internal_transfer", _("Internal transfer")
    EXPULSION = "expulsion", _("Expulsion")
    REINSTATEMENT = "reinstatement", _("Reinstatement")
    ACADEMIC_LEAVE = "academic_leave", _("Academic leave")
    RETURN_FROM_LEAVE = "return_from_leave", _("Return from academic leave")
    PROMOTION = "promotion", _("Promotion to the next year")
    REPEAT_YEAR = "repeat_year", _("Repeat of the year")
    FUNDING_CHANGE = "funding_change", _("Change of funding")
    NAME_CHANGE = "name_change", _("Change of name")
    GRADUATION = "graduation", _("Graduation")
    SCHOLARSHIP_AWARD = "scholarship_award", _("Scholarship award")


# Short codes printed in order numbers, e.g. "17-EXP".
NUMBER_CODES: dict[str, str] = {
    OrderType.ENROLMENT: "ENR",
    OrderType.TRANSFER_IN: "TIN",
    OrderType.TRANSFER_OUT: "TOUT",
    OrderType.INTERNAL_TRANSFER: "ITR",
    OrderType.EXPULSION: "EXP",
    OrderType.REINSTATEMENT: "REI",
    OrderType.ACADEMIC_LEAVE: "AL",
    OrderType.RETURN_FROM_LEAVE: "RAL",
    OrderType.PROMOTION: "PRM",
    OrderType.REPEAT_YEAR: "REP",
    OrderType.FUNDING_CHANGE: "FUN",
    OrderType.NAME_CHANGE: "NAM",
    OrderType.GRADUATION: "GRD",
    OrderType.SCHOLARSHIP_AWARD: "SCH",
}


class OrderState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved (signed)")
    APPLIED = "applied", _("Applied")
    CANCELLED = "cancelled", _("Cancelled")


class ExpulsionReason(models.TextChoices):
    OWN_WISH = "own_wish", _("At own wish")
    POOR_RESULTS = "poor_results", _("Poor academic results")
    NON_PAYMENT = "non_payment", _("Non-payment of tuition")
    RULE_VIOLATION = "rule_violation", _("Violation of the internal rules")
    NON_ATTENDANCE = "non_attendance", _("Non-attendance")
    TRANSFER = "transfer", _("In connection with transfer")


class LeaveKind(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    MILITARY = "military", _("Military service")
    CHILDCARE = "childcare", _("Childbirth and childcare")


class FundingChangeKind(models.TextChoices):
    TO_GRANT = "to_grant", _("Paid to state grant")
    VACANT_GRANT = "vacant_grant", _("Vacant state grant award")
    TO_PAID = "to_paid", _("State grant to paid")
    GRANT_LOSS = "grant_loss", _("Loss of the state grant")


class ScholarshipKind(models.TextChoices):
    STATE = "state", _("State scholarship")
    STATE_INCREASED = "state_increased", _("Increased state scholarship")
    PRESIDENTIAL = "presidential", _("Presidential scholarship")
    NAMED = "named", _("Named scholarship")
