"""The summer semester (§8).

"For academic debts, curriculum differences and extra disciplines; paid (except differences
from medical leave); not for graduating students; limited credits (default 15); a section
opens with at least 3 students; registration closes a week before it starts. Its results enter
the year GPA and the promotion decision taken after it." (§8)

The summer semester of 2025-2026 starts on 2026-06-15, so registration closes on 2026-06-08
(the last day to register is 2026-06-07). A credit costs 12 000.00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from registrar.audit.models import AuditEvent
from registrar.contingent.choices import OrderType
from registrar.contingent.services import add_item, apply_order, approve_order, create_order
from registrar.curriculum.models import Component, Curriculum, CurriculumEntry
from registrar.notifications.models import Notification
from registrar.records import gpa, promotion, summer
from registrar.records.models import GpaSnapshot, SummerEnrolmentState, SummerTariff
from registrar.registration.models import Registration, Section
from tests import factories

from .builders import discipline, enrol, exact, grade

pytestmark = pytest.mark.django_db

D = dt.date
OPEN_DAY = D(2026, 6, 1)
LAST_DAY = D(2026, 6, 7)
CLOSED_DAY = D(2026, 6, 8)


@pytest.fixture
def s(world):
    """The world plus a curriculum of the 2025 intake (semester 1: HIS, MAT compulsory and an
    elective; semester 2: PHY), summer sections of each and of an extra discipline, and the
    tariff."""
    w = world
    w.his, w.mat, w.phy = (discipline(5, code) for code in ("HIS1101", "MAT1102", "PHY1201"))
    w.elective = discipline(5, "ELC1103")
    w.extra_a, w.extra_b, w.extra_c = (discipline(5, c) for c in ("EXT01", "EXT02", "EXT03"))
    w.big = discipline(6, "EXT06")
    w.curriculum = Curriculum.objects.create(programme=w.programme, intake_year=2025)
    for subject, semester, component in [(w.his, 1, Component.COMPULSORY),
                                         (w.mat, 1, Component.COMPULSORY),
                                         (w.elective, 1, Component.ELECTIVE),
                                         (w.phy, 2, Component.COMPULSORY)]:
        CurriculumEntry.objects.create(curriculum=w.curriculum, discipline=subject,
                                       semester=semester, component=component, cycle="basic")
    w.sections = {
        d.code: Section.objects.create(period=w.summer, discipline=d, code=f"{d.code}-S1",
                                       language="ru", capacity=20)
        for d in (w.his, w.mat, w.phy, w.elective, w.extra_a, w.extra_b, w.extra_c, w.big)
    }
    summer.set_cost_per_credit(w.summer, "12000.00", by=w.registrar)
    return w


def register(w, student, code, reason, *, today=OPEN_DAY, by=None):
    return summer.register(student, w.sections[code], reason, by=by or w.registrar, today=today)


def refusal(w, student, code, reason, **kw):
    with pytest.raises(summer.SummerRefused) as refused:
        register(w, student, code, reason, **kw)
    return refused.value


def test_debt_registration_records_the_cost(s):
    """§8 paid: a debt in PHY1201 (F in the spring, 5 credits) at 12 000.00 per credit costs
    5 × 12 000.00 = 60 000.00; the seat is taken and the registration audited."""
    (student,) = enrol(s)
    grade(s, student, s.spring, "F", subject=s.phy)
    enrolment = register(s, student, "PHY1201", "debt")
    assert (enrolment.reason, enrolment.credits, enrolment.cost_per_credit, enrolment.amount,
            enrolment.state) == ("debt", 5, Decimal("12000.00"), Decimal("60000.00"),
                                 SummerEnrolmentState.REGISTERED)
    assert enrolment.debt.discipline == s.phy
    assert enrolment.registration.state == "enrolled"
    assert Section.objects.get(pk=s.sections["PHY1201"].pk).enrolled_count == 1
    assert AuditEvent.objects.filter(action="summer.registered").count() == 1


def test_a_later_tariff_does_not_change_what_is_owed(s):
    """§8: the cost per credit is recorded on the enrolment when it is made."""
    (student,) = enrol(s)
    first = register(s, student, "EXT01", "extra")
    summer.set_cost_per_credit(s.summer, "15000", by=s.registrar)
    second = register(s, student, "EXT02", "extra")
    first.refresh_from_db()
    assert (first.amount, second.amount) == (Decimal("60000.00"), Decimal("75000.00"))


def test_debt_reason_requires_an_open_debt(s):
    """§8: "for academic debts": without an open debt in the discipline the debt reason is
    refused; a passed discipline cannot be taken again at all (§6 no retake to raise)."""
    (student,) = enrol(s)
    problem = refusal(s, student, "PHY1201", "debt")
    assert problem.field == "reason" and "PHY1201" in problem.message
    grade(s, student, s.autumn, "B", subject=s.his)
    problem = refusal(s, student, "HIS1101", "extra")
    assert problem.field == "section" and "already passed" in problem.message
    assert refusal(s, student, "EXT01", "fun").field == "reason"
    assert not Registration.objects.exists()


def test_credit_limit_of_15(s):
    """§5/§8 summer max 15 credits: 5 + 5 = 10; a 6-credit discipline would make 16 and is
    refused with the figures; a third 5-credit one makes exactly 15; a fourth is refused."""
    (student,) = enrol(s)
    register(s, student, "EXT01", "extra")
    register(s, student, "EXT02", "extra")
    problem = refusal(s, student, "EXT06", "extra")
    assert problem.field == "credits"
    assert "6 credits to the 10 already registered" in problem.message and "15" in problem.message
    register(s, student, "EXT03", "extra")
    assert summer.enrolled_credits(student, s.summer) == 15
    assert refusal(s, student, "ELC1103", "extra").field == "credits"


def test_registration_closes_a_week_before_the_semester(s):
    """§8: the semester starts 2026-06-15; 2026-06-07 is the last day, 2026-06-08 is closed."""
    (student,) = enrol(s)
    assert summer.closes_on(s.summer) == CLOSED_DAY
    register(s, student, "EXT01", "extra", today=LAST_DAY)
    problem = refusal(s, student, "EXT02", "extra", today=CLOSED_DAY)
    assert problem.field == "date" and "2026-06-08" in problem.message


def test_not_for_graduating_students(s):
    """§8: a final-year student (year 4 of 4) graduates; no summer semester."""
    (final_year,) = enrol(s, year_of_study=4)
    problem = refusal(s, final_year, "EXT01", "extra")
    assert problem.field == "student" and "graduating" in problem.message


def _medical_leave_and_return(w, student):
    """Medical academic leave 2025-09-10 … 2026-03-10 (6 months), back on 2026-03-11 (§9)."""
    for kind, on, fields in [
        (OrderType.ACADEMIC_LEAVE, D(2025, 9, 10),
         {"leave_kind": "medical", "leave_until": D(2026, 3, 10)}),
        (OrderType.RETURN_FROM_LEAVE, D(2026, 3, 11), {}),
    ]:
        order = create_order(by=w.registrar, order_type=kind, faculty=w.faculty)
        add_item(order, by=w.registrar, student=student, effective_date=on, **fields)
        apply_order(approve_order(order, by=w.registrar, signed_on=on), by=w.registrar)


def test_difference_after_medical_leave_is_free(s):
    """§8 "paid (except differences from medical leave)": back from medical leave the student
    missed semester 1 (HIS1101, MAT1102); MAT1102 costs nothing. Without a medical leave the
    same reason is refused; a plain difference is paid; a discipline outside the difference is
    refused."""
    returned, regular = enrol(s, 2)
    _medical_leave_and_return(s, returned)
    grade(s, returned, s.spring, "A", subject=s.phy)
    free = register(s, returned, "MAT1102", "difference_medical")
    assert (free.cost_per_credit, free.amount, free.credits) == (
        Decimal("0.00"), Decimal("0.00"), 5)

    problem = refusal(s, regular, "MAT1102", "difference_medical")
    assert problem.field == "reason" and "medical leave" in problem.message
    grade(s, regular, s.autumn, "B", subject=s.his)
    assert register(s, regular, "MAT1102", "difference").amount == Decimal("60000.00")
    problem = refusal(s, regular, "EXT01", "difference")
    assert problem.field == "reason" and "difference" in problem.message


def test_medical_difference_is_free_even_without_a_tariff(s):
    """§8: with no cost per credit set, paid reasons are refused naming the field, a medical
    difference is not."""
    SummerTariff.objects.all().delete()
    returned, regular = enrol(s, 2)
    _medical_leave_and_return(s, returned)
    assert register(s, returned, "HIS1101", "difference_medical").amount == 0
    assert refusal(s, regular, "EXT01", "extra").field == "cost_per_credit"


def test_section_opens_with_at_least_3_students(s):
    """§8 "a section opens with at least 3 students": after registration closes, EXT01 with 2
    students is cancelled (registrations cancelled, nothing owed, students notified), as are
    the sections nobody chose; EXT02 with 3 opens. Before closing only a dry run is allowed."""
    students = enrol(s, 5)
    for student in students[:2]:
        student.user = factories.user()
        student.save(update_fields=["user"])
        register(s, student, "EXT01", "extra")
    for student in students[2:]:
        register(s, student, "EXT02", "extra")

    expected = {c.code for c in s.sections.values()} - {"EXT02-S1"}  # the others have 0-2
    assert {c.code for c in summer.close_underfilled_summer_sections(
        s.summer, by=s.registrar, today=LAST_DAY, dry_run=True)} == expected
    with pytest.raises(summer.SummerRefused) as refused:
        summer.close_underfilled_summer_sections(s.summer, by=s.registrar, today=LAST_DAY)
    assert refused.value.field == "date"
    with pytest.raises(PermissionDenied):
        summer.close_underfilled_summer_sections(s.summer, by=s.dean, today=CLOSED_DAY)

    closed = summer.close_underfilled_summer_sections(s.summer, by=s.registrar,
                                                      today=CLOSED_DAY)
    assert {c.code for c in closed} == expected
    small, full = (Section.objects.get(pk=s.sections[c].pk) for c in ("EXT01", "EXT02"))
    assert (small.status, small.enrolled_count) == ("cancelled", 0)
    assert (full.status, full.enrolled_count) == ("open", 3)
    assert set(Registration.objects.filter(section=small).values_list("state", flat=True)) == {
        "cancelled"}
    assert set(s.summer.summer_enrolments.filter(discipline=s.extra_a)
               .values_list("state", flat=True)) == {"cancelled"}
    assert summer.enrolled_credits(students[0], s.summer) == 0  # nothing owed
    assert Notification.objects.filter(user__in=[x.user for x in students[:2]]).count() == 2


def test_students_register_themselves_only(s):
    """§1/§5: a student registers themself; not another student; the dean does not set the
    tariff."""
    me, other = enrol(s, 2)
    me.user = factories.user()
    me.save(update_fields=["user"])
    assert register(s, me, "EXT01", "extra", by=me.user).created_by == me.user
    with pytest.raises(PermissionDenied):
        register(s, other, "EXT01", "extra", by=me.user)
    with pytest.raises(PermissionDenied):
        summer.set_cost_per_credit(s.summer, "1", by=s.dean)


def test_tariff_and_period_checks(s):
    """The cost per credit is a non-negative amount with at most 2 decimals (comma accepted);
    only a summer period has summer registration."""
    for bad in ("abc", "-1", "10.005"):
        with pytest.raises(summer.SummerRefused) as refused:
            summer.set_cost_per_credit(s.summer, bad, by=s.registrar)
        assert refused.value.field == "cost_per_credit"
    assert summer.set_cost_per_credit(s.summer, "12000,50", by=s.registrar).cost_per_credit == (
        Decimal("12000.50"))
    with pytest.raises(summer.SummerRefused) as refused:
        summer.set_cost_per_credit(s.spring, "1", by=s.registrar)
    assert refused.value.field == "period"
    (student,) = enrol(s)
    spring_section = Section.objects.create(period=s.spring, discipline=s.extra_a, code="SPR-1",
                                            language="ru", capacity=5)
    with pytest.raises(summer.SummerRefused) as refused:
        summer.register(student, spring_section, "extra", by=s.registrar, today=OPEN_DAY)
    assert refused.value.field == "period"


def test_full_section_duplicate_and_withdrawal(s):
    """A summer section never exceeds its capacity; the same discipline is taken once; a
    withdrawal before closing frees the seat and the credits; after closing it is refused."""
    a, b = enrol(s, 2)
    Section.objects.filter(pk=s.sections["EXT01"].pk).update(capacity=1)
    s.sections["EXT01"].refresh_from_db()
    enrolment = register(s, a, "EXT01", "extra")
    assert refusal(s, b, "EXT01", "extra").field == "section"
    assert refusal(s, a, "EXT01", "extra").field == "section"
    with pytest.raises(summer.SummerRefused) as refused:
        summer.withdraw(enrolment, by=s.registrar, today=CLOSED_DAY)
    assert refused.value.field == "date"
    summer.withdraw(enrolment, by=s.registrar, today=LAST_DAY)
    assert summer.enrolled_credits(a, s.summer) == 0
    assert register(s, b, "EXT01", "extra", today=LAST_DAY).state == "registered"


def test_summer_result_enters_the_year_gpa_and_the_promotion_decision(s):
    """§7/§8: autumn C 5 cr, spring F in PHY1201 5 cr → year 10/10 = 1.0000 < 1.80: repeat,
    one debt. The debt is re-studied in the summer (attempt of kind "summer", A 5 cr): the
    summer snapshot carries the year GPA (10 + 0 + 20)/15 = 30/15 = 2.0000 — the summer is
    part of 2025-2026 — and the preview now promotes, the debt cleared."""
    (student,) = enrol(s)
    grade(s, student, s.autumn, "C", 5)
    grade(s, student, s.spring, "F", subject=s.phy)
    (row,) = promotion.preview(2025, s.faculty, by=s.registrar)
    assert (row.year_gpa, row.decision, row.open_debts) == (exact("1.0000"), "repeat", 1)

    register(s, student, "PHY1201", "debt")
    attempt = grade(s, student, s.summer, "A", subject=s.phy)
    assert attempt.kind == "summer"
    gpa.recompute([student.pk])
    snapshot = GpaSnapshot.objects.get(student=student, period=s.summer)
    assert (snapshot.term_gpa, snapshot.year_gpa, snapshot.cumulative_gpa) == (
        exact("4.0000"), exact("2.0000"), exact("2.0000"))
    (row,) = promotion.preview(2025, s.faculty, by=s.registrar)
    assert (row.year_gpa, row.threshold, row.decision, row.open_debts) == (
        exact("2.0000"), Decimal("1.80"), "promote", 0)
