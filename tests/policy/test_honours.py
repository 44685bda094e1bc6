"""§11 Diploma with honours: "GPA ≥ 3.50, no grade below B- (some: C+) in exams, final
attestation A/A-, no exam ever retaken" — as a pure rule (registrar/policy/honours.py).

Property tests compare the rule with an independent statement of §11 over generated records,
and check that each condition alone refuses honours with its own reason.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from registrar.policy.honours import (
    FINAL_ATTESTATION_BELOW,
    GPA_BELOW,
    GRADE_BELOW,
    NO_FINAL_ATTESTATION,
    NO_GPA,
    REASON_CODES,
    RETAKEN,
    ExamGrade,
    HonoursPolicyError,
    excellent_letters,
    honours,
)
from registrar.policy.values import DEFAULT_VALUES, parse

LETTERS = [b.letter for b in DEFAULT_VALUES.grading_scale]  # A … F, best first
RANK = {b.letter: b.min_score for b in DEFAULT_VALUES.grading_scale}
AT_LEAST_B_MINUS = [letter for letter in LETTERS if RANK[letter] >= RANK["B-"]]
BELOW_B_MINUS = [letter for letter in LETTERS if RANK[letter] < RANK["B-"]]
KINDS = ["regular", "summer", "resit", "restudy", "transfer"]
C_PLUS = parse({"honours_min_letter": "C+"})

gpas = st.one_of(st.none(), st.decimals(min_value=Decimal("0"), max_value=Decimal("4"),
                                        places=4))
exam_grades = st.lists(st.builds(ExamGrade, letter=st.sampled_from(LETTERS),
                                 kind=st.sampled_from(KINDS)), max_size=12)
final_letters = st.lists(st.sampled_from(LETTERS), max_size=3)


def oracle(gpa, grades, finals, retaken, minimum="B-") -> bool:
    """§11 read literally, written independently of the rule."""
    exams = [g for g in grades if g.kind != "transfer"]
    return (gpa is not None and gpa >= Decimal("3.50")
            and all(RANK[g.letter] >= RANK[minimum] for g in exams)
            and len(finals) > 0 and all(f in ("A", "A-") for f in finals)
            and not retaken and not any(g.kind in ("resit", "restudy") for g in grades))


GOOD_RECORD = (ExamGrade("A"), ExamGrade("B-"))


def verdict(gpa=Decimal("3.80"), grades=GOOD_RECORD, finals=("A",),
            retaken=False, policy=DEFAULT_VALUES):
    return honours(cumulative_gpa=gpa, exam_grades=grades, final_attestation_letters=finals,
                   ever_retaken=retaken, policy=policy)


# --- The rule agrees with §11 --------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(gpa=gpas, grades=exam_grades, finals=final_letters, retaken=st.booleans())
def test_verdict_is_section_11(gpa, grades, finals, retaken):
    result = verdict(gpa, grades, finals, retaken)
    assert result.eligible == oracle(gpa, grades, finals, retaken)
    # Eligible exactly when there is no reason; reasons are known codes, each at most once.
    assert result.eligible == (result.reasons == ())
    assert set(result.codes) <= set(REASON_CODES)
    assert len(result.codes) == len(set(result.codes))


@settings(max_examples=200, deadline=None)
@given(gpa=gpas, grades=exam_grades, finals=final_letters, retaken=st.booleans())
def test_configurable_minimal_letter_c_plus(gpa, grades, finals, retaken):
    """§11 "(some: C+)": the minimal letter is the policy's honours_min_letter."""
    result = verdict(gpa, grades, finals, retaken, policy=C_PLUS)
    assert result.eligible == oracle(gpa, grades, finals, retaken, minimum="C+")


@settings(max_examples=200, deadline=None)
@given(gpa=st.decimals(min_value=Decimal("0"), max_value=Decimal("4"), places=4),
       raise_by=st.decimals(min_value=Decimal("0"), max_value=Decimal("4"), places=4),
       grades=exam_grades, finals=final_letters, retaken=st.booleans())
def test_a_higher_gpa_never_loses_honours(gpa, raise_by, grades, finals, retaken):
    higher = min(gpa + raise_by, Decimal(4))
    if verdict(gpa, grades, finals, retaken).eligible:
        assert verdict(higher, grades, finals, retaken).eligible


@settings(max_examples=200, deadline=None)
@given(grades=exam_grades, extra=st.sampled_from(AT_LEAST_B_MINUS))
def test_adding_a_good_regular_grade_changes_nothing(grades, extra):
    before = verdict(grades=grades)
    after = verdict(grades=[*grades, ExamGrade(extra, "regular")])
    assert before.codes == after.codes


