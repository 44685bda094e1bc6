"""Individual study plans (§5): generated with the compulsory disciplines of the semester,
electives from the offered catalogue with prerequisites met, a credit load of 15-35, approved
by the advisor then the dean, returned with a comment; only the right people act."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from registrar.audit.models import AuditEvent
from registrar.records.models import Attempt
from registrar.registration import services
from registrar.registration.models import PlanState, SectionStatus, StudyPlan
from registrar.registration.services import RegistrationRefused

pytestmark = pytest.mark.django_db


def passed(world, student, discipline):
    """A positive attempt (recognised transfer credit) in the student's record."""
    return Attempt.objects.create(
        student=student, discipline=discipline, period=world.autumn, kind="transfer",
        title_kk=discipline.name_kk, title_ru=discipline.name_ru, title_en=discipline.name_en,
        credits=discipline.credits, letter="A", points="4.00", passed=True)


def codes(plan):
    return sorted(plan.lines.values_list("discipline__code", flat=True))


def state(plan):
    return StudyPlan.objects.get(pk=plan.pk).state


@pytest.fixture
def me(world):
    return world.students[0]


@pytest.fixture
def plan(world, me):
    return services.generate_plan(me, world.autumn, by=me.user)


def messages(excinfo):
    return " ".join(p.message for p in excinfo.value.problems)


# --- generation ---------------------------------------------------------------------------

def test_generated_plan_holds_exactly_the_compulsory_disciplines_of_the_semester(world, me):
    """§5: all compulsory disciplines of semester 1 (year 1, autumn), no elective, nothing of
    semester 2; a draft of 15 credits."""
    plan = services.generate_plan(me, world.autumn, by=me.user)
    assert codes(plan) == ["HKZ1101", "ICT1103", "MAT1102"]
    assert set(plan.lines.values_list("component", flat=True)) == {"compulsory"}
    assert sum(plan.lines.values_list("credits", flat=True)) == 15
    assert (plan.semester, plan.state) == (1, PlanState.DRAFT)


def test_generated_plan_leaves_out_a_passed_discipline(world, me):
    """§5: never a discipline already passed."""
    passed(world, me, world.c2)
    plan = services.generate_plan(me, world.autumn, by=me.user)
    assert codes(plan) == ["HKZ1101", "ICT1103"]


def test_spring_plan_is_semester_two(world, me):
    """§5: year 1 spring is curriculum semester 2."""
    plan = services.generate_plan(me, world.spring, by=me.user)
    assert plan.semester == 2 and codes(plan) == ["PHY1201"]


def test_generating_again_returns_the_same_plan(world, me, plan):
    """§5: one plan per student and term."""
    again = services.generate_plan(me, world.autumn, by=me.user)
    assert again.pk == plan.pk
    assert StudyPlan.objects.filter(student=me, period=world.autumn).count() == 1


def test_another_student_cannot_generate_my_plan(world, me):
    """§5: the ISP is the student's own."""
    with pytest.raises(PermissionDenied):
        services.generate_plan(me, world.autumn, by=world.students[1].user)
    assert not StudyPlan.objects.filter(student=me).exists()


# --- electives ----------------------------------------------------------------------------

def test_elective_from_the_catalogue_is_added(world, me, plan):
    """§5: chosen electives from the catalogue, offered this term."""
    line = services.add_elective(plan, world.e1, by=me.user)
    assert (line.component, line.credits) == ("elective", 5)
    assert codes(plan) == ["ELC1104", "HKZ1101", "ICT1103", "MAT1102"]


@pytest.mark.parametrize("which", ["outsider", "c_spring"])
def test_elective_outside_the_catalogue_is_refused(world, me, plan, which):
    """§5: an offered discipline outside the curriculum, or a compulsory one of another
    semester, is not in the elective catalogue of semester 1."""
    with pytest.raises(RegistrationRefused) as excinfo:
        services.add_elective(plan, getattr(world, which), by=me.user)
    assert "catalogue" in messages(excinfo)
    assert len(codes(plan)) == 3


