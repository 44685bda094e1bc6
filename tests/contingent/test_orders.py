"""Orders through the services: draft → approved → applied, numbering, refusals (§9).

"An order is drafted, approved (signed), and only then applied; applied orders are never
edited — a mistake is fixed by another order" and "a student's status is always derivable
from their applied orders (effective-dated history)" (§9). Expected values are literals.
"""

from __future__ import annotations

import datetime as dt
import types
from decimal import Decimal

import pytest

from registrar.audit.models import AuditEvent
from registrar.contingent import selectors
from registrar.contingent.choices import OrderType
from registrar.contingent.models import (
    ImmutableOrderError,
    Order,
    OrderCounter,
    OrderItem,
    StatusChange,
)
from registrar.contingent.services import (
    OrderRefused,
    add_item,
    apply_order,
    approve_order,
    cancel_order,
    create_order,
    remove_item,
)
from registrar.people.models import Student
from tests import factories

from .helpers import ENROLLED_ON, draft, enrol, run, snapshot, state_of

pytestmark = pytest.mark.django_db

D = dt.date
T = OrderType


@pytest.fixture
def ctx(reg, fac, prog, grp, grp_b, prog2, grp2):
    return types.SimpleNamespace(reg=reg, fac=fac, prog=prog, grp=grp, grp_b=grp_b,
                                 prog2=prog2, grp2=grp2)


def only_problem(caught: pytest.ExceptionInfo[OrderRefused]):
    assert len(caught.value.problems) == 1
    return caught.value.problems[0]


# --- the full path for every type ---------------------------------------------------------------
# Each scenario builds the prior state with earlier orders and returns the item under test and
# the student's expected academic fields after it, written out literally.


def scenario_enrolment(c):
    s = factories.student(c.prog)
    return s, D(2025, 9, 1), dict(to_group=c.grp, to_funding="state_grant"), dict(
        status="active", programme_id=c.prog.pk, group_id=c.grp.pk, year_of_study=1,
        funding="state_grant"), "1-ENR/2025"


def scenario_transfer_in(c):
    s = factories.student(c.prog)
    return s, D(2025, 8, 20), dict(to_group=c.grp_b, to_year_of_study=2, to_funding="paid"), dict(
        status="active", programme_id=c.prog.pk, group_id=c.grp_b.pk, year_of_study=2,
        funding="paid"), "1-TIN/2025"


def scenario_transfer_out(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg)
    return s, D(2026, 1, 10), dict(basis="Letter of KazNU"), dict(
        status="transferred_out", programme_id=c.prog.pk, group_id=c.grp.pk, year_of_study=1,
        funding="paid"), "1-TOUT/2026"


def scenario_internal_transfer(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg)
    return s, D(2026, 1, 10), dict(to_programme=c.prog2, to_group=c.grp2), dict(
        status="active", programme_id=c.prog2.pk, group_id=c.grp2.pk, year_of_study=1,
        funding="paid"), "1-ITR/2026"


def scenario_expulsion(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg, funding="state_grant")
    return s, D(2025, 11, 1), dict(reason="non_attendance"), dict(
        status="expelled", programme_id=c.prog.pk, group_id=c.grp.pk, year_of_study=1,
        funding="state_grant"), "1-EXP/2025"


def scenario_reinstatement(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg, funding="state_grant")
    run(T.EXPULSION, s, D(2025, 11, 1), by=c.reg, reason="own_wish")
    return s, D(2026, 1, 12), dict(to_group=c.grp_b, to_year_of_study=1,
                                   academic_difference="Physics 1 (5 cr.)"), dict(
        status="active", programme_id=c.prog.pk, group_id=c.grp_b.pk, year_of_study=1,
        funding="paid"), "1-REI/2026"


def scenario_academic_leave(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg)
    return s, D(2025, 10, 1), dict(leave_kind="medical", leave_until=D(2026, 9, 1)), dict(
        status="on_leave", programme_id=c.prog.pk, group_id=c.grp.pk, year_of_study=1,
        funding="paid"), "1-AL/2025"


def scenario_return_from_leave(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg)
    run(T.ACADEMIC_LEAVE, s, D(2025, 10, 1), by=c.reg, leave_kind="childcare",
        leave_until=D(2026, 9, 1))
    return s, D(2026, 9, 1), dict(to_group=c.grp_b), dict(
        status="active", programme_id=c.prog.pk, group_id=c.grp_b.pk, year_of_study=1,
        funding="paid"), "1-RAL/2026"


def scenario_promotion(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg)
    return s, D(2026, 7, 1), dict(to_group=c.grp_b), dict(
        status="active", programme_id=c.prog.pk, group_id=c.grp_b.pk, year_of_study=2,
        funding="paid"), "1-PRM/2026"


def scenario_repeat_year(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg, funding="state_grant")
    return s, D(2026, 7, 1), dict(), dict(
        status="active", programme_id=c.prog.pk, group_id=c.grp.pk, year_of_study=1,
        funding="paid"), "1-REP/2026"


def scenario_funding_change(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg)
    return s, D(2026, 2, 1), dict(to_funding="state_grant"), dict(
        status="active", programme_id=c.prog.pk, group_id=c.grp.pk, year_of_study=1,
        funding="state_grant"), "1-FUN/2026"


def scenario_name_change(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg)
    return s, D(2026, 2, 1), dict(new_names={"last_name_ru": "Иванова",
                                             "last_name_en": "Ivanova"}), dict(
        status="active", programme_id=c.prog.pk, group_id=c.grp.pk, year_of_study=1,
        funding="paid"), "1-NAM/2026"


