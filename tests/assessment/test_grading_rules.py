"""The score-rating letter system as pure rules (§6), no database.

Every expected figure is §6's table or arithmetic written out in the test:
AR = (R1 + R2) / 2, final = 0.6 × AR + 0.4 × E, the letter from the final rounded half-up to an
integer; an exam below 50 gives FX (F where the total is below 25) whatever the total.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registrar.policy import grading
from registrar.policy.values import DEFAULT_VALUES, DEFAULTS, PolicyError, parse

D = Decimal
POLICY = DEFAULT_VALUES

# §6 table, written out here (not read from the code): letter -> (points, min, max, traditional)
TABLE = {
    "A": (D("4.00"), 95, 100, "excellent"),
    "A-": (D("3.67"), 90, 94, "excellent"),
    "B+": (D("3.33"), 85, 89, "good"),
    "B": (D("3.00"), 80, 84, "good"),
    "B-": (D("2.67"), 75, 79, "good"),
    "C+": (D("2.33"), 70, 74, "good"),
    "C": (D("2.00"), 65, 69, "satisfactory"),
    "C-": (D("1.67"), 60, 64, "satisfactory"),
    "D+": (D("1.33"), 55, 59, "satisfactory"),
    "D": (D("1.00"), 50, 54, "satisfactory"),
    "FX": (D("0.50"), 25, 49, "fail"),
    "F": (D("0.00"), 0, 24, "fail"),
}


def _scale_doc(rename: dict[str, str] | None = None, drop: tuple[str, ...] = (),
               extra: tuple[dict, ...] = ()) -> list[dict]:
    rename = rename or {}
    bands = [dict(b, letter=rename.get(b["letter"], b["letter"]))
             for b in DEFAULTS["grading_scale"] if b["letter"] not in drop]
    return bands + list(extra)


NO_FX = parse({"grading_scale": _scale_doc(
    drop=("FX", "F"),
    extra=({"letter": "F", "points": "0.00", "min": 0, "max": 49, "traditional": "fail"},))})
D_MINUS = parse({"grading_scale": _scale_doc(rename={"D": "D-"})})
MEAN_RULE = parse({"admission_rule": "mean"})


# --- the formulas -------------------------------------------------------------------------

def test_the_default_scale_is_the_table_of_section_6():
    """§6: the default letters, points, score bands and traditional grades."""
    got = {b.letter: (b.points, b.min_score, b.max_score, b.traditional)
           for b in POLICY.grading_scale}
    assert got == TABLE


def test_admission_rating_is_the_mean_of_r1_and_r2():
    """§6: AR = (R1 + R2) / 2 — (70 + 81) / 2 = 75.5; (45 + 90) / 2 = 67.5."""
    assert grading.admission_rating(D("70"), D("81")) == D("75.5")
    assert grading.admission_rating(D("45"), D("90")) == D("67.5")
    assert grading.admission_rating(D("33.33"), D("66.68")) == D("50.005")  # exact, unrounded


def test_final_score_is_sixty_percent_ar_plus_forty_percent_exam():
    """§6: final = 0.6 × AR + 0.4 × E — 0.6 × 75.5 + 0.4 × 80 = 45.3 + 32 = 77.3."""
    assert grading.final_score(D("75.5"), D("80"), POLICY) == D("77.3")
    # 0.6 × 85 + 0.4 × 40 = 51 + 16 = 67
    assert grading.final_score(D("85"), D("40"), POLICY) == D("67")
    # exact, no rounding inside: 0.6 × 50.005 + 0.4 × 50.01 = 30.003 + 20.004 = 50.007
    assert grading.final_score(D("50.005"), D("50.01"), POLICY) == D("50.007")


def test_ratings_from_parts_are_the_exact_mean():
    """§6: R1/R2 is the mean of the period's scores, exact (no rounding inside)."""
    assert grading.rating([D("70"), D("80"), D("81")]) == D("77")
    assert grading.rating([D("33.33"), D("33.34")]) == D("33.335")  # not 33.34
    assert grading.rating([D("100"), D("100"), D("99")]) == D(299) / D(3)
    assert grading.display(D(299) / D(3)) == D("99.67")
    assert grading.display(D("33.335")) == D("33.34")  # half-up for statements
    assert grading.rating([D("64.5")]) == D("64.5")