def test_elective_not_offered_is_refused(world, me, plan):
    """§5: a catalogue elective without a section this term."""
    with pytest.raises(RegistrationRefused) as excinfo:
        services.add_elective(plan, world.e_unoffered, by=me.user)
    assert "offered" in messages(excinfo)
    assert len(codes(plan)) == 3


def test_elective_whose_only_section_is_cancelled_is_not_offered(world, me, plan):
    """§5: a cancelled (under-filled) section does not offer the elective."""
    world.s_e2.status = SectionStatus.CANCELLED
    world.s_e2.save()
    with pytest.raises(RegistrationRefused):
        services.add_elective(plan, world.e2, by=me.user)


def test_elective_with_a_missing_prerequisite_is_refused_naming_it(world, me, plan):
    """§5: prerequisites met; the message names the prerequisite's code."""
    with pytest.raises(RegistrationRefused) as excinfo:
        services.add_elective(plan, world.e3, by=me.user)
    assert "PRE1001" in messages(excinfo)
    assert [p.code for p in excinfo.value.problems] == ["ELC1106"]
    assert "ELC1106" not in codes(plan)
    assert not AuditEvent.objects.filter(action="plan.elective_added").exists()


def test_elective_with_a_passed_prerequisite_is_added(world, me, plan):
    """§5: once the prerequisite is passed the elective may be planned."""
    passed(world, me, world.prereq)
    services.add_elective(plan, world.e3, by=me.user)
    assert "ELC1106" in codes(plan)


def test_passed_elective_is_refused(world, me, plan):
    """§5: never a discipline already passed."""
    passed(world, me, world.e1)
    with pytest.raises(RegistrationRefused) as excinfo:
        services.add_elective(plan, world.e1, by=me.user)
    assert [p.code for p in excinfo.value.problems] == ["ELC1104"]


@pytest.mark.parametrize("which", ["e1", "c1"])
def test_a_discipline_already_in_the_plan_is_refused(world, me, plan, which):
    """§5: a discipline appears once in a plan (a repeated elective, or a compulsory one
    offered again as an elective)."""
    if which == "e1":
        services.add_elective(plan, world.e1, by=me.user)
    before = codes(plan)
    with pytest.raises(RegistrationRefused):
        services.add_elective(plan, getattr(world, which), by=me.user)
    assert codes(plan) == before


def test_compulsory_discipline_cannot_be_removed(world, me, plan):
    """§5: all compulsory disciplines of the term are in the plan."""
    with pytest.raises(RegistrationRefused):
        services.remove_elective(plan, world.c1, by=me.user)
    assert "HKZ1101" in codes(plan)


# --- submission and the credit load ------------------------------------------------------

def test_plan_under_the_minimum_is_not_submitted(world, me):
    """§5: at least 15 credits: 10 planned (one compulsory passed) is refused with figures."""
    passed(world, me, world.c2)
    plan = services.generate_plan(me, world.autumn, by=me.user)
    with pytest.raises(RegistrationRefused) as excinfo:
        services.submit_plan(plan, by=me.user)
    text = messages(excinfo)
    assert "10" in text and "15" in text
    assert state(plan) == PlanState.DRAFT
    services.add_elective(plan, world.e1, by=me.user)  # 15 credits now
    assert services.submit_plan(plan, by=me.user).state == PlanState.SUBMITTED


def test_plan_over_the_maximum_is_not_submitted(world, me, plan):
    """§5: at most 35 credits: 15 + 5 + 5 + 12 = 37 is refused with the figures."""
    for elective in (world.e1, world.e2, world.e_big):
        services.add_elective(plan, elective, by=me.user)
    with pytest.raises(RegistrationRefused) as excinfo:
        services.submit_plan(plan, by=me.user)
    text = messages(excinfo)
    assert "37" in text and "35" in text
    assert state(plan) == PlanState.DRAFT
    services.remove_elective(plan, world.e2, by=me.user)  # 32 credits
    assert services.submit_plan(plan, by=me.user).state == PlanState.SUBMITTED