def scenario_graduation(c):
    master = factories.programme(c.fac, duration=2, degree="master")
    group = factories.group(master)
    s = enrol(factories.student(master), group, by=c.reg)
    run(T.PROMOTION, s, D(2026, 7, 1), by=c.reg)
    return s, D(2027, 6, 30), dict(), dict(
        status="graduated", programme_id=master.pk, group_id=group.pk, year_of_study=2,
        funding="paid"), "1-GRD/2027"


def scenario_scholarship_award(c):
    s = enrol(factories.student(c.prog), c.grp, by=c.reg, funding="state_grant")
    return s, D(2026, 2, 1), dict(scholarship_kind="state", amount=Decimal("45000.00")), dict(
        status="active", programme_id=c.prog.pk, group_id=c.grp.pk, year_of_study=1,
        funding="state_grant"), "1-SCH/2026"


SCENARIOS = {
    T.ENROLMENT: scenario_enrolment,
    T.TRANSFER_IN: scenario_transfer_in,
    T.TRANSFER_OUT: scenario_transfer_out,
    T.INTERNAL_TRANSFER: scenario_internal_transfer,
    T.EXPULSION: scenario_expulsion,
    T.REINSTATEMENT: scenario_reinstatement,
    T.ACADEMIC_LEAVE: scenario_academic_leave,
    T.RETURN_FROM_LEAVE: scenario_return_from_leave,
    T.PROMOTION: scenario_promotion,
    T.REPEAT_YEAR: scenario_repeat_year,
    T.FUNDING_CHANGE: scenario_funding_change,
    T.NAME_CHANGE: scenario_name_change,
    T.GRADUATION: scenario_graduation,
    T.SCHOLARSHIP_AWARD: scenario_scholarship_award,
}


def test_every_order_type_has_a_scenario():
    assert set(SCENARIOS) == set(OrderType.values)


@pytest.mark.parametrize("order_type", list(SCENARIOS))
def test_draft_approve_apply(ctx, order_type):
    """§9: drafted → approved (signed, numbered) → applied; applying changes the student's
    fields, writes one status change per item and audit events naming the order number."""
    student, on, fields, expected, number = SCENARIOS[order_type](ctx)
    reg = ctx.reg
    changes_before = StatusChange.objects.filter(student=student).count()
    prior = state_of(student)

    order = create_order(by=reg, order_type=order_type, title="Test order")
    assert order.state == "draft"
    item = add_item(order, by=reg, student=student, effective_date=on, **fields)

    order = approve_order(order, by=reg, signed_on=on, signatory="Rector A. B.")
    assert (order.state, order.number, order.signed_on, order.signatory) == (
        "approved", number, on, "Rector A. B.")
    assert order.approved_by == reg
    # Drafting and signing change nothing on the student yet.
    assert state_of(student) == prior
    assert StatusChange.objects.filter(student=student).count() == changes_before

    order = apply_order(order, by=reg)
    order.refresh_from_db()
    assert order.state == "applied"
    assert order.applied_by == reg and order.applied_at is not None
    assert state_of(student) == expected

    change = StatusChange.objects.get(order_item__order=order)
    assert change.order_item_id == item.pk
    assert StatusChange.objects.filter(student=student).count() == changes_before + 1
    assert (change.student_id, change.effective_date, change.status, change.programme_id,
            change.group_id, change.year_of_study, change.funding) == (
        student.pk, on, expected["status"], expected["programme_id"], expected["group_id"],
        expected["year_of_study"], expected["funding"])
    item.refresh_from_db()
    assert item.after == expected

    event = AuditEvent.objects.get(action="student.changed_by_order", object_id=str(student.pk),
                                   reason__contains=number)
    assert event.actor == reg
    assert event.object_type == "people.student"
    order_actions = set(AuditEvent.objects.filter(object_type="contingent.order",
                                                  object_id=str(order.pk))
                        .values_list("action", flat=True))
    assert {"order.drafted", "order.item_added", "order.approved",
            "order.applied"} <= order_actions
    assert set(AuditEvent.objects.filter(object_id=str(order.pk), object_type="contingent.order")
               .values_list("actor", flat=True)) == {reg.pk}
    assert selectors.status_mismatches([student.pk]) == []


def test_expulsion_audit_records_the_changed_fields(ctx):
    """§9: the audit event of an applied item says what changed, by whom and by which order."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = run(T.EXPULSION, s, D(2025, 11, 1), by=ctx.reg, reason="poor_results",
                basis="Dean's memo 12")
    event = AuditEvent.objects.get(action="student.changed_by_order", object_id=str(s.pk),
                                   reason__contains=order.number)
    assert event.changes == {"status": ["active", "expelled"]}
    assert order.number == "1-EXP/2025"
    assert "Dean's memo 12" in event.reason


def test_enrolment_audit_records_the_changed_fields(ctx):
    """§9 enrolment: status, group, year and funding change; the programme was already set."""
    s = factories.student(ctx.prog)
    order = run(T.ENROLMENT, s, ENROLLED_ON, by=ctx.reg, to_group=ctx.grp,
                to_funding="state_grant")
    event = AuditEvent.objects.get(action="student.changed_by_order", object_id=str(s.pk))
    assert event.changes == {"status": ["applicant", "active"], "group_id": [None, ctx.grp.pk],
                             "year_of_study": [0, 1], "funding": ["paid", "state_grant"]}
    assert event.reason.startswith("1-ENR/2025")
    assert order.number == "1-ENR/2025"


def test_name_change_changes_the_names(ctx):
    """§9 change of name: the new names replace the old ones, the rest stays."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    run(T.NAME_CHANGE, s, D(2026, 2, 1), by=ctx.reg,
        new_names={"last_name_ru": "Иванова", "last_name_kk": "Иванова",
                   "last_name_en": "Ivanova"})
    s.refresh_from_db()
    assert (s.last_name_ru, s.last_name_kk, s.last_name_en, s.first_name_ru) == (
        "Иванова", "Иванова", "Ivanova", "Асан")
    event = AuditEvent.objects.get(action="student.changed_by_order", object_id=str(s.pk),
                                   reason__contains="1-NAM/2026")
    assert event.changes["last_name_en"][1] == "Ivanova"


