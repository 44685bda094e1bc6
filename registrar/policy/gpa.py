"""GPA and promotion (§7) as pure functions.

GPA = Σ(points × credits) / Σ(credits) over graded attempts of the period, computed from exact
values; `display` rounds half-up to 2 decimals. Failed attempts count with their points (0 for
F, 0.50 for FX under the default scale) in the period they were taken; non-graded marks and
superseded attempts (an FX replaced by its resit) do not count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from .values import PolicyValues

ZERO = Decimal(0)


@dataclasses.dataclass(frozen=True)
class GradedAttempt:
    points: Decimal
    credits: int
    counts_in_gpa: bool = True
    passed: bool = True


def gpa(attempts: Iterable[GradedAttempt]) -> Decimal | None:
    """The exact GPA, or None when nothing counts (no graded credits)."""
    weighted, credits = ZERO, 0
    for a in attempts:
        if a.counts_in_gpa and a.credits > 0:
            weighted += a.points * a.credits
            credits += a.credits
    if credits == 0:
        return None
    return weighted / credits


def gpa_from_sums(weighted_hundredths: int, credits: int) -> Decimal | None:
    """The exact GPA from running integer sums: Σ(points × 100 × credits) and Σ(credits).

    Points carry 2 decimals on every scale, so points × 100 is a whole number and the sums stay
    integers; `decimal` rounds a quotient correctly, so this is the very value `gpa()` gives
    for the same attempts (a property test holds the two together). Used by the bulk
    recompute, which would otherwise re-add Decimals for every term."""
    if credits == 0:
        return None
    return Decimal(weighted_hundredths) / (credits * 100)


def display(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def credits_earned(attempts: Iterable[GradedAttempt]) -> int:
    return sum(a.credits for a in attempts if a.passed)


@dataclasses.dataclass(frozen=True)
class PromotionDecision:
    promote: bool
    threshold: Decimal | None
    year_gpa: Decimal | None
    final_year: bool


def promotion(year_of_study: int, study_form: str, year_gpa: Decimal | None,
              duration_years: int, policy: PolicyValues) -> PromotionDecision:
    """§7: promoted when the exact year GPA reaches the threshold for the year of study and
    study form; a year with no threshold set is promoted. The final year graduates instead."""
    if year_of_study >= duration_years:
        return PromotionDecision(False, None, year_gpa, True)
    threshold = policy.promotion_thresholds.get(year_of_study, {}).get(study_form)
    if threshold is None:
        return PromotionDecision(True, None, year_gpa, False)
    ok = year_gpa is not None and year_gpa >= threshold
    return PromotionDecision(ok, threshold, year_gpa, False)