# --- approval workflow --------------------------------------------------------------------

def test_plan_goes_draft_submitted_advisor_approved_approved(world, me, plan):
    """§5: the advisor approves it, then the dean."""
    services.add_elective(plan, world.e1, by=me.user)
    plan = services.submit_plan(plan, by=me.user)
    assert plan.state == PlanState.SUBMITTED and plan.submitted_at is not None
    with pytest.raises(RegistrationRefused):  # the dean comes after the advisor
        services.dean_approve(plan, by=world.dean)
    plan = services.advisor_approve(plan, by=world.advisor)
    assert plan.state == PlanState.ADVISOR_APPROVED
    assert plan.advisor_approved_by_id == world.advisor.pk and plan.advisor_approved_at
    plan = services.dean_approve(plan, by=world.dean)
    stored = StudyPlan.objects.get(pk=plan.pk)
    assert stored.state == PlanState.APPROVED
    assert stored.dean_approved_by_id == world.dean.pk and stored.dean_approved_at


def test_approved_plan_is_no_longer_editable(world, me, plan):
    """§5: the approved plan is printed and signed; the student cannot change it."""
    services.submit_plan(plan, by=me.user)
    services.advisor_approve(plan, by=world.advisor)
    services.dean_approve(plan, by=world.dean)
    with pytest.raises(RegistrationRefused):
        services.add_elective(plan, world.e1, by=me.user)
    with pytest.raises(RegistrationRefused):
        services.submit_plan(plan, by=me.user)
    assert state(plan) == PlanState.APPROVED and len(codes(plan)) == 3


def test_submitted_plan_is_not_editable_until_returned(world, me, plan):
    """§5: the student changes a plan only while drafting or after it is returned."""
    services.submit_plan(plan, by=me.user)
    with pytest.raises(RegistrationRefused):
        services.add_elective(plan, world.e1, by=me.user)


def test_advisor_returns_with_a_comment_and_the_plan_is_resubmitted(world, me, plan):
    """§5: the advisor returns the plan with a comment (required); the student edits and
    submits again."""
    services.submit_plan(plan, by=me.user)
    with pytest.raises(RegistrationRefused) as excinfo:
        services.return_plan(plan, by=world.advisor, comment="   ")
    assert excinfo.value.problems[0].field == "comment"
    assert state(plan) == PlanState.SUBMITTED
    services.return_plan(plan, by=world.advisor, comment="Add an elective in mathematics.")
    stored = StudyPlan.objects.get(pk=plan.pk)
    assert (stored.state, stored.comment) == (PlanState.RETURNED,
                                              "Add an elective in mathematics.")
    services.add_elective(plan, world.e1, by=me.user)
    resubmitted = services.submit_plan(plan, by=me.user)
    assert resubmitted.state == PlanState.SUBMITTED
    services.advisor_approve(plan, by=world.advisor)
    assert services.dean_approve(plan, by=world.dean).state == PlanState.APPROVED


def test_dean_returns_with_a_comment_and_the_plan_is_resubmitted(world, me, plan):
    """§5: the dean may return an advisor-approved plan (a comment is required); it goes
    through the advisor again."""
    services.submit_plan(plan, by=me.user)
    services.advisor_approve(plan, by=world.advisor)
    with pytest.raises(RegistrationRefused):
        services.return_plan(plan, by=world.dean, comment="")
    assert state(plan) == PlanState.ADVISOR_APPROVED
    services.return_plan(plan, by=world.dean, comment="Too few electives.")
    stored = StudyPlan.objects.get(pk=plan.pk)
    assert (stored.state, stored.comment) == (PlanState.RETURNED, "Too few electives.")
    services.add_elective(plan, world.e2, by=me.user)
    services.submit_plan(plan, by=me.user)
    with pytest.raises(RegistrationRefused):
        services.dean_approve(plan, by=world.dean)
    services.advisor_approve(plan, by=world.advisor)
    assert services.dean_approve(plan, by=world.dean).state == PlanState.APPROVED