def test_scholarship_award_keeps_the_amount_on_the_item(ctx):
    """§9/§10 scholarship award: the monthly amount and kind are kept on the item."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg, funding="state_grant")
    order = run(T.SCHOLARSHIP_AWARD, s, D(2026, 2, 1), by=ctx.reg, scholarship_kind="state",
                amount=Decimal("45000.00"))
    item = order.items.get()
    assert (item.scholarship_kind, item.amount) == ("state", Decimal("45000.00"))


def test_one_order_with_many_items(ctx):
    """§9: one order, several items: each student changes and gets one status change."""
    students = [factories.student(ctx.prog) for _ in range(3)]
    order = draft(T.ENROLMENT, [(s, ENROLLED_ON, dict(to_group=ctx.grp, to_funding="paid"))
                                for s in students], by=ctx.reg)
    order = apply_order(approve_order(order, by=ctx.reg, signed_on=D(2025, 8, 28)), by=ctx.reg)
    assert order.number == "1-ENR/2025"
    for s in students:
        assert state_of(s) == dict(status="active", programme_id=ctx.prog.pk,
                                   group_id=ctx.grp.pk, year_of_study=1, funding="paid")
        assert StatusChange.objects.filter(student=s, order_item__order=order).count() == 1
    assert StatusChange.objects.count() == 3
    assert AuditEvent.objects.filter(action="student.changed_by_order",
                                     reason__contains="1-ENR/2025").count() == 3


# --- numbering --------------------------------------------------------------------------------


@pytest.fixture
def actives(ctx):
    """Five studying students, enrolled by one order."""
    students = [factories.student(ctx.prog) for _ in range(5)]
    order = draft(T.ENROLMENT, [(s, ENROLLED_ON, dict(to_group=ctx.grp, to_funding="paid"))
                                for s in students], by=ctx.reg)
    apply_order(approve_order(order, by=ctx.reg, signed_on=D(2025, 8, 28)), by=ctx.reg)
    return students


def approved(order_type, student, on, *, by, signed_on, **fields) -> Order:
    return approve_order(draft(order_type, [(student, on, fields)], by=by), by=by,
                         signed_on=signed_on)


def test_numbers_run_1_2_3_per_year_and_type(ctx, actives):
    """§9: orders are numbered per calendar year of signing and per type: 1, 2, 3."""
    orders = [approved(T.EXPULSION, s, D(2026, 2, 1), by=ctx.reg, signed_on=D(2026, 2, day),
                       reason="own_wish") for s, day in zip(actives[:3], (1, 2, 3), strict=True)]
    assert [(o.year, o.sequence, o.number) for o in orders] == [
        (2026, 1, "1-EXP/2026"), (2026, 2, "2-EXP/2026"), (2026, 3, "3-EXP/2026")]


def test_numbers_restart_each_year(ctx, actives):
    """§9: numbering restarts with the calendar year of signing."""
    late = approved(T.EXPULSION, actives[0], D(2025, 12, 30), by=ctx.reg,
                    signed_on=D(2025, 12, 30), reason="own_wish")
    late2 = approved(T.EXPULSION, actives[1], D(2025, 12, 31), by=ctx.reg,
                     signed_on=D(2025, 12, 31), reason="own_wish")
    early = approved(T.EXPULSION, actives[2], D(2026, 1, 5), by=ctx.reg,
                     signed_on=D(2026, 1, 5), reason="own_wish")
    assert [late.number, late2.number, early.number] == ["1-EXP/2025", "2-EXP/2025",
                                                         "1-EXP/2026"]


def test_numbers_are_independent_per_type(ctx, actives):
    """§9: each order type has its own sequence within the year."""
    exp1 = approved(T.EXPULSION, actives[0], D(2026, 2, 1), by=ctx.reg,
                    signed_on=D(2026, 2, 1), reason="own_wish")
    leave = approved(T.ACADEMIC_LEAVE, actives[1], D(2026, 2, 1), by=ctx.reg,
                     signed_on=D(2026, 2, 1), leave_kind="military", leave_until=D(2027, 2, 1))
    exp2 = approved(T.EXPULSION, actives[2], D(2026, 2, 1), by=ctx.reg,
                    signed_on=D(2026, 2, 2), reason="own_wish")
    fun = approved(T.FUNDING_CHANGE, actives[3], D(2026, 2, 1), by=ctx.reg,
                   signed_on=D(2026, 2, 2), to_funding="state_grant")
    assert [exp1.number, leave.number, exp2.number, fun.number] == [
        "1-EXP/2026", "1-AL/2026", "2-EXP/2026", "1-FUN/2026"]


def test_number_text_format():
    """§9: the printed number is «sequence-CODE/year»."""
    assert Order.format_number(T.EXPULSION, 2026, 17) == "17-EXP/2026"
    assert Order.format_number(T.ENROLMENT, 2025, 1) == "1-ENR/2025"
    assert Order.format_number(T.ACADEMIC_LEAVE, 2030, 205) == "205-AL/2030"
    codes = {t: Order.format_number(t, 2026, 1) for t in OrderType.values}
    assert codes == {
        "enrolment": "1-ENR/2026", "transfer_in": "1-TIN/2026", "transfer_out": "1-TOUT/2026",
        "internal_transfer": "1-ITR/2026", "expulsion": "1-EXP/2026",
        "reinstatement": "1-REI/2026", "academic_leave": "1-AL/2026",
        "return_from_leave": "1-RAL/2026", "promotion": "1-PRM/2026",
        "repeat_year": "1-REP/2026", "funding_change": "1-FUN/2026",
        "name_change": "1-NAM/2026", "graduation": "1-GRD/2026",
        "scholarship_award": "1-SCH/2026",
    }


def test_a_refused_approval_uses_no_number(ctx, actives):
    """§9: numbers have no gaps: a refused approval does not consume one."""
    empty = create_order(by=ctx.reg, order_type=T.EXPULSION)
    with pytest.raises(OrderRefused):
        approve_order(empty, by=ctx.reg, signed_on=D(2026, 2, 1))
    order = approved(T.EXPULSION, actives[0], D(2026, 2, 1), by=ctx.reg,
                     signed_on=D(2026, 2, 1), reason="own_wish")
    assert order.number == "1-EXP/2026"


def test_cancelled_and_draft_orders_have_no_number(ctx, actives):
    """§9: the number is given when the order is signed."""
    order = draft(T.EXPULSION, [(actives[0], D(2026, 2, 1), dict(reason="own_wish"))],
                  by=ctx.reg)
    assert (order.number, order.sequence, order.year) == ("", None, None)
    order = cancel_order(order, by=ctx.reg, reason="Drafted by mistake")
    assert (order.state, order.number) == ("cancelled", "")


# --- refusals change nothing --------------------------------------------------------------------


@pytest.mark.parametrize(
    "order_type, on, fields, field",
    [
        (T.EXPULSION, D(2026, 2, 1), dict(), "reason"),
        (T.ACADEMIC_LEAVE, D(2025, 10, 1), dict(leave_kind="medical",
                                                leave_until=D(2026, 3, 1)), "leave_until"),
        (T.TRANSFER_OUT, D(2026, 3, 2), dict(), "effective_date"),
        (T.EXPULSION, D(2025, 8, 31), dict(reason="own_wish"), "effective_date"),
        (T.RETURN_FROM_LEAVE, D(2026, 2, 1), dict(), "student"),
        (T.FUNDING_CHANGE, D(2026, 2, 1), dict(to_funding="paid"), "to_funding"),
        (T.GRADUATION, D(2026, 6, 30), dict(), "student"),
        (T.NAME_CHANGE, D(2026, 2, 1), dict(), "new_names"),
        (T.SCHOLARSHIP_AWARD, D(2026, 2, 1), dict(amount=Decimal("0")), "amount"),
        (T.ENROLMENT, D(2026, 9, 1), dict(to_funding="paid"), "student"),
    ],
    ids=["expel-without-reason", "medical-leave-5-months", "transfer-out-outside-window",
         "backdated", "return-not-on-leave", "same-funding", "graduate-first-year",
         "name-change-without-names", "zero-scholarship", "enrol-twice"],
)
def test_invalid_item_is_refused_when_added(ctx, order_type, on, fields, field):
    """§9: an item whose change cannot apply is refused at once, naming the student and the
    field; the draft stays empty and nothing else changes."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = create_order(by=ctx.reg, order_type=order_type)
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused) as caught:
        add_item(order, by=ctx.reg, student=s, effective_date=on, **fields)
    problem = only_problem(caught)
    assert (problem.student, problem.field) == (s.full_name, field)
    assert s.last_name_ru in str(caught.value)
    assert snapshot([s], [order]) == before
    assert not order.items.exists()