# --- Each reason alone (§11, one condition at a time) -------------------------------------

def test_all_conditions_met_is_eligible():
    result = verdict()
    assert result.eligible and result.reasons == ()


def test_gpa_exactly_at_the_minimum_is_enough():
    assert verdict(gpa=Decimal("3.50")).eligible


@settings(max_examples=100, deadline=None)
@given(gpa=st.decimals(min_value=Decimal("0"), max_value=Decimal("3.4999"), places=4))
def test_gpa_below_minimum_alone(gpa):
    assert verdict(gpa=gpa).codes == (GPA_BELOW,)


def test_gpa_that_displays_as_the_minimum_shows_its_exact_value():
    with translation.override("en"):
        (reason,) = verdict(gpa=Decimal("3.4967")).reasons
        assert reason.code == GPA_BELOW
        assert "3.4967" in reason.message and "3.50" in reason.message


def test_no_gpa_alone():
    assert verdict(gpa=None).codes == (NO_GPA,)


@settings(max_examples=100, deadline=None)
@given(low=st.sampled_from(BELOW_B_MINUS), kind=st.sampled_from(["regular", "summer"]))
def test_a_grade_below_b_minus_alone(low, kind):
    """A grade below the minimum, even one failed and later passed in the summer semester,
    refuses honours (a summer pass of the same discipline is the retake, tested apart)."""
    result = verdict(grades=[ExamGrade("A"), ExamGrade(low, kind)])
    assert result.codes == (GRADE_BELOW,)
    with translation.override("en"):
        assert low in result.reasons[0].message and "B-" in result.reasons[0].message


def test_c_plus_is_enough_where_the_policy_says_so():
    grades = [ExamGrade("A"), ExamGrade("C+")]
    assert verdict(grades=grades).codes == (GRADE_BELOW,)
    assert verdict(grades=grades, policy=C_PLUS).eligible
    assert verdict(grades=[ExamGrade("C")], policy=C_PLUS).codes == (GRADE_BELOW,)


def test_transfer_credit_is_not_an_exam():
    assert verdict(grades=[ExamGrade("A"), ExamGrade("C", "transfer")]).eligible


def test_marks_off_the_scale_are_not_grades():
    assert verdict(grades=[ExamGrade("A"), ExamGrade("P")]).eligible


@pytest.mark.parametrize("letter", ["B+", "B", "C", "F"])
def test_final_attestation_below_a_minus_alone(letter):
    result = verdict(finals=("A", letter))
    assert result.codes == (FINAL_ATTESTATION_BELOW,)
    with translation.override("en"):
        assert letter in result.reasons[0].message and "A/A-" in result.reasons[0].message


def test_final_attestation_a_minus_is_enough():
    assert verdict(finals=("A-", "A-")).eligible


def test_no_final_attestation_alone():
    assert verdict(finals=()).codes == (NO_FINAL_ATTESTATION,)


@pytest.mark.parametrize("kind", ["resit", "restudy"])
def test_an_fx_resit_or_a_re_study_alone(kind):
    """A resit passed with A still counts as a retake (§11: no exam ever retaken)."""
    assert verdict(grades=[ExamGrade("A"), ExamGrade("A", kind)]).codes == (RETAKEN,)


def test_retaken_flag_alone():
    """The selector also flags a discipline attempted twice (a summer re-study)."""
    assert verdict(retaken=True).codes == (RETAKEN,)


def test_every_reason_at_once_in_a_fixed_order():
    result = verdict(gpa=Decimal("2.00"), grades=[ExamGrade("FX"), ExamGrade("B", "resit")],
                     finals=("C",))
    assert result.codes == (GPA_BELOW, GRADE_BELOW, FINAL_ATTESTATION_BELOW, RETAKEN)
    assert not result.eligible


def test_reasons_are_translated():
    reason = verdict(retaken=True).reasons[0]
    with translation.override("en"):
        english = reason.message
    assert reason.as_json()["code"] == RETAKEN
    assert "retaken" in english


def test_excellent_letters_come_from_the_scale():
    assert excellent_letters(DEFAULT_VALUES) == ("A", "A-")


def test_minimal_letter_off_the_scale_is_a_policy_error():
    with pytest.raises(HonoursPolicyError):
        verdict(policy=parse({"honours_min_letter": "Z"}))