def test_a_part_out_of_range_is_refused():
    with pytest.raises(grading.ScoreError):
        grading.rating([D("70"), D("100.01")])


# --- letters --------------------------------------------------------------------------------

# With AR = E = x the final is 0.6x + 0.4x = x, so every edge of every band can be written down.
EDGES = [(100, "A"), (95, "A"), (94, "A-"), (90, "A-"), (89, "B+"), (85, "B+"), (84, "B"),
         (80, "B"), (79, "B-"), (75, "B-"), (74, "C+"), (70, "C+"), (69, "C"), (65, "C"),
         (64, "C-"), (60, "C-"), (59, "D+"), (55, "D+"), (54, "D"), (50, "D")]


@pytest.mark.parametrize("score, letter", EDGES)
def test_every_band_edge_of_the_table(score, letter):
    """§6 table: both ends of each passing band (AR = E = score, so final = score)."""
    g = grading.grade(D(score), D(score), POLICY)
    points, _, _, traditional = TABLE[letter]
    assert (g.letter, g.points, g.traditional) == (letter, points, traditional)
    assert g.final_score == D(score) and g.rounded == score
    assert g.passed is True and g.may_resit is False


@pytest.mark.parametrize("total, letter, rounded", [
    ("95", "A", 95),
    ("94.5", "A", 95),     # half-up: 94.5 → 95
    ("94.49", "A-", 94),
    ("89.5", "A-", 90),    # half-up to 90: never between B+ (…89) and A- (90…)
    ("89.49", "B+", 89),
    ("84.5", "B+", 85),
    ("84.49", "B", 84),
    ("50", "D", 50),
])
def test_the_total_is_rounded_half_up_before_the_lookup(total, letter, rounded):
    """§6: "the total rounded half-up to an integer first"; AR = E = total keeps final = total."""
    g = grading.grade(D(total), D(total), POLICY)
    assert g.letter == letter
    assert g.rounded == rounded
    assert g.final_score == D(total)  # the stored final stays exact


def test_49_5_rounds_to_50_and_is_d_only_when_the_exam_is_passed():
    """§6: 49.5 → 50 → D, but only with E ≥ 50; with E < 50 it is FX whatever the total."""
    # AR 47.5, E 52.5: 0.6 × 47.5 + 0.4 × 52.5 = 28.5 + 21 = 49.5 → 50 → D
    passed_exam = grading.grade(D("47.5"), D("52.5"), POLICY)
    assert (passed_exam.final_score, passed_exam.rounded) == (D("49.5"), 50)
    assert (passed_exam.letter, passed_exam.points, passed_exam.passed) == ("D", D("1.00"), True)
    # AR 52.5, E 45: 31.5 + 18 = 49.5 → but the exam is below 50 → FX
    failed_exam = grading.grade(D("52.5"), D("45"), POLICY)
    assert failed_exam.final_score == D("49.5")
    assert (failed_exam.letter, failed_exam.passed, failed_exam.may_resit) == ("FX", False, True)


def test_an_exam_below_50_gives_fx_whatever_the_total():
    """§6: AR 100, E 45 → 60 + 18 = 78 (a B- total) → FX 0.50, may resit once."""
    g = grading.grade(D("100"), D("45"), POLICY)
    assert g.final_score == D("78")
    assert (g.letter, g.points, g.traditional) == ("FX", D("0.50"), "fail")
    assert g.passed is False and g.may_resit is True


def test_the_exam_minimum_is_50_inclusive():
    """§6: the exam must be ≥ 50 — E 49.99 fails, E 50 passes (AR 100: 60 + 20 = 80 → B)."""
    assert grading.grade(D("100"), D("49.99"), POLICY).letter == "FX"
    assert grading.grade(D("100"), D("50"), POLICY).letter == "B"


def test_f_where_the_total_is_below_25():
    """§6: AR 20, E 10 → 12 + 4 = 16 → F 0.00, must re-study (no resit)."""
    g = grading.grade(D("20"), D("10"), POLICY)
    assert g.final_score == D("16")
    assert (g.letter, g.points, g.traditional) == ("F", D("0.00"), "fail")
    assert g.passed is False and g.may_resit is False