def test_all_or_nothing_when_the_second_item_is_invalid(ctx):
    """§9: applying is all-or-nothing: an order expelling an active student and an already
    expelled one applies neither and names the second student."""
    a = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    b = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = draft(T.EXPULSION, [(a, D(2026, 2, 1), dict(reason="poor_results")),
                                (b, D(2026, 2, 1), dict(reason="poor_results"))], by=ctx.reg)
    order = approve_order(order, by=ctx.reg, signed_on=D(2026, 2, 1))
    run(T.EXPULSION, b, D(2026, 1, 20), by=ctx.reg, reason="non_payment")  # b expelled meanwhile
    assert state_of(b)["status"] == "expelled"

    before = snapshot([a, b], [order])
    with pytest.raises(OrderRefused) as caught:
        apply_order(order, by=ctx.reg)
    problem = only_problem(caught)
    assert (problem.student, problem.field) == (b.full_name, "student")
    assert snapshot([a, b], [order]) == before
    assert state_of(a)["status"] == "active"
    assert Order.objects.get(pk=order.pk).state == "approved"
    assert not StatusChange.objects.filter(order_item__order=order).exists()


def test_every_refused_item_is_listed(ctx):
    """§9: the refusal lists every problem, not only the first."""
    a = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    b = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    c = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = draft(T.PROMOTION, [(s, D(2026, 7, 1), {}) for s in (a, b, c)], by=ctx.reg)
    order = approve_order(order, by=ctx.reg, signed_on=D(2026, 7, 1))
    run(T.EXPULSION, a, D(2026, 6, 1), by=ctx.reg, reason="poor_results")
    run(T.ACADEMIC_LEAVE, c, D(2026, 6, 1), by=ctx.reg, leave_kind="military",
        leave_until=D(2027, 6, 1))
    before = snapshot([a, b, c], [order])
    with pytest.raises(OrderRefused) as caught:
        apply_order(order, by=ctx.reg)
    assert sorted((p.student, p.field) for p in caught.value.problems) == sorted(
        [(a.full_name, "student"), (c.full_name, "student")])
    assert snapshot([a, b, c], [order]) == before
    assert state_of(b)["year_of_study"] == 1


