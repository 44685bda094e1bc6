"""The pure state machine of a student's status under orders (§9), with the default policy.

No database: `apply_change` takes plain values and returns the state after one order
item, or raises `Refused` naming the field. Every expected state below is written out
literally from §9 (and §7 for the repeat year), never computed with the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrar.contingent.choices import ExpulsionReason, LeaveKind, OrderType
from registrar.contingent.transitions import (
    INITIAL,
    Change,
    Refused,
    StudentState,
    apply_change,
)
from registrar.policy.values import DEFAULT_VALUES

P = DEFAULT_VALUES
D = dt.date
T = OrderType

# Programme 1 (groups 10, 11), programme 2 (group 20), programme 3 (group 30); 4 years each.
ENROLLED_ON = D(2025, 9, 1)
ACTIVE = StudentState(status="active", programme_id=1, group_id=10, year_of_study=1,
                      funding="paid", last_change=ENROLLED_ON)
ACTIVE_GRANT = dataclasses.replace(ACTIVE, funding="state_grant")
ON_LEAVE = dataclasses.replace(ACTIVE, status="on_leave", last_change=D(2025, 10, 1))
EXPELLED = dataclasses.replace(ACTIVE_GRANT, status="expelled", last_change=D(2025, 11, 1))
FINAL_YEAR = dataclasses.replace(ACTIVE, year_of_study=4, last_change=D(2028, 7, 1))
GRADUATED = dataclasses.replace(FINAL_YEAR, status="graduated", last_change=D(2029, 6, 30))
TRANSFERRED_OUT = dataclasses.replace(ACTIVE, status="transferred_out",
                                      last_change=D(2026, 1, 10))

IN_WINTER_WINDOW = D(2026, 1, 10)
OUTSIDE_WINDOWS = D(2026, 3, 2)


def refusal(state: StudentState, change: Change) -> str:
    """The field named by the refusal (fails the test if the change is accepted)."""
    with pytest.raises(Refused) as caught:
        apply_change(state, change, P)
    return caught.value.field


def chg(order_type: str, on: dt.date, **fields) -> Change:
    return Change(order_type=order_type, effective_date=on, **fields)


# --- enrolment -------------------------------------------------------------------------------


def test_enrolment_makes_an_active_first_year_student():
    """§9 enrolment (first year): applicant → studying, year 1, in the group, with funding."""
    after = apply_change(
        INITIAL,
        chg(T.ENROLMENT, ENROLLED_ON, to_programme_id=1, to_group_id=10,
            to_group_programme_id=1, to_funding="state_grant"),
        P,
    )
    assert after == StudentState(status="active", programme_id=1, group_id=10, year_of_study=1,
                                 funding="state_grant", last_change=D(2025, 9, 1))


@pytest.mark.parametrize(
    "state, fields, field",
    [
        (ACTIVE, dict(to_group_id=10, to_group_programme_id=1, to_funding="paid"), "student"),
        (EXPELLED, dict(to_group_id=10, to_group_programme_id=1, to_funding="paid"), "student"),
        (INITIAL, dict(to_funding="paid"), "to_group"),
        (INITIAL, dict(to_group_id=10, to_group_programme_id=1), "to_funding"),
        (INITIAL, dict(to_group_id=10, to_group_programme_id=1, to_funding="scholarship"),
         "to_funding"),
        (INITIAL, dict(to_group_id=20, to_group_programme_id=2, to_funding="paid"), "to_group"),
    ],
    ids=["already-active", "expelled", "no-group", "no-funding", "bad-funding",
         "group-of-another-programme"],
)
def test_enrolment_refusals(state, fields, field):
    """§9: only an applicant is enrolled, into a group of their programme, with a funding."""
    change = chg(T.ENROLMENT, D(2026, 9, 1), to_programme_id=1, **fields)
    assert refusal(state, change) == field


# --- transfer in -----------------------------------------------------------------------------


def test_transfer_in_enrols_into_the_given_year():
    """§9 enrolment by transfer from another university, inside the summer window."""
    after = apply_change(
        INITIAL,
        chg(T.TRANSFER_IN, D(2025, 8, 20), to_programme_id=1, to_group_id=11,
            to_group_programme_id=1, to_year_of_study=2, to_funding="paid"),
        P,
    )
    assert after == StudentState(status="active", programme_id=1, group_id=11, year_of_study=2,
                                 funding="paid", last_change=D(2025, 8, 20))


@pytest.mark.parametrize(
    "day, accepted",
    [
        (D(2025, 12, 31), False),
        (D(2026, 1, 1), True),
        (D(2026, 1, 15), True),
        (D(2026, 1, 16), False),
        (D(2026, 6, 30), False),
        (D(2026, 7, 1), True),
        (D(2026, 8, 25), True),
        (D(2026, 8, 26), False),
        (D(2026, 3, 2), False),
    ],
)
def test_transfer_in_only_in_the_windows(day, accepted):
    """§9: transfers are accepted only 1–15 Jan and 1 Jul–25 Aug (inclusive)."""
    change = chg(T.TRANSFER_IN, day, to_programme_id=1, to_group_id=10, to_group_programme_id=1,
                 to_year_of_study=2, to_funding="paid")
    if accepted:
        assert apply_change(INITIAL, change, P).status == "active"
    else:
        assert refusal(INITIAL, change) == "effective_date"


def test_transfer_in_outside_the_window_with_an_override_reason():
    """§9: outside the windows only with a stated override reason (blank does not count)."""
    base = chg(T.TRANSFER_IN, OUTSIDE_WINDOWS, to_programme_id=1, to_group_id=10,
               to_group_programme_id=1, to_year_of_study=3, to_funding="paid")
    assert refusal(INITIAL, dataclasses.replace(base, override_reason="   ")) == "effective_date"
    after = apply_change(INITIAL, dataclasses.replace(base, override_reason="Rector's decision"), P)
    assert after == StudentState(status="active", programme_id=1, group_id=10, year_of_study=3,
                                 funding="paid", last_change=D(2026, 3, 2))


@pytest.mark.parametrize(
    "fields, field",
    [
        (dict(to_group_id=10, to_group_programme_id=1, to_funding="paid"), "to_year_of_study"),
        (dict(to_group_id=10, to_group_programme_id=1, to_funding="paid", to_year_of_study=5),
         "to_year_of_study"),
        (dict(to_group_id=10, to_group_programme_id=1, to_funding="paid", to_year_of_study=0),
         "to_year_of_study"),
        (dict(to_year_of_study=2, to_funding="paid"), "to_group"),
        (dict(to_group_id=10, to_group_programme_id=1, to_year_of_study=2), "to_funding"),
    ],
    ids=["no-year", "year-beyond-programme", "year-zero", "no-group", "no-funding"],
)
def test_transfer_in_refusals(fields, field):
    """§9 transfer in needs the year of study (1..programme length), group and funding."""
    change = chg(T.TRANSFER_IN, D(2026, 7, 15), to_programme_id=1, programme_duration=4,
                 **fields)
    assert refusal(INITIAL, change) == field


def test_transfer_in_of_an_enrolled_student_is_refused():
    """§9: transfer in is an enrolment; a student already studying is refused."""
    change = chg(T.TRANSFER_IN, D(2026, 7, 15), to_programme_id=1, to_group_id=10,
                 to_group_programme_id=1, to_year_of_study=2, to_funding="paid")
    assert refusal(ACTIVE, change) == "student"


# --- transfer out and internal transfer -------------------------------------------------------


@pytest.mark.parametrize("state", [ACTIVE, ON_LEAVE], ids=["active", "on-leave"])
def test_transfer_out(state):
    """§9 transfer to another university, in the winter window."""
    after = apply_change(state, chg(T.TRANSFER_OUT, IN_WINTER_WINDOW), P)
    assert after == StudentState(status="transferred_out", programme_id=1, group_id=10,
                                 year_of_study=1, funding="paid", last_change=D(2026, 1, 10))


def test_transfer_out_outside_the_windows_needs_an_override():
    """§9: transfers outside the windows are refused unless an override reason is given."""
    assert refusal(ACTIVE, chg(T.TRANSFER_OUT, OUTSIDE_WINDOWS)) == "effective_date"
    after = apply_change(ACTIVE, chg(T.TRANSFER_OUT, OUTSIDE_WINDOWS,
                                     override_reason="Family moved abroad"), P)
    assert after.status == "transferred_out"
    assert after.last_change == D(2026, 3, 2)


@pytest.mark.parametrize("state", [INITIAL, EXPELLED, GRADUATED, TRANSFERRED_OUT],
                         ids=["applicant", "expelled", "graduated", "transferred-out"])
def test_transfer_out_needs_a_current_student(state):
    """§9: only a studying student (or one on leave) can transfer out."""
    assert refusal(state, chg(T.TRANSFER_OUT, D(2030, 1, 10))) == "student"


def test_internal_transfer_to_another_programme_and_group():
    """§9 internal transfer (programme, study form, language, group), in the window."""
    after = apply_change(ACTIVE, chg(T.INTERNAL_TRANSFER, IN_WINTER_WINDOW, to_programme_id=2,
                                     to_group_id=20, to_group_programme_id=2), P)
    assert after == StudentState(status="active", programme_id=2, group_id=20, year_of_study=1,
                                 funding="paid", last_change=D(2026, 1, 10))


def test_internal_transfer_to_another_group_of_the_same_programme():
    """§9 internal transfer of group only: the programme is kept."""
    after = apply_change(ACTIVE, chg(T.INTERNAL_TRANSFER, D(2026, 7, 1), to_group_id=11,
                                     to_group_programme_id=1), P)
    assert after == StudentState(status="active", programme_id=1, group_id=11, year_of_study=1,
                                 funding="paid", last_change=D(2026, 7, 1))


def test_internal_transfer_outside_the_windows_needs_an_override():
    """§9: internal transfers too are accepted outside the windows only with a reason."""
    change = chg(T.INTERNAL_TRANSFER, OUTSIDE_WINDOWS, to_group_id=11, to_group_programme_id=1)
    assert refusal(ACTIVE, change) == "effective_date"
    after = apply_change(ACTIVE, dataclasses.replace(change, override_reason="Medical advice"), P)
    assert (after.group_id, after.last_change) == (11, D(2026, 3, 2))


@pytest.mark.parametrize(
    "state, fields, field",
    [
        (ACTIVE, dict(to_group_id=10, to_group_programme_id=1), "to_group"),
        (ACTIVE, dict(), "to_group"),
        (ACTIVE, dict(to_programme_id=2, to_group_id=30, to_group_programme_id=3), "to_group"),
        (ON_LEAVE, dict(to_group_id=11, to_group_programme_id=1), "student"),
        (EXPELLED, dict(to_group_id=11, to_group_programme_id=1), "student"),
    ],
    ids=["same-group", "no-group", "group-of-another-programme", "on-leave", "expelled"],
)
def test_internal_transfer_refusals(state, fields, field):
    """§9: an internal transfer moves a studying student to a different group of the programme."""
    assert refusal(state, chg(T.INTERNAL_TRANSFER, IN_WINTER_WINDOW, **fields)) == field


# --- expulsion and reinstatement --------------------------------------------------------------


@pytest.mark.parametrize("state", [ACTIVE, ON_LEAVE], ids=["active", "on-leave"])
def test_expulsion(state):
    """§9 expulsion (poor results) of a studying student or one on leave."""
    after = apply_change(state, chg(T.EXPULSION, D(2026, 2, 1), reason="poor_results"), P)
    assert after == StudentState(status="expelled", programme_id=1, group_id=10,
                                 year_of_study=1, funding="paid", last_change=D(2026, 2, 1))


def test_expulsion_needs_a_reason():
    """§9 lists the reasons of expulsion; one must be given."""
    assert refusal(ACTIVE, chg(T.EXPULSION, D(2026, 2, 1))) == "reason"


@pytest.mark.parametrize("state", [EXPELLED, INITIAL, GRADUATED, TRANSFERRED_OUT],
                         ids=["expelled", "applicant", "graduated", "transferred-out"])
def test_expelling_a_non_student_is_refused(state):
    """§9: an expelled student cannot be expelled again (nor an applicant or a graduate)."""
    assert refusal(state, chg(T.EXPULSION, D(2030, 2, 1), reason="own_wish")) == "student"


def test_expulsion_is_not_bound_to_the_transfer_windows():
    """§9: only transfers and reinstatement have windows; expulsion on 2 March is fine."""
    after = apply_change(ACTIVE, chg(T.EXPULSION, OUTSIDE_WINDOWS, reason="non_payment"), P)
    assert after.status == "expelled"


def test_reinstatement_of_an_expelled_grant_student_is_paid():
    """§9 reinstatement (of a formerly expelled student; paid), in the window."""
    after = apply_change(EXPELLED, chg(T.REINSTATEMENT, IN_WINTER_WINDOW, to_group_id=11,
                                       to_group_programme_id=1, to_year_of_study=1), P)
    assert after == StudentState(status="active", programme_id=1, group_id=11, year_of_study=1,
                                 funding="paid", last_change=D(2026, 1, 10))


@pytest.mark.parametrize("state", [ACTIVE, ON_LEAVE, INITIAL, GRADUATED, TRANSFERRED_OUT],
                         ids=["active", "on-leave", "applicant", "graduated", "transferred-out"])
def test_reinstatement_only_of_an_expelled_student(state):
    """§9: reinstatement is of a formerly expelled student only."""
    change = chg(T.REINSTATEMENT, D(2030, 1, 10), to_group_id=11, to_group_programme_id=1,
                 to_year_of_study=1)
    assert refusal(state, change) == "student"


def test_reinstatement_outside_the_windows_needs_an_override():
    """§9: reinstatement is accepted only in the windows unless an override reason is given."""
    change = chg(T.REINSTATEMENT, OUTSIDE_WINDOWS, to_group_id=11, to_group_programme_id=1,
                 to_year_of_study=1)
    assert refusal(EXPELLED, change) == "effective_date"
    after = apply_change(EXPELLED, dataclasses.replace(change, override_reason="Court ruling"), P)
    assert (after.status, after.funding) == ("active", "paid")


@pytest.mark.parametrize(
    "fields, field",
    [
        (dict(to_year_of_study=1), "to_group"),
        (dict(to_group_id=11, to_group_programme_id=1), "to_year_of_study"),
        (dict(to_programme_id=1, to_group_id=20, to_group_programme_id=2, to_year_of_study=1),
         "to_group"),
    ],
    ids=["no-group", "no-year", "group-of-another-programme"],
)
def test_reinstatement_refusals(fields, field):
    """§9: reinstatement places the student in a group and a year of study."""
    assert refusal(EXPELLED, chg(T.REINSTATEMENT, IN_WINTER_WINDOW, **fields)) == field


# --- academic leave and return ---------------------------------------------------------------


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (all test days are the 1st of a month)."""
    assert day.day == 1
    year, month = divmod(day.month - 1 + months, 12)
    return D(day.year + year, month + 1, 1)