def test_fx_and_f_edge_with_a_failed_exam():
    """§6: AR 40, E 2.5 → 24 + 1 = 25 → FX; AR 40, E 0 → 24 → F."""
    assert grading.grade(D("40"), D("2.5"), POLICY).letter == "FX"
    assert grading.grade(D("40"), D("0"), POLICY).letter == "F"


def test_the_fx_f_split_after_a_failed_exam_uses_the_rounded_total():
    """§6: letters come from the total rounded half-up; FX is 25–49, F 0–24.
    AR 40, E 1.25 → 24 + 0.5 = 24.5 → 25 → FX (as AR 7.5, E 50 → 4.5 + 20 = 24.5 → 25 → FX)."""
    assert grading.grade(D("7.5"), D("50"), POLICY).letter == "FX"
    assert grading.grade(D("40"), D("1.25"), POLICY).letter == "FX"


# --- admission --------------------------------------------------------------------------------

def test_not_admitted_under_the_per_rating_rule_fails_without_a_final_score():
    """§6: R1 45 < 50 → not admitted even with R2 90 (AR 67.5) → F, no final score."""
    a = grading.admission(D("45"), D("90"), POLICY)
    assert (a.admitted, a.reason) == (False, "rating")
    g = grading.not_admitted(POLICY)
    assert (g.letter, g.points, g.traditional) == ("F", D("0.00"), "fail")
    assert g.final_score is None and g.rounded is None
    assert g.passed is False and g.may_resit is False


@pytest.mark.parametrize("r1, r2, admitted", [
    ("50", "50", True), ("49.99", "100", False), ("100", "49.99", False), ("50", "100", True),
])
def test_per_rating_rule_needs_each_rating_at_least_50(r1, r2, admitted):
    """§6 default: admitted only if R1 ≥ 50 and R2 ≥ 50."""
    assert grading.admission(D(r1), D(r2), POLICY).admitted is admitted


@pytest.mark.parametrize("r1, r2, admitted", [
    ("45", "60", True),      # AR 52.5
    ("45", "55", True),      # AR 50 exactly
    ("40", "59.98", False),  # AR 49.99
    ("45", "90", True),      # AR 67.5: the case refused under the per-rating rule
])
def test_mean_rule_admits_on_the_admission_rating(r1, r2, admitted):
    """§6: some universities admit on AR ≥ 50."""
    assert grading.admission(D(r1), D(r2), MEAN_RULE).admitted is admitted


def test_absence_above_20_percent_bars_admission():
    """§6: unexcused absence above 20 % bars admission; exactly 20 % does not."""
    barred = grading.admission(D("90"), D("90"), POLICY, absence_share=D("0.21"))
    assert (barred.admitted, barred.reason) == (False, "attendance")
    assert grading.admission(D("90"), D("90"), POLICY, absence_share=D("0.20")).admitted
    assert not grading.admission(D("90"), D("90"), MEAN_RULE, absence_share=D("0.201")).admitted


# --- scale variants ---------------------------------------------------------------------------

def test_a_scale_without_fx_gives_f_for_a_failed_exam():
    """§6: "Some universities have no FX (F = 0–49)": AR 100, E 45 → 78 → F, no resit."""
    g = grading.grade(D("100"), D("45"), NO_FX)
    assert (g.letter, g.points, g.passed, g.may_resit) == ("F", D("0.00"), False, False)
    assert grading.grade(D("80"), D("80"), NO_FX).letter == "B"
    assert grading.not_admitted(NO_FX).letter == "F"


def test_the_d_minus_naming_variant():
    """§6: "... or name the 50–54 band D-": 52 → D- 1.00, passed."""
    g = grading.grade(D("52"), D("52"), D_MINUS)
    assert (g.letter, g.points, g.passed) == ("D-", D("1.00"), True)
    assert grading.letter_rank("D-", D_MINUS.grading_scale) < grading.letter_rank(
        "D+", D_MINUS.grading_scale)
    with pytest.raises(grading.ScoreError):
        grading.letter_rank("D", D_MINUS.grading_scale)


