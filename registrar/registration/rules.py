"""Rules of the individual study plan (§5). Pure: plain values in, a list of problems out."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _


@dataclasses.dataclass(frozen=True)
class PlannedDiscipline:
    discipline_id: int
    code: str
    credits: int
    elective: bool


@dataclasses.dataclass(frozen=True)
class PlanProblem:
    field: str
    message: str
    code: str = ""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


def semester_of(year_of_study: int, term_kind: str) -> int:
    """The curriculum semester a student is in: autumn of year 2 is semester 3."""
    return 2 * year_of_study - (1 if term_kind == "autumn" else 0)


def check_plan(
    lines: Iterable[PlannedDiscipline],
    *,
    passed: set[int],
    prerequisites: Mapping[int, set[int]],
    offered: set[int],
    catalogue: set[int],
    credit_min: int,
    credit_max: int,
    codes: Mapping[int, str] | None = None,
) -> list[PlanProblem]:
    """Every problem with a plan: load outside [min, max], an unmet prerequisite, a discipline
    already passed, an elective not in the catalogue or not offered this term."""
    lines = list(lines)
    codes = codes or {}
    problems: list[PlanProblem] = []
    total = sum(line.credits for line in lines)
    if total < credit_min:
        problems.append(PlanProblem("credits", _(
            "The plan has %(total)d credits; at least %(min)d are required.")
            % {"total": total, "min": credit_min}))
    if total > credit_max:
        problems.append(PlanProblem("credits", _(
            "The plan has %(total)d credits; at most %(max)d are allowed.")
            % {"total": total, "max": credit_max}))
    for line in lines:
        if line.discipline_id in passed:
            problems.append(PlanProblem("discipline", _(
                "This discipline is already passed and cannot be taken again."), line.code))
        missing = prerequisites.get(line.discipline_id, set()) - passed
        if missing:
            names = ", ".join(sorted(codes.get(d, str(d)) for d in missing))
            problems.append(PlanProblem("prerequisites", _(
                "Prerequisites not passed: %(missing)s.") % {"missing": names}, line.code))
        if line.elective and line.discipline_id not in catalogue:
            problems.append(PlanProblem("discipline", _(
                "This elective is not in the catalogue of your curriculum."), line.code))
        if line.elective and line.discipline_id not in offered:
            problems.append(PlanProblem("discipline", _(
                "This elective is not offered this term."), line.code))
    return problems
