"""The state machine of a student's status under orders (§9). Pure: plain values in and out.

`apply_change(state, change, policy)` returns the student's state after one order
item, or raises `Refused` naming the field and the reason. Replaying a student's
applied items in effective-date order from `INITIAL` gives their current state;
the services use the same function to apply, so stored and derived state agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrar.people.choices import Funding, StudentStatus
from registrar.policy.values import PolicyValues

from .choices import ExpulsionReason, LeaveKind, OrderType, ScholarshipKind


@dataclasses.dataclass(frozen=True)
class StudentState:
    status: str
    programme_id: int | None = None
    group_id: int | None = None
    year_of_study: int = 0
    funding: str = ""
    last_change: dt.date | None = None


INITIAL = StudentState(status=StudentStatus.APPLICANT)


@dataclasses.dataclass(frozen=True)
class Change:
    """What one order item asks for, in plain values."""

    order_type: str
    effective_date: dt.date
    to_programme_id: int | None = None
    to_group_id: int | None = None
    # The programme the target group belongs to (to check they agree).
    to_group_programme_id: int | None = None
    to_year_of_study: int | None = None
    to_funding: str = ""
    reason: str = ""
    leave_kind: str = ""
    leave_until: dt.date | None = None
    override_reason: str = ""
    # Duration in years of the programme the student is (or will be) in.
    programme_duration: int = 4
    scholarship_amount: Decimal | None = None
    scholarship_kind: str = ""
    has_new_names: bool = False


class Refused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


_STATUS_NEEDED: dict[str, tuple[str, ...]] = {
    OrderType.ENROLMENT: (StudentStatus.APPLICANT,),
    OrderType.TRANSFER_IN: (StudentStatus.APPLICANT,),
    OrderType.TRANSFER_OUT: (StudentStatus.ACTIVE, StudentStatus.ON_LEAVE),
    OrderType.INTERNAL_TRANSFER: (StudentStatus.ACTIVE,),
    OrderType.EXPULSION: (StudentStatus.ACTIVE, StudentStatus.ON_LEAVE),
    OrderType.REINSTATEMENT: (StudentStatus.EXPELLED,),
    OrderType.ACADEMIC_LEAVE: (StudentStatus.ACTIVE,),
    OrderType.RETURN_FROM_LEAVE: (StudentStatus.ON_LEAVE,),
    OrderType.PROMOTION: (StudentStatus.ACTIVE,),
    OrderType.REPEAT_YEAR: (StudentStatus.ACTIVE,),
    OrderType.FUNDING_CHANGE: (StudentStatus.ACTIVE, StudentStatus.ON_LEAVE),
    OrderType.NAME_CHANGE: (StudentStatus.ACTIVE, StudentStatus.ON_LEAVE),
    OrderType.GRADUATION: (StudentStatus.ACTIVE,),
    # §10: the scholarship goes on through medical leave; which leave qualifies is decided by
    # the scholarship rules (registrar.policy.scholarships), which know the kind of leave.
    OrderType.SCHOLARSHIP_AWARD: (StudentStatus.ACTIVE, StudentStatus.ON_LEAVE),
}

# Orders accepted only inside the transfer windows (§9) unless an override reason is given.
WINDOWED = frozenset(
    {OrderType.TRANSFER_IN, OrderType.TRANSFER_OUT, OrderType.INTERNAL_TRANSFER,
     OrderType.REINSTATEMENT}
)


# Item fields holding a code (the same names on `Change` and on `OrderItem`).
CODED_ITEM_FIELDS = ("reason", "leave_kind", "to_funding", "scholarship_kind")

# The reasons an item of each order type may give; a type not listed takes none (blank).
ITEM_REASONS: dict[str, type[models.TextChoices]] = {OrderType.EXPULSION: ExpulsionReason}

# Coded item fields and their choices; blank means "not given" (required where the order
# type needs it, checked below).
# (The labels are the verbose names of the OrderItem fields.)
_CODED_FIELDS: dict[str, tuple[type[models.TextChoices], str | Promise]] = {
    "leave_kind": (LeaveKind, gettext_lazy("kind of leave")),
    "to_funding": (Funding, gettext_lazy("to funding")),
    "scholarship_kind": (ScholarshipKind, gettext_lazy("scholarship")),
}


def _labels(choices: type[models.TextChoices]) -> str:
    return ", ".join(f"{label} ({value})" for value, label in choices.choices)


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def check_choices(order_type: str, values: Mapping[str, str]) -> None:
    """Refuse a coded item field (``reason``, ``leave_kind``, ``to_funding``,
    ``scholarship_kind``) whose value is not one of its choices; a reason is accepted only by
    the order types that take one (expulsion) and must be blank for the others."""
    reason = values.get("reason") or ""
    if reason:
        reasons = ITEM_REASONS.get(order_type)
        if reasons is None:
            raise Refused("reason", _("This type of order takes no reason; leave the reason "
                                      "empty."))
        if reason not in reasons.values:
            raise Refused("reason", _("“%(value)s” is not an allowed reason for this order; "
                                      "choose one of: %(choices)s.")
                          % {"value": _shown(reason), "choices": _labels(reasons)})
    for field, (choices, label) in _CODED_FIELDS.items():
        value = values.get(field) or ""
        if value and value not in choices.values:
            raise Refused(field, _("“%(value)s” is not an allowed value of “%(field)s”; choose "
                                   "one of: %(choices)s.")
                          % {"value": _shown(value), "field": label, "choices": _labels(choices)})


def _status_label(status: str) -> str:
    return str(StudentStatus(status).label)


def _check_status(state: StudentState, change: Change) -> None:
    allowed = _STATUS_NEEDED.get(change.order_type)
    if allowed is None:
        raise Refused("order_type", _("Unknown order type."))
    if state.status not in allowed:
        raise Refused(
            "student",
            _("The student's status is “%(status)s”; this order needs: %(allowed)s.")
            % {
                "status": _status_label(state.status),
                "allowed": ", ".join(_status_label(s) for s in allowed),
            },
        )


def _check_date(state: StudentState, change: Change) -> None:
    if state.last_change and change.effective_date < state.last_change:
        raise Refused(
            "effective_date",
            _("The effective date precedes the student's last status change (%(date)s); "
              "orders cannot be backdated before it.") % {"date": state.last_change.isoformat()},
        )


def _check_window(change: Change, policy: PolicyValues) -> None:
    if change.order_type not in WINDOWED or policy.in_transfer_window(change.effective_date):
        return
    if not change.override_reason.strip():
        windows = "; ".join(
            f"{w.start[1]:02d}.{w.start[0]:02d}–{w.end[1]:02d}.{w.end[0]:02d}"
            for w in policy.transfer_windows
        )
        raise Refused(
            "effective_date",
            _("Transfers and reinstatement are accepted only in the windows %(windows)s; "
              "give an override reason to proceed outside them.") % {"windows": windows},
        )


def _check_group(change: Change, programme_id: int | None) -> None:
    """A group given by the item must belong to the programme the student will be in."""
    if (change.to_group_id is not None and change.to_group_programme_id is not None
            and change.to_group_programme_id != programme_id):
        raise Refused("to_group", _("The group belongs to another programme."))


def _needs_group(change: Change, programme_id: int | None) -> int:
    if change.to_group_id is None:
        raise Refused("to_group", _("A group is required."))
    _check_group(change, programme_id)
    return change.to_group_id


def _needs_funding(change: Change) -> str:
    if change.to_funding not in Funding.values:
        raise Refused("to_funding", _("The funding (state grant or paid) is required."))
    return change.to_funding


def _needs_year(change: Change) -> int:
    year = change.to_year_of_study
    if year is None or not 1 <= year <= change.programme_duration:
        raise Refused(
            "to_year_of_study",
            _("The year of study must be between 1 and %(max)d.")
            % {"max": change.programme_duration},
        )
    return year


def _check_leave(change: Change, policy: PolicyValues) -> None:
    if change.leave_kind not in LeaveKind.values:
        raise Refused("leave_kind", _("The kind of academic leave is required."))
    if change.leave_until is None or change.leave_until <= change.effective_date:
        raise Refused("leave_until", _("The leave must end after it starts."))
    low, high = policy.leave_months(change.leave_kind)
    if not (change.effective_date + relativedelta(months=low) <= change.leave_until
            <= change.effective_date + relativedelta(months=high)):
        raise Refused(
            "leave_until",
            _("This kind of leave lasts from %(low)d to %(high)d months.")
            % {"low": low, "high": high},
        )


def apply_change(state: StudentState, change: Change, policy: PolicyValues) -> StudentState:
    """The state after `change`, or `Refused` with the field and reason."""
    _check_status(state, change)
    check_choices(change.order_type, {f: getattr(change, f) for f in CODED_ITEM_FIELDS})
    _check_date(state, change)
    _check_window(change, policy)
    kind = change.order_type
    after = dataclasses.replace(state, last_change=change.effective_date)

    # The programme the student is in after this change.
    programme_id = change.to_programme_id or state.programme_id
    if kind == OrderType.ENROLMENT:
        return dataclasses.replace(
            after, status=StudentStatus.ACTIVE, programme_id=programme_id,
            group_id=_needs_group(change, programme_id), year_of_study=1,
            funding=_needs_funding(change),
        )
    if kind == OrderType.TRANSFER_IN:
        return dataclasses.replace(
            after, status=StudentStatus.ACTIVE, programme_id=programme_id,
            group_id=_needs_group(change, programme_id), year_of_study=_needs_year(change),
            funding=_needs_funding(change),
        )
    if kind == OrderType.TRANSFER_OUT:
        return dataclasses.replace(after, status=StudentStatus.TRANSFERRED_OUT)
    if kind == OrderType.EXPULSION:
        if not change.reason:
            raise Refused("reason", _("The reason for expulsion is required."))
        return dataclasses.replace(after, status=StudentStatus.EXPELLED)
    if kind == OrderType.INTERNAL_TRANSFER:
        group_id = _needs_group(change, programme_id)
        if programme_id == state.programme_id and group_id == state.group_id:
            raise Refused("to_group", _("The student is already in this programme and group."))
        return dataclasses.replace(after, programme_id=programme_id, group_id=group_id)
    if kind == OrderType.REINSTATEMENT:
        # §9: reinstatement is paid.
        return dataclasses.replace(
            after, status=StudentStatus.ACTIVE, programme_id=programme_id,
            group_id=_needs_group(change, programme_id), year_of_study=_needs_year(change),
            funding=Funding.PAID,
        )
    if kind == OrderType.ACADEMIC_LEAVE:
        _check_leave(change, policy)
        return dataclasses.replace(after, status=StudentStatus.ON_LEAVE)
    _check_group(change, programme_id)
    if kind == OrderType.RETURN_FROM_LEAVE:
        return dataclasses.replace(
            after, status=StudentStatus.ACTIVE, group_id=change.to_group_id or state.group_id,
        )
    if kind == OrderType.PROMOTION:
        if state.year_of_study >= change.programme_duration:
            raise Refused(
                "student", _("The student is in the final year; graduate them instead.")
            )
        return dataclasses.replace(
            after, year_of_study=state.year_of_study + 1,
            group_id=change.to_group_id or state.group_id,
        )
    if kind == OrderType.REPEAT_YEAR:
        # §7: a state-grant student who repeats a year loses the grant.
        return dataclasses.replace(after, funding=Funding.PAID,
                                   group_id=change.to_group_id or state.group_id)
    if kind == OrderType.FUNDING_CHANGE:
        funding = _needs_funding(change)
        if funding == state.funding:
            raise Refused("to_funding", _("The student already has this funding."))
        return dataclasses.replace(after, funding=funding)
    if kind == OrderType.NAME_CHANGE:
        if not change.has_new_names:
            raise Refused("new_names", _("The new name is required."))
        return after
    if kind == OrderType.GRADUATION:
        if state.year_of_study != change.programme_duration:
            raise Refused(
                "student",
                _("Only a final-year student can graduate (year %(year)d of %(max)d).")
                % {"year": state.year_of_study, "max": change.programme_duration},
            )
        return dataclasses.replace(after, status=StudentStatus.GRADUATED)
    if kind == OrderType.SCHOLARSHIP_AWARD:
        if change.scholarship_amount is None or change.scholarship_amount <= 0:
            raise Refused("amount", _("The monthly amount must be positive."))
        return after
    raise Refused("order_type", _("Unknown order type."))


def derive(changes: list[Change], policy_for: object) -> StudentState:
    """Replay changes (already in effective order) from INITIAL; `policy_for(date)` gives policy."""
    state = INITIAL
    for change in changes:
        state = apply_change(state, change, policy_for(change.effective_date))  # type: ignore[operator]
    return state
