"""Academic difference (§3).

"On transfer, reinstatement or return from leave, the registrar compares the student's record
with the target curriculum; disciplines not covered (by title/content and credits) are the
difference the student must take, usually within a semester or the summer semester." (§3)

A compulsory discipline is covered by a passed one with the same code, or with the same title
(any of kk/ru/en, ignoring case) and at least the required credits; recognised transfer credits
count as passed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from registrar.curriculum.models import Component, Curriculum, CurriculumEntry
from registrar.records import services as records
from registrar.records.difference import (
    BY_CODE,
    BY_TITLE,
    PassedDiscipline,
    RequiredDiscipline,
    academic_difference,
    compare,
    describe,
)
from registrar.records.models import AttemptKind
from registrar.records.selectors import RecordsRefused

from .builders import discipline, enrol, grade


def need(code, credits=5, semester=1, *titles):
    return RequiredDiscipline(code=code, titles=titles or (f"t-{code}",), credits=credits,
                              semester=semester)


def have(code, credits=5, *titles):
    return PassedDiscipline(code=code, titles=titles or (f"p-{code}",), credits=credits)


# --- Pure core ----------------------------------------------------------------------------

def test_same_code_covers():
    """Same code: covered, whatever the recorded title."""
    result = compare([have("MAT1102")], [need("MAT1102", 5, 1, "Mathematics")])
    assert [(c.required.code, c.how) for c in result.covered] == [("MAT1102", BY_CODE)]
    assert result.missing == [] and result.missing_credits == 0


def test_same_title_in_any_language_and_case_with_enough_credits_covers():
    """§3 "by title/content and credits": «МАТЕМАТИКА» (another university's code, 6 credits)
    covers Mathematics / Математика of 5 credits; the Kazakh title alone also matches."""
    required = [need("MAT1102", 5, 1, "Математика", "Математика", "Mathematics"),
                need("HIS1101", 5, 1, "Қазақстан тарихы", "История Казахстана",
                     "History of Kazakhstan")]
    passed = [have("M-01", 6, "", "МАТЕМАТИКА  ", ""),
              have("KZH-7", 5, "ҚАЗАҚСТАН ТАРИХЫ", "", "")]
    result = compare(passed, required)
    assert [(c.required.code, c.passed.code, c.how) for c in result.covered] == [
        ("HIS1101", "KZH-7", BY_TITLE), ("MAT1102", "M-01", BY_TITLE)]


def test_same_title_with_fewer_credits_is_missing():
    """§3: Physics passed with 4 credits does not cover Physics of 5: 5 credits missing."""
    result = compare([have("F-100", 4, "Physics")], [need("PHY1201", 5, 2, "Physics")])
    assert [m.code for m in result.missing] == ["PHY1201"] and result.missing_credits == 5


def test_one_passed_discipline_covers_one_requirement():
    """A passed Physics of 5 credits covers only one of two requirements titled Physics: the
    larger (5 credits) is matched first, so the 4-credit one is missing."""
    result = compare([have("X", 5, "Physics")],
                     [need("PHY1", 4, 1, "Physics"), need("PHY2", 5, 2, "Physics")])
    assert [c.required.code for c in result.covered] == ["PHY2"]
    assert [m.code for m in result.missing] == ["PHY1"] and result.missing_credits == 4


def test_blank_titles_never_match():
    result = compare([have("X", 5, "", "", "")], [need("Y", 5, 1, "", "", "")])
    assert result.missing_credits == 5


codes = st.sampled_from(["A1", "B2", "C3", "D4", "E5"])
titles = st.sampled_from(["Physics", "physics", "History", "Математика", ""])
passed_items = st.builds(PassedDiscipline, code=codes, titles=st.tuples(titles, titles),
                         credits=st.integers(1, 10))
required_items = st.builds(RequiredDiscipline, code=codes, titles=st.tuples(titles, titles),
                           credits=st.integers(1, 10), semester=st.integers(1, 8))


@given(st.lists(passed_items, max_size=6), st.lists(required_items, max_size=6))
def test_covered_and_missing_partition_the_requirements(passed, required):
    """Every requirement is either covered or missing, each passed discipline is used at most
    once, a title match always has enough credits, and the missing credits add up."""
    result = compare(passed, required)
    assert sorted(map(id, [c.required for c in result.covered] + result.missing)) == sorted(
        map(id, required))
    used = [id(c.passed) for c in result.covered]
    assert len(used) == len(set(used))
    assert all(c.passed.credits >= c.required.credits for c in result.covered
               if c.how == BY_TITLE)
    assert result.missing_credits == sum(m.credits for m in result.missing)


@given(st.lists(required_items, max_size=6, unique_by=lambda r: r.code))
def test_passing_every_code_leaves_no_difference(required):
    passed = [PassedDiscipline(code=r.code, titles=(), credits=1) for r in required]
    assert compare(passed, required).missing == []


# --- From the database --------------------------------------------------------------------

@pytest.fixture
def target(world):
    """The target curriculum: semester 1 HIS1101 (5) and MAT1102 (5) compulsory and an
    elective; semester 2 PHY1201 (5) and ENG1202 (10); semester 3 ALG2301 (6)."""
    w = world
    w.target = Curriculum.objects.create(programme=w.programme, intake_year=2025)
    rows = [
        (discipline(5, "HIS1101", kk="Қазақстан тарихы", ru="История Казахстана",
                    en="History of Kazakhstan"), 1, Component.COMPULSORY),
        (discipline(5, "MAT1102", kk="Математика", ru="Математика", en="Mathematics"), 1,
         Component.COMPULSORY),
        (discipline(5, "ELC1103", en="Design thinking"), 1, Component.ELECTIVE),
        (discipline(5, "PHY1201", kk="Физика", ru="Физика", en="Physics"), 2,
         Component.COMPULSORY),
        (discipline(10, "ENG1202", en="Foreign language"), 2, Component.COMPULSORY),
        (discipline(6, "ALG2301", kk="Алгоритмдер", ru="Алгоритмы", en="Algorithms"), 3,
         Component.COMPULSORY),
    ]
    for subject, semester, component in rows:
        CurriculumEntry.objects.create(curriculum=w.target, discipline=subject,
                                       semester=semester, component=component, cycle="basic")
    w.by_code = {d.code: d for d, _s, _c in rows}
    return w


@pytest.mark.django_db
def test_difference_of_a_transferred_student(target):
    """§3 worked example. Passed: HIS1101 itself (code); "MATHEMATICS" MTH-01 of 6 credits
    (title, 6 ≥ 5); "Физика" F-100 of 4 credits (title but 4 < 5: missing); ENG1202 failed (F:
    missing); a recognised transfer credit "Алгоритмы" of 6 credits (title). Up to semester 2:
    covered HIS1101, MAT1102; missing PHY1201 (5) + ENG1202 (10) = 15 credits; the elective
    is not required. Up to semester 3 ALG2301 is covered by the transfer credit: still 15."""
    w = target
    (student,) = enrol(w)
    grade(w, student, w.autumn, "B", subject=w.by_code["HIS1101"])
    grade(w, student, w.autumn, "A", subject=discipline(6, "MTH-01", en="MATHEMATICS"))
    grade(w, student, w.autumn, "C", subject=discipline(4, "F-100", ru="Физика"))
    grade(w, student, w.autumn, "F", subject=w.by_code["ENG1202"])
    records.record_attempt(student=student, discipline=discipline(6, "CS-ALG", ru="алгоритмы"),
                           period=w.autumn, kind=AttemptKind.TRANSFER, final_score=None,
                           letter="P", points=Decimal("0"), passed=True, may_resit=False,
                           by=w.registrar)

    two = academic_difference(student, w.target, 2, by=w.registrar)
    assert [(c.required.code, c.how) for c in two.covered] == [
        ("HIS1101", BY_CODE), ("MAT1102", BY_TITLE)]
    assert [(m.code, m.semester, m.credits) for m in two.missing] == [
        ("ENG1202", 2, 10), ("PHY1201", 2, 5)]
    assert two.missing_credits == 15
    three = academic_difference(student, w.target, 3, by=w.registrar)
    assert ("ALG2301", BY_TITLE) in [(c.required.code, c.how) for c in three.covered]
    assert three.missing_credits == 15
    assert describe(three).splitlines() == [
        "Semester 2: ENG1202 Дисциплина ENG1202, 10 credits",
        "Semester 2: PHY1201 Физика, 5 credits",
        "Total: 15 credits",
    ]


@pytest.mark.django_db
def test_difference_permissions_and_semester(target):
    """§1: the registrar and the dean of the student's faculty see the difference."""
    w = target
    (student,) = enrol(w)
    assert academic_difference(student, w.target, 1, by=w.dean).missing_credits == 10
    with pytest.raises(PermissionDenied):
        academic_difference(student, w.target, 1, by=w.other_dean)
    with pytest.raises(RecordsRefused) as refused:
        academic_difference(student, w.target, 0, by=w.registrar)
    assert refused.value.field == "up_to_semester"