LEAVE_STARTS = D(2025, 10, 1)


@pytest.mark.parametrize(
    "kind, months, accepted",
    [
        ("medical", 5, False),
        ("medical", 6, True),
        ("medical", 12, True),
        ("medical", 13, False),
        ("childcare", 1, True),
        ("childcare", 36, True),
        ("childcare", 37, False),
        ("military", 12, True),
    ],
)
def test_academic_leave_lengths(kind, months, accepted):
    """§9 academic leave: medical 6–12 months, childbirth/childcare up to 3 years."""
    change = chg(T.ACADEMIC_LEAVE, LEAVE_STARTS, leave_kind=kind,
                 leave_until=months_after(LEAVE_STARTS, months))
    if accepted:
        assert apply_change(ACTIVE, change, P) == StudentState(
            status="on_leave", programme_id=1, group_id=10, year_of_study=1, funding="paid",
            last_change=D(2025, 10, 1))
    else:
        assert refusal(ACTIVE, change) == "leave_until"


def test_medical_leave_one_day_short_of_six_months_is_refused():
    """§9: the medical leave lower bound (6 months) is exact to the day."""
    change = chg(T.ACADEMIC_LEAVE, LEAVE_STARTS, leave_kind="medical",
                 leave_until=D(2026, 3, 31))
    assert refusal(ACTIVE, change) == "leave_until"