def test_status_changed_between_approval_and_application(ctx):
    """§9: an approved order is checked again when applied: the student was expelled by
    another order meanwhile, so the approved academic leave is refused and nothing changes."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = approved(T.ACADEMIC_LEAVE, s, D(2026, 2, 1), by=ctx.reg, signed_on=D(2026, 1, 25),
                     leave_kind="medical", leave_until=D(2026, 9, 1))
    run(T.EXPULSION, s, D(2026, 1, 20), by=ctx.reg, reason="non_attendance")
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused) as caught:
        apply_order(order, by=ctx.reg)
    problem = only_problem(caught)
    assert (problem.student, problem.field) == (s.full_name, "student")
    assert snapshot([s], [order]) == before
    assert state_of(s)["status"] == "expelled"
    assert Order.objects.get(pk=order.pk).state == "approved"


def test_funding_changed_between_approval_and_application(ctx):
    """§9: the same funding change applied by another order meanwhile makes this one void."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = approved(T.FUNDING_CHANGE, s, D(2026, 2, 1), by=ctx.reg, signed_on=D(2026, 2, 1),
                     to_funding="state_grant")
    run(T.FUNDING_CHANGE, s, D(2026, 1, 20), by=ctx.reg, to_funding="state_grant")
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused) as caught:
        apply_order(order, by=ctx.reg)
    problem = only_problem(caught)
    assert (problem.student, problem.field) == (s.full_name, "to_funding")
    assert snapshot([s], [order]) == before


def test_later_order_makes_an_approved_earlier_one_backdated(ctx):
    """§9 effective-dated history: once a later change is applied, an approved order dated
    before it is refused (it would be backdated), and nothing changes."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = approved(T.EXPULSION, s, D(2026, 2, 1), by=ctx.reg, signed_on=D(2026, 1, 25),
                     reason="own_wish")
    run(T.NAME_CHANGE, s, D(2026, 3, 1), by=ctx.reg, new_names={"last_name_en": "Nurov"})
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused) as caught:
        apply_order(order, by=ctx.reg)
    assert only_problem(caught).field == "effective_date"
    assert snapshot([s], [order]) == before


def test_status_changed_between_drafting_and_approval(ctx):
    """§9: approval checks the items again; a refused approval leaves the draft unnumbered."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = draft(T.PROMOTION, [(s, D(2026, 7, 1), {})], by=ctx.reg)
    run(T.EXPULSION, s, D(2026, 6, 1), by=ctx.reg, reason="poor_results")
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused) as caught:
        approve_order(order, by=ctx.reg, signed_on=D(2026, 7, 1))
    assert (only_problem(caught).student, only_problem(caught).field) == (s.full_name,
                                                                          "student")
    assert snapshot([s], [order]) == before
    assert Order.objects.get(pk=order.pk).number == ""


def test_applying_twice_is_refused(ctx):
    """§9: an order is applied once."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = run(T.EXPULSION, s, D(2026, 2, 1), by=ctx.reg, reason="own_wish")
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused):
        apply_order(order, by=ctx.reg)
    assert snapshot([s], [order]) == before
    assert StatusChange.objects.filter(order_item__order=order).count() == 1


def test_applying_a_draft_or_cancelled_order_is_refused(ctx):
    """§9: only an approved (signed) order is applied."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = draft(T.EXPULSION, [(s, D(2026, 2, 1), dict(reason="own_wish"))], by=ctx.reg)
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused):
        apply_order(order, by=ctx.reg)
    assert snapshot([s], [order]) == before
    order = approve_order(order, by=ctx.reg, signed_on=D(2026, 2, 1))
    order = cancel_order(order, by=ctx.reg, reason="Signed by mistake")
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused):
        apply_order(order, by=ctx.reg)
    assert snapshot([s], [order]) == before
    assert state_of(s)["status"] == "active"


