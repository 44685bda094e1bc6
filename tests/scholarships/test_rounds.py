"""Scholarship rounds after the session (§10), computed from the term's results.

§10: "After each session: state scholarship for state-grant students whose session grades are
all 'good' or 'excellent' (A … C+), paid monthly; +15% for all A/A-; presidential scholarship
from year 3 for all A/A-; none during leave (except medical)."
§6: FX and F are failing grades; a failed discipline is an academic debt to re-study.

Default amounts (policy placeholders): bachelor 42 000 a month; increased 42 000 × 1.15 =
48 300; presidential 63 000.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from registrar.audit.models import AuditEvent
from registrar.contingent.choices import ScholarshipKind
from registrar.policy.models import AcademicPolicy
from registrar.policy.values import DEFAULTS
from registrar.records.models import AttemptKind
from registrar.registration.models import Registration, RegistrationState, Section
from registrar.scholarships import selectors, services
from registrar.scholarships.models import ScholarshipRound
from registrar.scholarships.services import ScholarshipRefused

from .builders import PAYMENT, discipline, grade, leave, student

pytestmark = pytest.mark.django_db

D = dt.date


def new_round(w, faculty=None, *, by=None, period=None, months=5) -> ScholarshipRound:
    return services.create_round(by=by or w.registrar, period=period or w.autumn,
                                 faculty=faculty, payment_starts_on=PAYMENT, months=months)


def computed(w, faculty=None, **kw) -> ScholarshipRound:
    return services.compute_round(new_round(w, faculty, **kw), by=kw.get("by") or w.registrar)


def award_of(round_, s):
    return round_.awards.filter(student=s).first()


def exclusion_codes(round_, s) -> set[str]:
    for row in round_.exclusions:
        if row["student"] == s.pk:
            return {r["code"] for r in row["reasons"]}
    return set()


def test_good_and_excellent_session_gets_the_state_scholarship(world):
    """B+, A-, C+: all A … C+ → state scholarship 42 000 a month."""
    s = student(world, "B+", "A-", "C+")
    award = award_of(computed(world), s)
    assert (award.kind, award.monthly_amount) == (ScholarshipKind.STATE, Decimal("42000"))
    assert award.letters == ["B+", "A-", "C+"]
    assert award.reasons[0]["code"] == "good_and_excellent"


def test_all_excellent_is_increased_by_15_percent(world):
    """A, A-, A: all A/A- in year 2 → 42 000 × 1.15 = 48 300.00 (exact; rounding half-up to
    whole tenge changes nothing here)."""
    s = student(world, "A", "A-", "A", year_of_study=2)
    award = award_of(computed(world), s)
    assert (award.kind, award.monthly_amount) == (ScholarshipKind.STATE_INCREASED,
                                                  Decimal("48300"))


def test_increase_rounds_half_up_to_whole_tenge(world):
    """With the base set to 36 663: 36 663 × 1.15 = 42 162.45 → 42 162; base 36 670:
    42 170.50 → 42 171 (half-up)."""
    AcademicPolicy.objects.create(start_year=2025, document=dict(
        DEFAULTS, scholarship_amounts={"bachelor": "36663"}))
    low = student(world, "A", "A")
    r = computed(world)
    assert award_of(r, low).monthly_amount == Decimal("42162")
    AcademicPolicy.objects.filter(start_year=2025).update(document=dict(
        DEFAULTS, scholarship_amounts={"bachelor": "36670"}))
    r = services.compute_round(r, by=world.registrar)
    assert award_of(r, low).monthly_amount == Decimal("42171")


def test_presidential_from_year_3(world):
    """All A/A-: year 2 → increased 48 300; year 3 → presidential 63 000."""
    second = student(world, "A", "A-", year_of_study=2)
    third = student(world, "A", "A-", year_of_study=3)
    r = computed(world)
    assert award_of(r, second).kind == ScholarshipKind.STATE_INCREASED
    assert (award_of(r, third).kind, award_of(r, third).monthly_amount) == (
        ScholarshipKind.PRESIDENTIAL, Decimal("63000"))


def test_paid_tuition_student_is_excluded(world):
    """A paid student with all A gets nothing and is not even listed as excluded (the list of
    exclusions is of state-grant students)."""
    paid = student(world, "A", "A", funding="paid")
    r = computed(world)
    assert award_of(r, paid) is None
    assert exclusion_codes(r, paid) == set()


def test_fx_in_the_session_excludes_even_after_a_passed_resit(world):
    """FX then a resit A in the same term: the session had an FX → no scholarship."""
    s = student(world, "A")
    fx = grade(world, s, world.autumn, "FX")
    from registrar.records import services as records
    records.supersede(fx, by=world.registrar, reason="resit")
    grade(world, s, world.autumn, "A", kind=AttemptKind.RESIT)
    r = computed(world)
    assert award_of(r, s) is None
    assert "failing_grades" in exclusion_codes(r, s)


def test_f_excludes_and_names_the_open_debt(world):
    s = student(world, "A", "F")
    r = computed(world)
    assert exclusion_codes(r, s) == {"failing_grades", "open_debts"}


def test_an_open_debt_from_an_earlier_term_excludes(world):
    """Spring session all A, but the F of the autumn is still an open debt."""
    s = student(world, "F")
    grade(world, s, world.spring, "A")
    r = services.compute_round(new_round(world, period=world.spring), by=world.registrar)
    assert award_of(r, s) is None
    assert exclusion_codes(r, s) == {"open_debts"}


def test_c_excludes(world):
    s = student(world, "A", "C")
    assert exclusion_codes(computed(world), s) == {"below_minimum"}


def test_missing_grade_excludes(world):
    """Enrolled in a section of the term whose result is not in yet → a missing grade."""
    s = student(world, "A")
    subject = discipline()
    section = Section.objects.create(period=world.autumn, discipline=subject, code="S-1",
                                     language="ru", capacity=10)
    Registration.objects.create(student=s, section=section, discipline=subject,
                                period=world.autumn, state=RegistrationState.ENROLLED)
    assert exclusion_codes(computed(world), s) == {"missing_grades"}


def test_no_grades_in_the_session_excludes(world):
    s = student(world)
    assert exclusion_codes(computed(world), s) == {"no_grades"}


@pytest.mark.parametrize("kind, listed", [("medical", True), ("military", False),
                                          ("childcare", False)])
def test_leave_excludes_except_medical(world, kind, listed):
    """On leave from 20 January, payment from 1 February: only a medical leave keeps it."""
    s = leave(world, student(world, "A", "B"), kind)
    r = computed(world)
    assert (award_of(r, s) is not None) is listed
    if listed:
        assert award_of(r, s).reasons[-1] == {"code": "leave_kept", "kind": "medical"}
    else:
        assert exclusion_codes(r, s) == {"on_leave"}


def test_leave_after_payment_starts_does_not_count(world):
    """The status on the date payment starts decides: a leave from 1 March is not yet."""
    s = leave(world, student(world, "A", "B"), "military", on=D(2026, 3, 1),
              until=D(2026, 9, 1))
    assert award_of(computed(world), s) is not None


def test_faculty_round_lists_only_its_faculty(world):
    ours = student(world, "A")
    theirs = student(world, "A", programme=world.other_programme)
    r = computed(world, world.faculty)
    assert award_of(r, ours) is not None and award_of(r, theirs) is None


def test_recompute_while_draft_follows_a_changed_grade(world):
    s = student(world, "A", "B")
    r = computed(world)
    assert award_of(r, s).kind == ScholarshipKind.STATE
    grade(world, s, world.autumn, "C")
    r = services.compute_round(r, by=world.registrar)
    assert award_of(r, s) is None and r.awards.count() == 0
    event = AuditEvent.objects.filter(action="scholarship.round_computed").order_by("pk").last()
    assert event.changes["awards_before"] == 1 and event.changes["awards"] == 0


def test_totals_per_kind_and_monthly_fund(world):
    """2 × 42 000 + 48 300 + 63 000 = 195 300 a month; for 5 months 976 500."""
    student(world, "B")
    student(world, "C+")
    student(world, "A", year_of_study=2)
    student(world, "A", year_of_study=3)
    r = computed(world)
    totals = selectors.totals(r.awards.all(), r.months)
    assert [(k.kind, k.students, k.monthly) for k in totals.by_kind] == [
        ("state", 2, Decimal("84000")), ("state_increased", 1, Decimal("48300")),
        ("presidential", 1, Decimal("63000"))]
    assert (totals.students, totals.monthly, totals.period_total) == (
        4, Decimal("195300"), Decimal("976500"))


def test_round_creation_is_checked(world):
    with pytest.raises(ScholarshipRefused, match="summer"):
        new_round(world, period=world.summer)
    new_round(world, world.faculty)
    with pytest.raises(ScholarshipRefused, match="already covers"):
        new_round(world)  # the university-wide round would cover the faculty's students
    with pytest.raises(ScholarshipRefused, match="already covers"):
        new_round(world, world.faculty)
    with pytest.raises(ScholarshipRefused, match="1 to 12"):
        services.create_round(by=world.registrar, period=world.spring, faculty=None,
                              payment_starts_on=PAYMENT, months=13)


def test_dean_runs_own_faculty_only(world):
    r = new_round(world, world.faculty, by=world.dean)
    services.compute_round(r, by=world.dean)
    with pytest.raises(PermissionDenied):
        services.compute_round(r, by=world.other_dean)
    with pytest.raises(PermissionDenied):
        new_round(world, by=world.dean)  # the whole university is the registrar's
    with pytest.raises(PermissionDenied):
        new_round(world, world.faculty, by=world.teacher, period=world.spring)


def test_every_action_is_audited(world):
    student(world, "A")
    r = computed(world)
    services.draft_order(r, by=world.registrar)
    actions = list(AuditEvent.objects.filter(object_type="scholarships.scholarshipround")
                   .values_list("action", flat=True).order_by("pk"))
    assert actions == ["scholarship.round_created", "scholarship.round_computed",
                       "scholarship.order_drafted"]
