"""Final state attestation (§11): commissions, events and the results they grade; letters from
the policy's grading scale (§6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from registrar.audit.models import AuditEvent
from registrar.graduation import services
from registrar.graduation.models import AttestationKind, AttestationResult
from registrar.policy.models import AcademicPolicy
from registrar.records.models import Attempt
from tests import factories
from tests.records.builders import enrol

from . import world as W

pytestmark = pytest.mark.django_db


def _exam(w, student, score, **kw):
    return services.record_result(w.exam, by=w.registrar, student=student, score=score,
                                  protocol_number=kw.pop("protocol_number", "7"), **kw)


def test_letter_and_points_come_from_the_grading_scale(w):
    """§6: the score rounded half-up to an integer first: 89.5 → 90 → A-, 89.49 → B+."""
    a, b, c = W.final_year(w, 3)
    assert (_exam(w, a, Decimal("89.5")).letter, _exam(w, b, "89.49").letter) == ("A-", "B+")
    failed = _exam(w, c, "20")
    assert (failed.letter, failed.points, failed.passed, failed.traditional) == (
        "F", Decimal("0.00"), False, "fail")
    result = AttestationResult.objects.get(student=a)
    assert (result.points, result.traditional, result.passed) == (Decimal("3.67"), "excellent",
                                                                  True)


def test_the_policy_of_the_commission_year_decides_the_letter(w):
    scale = [dict(b) for b in AcademicPolicy._meta.get_field("document").default()[
        "grading_scale"]]
    # A university without FX: F is 0-49.
    scale = [b for b in scale if b["letter"] != "FX"]
    for band in scale:
        if band["letter"] == "F":
            band["max"] = 49
    AcademicPolicy.objects.create(start_year=2025, document={"grading_scale": scale})
    (student,) = W.final_year(w)
    assert _exam(w, student, "40").letter == "F"


def test_results_are_not_attempts_and_do_not_count_in_gpa(w):
    """Decision (docs/graduation.md): the records have no final-attestation attempt kind and
    §7 computes GPA over the disciplines' attempts, so the results stay in their own table."""
    student = W.ready_graduate(w)
    assert Attempt.objects.filter(student=student).count() == 4
    assert AttestationResult.objects.filter(student=student).count() == 2


def test_thesis_defence_needs_title_and_supervisor(w):
    (student,) = W.final_year(w)
    with pytest.raises(services.AttestationRefused) as refused:
        services.record_result(w.defence, by=w.registrar, student=student, score="90",
                               protocol_number="9", supervisor="Ахметов")
    assert refused.value.field == "thesis_title_ru"
    with pytest.raises(services.AttestationRefused) as refused:
        services.record_result(w.defence, by=w.registrar, student=student, score="90",
                               protocol_number="9", thesis_title_en="A system")
    assert refused.value.field == "supervisor"


def test_a_state_exam_has_no_thesis(w):
    (student,) = W.final_year(w)
    with pytest.raises(services.AttestationRefused):
        _exam(w, student, "90", thesis_title_ru="Тема")


@pytest.mark.parametrize("score", ["-1", "100.01", "abc", "90.123"])
def test_score_must_be_0_to_100_with_two_decimals(w, score):
    (student,) = W.final_year(w)
    with pytest.raises(services.AttestationRefused) as refused:
        _exam(w, student, score)
    assert refused.value.field == "score"


def test_only_final_year_students_of_the_commission_programmes(w):
    (third_year,) = enrol(w, 1, year_of_study=3)
    with pytest.raises(services.AttestationRefused, match="final year"):
        _exam(w, third_year, "90")
    (elsewhere,) = W.final_year(w, programme=w.other_programme)
    with pytest.raises(services.AttestationRefused, match="programme of this commission"):
        _exam(w, elsewhere, "90")
    applicant = factories.student(w.programme)
    with pytest.raises(services.AttestationRefused, match="not studying"):
        _exam(w, applicant, "90")


def test_a_correction_needs_a_reason_and_is_audited(w):
    (student,) = W.final_year(w)
    _exam(w, student, "70")
    with pytest.raises(services.AttestationRefused) as refused:
        _exam(w, student, "96")
    assert refused.value.field == "reason"
    corrected = _exam(w, student, "96", reason="Typo in the protocol")
    assert corrected.letter == "A"
    event = AuditEvent.objects.filter(action="attestation.result_corrected").get()
    assert event.reason == "Typo in the protocol"
    assert event.changes["before"]["letter"] == "C+" and event.changes["after"]["letter"] == "A"


def test_every_change_is_audited(w):
    W.ready_graduate(w)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"attestation.commission_created", "attestation.member_added",
            "attestation.event_created", "attestation.result_recorded"} <= actions


def test_commission_programmes_of_its_faculty_only(w):
    with pytest.raises(services.AttestationRefused) as refused:
        services.create_commission(by=w.registrar, year=w.year, faculty=w.faculty,
                                   programmes=[w.other_programme], chair_name="X",
                                   order_reference="№ 1")
    assert refused.value.field == "programmes"


def test_event_inside_the_academic_year(w):
    with pytest.raises(services.AttestationRefused) as refused:
        services.create_event(w.commission, by=w.registrar, kind=AttestationKind.STATE_EXAM,
                              held_on=dt.date(2027, 1, 10))
    assert refused.value.field == "held_on"


def test_members_stay_once_the_commission_has_graded(w):
    member = w.commission.members.get()
    W.ready_graduate(w)
    with pytest.raises(services.AttestationRefused):
        services.remove_member(member, by=w.registrar)


def test_only_the_registrar_keeps_the_attestation(w):
    (student,) = W.final_year(w)
    for user in (w.dean, w.teacher):
        with pytest.raises(PermissionDenied):
            services.create_commission(by=user, year=w.year, faculty=w.faculty,
                                       programmes=[w.programme], chair_name="X",
                                       order_reference="№ 1")
        with pytest.raises(PermissionDenied):
            services.record_result(w.exam, by=user, student=student, score="90",
                                   protocol_number="1")