@pytest.mark.parametrize(
    "state, fields, field",
    [
        (ACTIVE, dict(leave_until=D(2026, 6, 1)), "leave_kind"),
        (ACTIVE, dict(leave_kind="holiday", leave_until=D(2026, 6, 1)), "leave_kind"),
        (ACTIVE, dict(leave_kind="medical"), "leave_until"),
        (ACTIVE, dict(leave_kind="childcare", leave_until=D(2025, 9, 30)), "leave_until"),
        (ACTIVE, dict(leave_kind="childcare", leave_until=LEAVE_STARTS), "leave_until"),
        (ON_LEAVE, dict(leave_kind="medical", leave_until=D(2026, 6, 1)), "student"),
        (EXPELLED, dict(leave_kind="medical", leave_until=D(2026, 6, 1)), "student"),
    ],
    ids=["no-kind", "unknown-kind", "no-end", "ends-before-start", "ends-on-start",
         "already-on-leave", "expelled"],
)
def test_academic_leave_refusals(state, fields, field):
    """§9: the kind of leave is required and it must end after it starts."""
    state = dataclasses.replace(state, last_change=D(2025, 9, 1))
    assert refusal(state, chg(T.ACADEMIC_LEAVE, LEAVE_STARTS, **fields)) == field


def test_return_from_leave_restores_studying_status():
    """§9 return from academic leave, into the same group."""
    after = apply_change(ON_LEAVE, chg(T.RETURN_FROM_LEAVE, D(2026, 9, 1)), P)
    assert after == StudentState(status="active", programme_id=1, group_id=10, year_of_study=1,
                                 funding="paid", last_change=D(2026, 9, 1))