def test_approving_a_non_draft_is_refused(ctx):
    """§9: an order is signed once; approved, applied and cancelled orders are not re-signed."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = approved(T.EXPULSION, s, D(2026, 2, 1), by=ctx.reg, signed_on=D(2026, 2, 1),
                     reason="own_wish")
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused):
        approve_order(order, by=ctx.reg, signed_on=D(2026, 3, 1))
    assert snapshot([s], [order]) == before
    assert Order.objects.get(pk=order.pk).number == "1-EXP/2026"

    order = apply_order(order, by=ctx.reg)
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused):
        approve_order(order, by=ctx.reg, signed_on=D(2026, 3, 1))
    assert snapshot([s], [order]) == before

    other = draft(T.EXPULSION, [], by=ctx.reg)
    other = cancel_order(other, by=ctx.reg, reason="Not needed")
    before = snapshot([s], [other])
    with pytest.raises(OrderRefused):
        approve_order(other, by=ctx.reg, signed_on=D(2026, 3, 1))
    assert snapshot([s], [other]) == before


def test_approving_an_empty_order_is_refused(ctx):
    """§9: an order has one or more items."""
    order = create_order(by=ctx.reg, order_type=T.EXPULSION)
    before = snapshot([], [order])
    with pytest.raises(OrderRefused):
        approve_order(order, by=ctx.reg, signed_on=D(2026, 2, 1))
    assert snapshot([], [order]) == before
    assert (Order.objects.get(pk=order.pk).state, OrderCounter.objects.count()) == ("draft", 0)


def test_no_items_added_or_removed_after_approval(ctx):
    """§9: the items of a signed order are fixed."""
    a = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    b = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = draft(T.EXPULSION, [(a, D(2026, 2, 1), dict(reason="own_wish"))], by=ctx.reg)
    order = approve_order(order, by=ctx.reg, signed_on=D(2026, 2, 1))
    before = snapshot([a, b], [order])
    with pytest.raises(OrderRefused):
        add_item(order, by=ctx.reg, student=b, effective_date=D(2026, 2, 1), reason="own_wish")
    with pytest.raises(OrderRefused):
        remove_item(OrderItem.objects.get(order=order), by=ctx.reg)
    assert snapshot([a, b], [order]) == before
    assert list(order.items.values_list("student_id", flat=True)) == [a.pk]


def test_no_item_removed_after_approval_through_an_item_held_from_drafting(ctx):
    """§9: the item returned by add_item, kept by the caller, cannot be removed once the
    order is signed."""
    a = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    b = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = create_order(by=ctx.reg, order_type=T.EXPULSION)
    add_item(order, by=ctx.reg, student=a, effective_date=D(2026, 2, 1), reason="own_wish")
    item_b = add_item(order, by=ctx.reg, student=b, effective_date=D(2026, 2, 1),
                      reason="own_wish")
    approve_order(order, by=ctx.reg, signed_on=D(2026, 2, 1))
    try:
        with pytest.raises((OrderRefused, ImmutableOrderError)):
            remove_item(item_b, by=ctx.reg)
    finally:
        assert order.items.count() == 2


def test_remove_item_from_a_draft(ctx):
    """§9: while drafting, items may be removed (and the removal is audited)."""
    a = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = create_order(by=ctx.reg, order_type=T.EXPULSION)
    item = add_item(order, by=ctx.reg, student=a, effective_date=D(2026, 2, 1),
                    reason="own_wish")
    remove_item(item, by=ctx.reg)
    assert not order.items.exists()
    assert AuditEvent.objects.filter(action="order.item_removed", object_id=str(order.pk),
                                     actor=ctx.reg).count() == 1


def test_the_same_student_twice_in_one_order_is_refused(ctx):
    """§9: one item per student in an order."""
    a = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = draft(T.EXPULSION, [(a, D(2026, 2, 1), dict(reason="own_wish"))], by=ctx.reg)
    with pytest.raises(OrderRefused) as caught:
        add_item(order, by=ctx.reg, student=a, effective_date=D(2026, 2, 2),
                 reason="poor_results")
    assert (only_problem(caught).student, only_problem(caught).field) == (a.full_name,
                                                                          "student")
    assert order.items.count() == 1


# --- applied orders are immutable -----------------------------------------------------------------


@pytest.fixture
def applied(ctx):
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    return run(T.EXPULSION, s, D(2026, 2, 1), by=ctx.reg, reason="own_wish"), s


def test_applied_order_cannot_be_saved(applied):
    """§9: applied orders are never edited."""
    order, s = applied
    fresh = Order.objects.get(pk=order.pk)
    fresh.title = "Edited"
    with pytest.raises(ImmutableOrderError):
        fresh.save()
    assert Order.objects.get(pk=order.pk).title == ""


def test_applied_order_item_cannot_be_saved(applied):
    """§9: nor are the items of an applied order."""
    order, s = applied
    item = OrderItem.objects.get(order=order)
    item.reason = "poor_results"
    with pytest.raises(ImmutableOrderError):
        item.save()
    assert OrderItem.objects.get(pk=item.pk).reason == "own_wish"


def test_applied_order_cannot_be_deleted(applied):
    """§9: only a draft may be deleted; the applied order and its history stay."""
    order, s = applied
    with pytest.raises(ImmutableOrderError):
        Order.objects.get(pk=order.pk).delete()
    with pytest.raises(ImmutableOrderError):
        OrderItem.objects.get(order=order).delete()
    assert Order.objects.filter(pk=order.pk, state="applied").exists()
    assert StatusChange.objects.filter(order_item__order=order).count() == 1


def test_approved_order_cannot_be_deleted(ctx):
    """§9: a signed order is not deleted (it is cancelled with a reason)."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = approved(T.EXPULSION, s, D(2026, 2, 1), by=ctx.reg, signed_on=D(2026, 2, 1),
                     reason="own_wish")
    with pytest.raises(ImmutableOrderError):
        Order.objects.get(pk=order.pk).delete()
    assert Order.objects.filter(pk=order.pk).exists()