# --- wrong actors -------------------------------------------------------------------------

def test_another_student_cannot_change_or_submit_my_plan(world, me, plan):
    """§5: only the student (or the registrar) edits the ISP."""
    other = world.students[1].user
    with pytest.raises(PermissionDenied):
        services.add_elective(plan, world.e1, by=other)
    with pytest.raises(PermissionDenied):
        services.remove_elective(plan, world.c1, by=other)
    with pytest.raises(PermissionDenied):
        services.submit_plan(plan, by=other)
    assert state(plan) == PlanState.DRAFT and len(codes(plan)) == 3


def test_advisor_cannot_edit_the_plan(world, me, plan):
    """§5: the advisor approves or returns; the student forms the plan."""
    with pytest.raises(PermissionDenied):
        services.add_elective(plan, world.e1, by=world.advisor)


def test_only_my_advisor_approves(world, me, plan):
    """§5: an advisor of other students can neither approve nor return my plan."""
    services.submit_plan(plan, by=me.user)
    with pytest.raises(PermissionDenied):
        services.advisor_approve(plan, by=world.other_advisor)
    with pytest.raises(PermissionDenied):
        services.return_plan(plan, by=world.other_advisor, comment="No.")
    assert state(plan) == PlanState.SUBMITTED


def test_only_the_dean_of_my_faculty_approves(world, me, plan):
    """§5: a dean of another faculty can neither approve nor return my plan."""
    services.submit_plan(plan, by=me.user)
    services.advisor_approve(plan, by=world.advisor)
    with pytest.raises(PermissionDenied):
        services.dean_approve(plan, by=world.other_dean)
    with pytest.raises(PermissionDenied):
        services.return_plan(plan, by=world.other_dean, comment="No.")
    assert state(plan) == PlanState.ADVISOR_APPROVED


def test_student_cannot_approve_their_own_plan(world, me, plan):
    """§5: approval is the advisor's and the dean's."""
    services.submit_plan(plan, by=me.user)
    with pytest.raises(PermissionDenied):
        services.advisor_approve(plan, by=me.user)
    services.advisor_approve(plan, by=world.advisor)
    with pytest.raises(PermissionDenied):
        services.dean_approve(plan, by=me.user)
    assert state(plan) == PlanState.ADVISOR_APPROVED


def test_advisor_cannot_take_the_deans_step(world, me, plan):
    """§5: the advisor approves first, the dean second; the advisor cannot do both."""
    services.submit_plan(plan, by=me.user)
    services.advisor_approve(plan, by=world.advisor)
    with pytest.raises(PermissionDenied):
        services.dean_approve(plan, by=world.advisor)
    assert state(plan) == PlanState.ADVISOR_APPROVED


# --- audit --------------------------------------------------------------------------------

def test_every_step_is_audited_with_its_actor(world, me, plan):
    """§5: who formed, submitted, returned and approved the plan, and why it was returned."""
    services.add_elective(plan, world.e1, by=me.user)
    services.submit_plan(plan, by=me.user)
    services.return_plan(plan, by=world.advisor, comment="Check the timetable.")
    services.submit_plan(plan, by=me.user)
    services.advisor_approve(plan, by=world.advisor)
    services.dean_approve(plan, by=world.dean)
    events = list(AuditEvent.objects.filter(object_type="registration.studyplan",
                                            object_id=str(plan.pk)).order_by("id")
                  .values_list("action", "actor_id", "reason"))
    me_id, advisor_id, dean_id = me.user.pk, world.advisor.pk, world.dean.pk
    assert events == [
        ("plan.generated", me_id, ""),
        ("plan.elective_added", me_id, ""),
        ("plan.submitted", me_id, ""),
        ("plan.returned", advisor_id, "Check the timetable."),
        ("plan.submitted", me_id, ""),
        ("plan.advisor_approved", advisor_id, ""),
        ("plan.approved", dean_id, ""),
    ]