def test_a_scale_with_a_gap_is_refused():
    """§6: bands are contiguous over 0–100."""
    with pytest.raises(PolicyError, match="grading_scale"):
        parse({"grading_scale": _scale_doc(drop=("C",))})


# --- properties -------------------------------------------------------------------------------

def _two_decimals(low: int = 0, high: int = 100):
    return st.integers(low * 100, high * 100).map(lambda n: Decimal(n).scaleb(-2))


SCORES = _two_decimals()
PASSED_EXAMS = _two_decimals(50, 100)


def _rank(g: grading.Grade) -> int:
    return grading.letter_rank(g.letter, POLICY.grading_scale)


@given(SCORES, SCORES, SCORES)
def test_a_higher_exam_never_gives_a_lower_letter(ar, e1, e2):
    """§6: for a fixed AR the letter is monotonic in the exam score."""
    low, high = sorted((e1, e2))
    assert _rank(grading.grade(ar, low, POLICY)) <= _rank(grading.grade(ar, high, POLICY))


@given(SCORES, SCORES, PASSED_EXAMS)
def test_a_higher_ar_never_gives_a_lower_letter(a1, a2, exam):
    """§6: for a fixed exam ≥ 50 the letter is monotonic in AR."""
    low, high = sorted((a1, a2))
    assert _rank(grading.grade(low, exam, POLICY)) <= _rank(grading.grade(high, exam, POLICY))


@given(SCORES)
def test_every_score_falls_in_exactly_one_band(score):
    """§6: contiguous bands — the half-up integer of any score 0–100 is in exactly one band,
    and a passed exam with AR = E = score gets that band's letter."""
    rounded = int(score.quantize(D(1), rounding=ROUND_HALF_UP))
    containing = [b for b in POLICY.grading_scale if b.min_score <= rounded <= b.max_score]
    assert len(containing) == 1
    table_letter = next(k for k, (_, lo, hi, _) in TABLE.items() if lo <= rounded <= hi)
    assert containing[0].letter == table_letter
    if score >= 50:
        assert grading.grade(score, score, POLICY).letter == table_letter


@given(SCORES, SCORES)
def test_points_are_among_the_scales_points(ar, exam):
    """§6: a result's points are one of the table's points, and match its letter."""
    g = grading.grade(ar, exam, POLICY)
    assert g.points == TABLE[g.letter][0]
    assert g.passed is (g.traditional != "fail")
    assert g.may_resit is (g.letter == "FX")


@given(_two_decimals(0, 1).filter(lambda w: w <= 1), _two_decimals(0, 1).filter(lambda w: w <= 1))
def test_policy_weights_must_sum_to_one(admission_weight, exam_weight):
    """§6 weights (default 0.6/0.4) are policy values; parse refuses a pair not summing to 1."""
    doc = {"admission_weight": str(admission_weight), "exam_weight": str(exam_weight)}
    if admission_weight + exam_weight == 1:
        values = parse(doc)
        assert values.admission_weight + values.exam_weight == 1
    else:
        with pytest.raises(PolicyError, match="exam_weight"):
            parse(doc)


def test_default_weights_sum_to_one():
    assert POLICY.admission_weight + POLICY.exam_weight == 1
    with pytest.raises(PolicyError):
        parse({"admission_weight": "0.6", "exam_weight": "0.5"})


@given(SCORES)
def test_check_score_accepts_0_to_100(score):
    assert grading.check_score(score) == score


@given(st.one_of(
    st.decimals(max_value=D("-0.01"), allow_nan=False, allow_infinity=False, places=2),
    st.decimals(min_value=D("100.01"), allow_nan=False, allow_infinity=False, places=2),
    st.sampled_from([D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), D("-0.0001"),
                     D("100.0001")]),
))
def test_check_score_refuses_out_of_range_nan_and_infinity(value):
    with pytest.raises(grading.ScoreError, match="exam"):
        grading.check_score(value, "exam")


@pytest.mark.parametrize("value", [50, 50.0, "50", None])
def test_check_score_wants_a_decimal(value):
    with pytest.raises(grading.ScoreError):
        grading.check_score(value)
