"""Academic difference (§3): what a student must still take to meet a target curriculum.

On transfer, reinstatement or return from leave the registrar compares the student's record
with the target curriculum. A compulsory discipline of the target curriculum, up to a given
semester, is *covered* when the student passed a discipline with the same code, or one with
the same title (in any of the three languages, ignoring case and spacing) and at least the
required credits; recognised transfer credits count as passed. Everything else is *missing*:
the difference the student takes within a semester or in the summer semester (§8).

`compare` is the pure core over plain values; `academic_difference` reads the database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from registrar.curriculum.models import Component, Curriculum, CurriculumEntry
from registrar.people.models import Student

from .models import Attempt
from .selectors import RecordsRefused, require

BY_CODE = "code"
BY_TITLE = "title"


def normalise(title: str) -> str:
    """Case-insensitive in every language (casefold), with runs of spaces made one."""
    return " ".join(title.split()).casefold()


@dataclasses.dataclass(frozen=True)
class PassedDiscipline:
    """A discipline the student passed (or had recognised), as recorded in the attempt."""

    code: str
    titles: tuple[str, ...]  # kk, ru, en as recorded
    credits: int
    attempt_id: int | None = None


@dataclasses.dataclass(frozen=True)
class RequiredDiscipline:
    """A compulsory discipline of the target curriculum."""

    code: str
    titles: tuple[str, ...]
    credits: int
    semester: int
    discipline_id: int | None = None


@dataclasses.dataclass(frozen=True)
class Covered:
    required: RequiredDiscipline
    passed: PassedDiscipline
    how: str  # BY_CODE or BY_TITLE


@dataclasses.dataclass(frozen=True)
class Difference:
    covered: list[Covered]
    missing: list[RequiredDiscipline]

    @property
    def missing_credits(self) -> int:
        return sum(r.credits for r in self.missing)

    @property
    def missing_codes(self) -> set[str]:
        return {r.code for r in self.missing}


def _titles(item: PassedDiscipline | RequiredDiscipline) -> set[str]:
    return {normalise(t) for t in item.titles if t and t.strip()}


def compare(passed: Iterable[PassedDiscipline],
            required: Iterable[RequiredDiscipline]) -> Difference:
    """Match each required discipline to a passed one, codes first, then titles.

    A passed discipline covers at most one requirement. By title, it must carry at least the
    required credits; among several candidates the one with the fewest sufficient credits is
    used, keeping larger ones for larger requirements."""
    pool = list(passed)
    needed = sorted(required, key=lambda r: (r.semester, r.code))
    used: set[int] = set()
    matched: dict[int, Covered] = {}

    codes: dict[str, list[int]] = {}
    for index, item in enumerate(pool):
        codes.setdefault(item.code.strip().casefold(), []).append(index)
    for position, requirement in enumerate(needed):
        for index in codes.get(requirement.code.strip().casefold(), []):
            if index not in used:
                used.add(index)
                matched[position] = Covered(requirement, pool[index], BY_CODE)
                break

    # Larger requirements first, so a big passed discipline is not spent on a small one.
    by_size = sorted((p for p in range(len(needed)) if p not in matched),
                     key=lambda p: -needed[p].credits)
    for position in by_size:
        requirement = needed[position]
        titles = _titles(requirement)
        candidates = [i for i, item in enumerate(pool)
                      if i not in used and item.credits >= requirement.credits
                      and titles & _titles(item)]
        if candidates:
            index = min(candidates, key=lambda i: (pool[i].credits, i))
            used.add(index)
            matched[position] = Covered(requirement, pool[index], BY_TITLE)

    return Difference(
        covered=[matched[p] for p in range(len(needed)) if p in matched],
        missing=[needed[p] for p in range(len(needed)) if p not in matched],
    )


# --- Database wrapper ---------------------------------------------------------------------

def passed_of(student: Student) -> list[PassedDiscipline]:
    """Every passed attempt, recognised transfer credits included."""
    return [
        PassedDiscipline(code=code, titles=(kk, ru, en), credits=credits, attempt_id=pk)
        for pk, code, kk, ru, en, credits in Attempt.objects.filter(
            student=student, passed=True).order_by("period__starts_on", "pk").values_list(
            "pk", "discipline__code", "title_kk", "title_ru", "title_en", "credits")
    ]


def required_of(curriculum: Curriculum, up_to_semester: int) -> list[RequiredDiscipline]:
    return [
        RequiredDiscipline(code=e.discipline.code,
                           titles=(e.discipline.name_kk, e.discipline.name_ru,
                                   e.discipline.name_en),
                           credits=e.discipline.credits, semester=e.semester,
                           discipline_id=e.discipline_id)
        for e in CurriculumEntry.objects.filter(
            curriculum=curriculum, component=Component.COMPULSORY,
            semester__lte=up_to_semester).select_related("discipline")
    ]


def difference_of(student: Student, target_curriculum: Curriculum,
                  up_to_semester: int) -> Difference:
    """The difference without a permission check, for other services of this app."""
    if not 1 <= up_to_semester <= 14:
        raise RecordsRefused(_("The semester must be between 1 and 14."), "up_to_semester")
    return compare(passed_of(student), required_of(target_curriculum, up_to_semester))


def academic_difference(student: Student, target_curriculum: Curriculum, up_to_semester: int,
                        *, by: Any) -> Difference:
    """§3: the compulsory disciplines of `target_curriculum` in semesters 1…`up_to_semester`
    covered by the student's record, and those missing with their credits."""
    require(by, "records.view_difference", student)
    return difference_of(student, target_curriculum, up_to_semester)


def describe(result: Difference) -> str:
    """The missing disciplines as one line per discipline, for an order item's
    `academic_difference` field (reinstatement, transfer)."""
    lines = [
        _("Semester %(semester)d: %(code)s %(title)s, %(credits)d credits")
        % {"semester": r.semester, "code": r.code, "title": r.titles[1] or r.titles[2],
           "credits": r.credits}
        for r in result.missing
    ]
    lines.append(_("Total: %(credits)d credits") % {"credits": result.missing_credits})
    return "\n".join(lines)