def test_return_from_leave_into_another_group():
    """§9 return from leave: the student may join another group of the programme."""
    after = apply_change(ON_LEAVE, chg(T.RETURN_FROM_LEAVE, D(2026, 9, 1), to_group_id=11,
                                       to_group_programme_id=1), P)
    assert (after.status, after.group_id) == ("active", 11)


@pytest.mark.parametrize("state", [ACTIVE, EXPELLED, INITIAL, GRADUATED],
                         ids=["active", "expelled", "applicant", "graduated"])
def test_return_of_a_student_not_on_leave_is_refused(state):
    """§9: only a student on academic leave can return from it."""
    assert refusal(state, chg(T.RETURN_FROM_LEAVE, D(2030, 9, 1))) == "student"


# --- promotion, repeat year, funding ----------------------------------------------------------


def test_promotion_increments_the_year():
    """§9/§7 promotion to the next year, optionally into another group."""
    after = apply_change(ACTIVE, chg(T.PROMOTION, D(2026, 7, 1), to_group_id=11,
                                     to_group_programme_id=1), P)
    assert after == StudentState(status="active", programme_id=1, group_id=11, year_of_study=2,
                                 funding="paid", last_change=D(2026, 7, 1))


def test_promotion_keeps_the_group_when_none_given():
    """§9 promotion: without a new group the student stays in theirs."""
    state = dataclasses.replace(ACTIVE, year_of_study=3)
    after = apply_change(state, chg(T.PROMOTION, D(2026, 7, 1)), P)
    assert (after.year_of_study, after.group_id) == (4, 10)


