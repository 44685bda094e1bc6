"""The score-rating letter system (§6) as pure functions over Decimals.

Rounding, once and explicitly:
- rating scores R1, R2 and the admission rating AR are exact means (no rounding inside);
  `display` rounds half-up to 2 decimals for statements;
- the final score is exact: admission_weight × AR + exam_weight × E;
- the letter comes from the final score rounded half-up to an integer (§6: "the total rounded
  half-up to an integer first"), looked up in contiguous integer bands that cover 0–100, so
  89.5 → 90 → A- and 89.49 → 89 → B+: no score falls between bands.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from .values import GradeBand, PolicyValues

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class ScoreError(ValueError):
    pass


def check_score(score: Decimal, field: str = "score") -> Decimal:
    if not isinstance(score, Decimal):
        raise ScoreError(f"{field}: a Decimal is required")
    if not score.is_finite() or score < ZERO or score > HUNDRED:
        raise ScoreError(f"{field}: must be between 0 and 100")
    return score


def display(value: Decimal) -> Decimal:
    """Two decimals, half-up, for statements and screens."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_integer(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rating(scores: Sequence[Decimal]) -> Decimal:
    """R1 or R2: the mean of the period's scores (current work and the midterm)."""
    if not scores:
        return ZERO
    for s in scores:
        check_score(s)
    return sum(scores, ZERO) / len(scores)


def admission_rating(r1: Decimal, r2: Decimal) -> Decimal:
    return (check_score(r1, "R1") + check_score(r2, "R2")) / 2


@dataclasses.dataclass(frozen=True)
class Admission:
    admitted: bool
    reason: str = ""  # "rating" or "attendance" when not admitted


def admission(r1: Decimal, r2: Decimal, policy: PolicyValues,
              absence_share: Decimal = ZERO) -> Admission:
    """§6: admitted if R1 ≥ 50 and R2 ≥ 50 (or AR ≥ 50 under the 'mean' rule) and unexcused
    absence does not exceed the limit."""
    if absence_share > policy.attendance_absence_limit:
        return Admission(False, "attendance")
    threshold = policy.admission_threshold
    if policy.admission_rule == "mean":
        ok = admission_rating(r1, r2) >= threshold
    else:
        ok = check_score(r1, "R1") >= threshold and check_score(r2, "R2") >= threshold
    return Admission(ok, "" if ok else "rating")


def final_score(ar: Decimal, exam: Decimal, policy: PolicyValues) -> Decimal:
    return policy.admission_weight * check_score(ar, "AR") + policy.exam_weight * check_score(
        exam, "exam")


def band_for(score: int, scale: Sequence[GradeBand]) -> GradeBand:
    for band in scale:
        if band.min_score <= score <= band.max_score:
            return band
    raise ScoreError(f"no band for {score}")  # impossible with a validated scale


def _band(scale: Sequence[GradeBand], letter: str) -> GradeBand | None:
    return next((b for b in scale if b.letter == letter), None)


@dataclasses.dataclass(frozen=True)
class Grade:
    letter: str
    points: Decimal
    traditional: str
    final_score: Decimal | None  # exact; None when not admitted
    rounded: int | None
    passed: bool
    may_resit: bool  # FX: one exam resit without re-study


def lowest_band(scale: Sequence[GradeBand]) -> GradeBand:
    return min(scale, key=lambda b: b.min_score)


def not_admitted(policy: PolicyValues) -> Grade:
    """§6: a student not admitted fails the discipline for this period (F, re-study)."""
    f = lowest_band(policy.grading_scale)
    return Grade(f.letter, f.points, f.traditional, None, None, False, False)


def grade(ar: Decimal, exam: Decimal, policy: PolicyValues) -> Grade:
    """The result of an admitted student with exam score `exam`."""
    total = final_score(ar, exam, policy)
    rounded = to_integer(total)
    scale = policy.grading_scale
    if exam < policy.exam_min_score:
        # §6: an exam below the minimum fails whatever the total: FX, or F when the rounded
        # total is under f_below.
        fx = _band(scale, "FX")
        failing = lowest_band(scale) if fx is None or rounded < policy.f_below else fx
        return Grade(failing.letter, failing.points, failing.traditional, total, rounded, False,
                     failing is fx)
    band = band_for(rounded, scale)
    passed = band.traditional != "fail"
    return Grade(band.letter, band.points, band.traditional, total, rounded, passed,
                 band.letter == "FX")


def letter_rank(letter: str, scale: Sequence[GradeBand]) -> int:
    """Higher is better: the band's minimum score (for comparisons such as 'no grade below B-')."""
    band = _band(scale, letter)
    if band is None:
        raise ScoreError(f"unknown letter {letter}")
    return band.min_score
