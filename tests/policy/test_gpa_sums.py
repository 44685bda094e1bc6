"""§7 GPA: the bulk recompute's integer running sums give exactly the rule's figures.

`gpa()` is the rule (Σ(points × credits) / Σ(credits) over attempts that count); the bulk
recompute keeps Σ(points × 100 × credits) as an integer and divides once (`gpa_from_sums`).
These properties hold the two together on random attempt histories, term by term, for the
term, the academic year (summer included) and the cumulative figure.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from registrar.policy.gpa import GradedAttempt, credits_earned, gpa, gpa_from_sums
from registrar.records.gpa import FOUR, figures_for

points = st.sampled_from([Decimal(p) for p in
                          ("4.00", "3.67", "3.33", "3.00", "2.67", "2.33", "2.00", "1.67",
                           "1.33", "1.00", "0.50", "0.00")])
attempt = st.builds(GradedAttempt, points=points, credits=st.integers(0, 15),
                    counts_in_gpa=st.booleans(), passed=st.booleans())


@given(st.lists(attempt, max_size=60))
def test_sums_equal_the_rule(attempts):
    weighted = sum(int(a.points * 100) * a.credits for a in attempts
                   if a.counts_in_gpa and a.credits > 0)
    credits = sum(a.credits for a in attempts if a.counts_in_gpa and a.credits > 0)
    assert gpa_from_sums(weighted, credits) == gpa(attempts)


# A history: terms in order, each (year, attempts); years non-decreasing as terms go on.
history = st.lists(st.tuples(st.integers(0, 2), st.lists(attempt, min_size=1, max_size=8)),
                   min_size=1, max_size=10).map(lambda terms: sorted(terms, key=lambda t: t[0]))


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(FOUR)


@given(history)
def test_running_figures_equal_the_rule_term_by_term(terms):
    rows = [(7, period, year, int(a.points * 100), a.credits, int(a.counts_in_gpa),
             int(a.passed))
            for period, (year, attempts) in enumerate(terms) for a in attempts]
    figures = list(figures_for(rows))
    assert len(figures) == len(terms)
    so_far: list[GradedAttempt] = []
    for period, ((year, attempts), row) in enumerate(zip(terms, figures, strict=True)):
        so_far += attempts
        same_year = [a for y, term in terms[:period + 1] if y == year for a in term]
        assert row == (7, period, _q(gpa(attempts)),
                       sum(a.credits for a in attempts if a.counts_in_gpa),
                       _q(gpa(same_year)), _q(gpa(so_far)), credits_earned(so_far))