def test_approved_order_cannot_be_deleted_through_a_stale_instance(ctx):
    """§9: the Order object returned by create_order, still "draft" in memory, cannot delete
    the order once it has been signed."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = create_order(by=ctx.reg, order_type=T.EXPULSION)
    add_item(order, by=ctx.reg, student=s, effective_date=D(2026, 2, 1), reason="own_wish")
    approve_order(order, by=ctx.reg, signed_on=D(2026, 2, 1))
    try:
        with pytest.raises(ImmutableOrderError):
            order.delete()
    finally:
        assert Order.objects.filter(pk=order.pk, state="approved").exists()


def test_stale_instance_cannot_save_over_an_applied_order(ctx):
    """§9: save() checks the stored state, so an old in-memory copy cannot edit it either."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = create_order(by=ctx.reg, order_type=T.EXPULSION)
    add_item(order, by=ctx.reg, student=s, effective_date=D(2026, 2, 1), reason="own_wish")
    apply_order(approve_order(order, by=ctx.reg, signed_on=D(2026, 2, 1)), by=ctx.reg)
    order.state = "draft"
    with pytest.raises(ImmutableOrderError):
        order.save()
    assert Order.objects.get(pk=order.pk).state == "applied"


def test_draft_order_can_be_deleted(ctx):
    order = create_order(by=ctx.reg, order_type=T.EXPULSION)
    Order.objects.get(pk=order.pk).delete()
    assert not Order.objects.filter(pk=order.pk).exists()


# --- cancellation -------------------------------------------------------------------------------


def test_cancel_needs_a_reason(ctx):
    """§9: cancelling an order is justified."""
    order = create_order(by=ctx.reg, order_type=T.EXPULSION)
    before = snapshot([], [order])
    for blank in ("", "   "):
        with pytest.raises(OrderRefused):
            cancel_order(order, by=ctx.reg, reason=blank)
    assert snapshot([], [order]) == before


def test_cancel_draft_and_approved_orders(ctx):
    """§9: a draft or signed order not yet applied may be cancelled, with the reason kept."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = approved(T.EXPULSION, s, D(2026, 2, 1), by=ctx.reg, signed_on=D(2026, 2, 1),
                     reason="own_wish")
    order = cancel_order(order, by=ctx.reg, reason="The student paid the debt")
    stored = Order.objects.get(pk=order.pk)
    assert (stored.state, stored.cancel_reason, stored.number) == (
        "cancelled", "The student paid the debt", "1-EXP/2026")
    assert AuditEvent.objects.get(action="order.cancelled", object_id=str(order.pk)).reason \
        == "The student paid the debt"
    assert state_of(s)["status"] == "active"
    with pytest.raises(OrderRefused):
        cancel_order(order, by=ctx.reg, reason="Again")


def test_applied_order_cannot_be_cancelled(applied, reg):
    """§9: a mistake in an applied order is fixed by another order, not by cancelling."""
    order, s = applied
    before = snapshot([s], [order])
    with pytest.raises(OrderRefused):
        cancel_order(order, by=reg, reason="Mistake")
    assert snapshot([s], [order]) == before


# --- derived status and effective-dated history ------------------------------------------------


def test_stored_state_is_derivable_after_many_mixed_orders(ctx):
    """§9: "a student's status is always derivable from their applied orders": after a long
    mixed sequence, derive_states equals the stored fields and status_mismatches is empty."""
    reg = ctx.reg
    a, b, c, d, e = (factories.student(ctx.prog) for _ in range(5))
    never = factories.student(ctx.prog)  # an applicant without orders
    order = draft(T.ENROLMENT, [(s, ENROLLED_ON, dict(to_group=ctx.grp, to_funding=f))
                                for s, f in ((a, "state_grant"), (b, "paid"),
                                             (c, "state_grant"))], by=reg)
    apply_order(approve_order(order, by=reg, signed_on=D(2025, 8, 28)), by=reg)
    run(T.TRANSFER_IN, d, D(2025, 8, 15), by=reg, to_group=ctx.grp_b, to_year_of_study=2,
        to_funding="paid")
    run(T.ENROLMENT, e, ENROLLED_ON, by=reg, to_group=ctx.grp, to_funding="paid")

    run(T.ACADEMIC_LEAVE, a, D(2025, 10, 1), by=reg, leave_kind="medical",
        leave_until=D(2026, 9, 1))
    run(T.EXPULSION, b, D(2025, 11, 1), by=reg, reason="non_payment")
    run(T.SCHOLARSHIP_AWARD, c, D(2025, 11, 1), by=reg, scholarship_kind="state",
        amount=Decimal("40000"))
    run(T.INTERNAL_TRANSFER, e, D(2026, 1, 10), by=reg, to_programme=ctx.prog2,
        to_group=ctx.grp2)
    run(T.REINSTATEMENT, b, D(2026, 1, 14), by=reg, to_group=ctx.grp_b, to_year_of_study=1)
    run(T.NAME_CHANGE, c, D(2026, 2, 1), by=reg, new_names={"last_name_ru": "Абаева"})
    run(T.FUNDING_CHANGE, b, D(2026, 3, 1), by=reg, to_funding="state_grant")
    promotion = draft(T.PROMOTION, [(s, D(2026, 7, 1), {}) for s in (b, c, d, e)], by=reg)
    apply_order(approve_order(promotion, by=reg, signed_on=D(2026, 6, 30)), by=reg)
    run(T.RETURN_FROM_LEAVE, a, D(2026, 9, 1), by=reg, to_group=ctx.grp_b)
    run(T.REPEAT_YEAR, a, D(2027, 7, 1), by=reg)
    run(T.PROMOTION, d, D(2027, 7, 1), by=reg)
    run(T.TRANSFER_OUT, e, D(2027, 8, 1), by=reg)
    run(T.GRADUATION, d, D(2028, 6, 30), by=reg)

    expected = {
        a.pk: ("active", ctx.prog.pk, ctx.grp_b.pk, 1, "paid"),
        b.pk: ("active", ctx.prog.pk, ctx.grp_b.pk, 2, "state_grant"),
        c.pk: ("active", ctx.prog.pk, ctx.grp.pk, 2, "state_grant"),
        d.pk: ("graduated", ctx.prog.pk, ctx.grp_b.pk, 4, "paid"),
        e.pk: ("transferred_out", ctx.prog2.pk, ctx.grp2.pk, 2, "paid"),
    }
    stored = {s["pk"]: (s["status"], s["programme_id"], s["group_id"], s["year_of_study"],
                        s["funding"])
              for s in Student.objects.filter(pk__in=expected).values(
                  "pk", "status", "programme_id", "group_id", "year_of_study", "funding")}
    assert stored == expected
    derived = selectors.derive_states()
    assert {pk: (st.status, st.programme_id, st.group_id, st.year_of_study, st.funding)
            for pk, st in derived.items()} == expected
    assert never.pk not in derived
    assert selectors.status_mismatches() == []
    assert StatusChange.objects.count() == 21


def test_status_mismatches_reports_a_field_changed_without_an_order(ctx):
    """§9: a status not backed by orders is reported (the check is not vacuous)."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    run(T.EXPULSION, s, D(2025, 11, 1), by=ctx.reg, reason="own_wish")
    stray = factories.student(ctx.prog)
    Student.objects.filter(pk=s.pk).update(status="graduated", year_of_study=4)
    Student.objects.filter(pk=stray.pk).update(status="active", group=ctx.grp)
    assert sorted(selectors.status_mismatches()) == sorted([
        (s.pk, "status", "graduated", "expelled"),
        (s.pk, "year_of_study", 4, 1),
        (stray.pk, "status", "active", "applicant"),
    ])


