"""Scholarships after each session and the vacant-grant competition (§10), as pure functions.

§10: "After each session: state scholarship for state-grant students whose session grades are
all 'good' or 'excellent' (A … C+), paid monthly; +15% for all A/A-; presidential scholarship
from year 3 for all A/A-; none during leave (except medical). Vacant state grants are awarded by
competition on GPA (ties: all A/A- first)."

`verdict(record, policy)` decides one student's scholarship for one session:

- NONE when the student is not on a state grant; is not studying (expelled, graduated…) or is
  on academic leave of a kind that stops it (every kind but medical, by default) on the date
  payment starts; has no session grades; has a discipline of the session without a grade; has a
  failing grade (FX or F, or a non-graded "no pass") or any grade below the minimum letter
  (C+); or has an open academic debt. Every reason that applies is given.
- otherwise STATE (ordinary), the base monthly amount for the degree;
- STATE_INCREASED when every grade is at least the excellent letter (A-): base × (1 + 0.15);
- PRESIDENTIAL when every grade is excellent and the year of study is at least 3, at the
  presidential amount for the degree (when the policy sets one; otherwise increased).

Amounts are Decimals rounded once, half-up, to a multiple of `scholarship_rounding` (1 tenge
by default): 42 163 × 1.15 = 48 487.45 → 48 487.

`rank_competition(candidates, grants)` orders the candidates for vacant state grants: higher
GPA first; equal GPA: all grades excellent first; still equal: fewer retakes (failed attempts),
then the name (case-insensitive), then the `tiebreak` key (the student id) so that the order is
total and does not depend on the input order. The first `grants` places are awarded.

Reasons are codes with parameters (no translated text here); the scholarships app turns them
into sentences in the reader's language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from .grading import letter_rank
from .values import PolicyValues

# Verdicts, worst to best. The kinds are the values of contingent.choices.ScholarshipKind.
NONE = ""
STATE = "state"
STATE_INCREASED = "state_increased"
PRESIDENTIAL = "presidential"
ORDER = (NONE, STATE, STATE_INCREASED, PRESIDENTIAL)

STATE_GRANT = "state_grant"
ACTIVE = "active"
ON_LEAVE = "on_leave"

# Reason codes. Refusals:
PAID_TUITION = "paid_tuition"
NOT_STUDYING = "not_studying"
ON_LEAVE_UNPAID = "on_leave"
NO_GRADES = "no_grades"
MISSING_GRADES = "missing_grades"
FAILING_GRADES = "failing_grades"
BELOW_MINIMUM = "below_minimum"
UNKNOWN_LETTERS = "unknown_letters"
OPEN_DEBTS = "open_debts"
NO_AMOUNT = "no_amount"
REFUSALS = (PAID_TUITION, NOT_STUDYING, ON_LEAVE_UNPAID, NO_GRADES, MISSING_GRADES,
            FAILING_GRADES, BELOW_MINIMUM, UNKNOWN_LETTERS, OPEN_DEBTS, NO_AMOUNT)
# Grounds of an award:
GOOD_AND_EXCELLENT = "good_and_excellent"
ALL_EXCELLENT = "all_excellent"
INCREASE = "increase"
PRESIDENTIAL_YEAR = "presidential_year"
LEAVE_KEPT = "leave_kept"
GROUNDS = (GOOD_AND_EXCELLENT, ALL_EXCELLENT, INCREASE, PRESIDENTIAL_YEAR, LEAVE_KEPT)


@dataclasses.dataclass(frozen=True)
class Reason:
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, **dict(self.params)}


def _reason(code: str, **params: object) -> Reason:
    return Reason(code, tuple(sorted((k, str(v)) for k, v in params.items())))


@dataclasses.dataclass(frozen=True)
class SessionRecord:
    """What the verdict needs about one student and one session.

    `letters`: the graded session results (letters of the grading scale; an FX later replaced
    by its resit is still a session grade). `failed_ungraded`: non-graded marks not passed.
    `missing`: disciplines of the session without a result. The status, leave kind, funding and
    year of study are those in force on the date payment starts."""

    letters: tuple[str, ...]
    funding: str
    status: str
    year_of_study: int
    degree: str = "bachelor"
    leave_kind: str = ""
    missing: int = 0
    failed_ungraded: int = 0
    open_debts: int = 0


@dataclasses.dataclass(frozen=True)
class Verdict:
    kind: str  # NONE, STATE, STATE_INCREASED or PRESIDENTIAL
    monthly_amount: Decimal  # 0 when NONE
    reasons: tuple[Reason, ...]

    @property
    def eligible(self) -> bool:
        return self.kind != NONE

    @property
    def level(self) -> int:
        """0 none, 1 ordinary, 2 increased, 3 presidential: for comparing verdicts."""
        return ORDER.index(self.kind)


def round_amount(amount: Decimal, policy: PolicyValues) -> Decimal:
    """Half-up to a multiple of the policy's step (whole tenge by default)."""
    step = policy.scholarship_rounding
    return (amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def increased_amount(base: Decimal, policy: PolicyValues) -> Decimal:
    """§10: +15 % (the policy's increase) on the base amount, rounded once."""
    return round_amount(base * (1 + policy.scholarship_increase), policy)


def _known(letter: str, policy: PolicyValues) -> bool:
    return any(band.letter == letter for band in policy.grading_scale)


def _failing(letter: str, policy: PolicyValues) -> bool:
    return any(b.letter == letter and b.traditional == "fail" for b in policy.grading_scale)


def at_least(letter: str, minimum: str, policy: PolicyValues) -> bool:
    """The letter is on the scale and not below `minimum` (compared by band, higher better).
    A minimum missing from the scale is reached by no letter."""
    return _known(letter, policy) and _known(minimum, policy) and (
        letter_rank(letter, policy.grading_scale) >= letter_rank(minimum, policy.grading_scale))


def all_excellent(letters: Iterable[str], policy: PolicyValues) -> bool:
    """Every letter at least the excellent letter (A-: "all A/A-"); False for no letters."""
    letters = list(letters)
    return bool(letters) and all(
        at_least(x, policy.scholarship_excellent_letter, policy) for x in letters)


def _refusals(record: SessionRecord, policy: PolicyValues) -> list[Reason]:
    reasons = []
    if record.funding != STATE_GRANT:
        reasons.append(_reason(PAID_TUITION))
    if record.status == ON_LEAVE:
        if record.leave_kind not in policy.scholarship_leave_kinds_paid:
            reasons.append(_reason(ON_LEAVE_UNPAID, kind=record.leave_kind))
    elif record.status != ACTIVE:
        reasons.append(_reason(NOT_STUDYING, status=record.status))
    if not record.letters and not record.failed_ungraded and not record.missing:
        reasons.append(_reason(NO_GRADES))
    if record.missing:
        reasons.append(_reason(MISSING_GRADES, count=record.missing))
    unknown = [x for x in record.letters if not _known(x, policy)]
    failing = [x for x in record.letters if _failing(x, policy)]
    below = [x for x in record.letters if _known(x, policy) and not _failing(x, policy)
             and not at_least(x, policy.scholarship_min_letter, policy)]
    if failing or record.failed_ungraded:
        reasons.append(_reason(FAILING_GRADES, letters=", ".join(failing),
                               ungraded=record.failed_ungraded))
    if below:
        reasons.append(_reason(BELOW_MINIMUM, letters=", ".join(below),
                               minimum=policy.scholarship_min_letter))
    if unknown:
        reasons.append(_reason(UNKNOWN_LETTERS, letters=", ".join(unknown)))
    if record.open_debts:
        reasons.append(_reason(OPEN_DEBTS, count=record.open_debts))
    if record.degree not in policy.scholarship_amounts:
        reasons.append(_reason(NO_AMOUNT, degree=record.degree))
    return reasons


def verdict(record: SessionRecord, policy: PolicyValues) -> Verdict:
    """§10: the student's scholarship for the session, or NONE with every reason."""
    refusals = _refusals(record, policy)
    if refusals:
        return Verdict(NONE, Decimal(0), tuple(refusals))
    base = policy.scholarship_amounts[record.degree]
    kept = ([_reason(LEAVE_KEPT, kind=record.leave_kind)]
            if record.status == ON_LEAVE else [])
    if not all_excellent(record.letters, policy):
        return Verdict(STATE, round_amount(base, policy), tuple(
            [_reason(GOOD_AND_EXCELLENT, minimum=policy.scholarship_min_letter), *kept]))
    excellent = _reason(ALL_EXCELLENT, minimum=policy.scholarship_excellent_letter)
    presidential = policy.scholarship_presidential_amounts.get(record.degree)
    if (record.year_of_study >= policy.scholarship_presidential_from_year
            and presidential is not None):
        return Verdict(PRESIDENTIAL, round_amount(presidential, policy), tuple(
            [excellent, _reason(PRESIDENTIAL_YEAR, year=record.year_of_study,
                                from_year=policy.scholarship_presidential_from_year), *kept]))
    return Verdict(STATE_INCREASED, increased_amount(base, policy), tuple(
        [excellent, _reason(INCREASE, percent=_percent(policy.scholarship_increase)), *kept]))



def _percent(share: Decimal) -> str:
    value = (share * 100).normalize()
    return format(value, "f")


# --- Vacant state grants ------------------------------------------------------------------

# What decided a candidate's place against the one just above.
BY_GPA = "gpa"
BY_EXCELLENT = "excellent"
BY_RETAKES = "retakes"
BY_NAME = "name"
BY_TIEBREAK = "tiebreak"
FIRST = ""


@dataclasses.dataclass(frozen=True)
class Candidate:
    key: Hashable  # the student (id); returned as given
    gpa: Decimal  # exact, never the displayed figure
    all_excellent: bool
    retakes: int = 0
    name: str = ""
    tiebreak: int = 0  # unique per candidate (the student id): makes the order total


@dataclasses.dataclass(frozen=True)
class Placed:
    position: int  # 1, 2, 3 … (ties are resolved, so no two share a place)
    candidate: Candidate
    awarded: bool
    decided_by: str  # which key put it below the one above (FIRST for the first place)


def _sort_key(c: Candidate) -> tuple:
    return (-c.gpa, not c.all_excellent, c.retakes, c.name.casefold(), c.tiebreak)


def _decided_by(above: Candidate, below: Candidate) -> str:
    if above.gpa != below.gpa:
        return BY_GPA
    if above.all_excellent != below.all_excellent:
        return BY_EXCELLENT
    if above.retakes != below.retakes:
        return BY_RETAKES
    if above.name.casefold() != below.name.casefold():
        return BY_NAME
    return BY_TIEBREAK


def rank_competition(candidates: Sequence[Candidate], grants: int) -> list[Placed]:
    """§10: vacant grants by competition on GPA (ties: all A/A- first; then fewer retakes, then
    the name, then the tiebreak key); the first `grants` places win."""
    if grants < 0:
        raise ValueError("the number of grants cannot be negative")
    ordered = sorted(candidates, key=_sort_key)
    placed = []
    for position, candidate in enumerate(ordered, start=1):
        decided = FIRST if position == 1 else _decided_by(ordered[position - 2], candidate)
        placed.append(Placed(position, candidate, position <= grants, decided))
    return placed
