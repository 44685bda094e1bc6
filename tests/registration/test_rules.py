"""The pure rules of the individual study plan (§5): credit load, prerequisites, passed
disciplines, the elective catalogue and the offer; the curriculum semester of a term."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registrar.policy.values import DEFAULT_VALUES
from registrar.registration.rules import PlannedDiscipline, check_plan, semester_of

LOW, HIGH = DEFAULT_VALUES.credit_min_semester, DEFAULT_VALUES.credit_max_semester


def line(pk, credits=5, elective=False, code=None):
    return PlannedDiscipline(pk, code or f"D{pk}", credits, elective)


def check(lines, *, passed=(), prerequisites=None, offered=None, catalogue=None, codes=None):
    lines = list(lines)
    every = {x.discipline_id for x in lines}
    return check_plan(
        lines, passed=set(passed), prerequisites=prerequisites or {},
        offered=every if offered is None else set(offered),
        catalogue=every if catalogue is None else set(catalogue),
        credit_min=LOW, credit_max=HIGH, codes=codes)


def test_default_load_limits_are_those_of_the_domain():
    """§5: default min 15 / max 35 credits per semester, summer max 15."""
    assert (LOW, HIGH, DEFAULT_VALUES.credit_max_summer) == (15, 35, 15)


def test_valid_plan_has_no_problem():
    """§5: compulsory disciplines plus offered catalogue electives within the load."""
    lines = [line(1), line(2), line(3), line(4, elective=True)]
    assert check(lines, passed={9}, prerequisites={4: {9}}) == []


@pytest.mark.parametrize("credits", [15, 35])
def test_load_on_the_limits_is_accepted(credits):
    """§5: the limits themselves are allowed (min 15, max 35)."""
    assert check([line(1, credits)]) == []


def test_load_below_minimum_is_refused_with_the_figures():
    """§5: a plan of 14 credits is under the minimum of 15."""
    problems = check([line(1, 9), line(2, 5)])
    assert [p.field for p in problems] == ["credits"]
    assert "14" in problems[0].message and "15" in problems[0].message


def test_load_above_maximum_is_refused_with_the_figures():
    """§5: a plan of 36 credits is over the maximum of 35."""
    problems = check([line(1, 30), line(2, 6)])
    assert [p.field for p in problems] == ["credits"]
    assert "36" in problems[0].message and "35" in problems[0].message


def test_empty_plan_is_under_the_minimum():
    """§5: nothing planned is 0 credits, under 15."""
    problems = check([])
    assert [p.field for p in problems] == ["credits"] and "0" in problems[0].message


def test_missing_prerequisite_names_the_missing_code():
    """§5: prerequisites must be met; the problem names what is missing, not what is met."""
    problems = check([line(1, 10), line(2, 10, elective=True, code="ELC2")],
                     passed={7}, prerequisites={2: {7, 8, 9}},
                     codes={7: "MAT101", 8: "PHY101", 9: "ALG100"})
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.field, problem.code) == ("prerequisites", "ELC2")
    assert "ALG100" in problem.message and "PHY101" in problem.message
    assert "MAT101" not in problem.message


def test_already_passed_discipline_is_refused():
    """§5: never a discipline already passed."""
    problems = check([line(1, 10, code="HIS100"), line(2, 10)], passed={1})
    assert [(p.field, p.code) for p in problems] == [("discipline", "HIS100")]


def test_elective_outside_the_catalogue_is_refused():
    """§5: electives come from the catalogue of the curriculum."""
    problems = check([line(1, 10), line(2, 10, elective=True, code="OUT1")], catalogue={1})
    assert [(p.field, p.code) for p in problems] == [("discipline", "OUT1")]
    assert "catalogue" in problems[0].message


def test_elective_not_offered_this_term_is_refused():
    """§5: an elective without a section this term cannot be planned."""
    problems = check([line(1, 10), line(2, 10, elective=True, code="ELC9")], offered={1})
    assert [(p.field, p.code) for p in problems] == [("discipline", "ELC9")]
    assert "offered" in problems[0].message


@pytest.mark.parametrize(("year", "kind", "semester"), [
    (1, "autumn", 1), (1, "spring", 2), (2, "autumn", 3), (2, "spring", 4), (4, "spring", 8),
])
def test_semester_of(year, kind, semester):
    """§4/§5: two semesters a year; autumn of year 1 is semester 1, spring of year 2 is 4."""
    assert semester_of(year, kind) == semester


# --- properties -----------------------------------------------------------------------

PLANNED_IDS = range(1, 9)
OUTSIDE_IDS = range(9, 13)  # prerequisites that are not in the plan themselves


@st.composite
def situations(draw):
    ids = draw(st.lists(st.sampled_from(PLANNED_IDS), unique=True, max_size=8))
    lines = [line(i, draw(st.integers(1, 12)), draw(st.booleans())) for i in ids]
    prerequisites = {i: draw(st.sets(st.sampled_from(OUTSIDE_IDS), max_size=3)) for i in ids}
    passed = draw(st.sets(st.sampled_from(list(PLANNED_IDS) + list(OUTSIDE_IDS))))
    offered = draw(st.sets(st.sampled_from(PLANNED_IDS)))
    catalogue = draw(st.sets(st.sampled_from(PLANNED_IDS)))
    return lines, dict(passed=passed, prerequisites=prerequisites, offered=offered,
                       catalogue=catalogue, codes={i: f"C{i:02d}" for i in range(1, 13)})


def _key(problems):
    return sorted((p.field, p.code, p.message) for p in problems)


@given(situations(), st.sampled_from(OUTSIDE_IDS))
def test_passing_a_prerequisite_never_adds_a_problem(situation, newly_passed):
    """§5: passing a prerequisite (not itself planned) can only remove problems."""
    lines, kw = situation
    before = check(lines, **kw)
    after = check(lines, **{**kw, "passed": kw["passed"] | {newly_passed}})
    assert Counter((p.field, p.code) for p in after) <= Counter(
        (p.field, p.code) for p in before)
    assert not any(f"C{newly_passed:02d}" in p.message for p in after
                   if p.field == "prerequisites")


@given(situations(), st.randoms(use_true_random=False))
def test_problems_do_not_depend_on_line_order(situation, rnd):
    """§5: the plan is a set of disciplines; shuffling its lines finds the same problems."""
    lines, kw = situation
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    assert _key(check(shuffled, **kw)) == _key(check(lines, **kw))
