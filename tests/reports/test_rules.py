"""The pure formulas of the reports (§12; bands of §6) and the SVG chart builder."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registrar.reports import rules, svg
from registrar.reports.tables import Column, Table

D = Decimal


@pytest.mark.parametrize("part,whole,expected", [
    (3, 4, "75.0"),     # §12 example: 4 sat, one FX → absolute 75.0 %
    (2, 3, "66.7"),     # 66.666… → 66.7
    (1, 3, "33.3"),
    (1, 16, "6.3"),     # 6.25 → 6.3 (half-up, not banker's 6.2)
    (3, 16, "18.8"),    # 18.75 → 18.8
    (5, 7, "71.4"),
    (4, 7, "57.1"),
    (0, 5, "0.0"),
    (5, 5, "100.0"),
])
def test_percent_rounds_half_up_to_one_decimal(part, whole, expected):
    value = rules.percent(part, whole)
    assert isinstance(value, Decimal) and str(value) == expected


def test_percent_of_nobody_is_none():
    assert rules.percent(0, 0) is None


def test_four_sat_one_fx():
    """§12 by hand: 4 students sat, one has an FX → absolute (4 − 1) / 4 = 75.0 %; the other
    three have A, B and C → quality 2 / 4 = 50.0 % (C is satisfactory, §6)."""
    students = [
        [("excellent", True, True, True)],     # A
        [("good", True, True, True)],          # B
        [("satisfactory", True, True, True)],  # C
        [("fail", False, True, True)],         # FX
    ]
    f = rules.session_figures(rules.session_counts_of(students))
    assert (f.students, f.admitted, f.sat) == (4, 4, 4)
    assert (f.excellent, f.good, f.satisfactory, f.failed) == (1, 1, 1, 1)
    assert (f.absolute, f.quality) == (D("75.0"), D("50.0"))


def test_c_plus_is_quality_c_is_not():
    """§6: C+ (70–74) is "good", C (65–69) "satisfactory"; §12 quality = only A … C+."""
    good = [[("excellent", True, True, True), ("good", True, True, True)]]  # A and C+
    satisfactory = [[("good", True, True, True), ("satisfactory", True, True, True)]]  # B, C
    assert rules.session_figures(rules.session_counts_of(good)).quality == D("100.0")
    assert rules.session_figures(rules.session_counts_of(satisfactory)).quality == D("0.0")
    assert rules.session_figures(rules.session_counts_of(satisfactory)).absolute == D("100.0")


def test_student_who_sat_nothing_is_not_in_the_bands():
    """Not admitted to one exam (F) and absent from the other (FX): admitted, did not sit;
    counted in students and admitted, in no band and in neither percentage."""
    rows = [[("fail", False, False, False), ("fail", False, True, False)],
            [("excellent", True, True, True)]]
    f = rules.session_figures(rules.session_counts_of(rows))
    assert (f.students, f.admitted, f.sat, f.absent, f.not_admitted) == (2, 2, 1, 1, 0)
    assert (f.excellent, f.good, f.satisfactory, f.failed) == (1, 0, 0, 0)
    assert (f.absolute, f.quality) == (D("100.0"), D("100.0"))


def test_nobody_sat():
    f = rules.session_figures(rules.SessionCounts())
    assert f.absolute is None and f.quality is None


# A student's results: (traditional, passed, admitted, sat), consistent with §6 — a result
# that was not admitted or not sat is a fail.
_result = st.one_of(
    st.tuples(st.sampled_from(rules.BANDS[:3]), st.just(True), st.just(True), st.just(True)),
    st.tuples(st.just("fail"), st.just(False), st.booleans(), st.booleans()).map(
        lambda r: (r[0], r[1], r[2], r[2] and r[3])),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_result, min_size=1, max_size=6), max_size=30))
def test_bands_from_distinct_counts_equal_a_direct_classification(students):
    """The database's distinct counts with the identities of rules.py give the same bands as
    classifying each student who sat by their worst result."""
    figures = rules.session_figures(rules.session_counts_of(students))
    sat = [rows for rows in students if any(r[3] for r in rows)]
    bands = [rules.worst_band((r[0], r[1]) for r in rows) for rows in sat]
    assert figures.sat == len(sat)
    assert figures.excellent == bands.count("excellent")
    assert figures.good == bands.count("good")
    assert figures.satisfactory == bands.count("satisfactory")
    assert figures.failed == bands.count("fail")
    assert figures.excellent + figures.good + figures.satisfactory + figures.failed == len(sat)
    assert figures.admitted == sum(1 for rows in students if any(r[2] for r in rows))


def test_counts_of_disjoint_cohorts_add_up():
    a = rules.SessionCounts(6, 6, 5, 3, 4, 5)
    b = rules.SessionCounts(2, 2, 2, 0, 0, 1)
    assert a + b == rules.SessionCounts(8, 8, 7, 3, 4, 6)
    total = rules.session_figures(a + b)
    assert (total.absolute, total.quality) == (D("71.4"), D("57.1"))


def test_mean_points():
    """(4.00 × 2 + 3.00 × 1) / 3 = 3.666… → 3.67; nothing counted → None."""
    assert rules.mean_points([(D("4.00"), 2), (D("3.00"), 1), (D("0.00"), 0)]) == D("3.67")
    assert rules.mean_points([(D("4.00"), 0)]) is None


def test_bar_chart_is_escaped_svg():
    chart = svg.bar_chart([("A", 4, "excellent"), ("<F>", 2, "fail"), ("B", 0, "good")],
                          title='Calculus & "Physics"')
    assert chart.startswith("<svg") and chart.endswith("</svg>")
    assert 'role="img"' in chart and "<title>Calculus &amp; &quot;Physics&quot;</title>" in chart
    assert "&lt;F&gt;" in chart and "<F>" not in chart
    assert chart.count("<rect") == 3
    # The highest bar fills the plot (220 − 22 − 22 = 176), the others in proportion.
    assert 'height="176"' in chart and 'height="88"' in chart and 'height="0"' in chart
    assert svg.BAR_COLOURS["fail"] in chart


def test_compact_chart_has_no_texts_and_empty_chart_draws():
    chart = svg.bar_chart([("A", 1, "excellent")], title="t", width=150, height=36,
                          compact=True)
    assert "<text" not in chart and "<rect" in chart
    assert "<rect" not in svg.bar_chart([], title="empty")


def test_table_header_groups():
    table = Table("t", [Column("Programme", numeric=False), Column("Students"),
                        Column("A", "Grades"), Column("B", "Grades"), Column("Total")], [])
    first, second = table.header()
    assert [(c.label, c.colspan, c.rowspan) for c in first] == [
        ("Programme", 1, 2), ("Students", 1, 2), ("Grades", 2, 1), ("Total", 1, 2)]
    assert [c.label for c in second] == ["A", "B"]