def test_status_on_past_dates(ctx):
    """§9 effective-dated history: status_on gives the state in force on any past day."""
    s = factories.student(ctx.prog)
    assert selectors.status_on(s, D(2030, 1, 1)) is None
    enrol(s, ctx.grp, by=ctx.reg, on=D(2025, 9, 1), funding="state_grant")
    run(T.ACADEMIC_LEAVE, s, D(2025, 10, 1), by=ctx.reg, leave_kind="childcare",
        leave_until=D(2026, 9, 1))
    run(T.RETURN_FROM_LEAVE, s, D(2026, 9, 1), by=ctx.reg, to_group=ctx.grp_b)
    run(T.REPEAT_YEAR, s, D(2027, 7, 1), by=ctx.reg)
    run(T.EXPULSION, s, D(2027, 11, 15), by=ctx.reg, reason="poor_results")

    def on(day):
        row = selectors.status_on(s, day)
        return None if row is None else (row.status, row.group_id, row.year_of_study,
                                         row.funding)

    assert on(D(2025, 8, 31)) is None
    assert on(D(2025, 9, 1)) == ("active", ctx.grp.pk, 1, "state_grant")
    assert on(D(2025, 9, 30)) == ("active", ctx.grp.pk, 1, "state_grant")
    assert on(D(2025, 10, 1)) == ("on_leave", ctx.grp.pk, 1, "state_grant")
    assert on(D(2026, 8, 31)) == ("on_leave", ctx.grp.pk, 1, "state_grant")
    assert on(D(2026, 9, 1)) == ("active", ctx.grp_b.pk, 1, "state_grant")
    assert on(D(2027, 7, 1)) == ("active", ctx.grp_b.pk, 1, "paid")
    assert on(D(2027, 11, 14)) == ("active", ctx.grp_b.pk, 1, "paid")
    assert on(D(2027, 11, 15)) == ("expelled", ctx.grp_b.pk, 1, "paid")
    assert on(D(2040, 1, 1)) == ("expelled", ctx.grp_b.pk, 1, "paid")


def test_status_on_the_same_day_follows_the_order_of_application(ctx):
    """§9: two changes effective the same day: the later applied one is in force that day."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    run(T.FUNDING_CHANGE, s, D(2026, 2, 1), by=ctx.reg, to_funding="state_grant")
    run(T.EXPULSION, s, D(2026, 2, 1), by=ctx.reg, reason="own_wish")
    row = selectors.status_on(s, D(2026, 2, 1))
    assert (row.status, row.funding) == ("expelled", "state_grant")
    assert selectors.status_mismatches([s.pk]) == []


def test_internal_transfer_into_a_group_of_another_programme_is_refused(ctx):
    """§9/§2: moving a student of programme 1 into a group of programme 2 without changing
    the programme would leave programme and group inconsistent."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    order = create_order(by=ctx.reg, order_type=T.INTERNAL_TRANSFER)
    try:
        with pytest.raises(OrderRefused) as caught:
            add_item(order, by=ctx.reg, student=s, effective_date=D(2026, 1, 10),
                     to_group=ctx.grp2)
        assert only_problem(caught).field == "to_group"
    finally:
        assert not order.items.exists()


def test_name_change_with_a_blank_surname_is_refused(ctx):
    """§9 change of name: the new name must be a name; a blank surname or an unknown key
    (nothing to change) is refused, naming the field "new_names"."""
    s = enrol(factories.student(ctx.prog), ctx.grp, by=ctx.reg)
    for bad in ({"last_name_ru": ""}, {"nickname": "Asik"}):
        order = create_order(by=ctx.reg, order_type=T.NAME_CHANGE)
        with pytest.raises(OrderRefused) as caught:
            add_item(order, by=ctx.reg, student=s, effective_date=D(2026, 2, 1), new_names=bad)
        assert only_problem(caught).field == "new_names"
