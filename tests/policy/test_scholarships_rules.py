"""Scholarship rules and the vacant-grant ranking as pure functions (§10).

§10: "After each session: state scholarship for state-grant students whose session grades are
all 'good' or 'excellent' (A … C+), paid monthly; +15% for all A/A-; presidential scholarship
from year 3 for all A/A-; none during leave (except medical). Vacant state grants are awarded by
competition on GPA (ties: all A/A- first)."

Default amounts (placeholders of the policy): bachelor 42 000, presidential 63 000 a month.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from registrar.policy import scholarships as s
from registrar.policy.values import DEFAULT_VALUES, PolicyError, parse

P = DEFAULT_VALUES
LETTERS = [band.letter for band in P.grading_scale]  # best first: A, A-, B+ … FX, F
GOOD = LETTERS[:LETTERS.index("C+") + 1]
EXCELLENT = ["A", "A-"]


def record(letters, funding="state_grant", status="active", year=2, **kw) -> s.SessionRecord:
    return s.SessionRecord(letters=tuple(letters), funding=funding, status=status,
                           year_of_study=year, **kw)


def codes(v: s.Verdict) -> set[str]:
    return {r.code for r in v.reasons}


# --- Hand-worked examples -------------------------------------------------------------------

def test_good_and_excellent_session_gets_the_ordinary_scholarship():
    """B+, C+, A: all 'good' or 'excellent' (A … C+) → state scholarship, 42 000."""
    v = s.verdict(record(["B+", "C+", "A"]), P)
    assert (v.kind, v.monthly_amount) == (s.STATE, Decimal("42000"))
    assert codes(v) == {s.GOOD_AND_EXCELLENT}


def test_one_c_means_no_scholarship():
    """C is 'satisfactory' (below C+): nothing, and the reason names the letter."""
    v = s.verdict(record(["A", "C"]), P)
    assert v.kind == s.NONE and v.monthly_amount == 0
    assert dict(next(r for r in v.reasons if r.code == s.BELOW_MINIMUM).params)["letters"] == "C"


def test_all_excellent_is_increased_by_15_percent_rounded_half_up():
    """All A/A- → base × 1.15. With base 42 163: 42 163 × 1.15 = 48 487.45 → 48 487 (half-up to
    whole tenge); with base 42 000: 48 300 exactly; with a base of 42 170: 48 495.50 → 48 496."""
    for base, expected in (("42163", "48487"), ("42000", "48300"), ("42170", "48496")):
        policy = parse({"scholarship_amounts": {"bachelor": base}})
        v = s.verdict(record(["A", "A-", "A"]), policy)
        assert (v.kind, v.monthly_amount) == (s.STATE_INCREASED, Decimal(expected))


def test_rounding_step_is_configurable():
    """Step 0.01: 42 163 × 1.15 = 48 487.45 kept to the tiyn; step 10: 48 490."""
    assert s.verdict(record(["A"]), parse({"scholarship_amounts": {"bachelor": "42163"},
                                           "scholarship_rounding": "0.01"})
                     ).monthly_amount == Decimal("48487.45")
    assert s.verdict(record(["A"]), parse({"scholarship_amounts": {"bachelor": "42163"},
                                           "scholarship_rounding": "10"})
                     ).monthly_amount == Decimal("48490")


@pytest.mark.parametrize("year, kind, amount", [
    (1, s.STATE_INCREASED, "48300"), (2, s.STATE_INCREASED, "48300"),
    (3, s.PRESIDENTIAL, "63000"), (4, s.PRESIDENTIAL, "63000"),
])
def test_presidential_from_year_3(year, kind, amount):
    """All A/A-: increased in years 1–2, presidential from year 3."""
    v = s.verdict(record(["A", "A-"], year=year), P)
    assert (v.kind, v.monthly_amount) == (kind, Decimal(amount))


def test_presidential_needs_all_excellent():
    """Year 4 with one B+: the ordinary scholarship, not presidential."""
    assert s.verdict(record(["A", "B+"], year=4), P).kind == s.STATE


def test_paid_student_never_gets_it():
    v = s.verdict(record(["A", "A"], funding="paid", year=4), P)
    assert v.kind == s.NONE and codes(v) == {s.PAID_TUITION}


@pytest.mark.parametrize("leave_kind, eligible", [
    ("medical", True), ("military", False), ("childcare", False)])
def test_leave_excludes_except_medical(leave_kind, eligible):
    v = s.verdict(record(["A"], status="on_leave", leave_kind=leave_kind), P)
    assert v.eligible is eligible
    assert (s.LEAVE_KEPT in codes(v)) is eligible
    assert (s.ON_LEAVE_UNPAID in codes(v)) is not eligible


@pytest.mark.parametrize("letters, code", [
    (["A", "FX"], s.FAILING_GRADES), (["F"], s.FAILING_GRADES), ([], s.NO_GRADES),
    (["A", "Z"], s.UNKNOWN_LETTERS)])
def test_failing_missing_and_unknown_grades_exclude(letters, code):
    assert code in codes(s.verdict(record(letters), P))


def test_missing_grades_debts_and_not_studying_exclude_with_every_reason():
    v = s.verdict(record(["A"], status="expelled", missing=1, open_debts=2,
                         failed_ungraded=1), P)
    assert v.kind == s.NONE
    assert codes(v) == {s.NOT_STUDYING, s.MISSING_GRADES, s.OPEN_DEBTS, s.FAILING_GRADES}


def test_degree_without_an_amount_is_refused_by_name():
    v = s.verdict(record(["A"], degree="residency"), P)
    assert codes(v) == {s.NO_AMOUNT}


def test_policy_letters_and_amounts_are_validated():
    with pytest.raises(PolicyError, match="scholarship_min_letter"):
        parse({"scholarship_min_letter": "Q"})
    with pytest.raises(PolicyError, match="scholarship_amounts"):
        parse({"scholarship_amounts": {"bachelor": "-1"}})
    with pytest.raises(PolicyError, match="scholarship_rounding"):
        parse({"scholarship_rounding": "0"})
    with pytest.raises(PolicyError, match="scholarship_leave_kinds_paid"):
        parse({"scholarship_leave_kinds_paid": ["holiday"]})


def test_other_leave_kinds_can_be_configured_to_keep_it():
    policy = parse({"scholarship_leave_kinds_paid": ["medical", "military"]})
    assert s.verdict(record(["A"], status="on_leave", leave_kind="military"), policy).eligible


# --- Properties -----------------------------------------------------------------------------

letters_st = st.lists(st.sampled_from(LETTERS), min_size=1, max_size=8)
records_st = st.builds(
    record, letters_st,
    funding=st.sampled_from(["state_grant", "paid"]),
    status=st.sampled_from(["active", "on_leave", "expelled"]),
    year=st.integers(1, 6),
    leave_kind=st.sampled_from(["", "medical", "military", "childcare"]),
    missing=st.integers(0, 2), open_debts=st.integers(0, 2),
)


@given(records_st, st.data())
def test_raising_a_letter_never_lowers_the_verdict(rec, data):
    """§10 monotonic: replace one letter by a better one; the verdict level does not drop."""
    i = data.draw(st.integers(0, len(rec.letters) - 1))
    current = LETTERS.index(rec.letters[i])
    better = data.draw(st.sampled_from(LETTERS[:current + 1]))
    raised = record(rec.letters[:i] + (better,) + rec.letters[i + 1:], rec.funding,
                    rec.status, rec.year_of_study, leave_kind=rec.leave_kind,
                    missing=rec.missing, open_debts=rec.open_debts)
    assert s.verdict(raised, P).level >= s.verdict(rec, P).level


@given(records_st)
def test_paid_students_never_get_the_state_scholarship(rec):
    if rec.funding == "paid":
        assert s.verdict(rec, P).kind == s.NONE


@given(records_st)
def test_leave_excludes_except_medical_property(rec):
    v = s.verdict(rec, P)
    if rec.status == "on_leave" and rec.leave_kind != "medical":
        assert v.kind == s.NONE
    if v.eligible and rec.status == "on_leave":
        assert rec.leave_kind == "medical"


@given(records_st)
def test_an_award_needs_only_good_and_excellent_grades(rec):
    """Eligible ⇒ every letter is A … C+, no missing grade, no debt, studying or medical leave;
    increased/presidential ⇒ every letter is A/A-; presidential ⇒ year ≥ 3."""
    v = s.verdict(rec, P)
    if v.eligible:
        assert all(x in GOOD for x in rec.letters)
        assert rec.missing == 0 and rec.open_debts == 0 and rec.funding == "state_grant"
        assert v.monthly_amount > 0 and v.monthly_amount == v.monthly_amount.to_integral_value()
    else:
        assert v.monthly_amount == 0 and v.reasons
    if v.kind in (s.STATE_INCREASED, s.PRESIDENTIAL):
        assert all(x in EXCELLENT for x in rec.letters)
    if v.kind == s.PRESIDENTIAL:
        assert rec.year_of_study >= 3


@given(records_st)
def test_the_verdict_does_not_depend_on_the_order_of_the_grades(rec):
    reversed_record = record(tuple(reversed(rec.letters)), rec.funding, rec.status,
                             rec.year_of_study, leave_kind=rec.leave_kind, missing=rec.missing,
                             open_debts=rec.open_debts)
    assert s.verdict(reversed_record, P).kind == s.verdict(rec, P).kind


@given(st.decimals(min_value=Decimal("1"), max_value=Decimal("1000000"), places=2))
def test_increased_amount_is_base_times_1_15_half_up(base):
    amount = s.increased_amount(base, P)
    exact = base * Decimal("1.15")
    assert abs(amount - exact) <= Decimal("0.5")
    assert amount == amount.to_integral_value()
    assert amount >= s.round_amount(base, P)  # never below the ordinary amount


# --- Vacant grants ----------------------------------------------------------------------------

candidates_st = st.lists(
    st.builds(s.Candidate,
              key=st.integers(1, 10 ** 6),
              gpa=st.sampled_from([Decimal(x) for x in ("2.5", "3.0", "3.3333", "3.67", "4")]),
              all_excellent=st.booleans(), retakes=st.integers(0, 3),
              name=st.sampled_from(["Abai", "abai", "Bolat", "Zhan"]),
              tiebreak=st.integers(1, 10 ** 6)),
    max_size=12, unique_by=lambda c: c.tiebreak)


def test_competition_tie_rule_hand_worked():
    """GPA 3.80 beats 3.75 whatever else; at 3.75 the all-A/A- student comes first; then fewer
    failed attempts; then the name. Two grants: places 1 and 2 win."""
    c = [s.Candidate("d", Decimal("3.75"), False, 0, "Dana", 4),
         s.Candidate("a", Decimal("3.75"), True, 1, "Yerlan", 1),
         s.Candidate("e", Decimal("3.80"), False, 2, "Erik", 5),
         s.Candidate("b", Decimal("3.75"), False, 1, "Aidos", 2),
         s.Candidate("c", Decimal("3.75"), False, 0, "Bota", 3)]
    placed = s.rank_competition(c, 2)
    assert [p.candidate.key for p in placed] == ["e", "a", "c", "d", "b"]
    assert [p.decided_by for p in placed] == [s.FIRST, s.BY_GPA, s.BY_EXCELLENT, s.BY_NAME,
                                              s.BY_RETAKES]
    assert [p.awarded for p in placed] == [True, True, False, False, False]
    assert [p.position for p in placed] == [1, 2, 3, 4, 5]


@given(candidates_st, st.integers(0, 15))
def test_ranking_is_a_permutation_with_a_prefix_awarded(candidates, grants):
    placed = s.rank_competition(candidates, grants)
    assert sorted(p.candidate.tiebreak for p in placed) == sorted(
        c.tiebreak for c in candidates)
    assert [p.position for p in placed] == list(range(1, len(candidates) + 1))
    assert sum(p.awarded for p in placed) == min(grants, len(candidates))
    assert all(p.awarded == (p.position <= grants) for p in placed)


@given(candidates_st)
def test_higher_gpa_first_and_equal_gpa_all_excellent_first(candidates):
    placed = s.rank_competition(candidates, 0)
    for above, below in zip(placed, placed[1:], strict=False):
        a, b = above.candidate, below.candidate
        assert a.gpa >= b.gpa
        if a.gpa == b.gpa:
            assert a.all_excellent >= b.all_excellent
            if a.all_excellent == b.all_excellent:
                assert a.retakes <= b.retakes


@given(candidates_st, st.randoms())
def test_ranking_does_not_depend_on_the_input_order(candidates, rnd):
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    assert s.rank_competition(shuffled, 3) == s.rank_competition(candidates, 3)


@given(candidates_st, st.integers(0, 10))
def test_an_awarded_candidate_is_never_below_a_non_awarded_one_on_gpa(candidates, grants):
    placed = s.rank_competition(candidates, grants)
    won = [p.candidate.gpa for p in placed if p.awarded]
    lost = [p.candidate.gpa for p in placed if not p.awarded]
    assume(won and lost)
    assert min(won) >= max(lost)


def test_negative_grants_are_refused():
    with pytest.raises(ValueError):
        s.rank_competition([], -1)