@pytest.mark.parametrize("duration, year", [(4, 4), (2, 2), (1, 1)])
def test_promotion_in_the_final_year_is_refused(duration, year):
    """§9: there is no next year after the final one; the student graduates instead."""
    state = dataclasses.replace(ACTIVE, year_of_study=year)
    change = chg(T.PROMOTION, D(2026, 7, 1), programme_duration=duration)
    assert refusal(state, change) == "student"


@pytest.mark.parametrize("state", [ON_LEAVE, EXPELLED, INITIAL],
                         ids=["on-leave", "expelled", "applicant"])
def test_promotion_only_of_a_studying_student(state):
    """§9 promotion applies to studying students."""
    assert refusal(state, chg(T.PROMOTION, D(2026, 7, 1))) == "student"


def test_repeat_year_of_a_grant_student_makes_them_paid():
    """§7/§9: a state-grant student who repeats a year loses the grant; the year is kept."""
    after = apply_change(ACTIVE_GRANT, chg(T.REPEAT_YEAR, D(2026, 7, 1)), P)
    assert after == StudentState(status="active", programme_id=1, group_id=10, year_of_study=1,
                                 funding="paid", last_change=D(2026, 7, 1))


def test_repeat_year_of_a_paid_student_stays_paid_in_the_new_group():
    """§7: the repeat year is paid."""
    after = apply_change(ACTIVE, chg(T.REPEAT_YEAR, D(2026, 7, 1), to_group_id=11,
                                     to_group_programme_id=1), P)
    assert (after.funding, after.group_id, after.year_of_study) == ("paid", 11, 1)


