"""The academic policy document: defaults of the domain reference and its validation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registrar.policy.values import DEFAULT_VALUES, DEFAULTS, PolicyError, parse


def test_defaults_are_those_of_the_domain_reference():
    """§6 weights 0.6/0.4, §5 loads 15/35/15, §7 thresholds, §9 windows."""
    v = DEFAULT_VALUES
    assert (v.admission_weight, v.exam_weight) == (Decimal("0.6"), Decimal("0.4"))
    assert (v.credit_min_semester, v.credit_max_semester, v.credit_max_summer) == (15, 35, 15)
    assert v.promotion_thresholds[1]["full_time"] == Decimal("1.80")
    assert v.promotion_thresholds[2]["full_time"] == Decimal("2.00")
    assert v.promotion_thresholds[3]["full_time"] == Decimal("2.10")
    assert [b.letter for b in v.grading_scale][:3] == ["A", "A-", "B+"]
    assert v.leave_medical_months == (6, 12)


@pytest.mark.parametrize("day, inside", [
    (dt.date(2026, 1, 1), True), (dt.date(2026, 1, 15), True), (dt.date(2026, 1, 16), False),
    (dt.date(2026, 6, 30), False), (dt.date(2026, 7, 1), True), (dt.date(2026, 8, 25), True),
    (dt.date(2026, 8, 26), False), (dt.date(2026, 12, 31), False),
])
def test_transfer_windows_section_9(day, inside):
    assert DEFAULT_VALUES.in_transfer_window(day) is inside


def test_scale_with_a_gap_is_refused():
    scale = [dict(b) for b in DEFAULTS["grading_scale"]]
    scale[1]["min"] = 91  # A- 91-94 leaves 90 without a band
    with pytest.raises(PolicyError, match="grading_scale"):
        parse({"grading_scale": scale})


def test_weights_must_sum_to_one():
    with pytest.raises(PolicyError, match="exam_weight"):
        parse({"admission_weight": "0.7", "exam_weight": "0.4"})


def test_bad_window_date_names_the_key():
    with pytest.raises(PolicyError, match="transfer_windows"):
        parse({"transfer_windows": [["02-30", "03-01"]]})


@given(st.integers(min_value=1, max_value=99))
def test_any_two_band_split_of_0_100_is_accepted(cut):
    scale = [
        {"letter": "P", "points": "4", "min": cut, "max": 100, "traditional": "pass"},
        {"letter": "F", "points": "0", "min": 0, "max": cut - 1, "traditional": "fail"},
    ]
    bands = parse({"grading_scale": scale}).grading_scale
    covered = sorted(s for b in bands for s in range(b.min_score, b.max_score + 1))
    assert covered == list(range(101))


@pytest.mark.django_db
def test_policy_is_seeded_and_versioned_by_year():
    from registrar.policy.models import AcademicPolicy
    from registrar.policy.selectors import academic_start_year, policy_for_year

    assert AcademicPolicy.objects.filter(start_year=2020).exists()
    document = dict(DEFAULTS, credit_max_semester=32)
    AcademicPolicy.objects.create(start_year=2026, document=document)
    assert policy_for_year(2025).credit_max_semester == 35
    assert policy_for_year(2026).credit_max_semester == 32
    assert policy_for_year(2030).credit_max_semester == 32
    assert academic_start_year(dt.date(2027, 3, 1)) == 2026
    assert academic_start_year(dt.date(2026, 9, 1)) == 2026
