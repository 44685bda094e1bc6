"""Pure formulas of the reports (§12), without database access.

Percentages
-----------
``percent(part, whole)`` = 100 × part / whole as a Decimal, rounded half-up to one decimal
(``75.04`` → ``75.0``, ``66.65`` → ``66.7``); ``None`` when ``whole`` is 0.

Exam session results (§12, bands of §6)
---------------------------------------
Each student who took part in a session (has at least one final result of the term) is
counted once, in the band of their *worst* result of the term, by the traditional grade that
the grading scale gives each letter (§6; default scale: A, A- excellent; B+ … C+ good;
C … D satisfactory; FX, F fail):

- **excellent**: every result excellent ("only A/A-");
- **good**: every result excellent or good, at least one good ("good and excellent");
- **satisfactory**: no failed result, at least one satisfactory;
- **failed**: at least one failed result (``passed = False``: FX, F, not admitted → F).

*Admitted* students were admitted to at least one exam of the session; students who *sat*
were admitted to an exam and did not miss it (not marked absent on its exam or resit
statement). The bands are counted among the students who sat, so
``excellent + good + satisfactory + failed = sat``, and (§12)

- **absolute performance** = percent(sat − failed, sat): the share who sat with no fail;
- **quality performance** = percent(excellent + good, sat): the share with only A … C+.

How the database counts them
~~~~~~~~~~~~~~~~~~~~~~~~~~~~
A single ``GROUP BY`` over the final results of the term counts, per cohort, the *distinct*
students that have at least one result row of a kind (``COUNT(DISTINCT student) FILTER``):
``students``, ``admitted``, ``sat``, ``with_fail`` (a failed row), ``with_below_good`` (a failed
or satisfactory row) and ``with_below_excellent`` (any row that is not excellent). As the row
kinds nest (failed ⊂ below good ⊂ below excellent), the worst-band counts are differences:

- excellent = students − with_below_excellent
- good = with_below_excellent − with_below_good
- satisfactory = with_below_good − with_fail
- failed = with_fail − (students − sat)

The last line rests on §6: a student who sat no exam of the session has only failed results
(not admitted → F; absent from the exam → exam score 0 → FX/F), so every such student is in
``with_fail`` (hence in the two larger sets too) and is taken out of the failed band once;
excellent, good and satisfactory are then counts among the students who sat.
`session_figures` applies these identities; the tests check them against a direct
classification of random students.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")
EXCELLENT, GOOD, SATISFACTORY, FAIL = "excellent", "good", "satisfactory", "fail"
QUALITY_GRADES = (EXCELLENT, GOOD)  # §12 quality performance: "good and excellent" (A … C+)
BANDS = (EXCELLENT, GOOD, SATISFACTORY, FAIL)


def percent(part: int, whole: int) -> Decimal | None:
    """100 × part / whole, rounded half-up to one decimal; None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(100) * part / whole).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclasses.dataclass(frozen=True)
class SessionCounts:
    """The distinct-student counts the database returns for one cohort (see the module text)."""

    students: int = 0
    admitted: int = 0
    sat: int = 0
    with_fail: int = 0
    with_below_good: int = 0
    with_below_excellent: int = 0

    def __add__(self, other: SessionCounts) -> SessionCounts:
        """Cohorts are disjoint (a student is in one), so their counts add up."""
        return SessionCounts(*(a + b for a, b in zip(dataclasses.astuple(self),
                                                     dataclasses.astuple(other), strict=True)))


@dataclasses.dataclass(frozen=True)
class SessionFigures:
    students: int
    admitted: int
    sat: int
    excellent: int
    good: int
    satisfactory: int
    failed: int
    absolute: Decimal | None  # %, one decimal, half-up
    quality: Decimal | None

    @property
    def not_admitted(self) -> int:
        return self.students - self.admitted

    @property
    def absent(self) -> int:
        """Admitted to an exam but sat none."""
        return self.admitted - self.sat


def session_figures(counts: SessionCounts) -> SessionFigures:
    """The §12 figures of a cohort from its distinct-student counts (identities above)."""
    not_sat = counts.students - counts.sat
    excellent = counts.students - counts.with_below_excellent
    good = counts.with_below_excellent - counts.with_below_good
    satisfactory = counts.with_below_good - counts.with_fail
    failed = counts.with_fail - not_sat
    return SessionFigures(
        students=counts.students, admitted=counts.admitted, sat=counts.sat,
        excellent=excellent, good=good, satisfactory=satisfactory, failed=failed,
        absolute=percent(counts.sat - failed, counts.sat),
        quality=percent(excellent + good, counts.sat))


def worst_band(results: Iterable[tuple[str, bool]]) -> str:
    """The band of a student from their results, each (traditional grade, passed): the worst
    of them, a result that did not pass being a fail whatever its grade."""
    worst = 0
    for traditional, passed in results:
        band = FAIL if not passed else traditional
        worst = max(worst, BANDS.index(band) if band in BANDS else BANDS.index(SATISFACTORY))
    return BANDS[worst]


def session_counts_of(students: Iterable[list[tuple[str, bool, bool, bool]]]) -> SessionCounts:
    """The counts the database computes, from each student's result rows given as
    (traditional, passed, admitted, sat). Used by the tests to check the identities."""
    counts = SessionCounts()
    for rows in students:
        if not rows:
            continue
        admitted = any(r[2] for r in rows)
        sat = any(r[3] for r in rows)
        fail = any(not r[1] for r in rows)
        below_good = fail or any(r[0] not in QUALITY_GRADES for r in rows)
        below_excellent = below_good or any(r[0] != EXCELLENT for r in rows)
        counts += SessionCounts(1, int(admitted), int(sat), int(fail), int(below_good),
                                int(below_excellent))
    return counts


def mean_points(counts: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """The mean grade points of a distribution, (points, count) per letter, rounded half-up
    to two decimals (as GPA figures are shown, §7); None when nothing is counted."""
    pairs = list(counts)
    n = sum(c for _, c in pairs)
    if n == 0:
        return None
    total = sum((p * c for p, c in pairs), Decimal(0))
    return (total / n).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
