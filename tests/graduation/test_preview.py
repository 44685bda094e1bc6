"""The graduation preview (§9, §11): who may graduate, and the honours verdict with its reasons;
the draft graduation order through the contingent services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from registrar.audit.models import AuditEvent
from registrar.contingent import services as contingent
from registrar.contingent.choices import OrderState, OrderType
from registrar.contingent.models import Order
from registrar.curriculum.models import Component, Curriculum, CurriculumEntry, Cycle
from registrar.graduation import graduation, selectors, services
from registrar.people.choices import StudentStatus
from registrar.policy import honours
from registrar.records import services as records
from registrar.records.models import AttemptKind
from tests.records.builders import discipline, grade

from . import world as W

pytestmark = pytest.mark.django_db


def rows_by_student(w, **kw):
    rows = selectors.preview(by=kw.pop("by", w.registrar), start_year=W.START_YEAR,
                             programme=kw.pop("programme", w.programme), **kw)
    return {row.student.pk: row for row in rows}


def row_of(w, student, **kw):
    return rows_by_student(w, **kw)[student.pk]


# --- Who may graduate ------------------------------------------------------------------------

def test_a_ready_graduate_with_honours(w):
    student = W.ready_graduate(w)
    row = row_of(w, student)
    assert row.ready and row.problems == ()
    assert row.credits_earned == 24 == row.credits_required  # 4 × 5 + final attestation 2 + 2
    assert row.attestation.passed and row.attestation.letters == ["A", "A-"]
    assert row.verdict.eligible and row.verdict.reasons == ()
    assert row.gpa_display == Decimal("3.75")  # (4 + 3.67 + 4 + 3.33) / 4


def test_only_studying_final_year_students_are_listed(w):
    ready = W.ready_graduate(w)
    (third_year,) = W.enrol(w, 1, year_of_study=3)
    assert set(rows_by_student(w)) == {ready.pk}
    assert third_year.pk not in rows_by_student(w)


def test_a_debtor_is_not_ready(w):
    student = W.ready_graduate(w)
    grade(w, student, w.spring, "F", 5)  # an F opens an academic debt (§6)
    row = row_of(w, student)
    assert not row.ready and row.open_debts == 1
    assert any("academic debt" in p for p in row.problems)


def test_credits_short(w):
    (student,) = W.final_year(w)
    W.good_record(w, student, letters=("A", "A", "A"))
    W.attest(w, student)
    row = row_of(w, student)
    assert not row.ready and row.problems == ("19 of 24 credits earned.",)


def test_final_attestation_not_passed(w):
    (student,) = W.final_year(w)
    W.good_record(w, student)
    services.record_result(w.exam, by=w.registrar, student=student, score="96",
                           protocol_number="7")
    row = row_of(w, student)
    assert not row.ready
    assert "Final attestation not passed: Thesis defence." in row.problems
    (nothing,) = W.final_year(w)
    W.good_record(w, nothing)
    assert "No final attestation result." in row_of(w, nothing).problems


def test_a_failed_defence_is_not_passed(w):
    (student,) = W.final_year(w)
    W.good_record(w, student)
    W.attest(w, student, defence="40")
    row = row_of(w, student)
    assert not row.attestation.passed and not row.ready


def test_compulsory_disciplines_of_the_curriculum_must_be_passed(w):
    student = W.ready_graduate(w)
    curriculum = Curriculum.objects.create(programme=w.programme,
                                           intake_year=student.group.intake_year)
    missing = discipline(5, "MISS4101")
    CurriculumEntry.objects.create(curriculum=curriculum, discipline=missing, semester=8,
                                   component=Component.COMPULSORY, cycle=Cycle.MAJOR)
    # Electives and the attestation cycle are not required by name.
    CurriculumEntry.objects.create(curriculum=curriculum, discipline=discipline(5), semester=8,
                                   component=Component.ELECTIVE, cycle=Cycle.MAJOR)
    CurriculumEntry.objects.create(curriculum=curriculum, discipline=discipline(2), semester=8,
                                   component=Component.COMPULSORY, cycle=Cycle.ATTESTATION)
    row = row_of(w, student)
    assert row.missing_disciplines == ("MISS4101",)
    assert row.problems == ("Compulsory disciplines not passed: MISS4101.",)


# --- Honours verdict with its reasons, each alone (§11) --------------------------------------

def test_honours_gpa_below(w):
    student = W.ready_graduate(w)
    # Lower the GPA with good grades only (B- is allowed): 4 × B- + 4 earlier → GPA 3.30.
    for _ in range(4):
        grade(w, student, w.spring, "B-", 5)
    verdict = row_of(w, student).verdict
    assert verdict.codes == (honours.GPA_BELOW,)
    assert "below 3.50" in verdict.messages[0]


def test_honours_grade_below_b_minus(w):
    (student,) = W.final_year(w)
    W.good_record(w, student, letters=("A", "A", "A", "C+"))  # GPA 3.58
    W.attest(w, student)
    assert row_of(w, student).verdict.codes == (honours.GRADE_BELOW,)


def test_honours_final_attestation_below_a_minus(w):
    (student,) = W.final_year(w)
    W.good_record(w, student)
    W.attest(w, student, defence="85")  # B+
    row = row_of(w, student)
    assert row.ready and row.verdict.codes == (honours.FINAL_ATTESTATION_BELOW,)


def test_honours_retaken_exam(w):
    (student,) = W.final_year(w)
    W.good_record(w, student, letters=("A", "A", "A"))
    fx = grade(w, student, w.autumn, "FX", 5)  # FX: a resit without re-study (§6)
    # The resit passes with A and supersedes the FX; still a retake.
    grade(w, student, w.spring, "A", 5, subject=fx.discipline, kind=AttemptKind.RESIT)
    records.supersede(fx, by=w.registrar, reason="resit")
    W.attest(w, student)
    verdict = row_of(w, student).verdict
    assert honours.RETAKEN in verdict.codes
    assert honours.GPA_BELOW not in verdict.codes


def test_honours_summer_re_study_is_a_retake(w):
    """A failed discipline passed again in the summer semester is a retake although its
    attempt kind is "summer" (the assessment writes summer re-studies so)."""
    (student,) = W.final_year(w)
    W.good_record(w, student, letters=("A", "A", "A", "A"))
    subject = discipline(5)
    grade(w, student, w.autumn, "F", 5, subject=subject)
    grade(w, student, w.summer, "A", 5, subject=subject)
    W.attest(w, student)
    codes = row_of(w, student).verdict.codes
    assert honours.RETAKEN in codes


# --- Scope -----------------------------------------------------------------------------------

def test_dean_previews_own_faculty_only(w):
    student = W.ready_graduate(w)
    assert student.pk in rows_by_student(w, by=w.dean)
    with pytest.raises(PermissionDenied):
        rows_by_student(w, by=w.other_dean)
    with pytest.raises(PermissionDenied):
        rows_by_student(w, by=w.teacher)


def test_faculty_preview(w):
    student = W.ready_graduate(w)
    rows = selectors.preview(by=w.registrar, start_year=W.START_YEAR, faculty=w.faculty)
    assert [r.student.pk for r in rows] == [student.pk]


# --- The draft graduation order (contingent services) ----------------------------------------

def test_draft_order_has_the_ready_students_only(w):
    ready = W.ready_graduate(w)
    with_honours_refused = W.ready_graduate(w, defence="85")
    debtor = W.ready_graduate(w)
    grade(w, debtor, w.spring, "F", 5)
    order = graduation.draft_order(by=w.registrar, start_year=W.START_YEAR,
                                   effective_date=W.GRADUATION_DAY, programme=w.programme)
    assert (order.order_type, order.state, order.faculty) == (OrderType.GRADUATION,
                                                               OrderState.DRAFT, w.faculty)
    items = {i.student_id: i for i in order.items.all()}
    assert set(items) == {ready.pk, with_honours_refused.pk}
    assert "diploma with honours" in items[ready.pk].basis
    assert "diploma without honours" in items[with_honours_refused.pk].basis
    actions = list(AuditEvent.objects.filter(object_type="contingent.order",
                                             object_id=str(order.pk))
                   .values_list("action", flat=True))
    assert actions.count("order.item_added") == 2
    assert "order.drafted" in actions and graduation.DRAFTED in actions


def test_applied_order_graduates_and_preview_forgets_them(w):
    student = W.ready_graduate(w)
    W.graduate(w, student)
    assert student.status == StudentStatus.GRADUATED
    assert student.pk not in rows_by_student(w)


def test_a_student_in_a_pending_order_is_not_drafted_again(w):
    student = W.ready_graduate(w)
    order = graduation.draft_order(by=w.registrar, start_year=W.START_YEAR,
                                   effective_date=W.GRADUATION_DAY, programme=w.programme)
    row = row_of(w, student)
    assert not row.ready and row.pending_order == order
    with pytest.raises(services.AttestationRefused):
        graduation.draft_order(by=w.registrar, start_year=W.START_YEAR,
                               effective_date=W.GRADUATION_DAY, programme=w.programme)
    contingent.cancel_order(order, by=w.registrar, reason="redo")
    assert row_of(w, student).ready


def test_choosing_a_student_who_may_not_graduate_refuses_the_draft(w):
    ready = W.ready_graduate(w)
    (not_ready,) = W.final_year(w)
    with pytest.raises(contingent.OrderRefused) as refused:
        graduation.draft_order(by=w.registrar, start_year=W.START_YEAR,
                               effective_date=W.GRADUATION_DAY, programme=w.programme,
                               student_ids=[ready.pk, not_ready.pk])
    assert not_ready.full_name in str(refused.value)
    assert not Order.objects.filter(order_type=OrderType.GRADUATION).exists()


def test_nothing_to_draft(w):
    W.final_year(w)
    with pytest.raises(services.AttestationRefused):
        graduation.draft_order(by=w.registrar, start_year=W.START_YEAR,
                               effective_date=W.GRADUATION_DAY, programme=w.programme)


def test_only_the_registrar_drafts(w):
    W.ready_graduate(w)
    with pytest.raises(PermissionDenied):
        graduation.draft_order(by=w.dean, start_year=W.START_YEAR,
                               effective_date=W.GRADUATION_DAY, programme=w.programme)
