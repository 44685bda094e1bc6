"""The examination timetabling problem and its solution, as plain data (no Django).

Exams, periods and rooms are referred to by their index in `ExamProblem.exams`, `.periods` and
`.rooms`; the `name` fields carry whatever identifier the caller needs back.

Hard constraints
    - no student sits two exams in one period (students are given either as each student's
      list of exams, `students`, or as a conflict matrix `conflicts[(a, b)] = common students`);
    - an exam's duration fits its period (`Period.duration`, 0 = any length);
    - `unavailable` (exam, period) pairs;
    - `coincidence` (same period), `exclusion` (different periods), `after` ((a, b): a strictly
      after b) and `room_exclusive` (the exam is alone in its rooms);
    - rooms: with `rooms` empty the problem is uncapacitated; otherwise the exams of a period must
      be seated in its rooms — with `room_split` (the default) an exam may be spread over several
      rooms and a room may hold several exams, so a period is feasible when its exams' seats fit
      the total capacity; without `room_split` (the ITC 2007 rule) each exam sits in one room,
      and a room may hold several exams up to its capacity;
    - `max_per_day`: at most that many exams per student per day (1 by default: the usual exam
      session rule); `max_per_window = (days, k)`: at most k exams per student in any `days`
      consecutive days (a multi-week session). Both need `students` (with only a conflict
      matrix, `max_per_day` = 1 still works: two conflicting exams never share a day).

Soft cost (an integer; lower is better), summed over every student and every pair of that
student's exams in periods p1 != p2 (d = |p1 - p2|, same day = `Period.day` equal):
    - `proximity[d - 1]` for d <= len(proximity) (Toronto: 16, 8, 4, 2, 1; the ITC period spread
      of g periods is g ones);
    - `two_in_a_row` when on the same day and d == 1, `two_in_a_day` on the same day and d > 1;
plus per exam the `Period.penalty` of its period and the `Room.penalty` of each room it uses,
`front_load = (n, last, w)`: w for each of the n largest exams placed in the last `last`
periods, and `non_mixed_durations`: w × (distinct durations − 1) per room and period.
With `room_split` the rooms are given out after the search (an exam goes whole into the
smallest room that holds it, else over the emptiest rooms), so room penalties are counted but
not optimised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

TORONTO_PROXIMITY: tuple[int, ...] = (16, 8, 4, 2, 1)


@dataclass(frozen=True)
class Exam:
    size: int
    """Seats needed: the number of students who sit the exam."""
    duration: int = 0
    """Minutes; 0 fits any period."""
    name: str = ""


@dataclass(frozen=True)
class Period:
    day: int
    """Day index (consecutive calendar days differ by 1; periods of one day share it)."""
    duration: int = 0
    """Minutes available; 0 = any exam fits."""
    penalty: int = 0
    """Soft cost of each exam placed in this period."""
    name: str = ""


@dataclass(frozen=True)
class Room:
    capacity: int
    penalty: int = 0
    """Soft cost of each exam placed in this room."""
    name: str = ""


class ProblemError(ValueError):
    """The problem data are inconsistent (an index out of range, a negative size, ...)."""


@dataclass
class ExamProblem:
    exams: list[Exam]
    periods: list[Period]
    students: list[list[int]] | None = None
    """Each student's exams (indices). Repeats in a list are ignored."""
    conflicts: Mapping[tuple[int, int], int] | None = None
    """Alternative to `students`: number of common students per pair of exams."""
    rooms: list[Room] = field(default_factory=list)
    room_split: bool = True
    coincidence: list[tuple[int, int]] = field(default_factory=list)
    exclusion: list[tuple[int, int]] = field(default_factory=list)
    after: list[tuple[int, int]] = field(default_factory=list)
    """(a, b): exam a takes place in a later period than exam b."""
    room_exclusive: list[int] = field(default_factory=list)
    unavailable: list[tuple[int, int]] = field(default_factory=list)
    """(exam, period) pairs that are not allowed."""
    max_per_day: int | None = 1
    max_per_window: tuple[int, int] | None = None
    """(days, k): at most k exams per student in any `days` consecutive days."""
    proximity: tuple[int, ...] = TORONTO_PROXIMITY
    two_in_a_row: int = 0
    two_in_a_day: int = 0
    non_mixed_durations: int = 0
    front_load: tuple[int, int, int] = (0, 0, 0)
    name: str = ""

    def __post_init__(self) -> None:
        self.validate()

    @property
    def n_exams(self) -> int:
        return len(self.exams)

    @property
    def n_periods(self) -> int:
        return len(self.periods)

    @property
    def n_students(self) -> int:
        return len(self.students) if self.students is not None else 0

    @property
    def capacitated(self) -> bool:
        return bool(self.rooms)

    def validate(self) -> None:
        n, p = len(self.exams), len(self.periods)

        def check_exam(e: int, what: str) -> None:
            if not 0 <= e < n:
                raise ProblemError(f"{what}: exam {e} is not in 0..{n - 1}")

        if p == 0 and n:
            raise ProblemError("no periods")
        for i, exam in enumerate(self.exams):
            if exam.size < 0 or exam.duration < 0:
                raise ProblemError(f"exam {i}: negative size or duration")
        for i, room in enumerate(self.rooms):
            if room.capacity < 0:
                raise ProblemError(f"room {i}: negative capacity")
        days = [q.day for q in self.periods]
        if any(b < a for a, b in zip(days, days[1:], strict=False)):
            raise ProblemError("periods must be in time order (day indices non-decreasing)")
        if self.students is not None:
            for s, exams in enumerate(self.students):
                for e in exams:
                    check_exam(e, f"student {s}")
        if self.conflicts is not None:
            for (a, b), common in self.conflicts.items():
                check_exam(a, "conflicts")
                check_exam(b, "conflicts")
                if common < 0:
                    raise ProblemError("conflicts: negative count")
        for what, pairs in (("coincidence", self.coincidence), ("exclusion", self.exclusion),
                            ("after", self.after)):
            for a, b in pairs:
                check_exam(a, what)
                check_exam(b, what)
        for e in self.room_exclusive:
            check_exam(e, "room_exclusive")
        for e, q in self.unavailable:
            check_exam(e, "unavailable")
            if not 0 <= q < p:
                raise ProblemError(f"unavailable: period {q} is not in 0..{p - 1}")
        if (self.max_per_day is not None or self.max_per_window is not None) \
                and self.students is None and self.conflicts is not None:
            if self.max_per_window is not None or (self.max_per_day or 0) > 1:
                raise ProblemError("max_per_day > 1 and max_per_window need `students`")
        if self.max_per_day is not None and self.max_per_day < 1:
            raise ProblemError("max_per_day must be at least 1")
        if self.max_per_window is not None:
            days_, k = self.max_per_window
            if days_ < 1 or k < 1:
                raise ProblemError("max_per_window needs days >= 1 and k >= 1")
        if any(w < 0 for w in self.proximity):
            raise ProblemError("negative proximity weight")

    def conflict_pairs(self) -> dict[tuple[int, int], int]:
        """Common students per pair of exams (a < b)."""
        pairs: dict[tuple[int, int], int] = {}
        if self.conflicts is not None:
            for (a, b), c in self.conflicts.items():
                if a != b and c > 0:
                    key = (a, b) if a < b else (b, a)
                    pairs[key] = pairs.get(key, 0) + c
        if self.students is not None:
            for exams in self.students:
                distinct = sorted(set(exams))
                for i, a in enumerate(distinct):
                    for b in distinct[i + 1:]:
                        pairs[(a, b)] = pairs.get((a, b), 0) + 1
        return pairs

    def pair_cost(self, p1: int, p2: int) -> int:
        """Soft cost of one student sitting exams in periods p1 and p2."""
        if p1 == p2:
            return 0
        d = abs(p1 - p2)
        cost = self.proximity[d - 1] if d <= len(self.proximity) else 0
        if self.periods[p1].day == self.periods[p2].day:
            cost += self.two_in_a_row if d == 1 else self.two_in_a_day
        return cost


@dataclass
class ExamSolution:
    period: list[int]
    """Period index per exam; -1 when the exam could not be placed."""
    rooms: list[list[tuple[int, int]]]
    """Per exam, (room index, seats) it uses; empty when the problem is uncapacitated."""
    cost: int
    breakdown: dict[str, int]
    feasible: bool
    status: str
    """"feasible", "infeasible" (proved), or "unknown" (no feasible timetable found in time)."""
    violations: list[str] = field(default_factory=list)
    n_students: int = 0
    seconds: float = 0.0
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def cost_per_student(self) -> float:
        """The Toronto normalisation: cost divided by the number of students."""
        return self.cost / self.n_students if self.n_students else float(self.cost)