@pytest.mark.parametrize("state", [ON_LEAVE, EXPELLED], ids=["on-leave", "expelled"])
def test_repeat_year_only_of_a_studying_student(state):
    """§9 repeat of the year applies to studying students."""
    assert refusal(state, chg(T.REPEAT_YEAR, D(2026, 7, 1))) == "student"


@pytest.mark.parametrize(
    "state, to_funding",
    [(ACTIVE, "state_grant"), (ACTIVE_GRANT, "paid"),
     (dataclasses.replace(ON_LEAVE, funding="state_grant"), "paid")],
    ids=["paid-to-grant", "grant-to-paid", "on-leave-grant-loss"],
)
def test_funding_change(state, to_funding):
    """§9 change of funding (paid ↔ state grant, grant loss)."""
    after = apply_change(state, chg(T.FUNDING_CHANGE, D(2026, 2, 1), to_funding=to_funding), P)
    assert after == dataclasses.replace(state, funding=to_funding, last_change=D(2026, 2, 1))


@pytest.mark.parametrize(
    "state, to_funding",
    [(ACTIVE, "paid"), (ACTIVE_GRANT, "state_grant"), (ACTIVE, ""), (ACTIVE, "free")],
    ids=["paid-to-paid", "grant-to-grant", "missing", "unknown"],
)
def test_funding_change_refusals(state, to_funding):
    """§9: a change of funding must name a funding different from the current one."""
    assert refusal(state, chg(T.FUNDING_CHANGE, D(2026, 2, 1), to_funding=to_funding)) \
        == "to_funding"


def test_funding_change_of_an_expelled_student_is_refused():
    """§9 funding belongs to current students."""
    assert refusal(EXPELLED, chg(T.FUNDING_CHANGE, D(2026, 2, 1), to_funding="paid")) \
        == "student"


# --- name change, graduation, scholarship ------------------------------------------------------


def test_name_change_keeps_the_academic_state():
    """§9 change of name: the academic state is unchanged, only the date of last change moves."""
    after = apply_change(ON_LEAVE, chg(T.NAME_CHANGE, D(2026, 2, 1), has_new_names=True), P)
    assert after == StudentState(status="on_leave", programme_id=1, group_id=10,
                                 year_of_study=1, funding="paid", last_change=D(2026, 2, 1))


def test_name_change_needs_new_names():
    """§9: a change of name without the new name is refused."""
    assert refusal(ACTIVE, chg(T.NAME_CHANGE, D(2026, 2, 1))) == "new_names"


def test_graduation_of_a_final_year_student():
    """§9 graduation of a final-year student."""
    after = apply_change(FINAL_YEAR, chg(T.GRADUATION, D(2029, 6, 30)), P)
    assert after == StudentState(status="graduated", programme_id=1, group_id=10,
                                 year_of_study=4, funding="paid", last_change=D(2029, 6, 30))


def test_graduation_after_a_two_year_programme():
    """§9: the final year is the programme's length (a 2-year master here)."""
    state = dataclasses.replace(ACTIVE, year_of_study=2)
    after = apply_change(state, chg(T.GRADUATION, D(2027, 6, 30), programme_duration=2), P)
    assert after.status == "graduated"


@pytest.mark.parametrize("state", [ACTIVE, dataclasses.replace(ACTIVE, year_of_study=3),
                                   dataclasses.replace(FINAL_YEAR, status="on_leave")],
                         ids=["first-year", "third-year", "final-year-on-leave"])
def test_graduation_only_in_the_final_year(state):
    """§9: only a studying final-year student graduates."""
    assert refusal(state, chg(T.GRADUATION, D(2029, 6, 30))) == "student"


def test_scholarship_award_keeps_the_state():
    """§9/§10 scholarship award: no change of status."""
    after = apply_change(ACTIVE_GRANT, chg(T.SCHOLARSHIP_AWARD, D(2026, 2, 1),
                                           scholarship_amount=Decimal("45000.00")), P)
    assert after == StudentState(status="active", programme_id=1, group_id=10, year_of_study=1,
                                 funding="state_grant", last_change=D(2026, 2, 1))


