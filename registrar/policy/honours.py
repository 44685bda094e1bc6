"""Diploma with honours ("with distinction", §11) as a pure rule over plain values.

§11: a diploma with honours needs
- a cumulative GPA of at least `honours_min_gpa` (default 3.50), compared on the exact value;
- no grade below `honours_min_letter` (default B-; some universities use C+) in the exams of the
  whole programme — every graded attempt, failed and superseded ones included, since a grade
  once received stays received; recognised transfer credit is not an exam taken here and is
  left out, as are marks that are not on the grading scale (pass / no pass);
- final attestation (state exams, thesis defence) graded only with the letters of the scale's
  "excellent" band (A, A- on the default scale);
- no exam ever retaken: an FX resit or a re-study of a failed discipline counts as a retake.

`honours()` returns the verdict with every reason that refuses it, never only the first, so the
registrar sees everything to check. Each reason has a stable `code` (for tests, exports and the
snapshot of a diploma) and a `message` translated in the language active when it is read.
No database access here: the selectors gather the values, this decides.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from .grading import ScoreError, letter_rank
from .values import PolicyValues

# Attempt kinds (the values of records.AttemptKind; plain strings here, no model import).
RETAKE_KINDS = frozenset({"resit", "restudy"})
NOT_AN_EXAM_KINDS = frozenset({"transfer"})

NO_GPA = "no_gpa"
GPA_BELOW = "gpa_below"
GRADE_BELOW = "grade_below"
NO_FINAL_ATTESTATION = "no_final_attestation"
FINAL_ATTESTATION_BELOW = "final_attestation_below"
RETAKEN = "retaken"
REASON_CODES = (NO_GPA, GPA_BELOW, GRADE_BELOW, NO_FINAL_ATTESTATION, FINAL_ATTESTATION_BELOW,
                RETAKEN)


class HonoursPolicyError(ValueError):
    """The policy names a minimal letter that is not on its grading scale."""


@dataclasses.dataclass(frozen=True)
class ExamGrade:
    """One graded attempt: its letter and its attempt kind (regular, summer, resit, …)."""

    letter: str
    kind: str = "regular"


@dataclasses.dataclass(frozen=True)
class Reason:
    """Why honours are refused: a stable code and the figures the message names."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def values(self) -> dict[str, str]:
        return dict(self.params)

    @property
    def message(self) -> str:
        """The reason in the active language."""
        p = self.values
        if self.code == NO_GPA:
            return _("There is no cumulative GPA: no graded credits.")
        if self.code == GPA_BELOW:
            return _("The cumulative GPA %(gpa)s is below %(minimum)s.") % p
        if self.code == GRADE_BELOW:
            return _("Grades below %(minimum)s in exams: %(letters)s.") % p
        if self.code == NO_FINAL_ATTESTATION:
            return _("The final attestation has no grade yet.")
        if self.code == FINAL_ATTESTATION_BELOW:
            return _("The final attestation is graded %(letters)s; honours need only "
                     "%(allowed)s.") % p
        if self.code == RETAKEN:
            return _("An exam was retaken (an FX resit or a re-study of a failed "
                     "discipline).")
        return self.code

    def __str__(self) -> str:
        return self.message

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.values, "message": self.message}


@dataclasses.dataclass(frozen=True)
class HonoursVerdict:
    eligible: bool
    reasons: tuple[Reason, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    @property
    def messages(self) -> list[str]:
        return [r.message for r in self.reasons]


def _shown(value: Decimal) -> str:
    """Two decimals, half-up; four when two would read as the threshold itself (3.4967 is
    below 3.50 although it displays as 3.50)."""
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _gpa_text(value: Decimal, minimum: Decimal) -> str:
    shown = _shown(value)
    if Decimal(shown) == minimum and value != minimum:
        return str(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return shown


def excellent_letters(policy: PolicyValues) -> tuple[str, ...]:
    """The letters a final attestation may have for honours: the scale's "excellent" band (A
    and A- on the default scale), best first."""
    bands = sorted(policy.grading_scale, key=lambda b: -b.min_score)
    return tuple(b.letter for b in bands if b.traditional == "excellent")


def _unique(letters: Iterable[str], policy: PolicyValues) -> list[str]:
    """Distinct letters, worst first (letters off the scale last, as given)."""
    seen = list(dict.fromkeys(letters))
    on_scale = {b.letter: b.min_score for b in policy.grading_scale}
    return sorted(seen, key=lambda letter: (letter not in on_scale, on_scale.get(letter, 0)))


def honours(*, cumulative_gpa: Decimal | None, exam_grades: Iterable[ExamGrade],
            final_attestation_letters: Iterable[str], ever_retaken: bool,
            policy: PolicyValues) -> HonoursVerdict:
    """The honours verdict of §11 with every reason that refuses it (see the module text)."""
    scale = policy.grading_scale
    try:
        minimum_rank = letter_rank(policy.honours_min_letter, scale)
    except ScoreError as exc:
        raise HonoursPolicyError(
            f"honours_min_letter: {policy.honours_min_letter} is not on the grading scale"
        ) from exc
    on_scale = {b.letter for b in scale}
    grades = list(exam_grades)
    reasons: list[Reason] = []

    if cumulative_gpa is None:
        reasons.append(Reason(NO_GPA))
    elif cumulative_gpa < policy.honours_min_gpa:
        reasons.append(Reason(GPA_BELOW, (
            ("gpa", _gpa_text(cumulative_gpa, policy.honours_min_gpa)),
            ("minimum", _shown(policy.honours_min_gpa)))))

    below = [g.letter for g in grades
             if g.kind not in NOT_AN_EXAM_KINDS and g.letter in on_scale
             and letter_rank(g.letter, scale) < minimum_rank]
    if below:
        reasons.append(Reason(GRADE_BELOW, (
            ("minimum", policy.honours_min_letter),
            ("letters", ", ".join(_unique(below, policy))))))

    finals = list(final_attestation_letters)
    allowed = excellent_letters(policy)
    if not finals:
        reasons.append(Reason(NO_FINAL_ATTESTATION))
    else:
        short = [letter for letter in finals if letter not in allowed]
        if short:
            reasons.append(Reason(FINAL_ATTESTATION_BELOW, (
                ("letters", ", ".join(_unique(short, policy))),
                ("allowed", "/".join(allowed)))))

    if ever_retaken or any(g.kind in RETAKE_KINDS for g in grades):
        reasons.append(Reason(RETAKEN))
    return HonoursVerdict(eligible=not reasons, reasons=tuple(reasons))