@pytest.mark.parametrize("amount", [None, Decimal("0"), Decimal("-1.00")])
def test_scholarship_needs_a_positive_amount(amount):
    """§9/§10: a scholarship order states a positive monthly amount."""
    change = chg(T.SCHOLARSHIP_AWARD, D(2026, 2, 1), scholarship_amount=amount)
    assert refusal(ACTIVE_GRANT, change) == "amount"


def test_scholarship_continues_through_leave_but_not_after_leaving():
    """§10 "none during leave (except medical)": the order may name a student on leave (the
    scholarship rules decide which leave qualifies); a graduate or an expelled student never."""
    change = chg(T.SCHOLARSHIP_AWARD, D(2026, 2, 1), scholarship_amount=Decimal("45000"))
    assert apply_change(ON_LEAVE, change, P).status == ON_LEAVE.status
    expelled = dataclasses.replace(ON_LEAVE, status="expelled")
    assert refusal(expelled, change) == "student"


# --- rules common to every type ---------------------------------------------------------------


def valid_change(order_type: str, on: dt.date) -> Change:
    """A change of each type that ACTIVE (or ON_LEAVE / EXPELLED / INITIAL) accepts on `on`."""
    fields: dict = {
        T.ENROLMENT: dict(to_programme_id=1, to_group_id=10, to_group_programme_id=1,
                          to_funding="paid"),
        T.TRANSFER_IN: dict(to_programme_id=1, to_group_id=10, to_group_programme_id=1,
                            to_year_of_study=2, to_funding="paid", override_reason="x"),
        T.TRANSFER_OUT: dict(override_reason="x"),
        T.INTERNAL_TRANSFER: dict(to_group_id=11, to_group_programme_id=1,
                                  override_reason="x"),
        T.EXPULSION: dict(reason="own_wish"),
        T.REINSTATEMENT: dict(to_group_id=11, to_group_programme_id=1, to_year_of_study=1,
                              override_reason="x"),
        T.ACADEMIC_LEAVE: dict(leave_kind="medical", leave_until=months_after(on, 6)),
        T.RETURN_FROM_LEAVE: dict(),
        T.PROMOTION: dict(),
        T.REPEAT_YEAR: dict(),
        T.FUNDING_CHANGE: dict(to_funding="state_grant"),
        T.NAME_CHANGE: dict(has_new_names=True),
        T.GRADUATION: dict(programme_duration=1),
        T.SCHOLARSHIP_AWARD: dict(scholarship_amount=Decimal("1000")),
    }[order_type]
    return chg(order_type, on, **fields)


def state_accepting(order_type: str) -> StudentState:
    return {
        T.ENROLMENT: INITIAL, T.TRANSFER_IN: INITIAL, T.REINSTATEMENT: EXPELLED,
        T.RETURN_FROM_LEAVE: ON_LEAVE,
    }.get(order_type, ACTIVE)


@pytest.mark.parametrize("order_type", OrderType.values)
def test_every_type_has_a_valid_case(order_type):
    """§9: each order type is accepted from a suitable state (sanity of the fixtures below)."""
    state = dataclasses.replace(state_accepting(order_type), last_change=D(2026, 2, 1))
    after = apply_change(state, valid_change(order_type, D(2026, 3, 1)), P)
    assert after.last_change == D(2026, 3, 1)


@pytest.mark.parametrize("order_type", OrderType.values)
def test_backdating_before_the_last_change_is_refused(order_type):
    """§9 effective-dated history: no order takes effect before the student's last change."""
    state = dataclasses.replace(state_accepting(order_type), last_change=D(2026, 3, 2))
    assert refusal(state, valid_change(order_type, D(2026, 3, 1))) == "effective_date"


@pytest.mark.parametrize("order_type", OrderType.values)
def test_same_day_as_the_last_change_is_accepted(order_type):
    """§9: an order may take effect on the day of the previous change (not before)."""
    state = dataclasses.replace(state_accepting(order_type), last_change=D(2026, 3, 1))
    after = apply_change(state, valid_change(order_type, D(2026, 3, 1)), P)
    assert after.last_change == D(2026, 3, 1)


@pytest.mark.parametrize("order_type", OrderType.values)
@pytest.mark.parametrize("final", [GRADUATED, TRANSFERRED_OUT], ids=["graduated", "transferred"])
def test_nothing_applies_after_graduation_or_transfer_out(order_type, final):
    """§9: a graduate or a student who left by transfer is no longer in the contingent."""
    assert refusal(final, valid_change(order_type, D(2030, 1, 1))) == "student"


def test_unknown_order_type_is_refused():
    """An unknown type is refused with field "order_type" (transitions.py:252 intends it)."""
    assert refusal(ACTIVE, chg("promotion_to_dean", D(2026, 3, 1))) == "order_type"


@pytest.mark.parametrize(
    "state, order_type, fields",
    [
        (ACTIVE, T.INTERNAL_TRANSFER, dict(override_reason="x")),
        (EXPELLED, T.REINSTATEMENT, dict(to_year_of_study=1, override_reason="x")),
        (ON_LEAVE, T.RETURN_FROM_LEAVE, dict()),
        (ACTIVE, T.PROMOTION, dict()),
        (ACTIVE, T.REPEAT_YEAR, dict()),
    ],
    ids=["internal-transfer", "reinstatement", "return-from-leave", "promotion", "repeat-year"],
)
def test_group_of_another_programme_is_refused_without_a_new_programme(state, order_type,
                                                                       fields):
    """§9/§2: a group belongs to one programme; a student of programme 1 cannot be put into
    group 20 of programme 2 unless the order also moves them to programme 2."""
    change = chg(order_type, D(2026, 7, 1), to_group_id=20, to_group_programme_id=2, **fields)
    assert refusal(state, change) == "to_group"


# --- property: any sequence is either applied or refused, purely ---------------------------------


DAY0 = D(2024, 1, 1)

changes = st.builds(
    lambda order_type, shift, fields: (order_type, shift, fields),
    st.sampled_from(OrderType.values),
    st.integers(min_value=-60, max_value=400),
    st.fixed_dictionaries({
        "to_programme_id": st.sampled_from([None, 1, 2, 3]),
        "to_group_id": st.sampled_from([None, 10, 11, 20, 30]),
        "to_group_programme_id": st.sampled_from([None, 1, 2, 3]),
        "to_year_of_study": st.one_of(st.none(), st.integers(min_value=-1, max_value=8)),
        "to_funding": st.sampled_from(["", "paid", "state_grant", "other"]),
        "reason": st.sampled_from(["", *ExpulsionReason.values]),
        "leave_kind": st.sampled_from(["", "unknown", *LeaveKind.values]),
        "leave_days": st.one_of(st.none(), st.integers(min_value=-30, max_value=1300)),
        "override_reason": st.sampled_from(["", "   ", "Rector's decision"]),
        "programme_duration": st.integers(min_value=1, max_value=7),
        "scholarship_amount": st.one_of(
            st.none(), st.decimals(min_value=-100, max_value=500000, places=2,
                                   allow_nan=False, allow_infinity=False)),
        "has_new_names": st.booleans(),
    }),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(changes, min_size=1, max_size=25))
def test_any_sequence_of_changes_is_applied_or_refused_purely(sequence):
    """§9: for any sequence of items of any type, `apply_change` returns a state or raises
    `Refused` (never another exception); it is pure (same input → same output), a refusal
    leaves the input state usable, and the invariants of a student's state hold."""
    state, day = INITIAL, DAY0
    for order_type, shift, fields in sequence:
        day = day + dt.timedelta(days=shift)
        fields = dict(fields)
        leave_days = fields.pop("leave_days")
        leave_until = None if leave_days is None else day + dt.timedelta(days=leave_days)
        change = Change(order_type=order_type, effective_date=day, leave_until=leave_until,
                        **fields)
        before = dataclasses.replace(state)
        try:
            after = apply_change(state, change, P)
        except Refused as first:
            assert first.field
            with pytest.raises(Refused) as second:
                apply_change(state, change, P)
            assert second.value.field == first.field
            assert state == before  # the input is untouched and still usable
            continue
        assert apply_change(before, change, P) == after  # same input, same output
        assert state == before
        assert after.last_change == day
        assert state.last_change is None or after.last_change >= state.last_change
        assert after.status in {"applicant", "active", "on_leave", "expelled",
                                "transferred_out", "graduated"}
        if after.status == "active":
            assert after.group_id is not None  # the DB constraint active_student_has_group
            assert after.funding in {"paid", "state_grant"}
            assert 1 <= after.year_of_study <= 7
        state = after
