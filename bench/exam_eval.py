"""Independent evaluators of examination timetables, written from the published objectives
(see /work/shared/data/exam-timetabling/README.md). They read the instance and the solution
files themselves and share no code with registrar.scheduling.solver, so the benchmark checks the
solver's output against the definition rather than against itself.

Toronto (Carter, Laporte & Lee 1996, uncapacitated): solution lines `exam_id period` (periods
0..P-1). Hard: every exam placed once in 0..P-1, no student with two exams in one period.
Cost: for every student and every pair of that student's exams d periods apart, 16, 8, 4, 2, 1
for d = 1..5, summed and divided by the number of students (non-blank lines of the .stu file).

ITC 2007 examination track (McCollum et al. 2007): solution lines `period, room`, one per exam
in the instance's order. Hard: no student clash; room seats; exam duration <= period duration;
EXAM_COINCIDENCE, EXCLUSION, AFTER; ROOM_EXCLUSIVE. Soft: per student, TWOINAROW × (pairs in
consecutive periods of one day) + TWOINADAY × (pairs on one day, not consecutive) + 1 per pair
within PERIODSPREAD periods; NONMIXEDDURATIONS × (distinct durations − 1) per room and period;
FRONTLOAD (n, t, w): w per exam among the n largest placed in the last t periods; the period's
and the room's penalty per exam.

Command line: `python bench/exam_eval.py toronto INSTANCE.stu SOLUTION P` or
`python bench/exam_eval.py itc INSTANCE.exam SOLUTION`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

TORONTO_WEIGHTS = {1: 16, 2: 8, 3: 4, 4: 2, 5: 1}


@dataclass
class Result:
    feasible: bool
    cost: float
    hard: list[str] = field(default_factory=list)
    parts: dict[str, int] = field(default_factory=dict)


def read_toronto_solution(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if parts:
            out[parts[0]] = int(parts[1])
    return out


def evaluate_toronto(crs: Path, stu: Path, solution: Path, n_periods: int) -> Result:
    exams = [line.split()[0] for line in crs.read_text().splitlines() if line.strip()]
    sol = read_toronto_solution(solution)
    hard: list[str] = []
    missing = [e for e in exams if e not in sol]
    if missing:
        hard.append(f"{len(missing)} exams without a period")
    bad = [e for e, p in sol.items() if not 0 <= p < n_periods]
    if bad:
        hard.append(f"{len(bad)} exams outside periods 0..{n_periods - 1}")
    students = 0
    total = 0
    clashes = 0
    for line in stu.read_text().splitlines():
        ids = set(line.split())
        if not ids:
            continue
        students += 1
        periods = [sol[e] for e in ids if e in sol]
        for p1, p2 in combinations(periods, 2):
            d = abs(p1 - p2)
            if d == 0:
                clashes += 1
            total += TORONTO_WEIGHTS.get(d, 0)
    if clashes:
        hard.append(f"{clashes} clashes (student pairs of exams in one period)")
    return Result(feasible=not hard, cost=total / students if students else 0.0, hard=hard)


@dataclass
class Itc:
    durations: list[int]
    students: list[set[int]]
    periods: list[tuple[str, int, int]]  # (date, duration, penalty)
    rooms: list[tuple[int, int]]  # (capacity, penalty)
    coincidence: list[tuple[int, int]]
    exclusion: list[tuple[int, int]]
    after: list[tuple[int, int]]
    exclusive: set[int]
    weights: dict[str, list[int]]


def read_itc(path: Path) -> Itc:
    section = ""
    itc = Itc([], [], [], [], [], [], [], set(), {})
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line:
            continue
        head = re.match(r"\[(\w+)(?::\d+)?\]", line)
        if head:
            section = head.group(1)
            continue
        fields = [f.strip() for f in line.split(",")]
        if section == "Exams":
            itc.durations.append(int(fields[0]))
            itc.students.append({int(f) for f in fields[1:] if f})
        elif section == "Periods":
            itc.periods.append((fields[0], int(fields[2]), int(fields[3])))
        elif section == "Rooms":
            itc.rooms.append((int(fields[0]), int(fields[1])))
        elif section == "PeriodHardConstraints":
            a, kind, b = int(fields[0]), fields[1], int(fields[2])
            {"EXAM_COINCIDENCE": itc.coincidence, "EXCLUSION": itc.exclusion,
             "AFTER": itc.after}[kind].append((a, b))
        elif section == "RoomHardConstraints":
            itc.exclusive.add(int(fields[0]))
        elif section == "InstitutionalWeightings":
            itc.weights[fields[0]] = [int(f) for f in fields[1:]]
    return itc


def evaluate_itc(instance: Path, solution: Path) -> Result:
    itc = read_itc(instance)
    n = len(itc.durations)
    rows = [line for line in solution.read_text().splitlines() if line.strip()]
    hard: list[str] = []
    if len(rows) != n:
        hard.append(f"{len(rows)} solution lines for {n} exams")
    period = [-1] * n
    room = [-1] * n
    for e, line in enumerate(rows[:n]):
        p, r = (int(f) for f in line.split(","))
        period[e], room[e] = p, r
    if any(not 0 <= p < len(itc.periods) for p in period) or \
            any(not 0 <= r < len(itc.rooms) for r in room):
        hard.append("period or room out of range")
        return Result(False, float("inf"), hard)

    dates = [d for d, _, _ in itc.periods]
    day_of = {}
    for d in dates:
        day_of.setdefault(d, len(day_of))
    day = [day_of[d] for d in dates]

    by_student: dict[int, list[int]] = {}
    for e, studs in enumerate(itc.students):
        for s in studs:
            by_student.setdefault(s, []).append(e)
    w = itc.weights
    w2r, w2d = w.get("TWOINAROW", [0])[0], w.get("TWOINADAY", [0])[0]
    spread = w.get("PERIODSPREAD", [0])[0]
    clash = row = inday = ps = 0
    for exams in by_student.values():
        for a, b in combinations(exams, 2):
            pa, pb = period[a], period[b]
            d = abs(pa - pb)
            if d == 0:
                clash += 1
                continue
            if day[pa] == day[pb]:
                if d == 1:
                    row += 1
                else:
                    inday += 1
            if d <= spread:
                ps += 1
    if clash:
        hard.append(f"{clash} student clashes")

    seats: dict[tuple[int, int], int] = {}
    occupants: dict[tuple[int, int], list[int]] = {}
    for e in range(n):
        key = (period[e], room[e])
        seats[key] = seats.get(key, 0) + len(itc.students[e])
        occupants.setdefault(key, []).append(e)
        if itc.durations[e] > itc.periods[period[e]][1]:
            hard.append(f"exam {e} longer than period {period[e]}")
    for (p, r), s in seats.items():
        if s > itc.rooms[r][0]:
            hard.append(f"room {r} period {p}: {s} > {itc.rooms[r][0]} seats")
    for e in itc.exclusive:
        if len(occupants[(period[e], room[e])]) > 1:
            hard.append(f"exam {e} must be alone in its room")
    for a, b in itc.coincidence:
        if period[a] != period[b]:
            hard.append(f"EXAM_COINCIDENCE {a} {b}")
    for a, b in itc.exclusion:
        if period[a] == period[b]:
            hard.append(f"EXCLUSION {a} {b}")
    for a, b in itc.after:
        if not period[a] > period[b]:
            hard.append(f"AFTER {a} {b}")

    nmd = sum(len({itc.durations[e] for e in occ}) - 1 for occ in occupants.values())
    n_large, last, w_fl = (w.get("FRONTLOAD", [0, 0, 0]) + [0, 0, 0])[:3]
    largest = sorted(range(n), key=lambda e: (-len(itc.students[e]), e))[:n_large]
    first_late = len(itc.periods) - last
    front = sum(1 for e in largest if period[e] >= first_late)
    parts = {
        "two_in_a_row": w2r * row,
        "two_in_a_day": w2d * inday,
        "period_spread": ps,
        "non_mixed_durations": w.get("NONMIXEDDURATIONS", [0])[0] * nmd,
        "front_load": w_fl * front,
        "period_penalty": sum(itc.periods[period[e]][2] for e in range(n)),
        "room_penalty": sum(itc.rooms[room[e]][1] for e in range(n)),
    }
    return Result(feasible=not hard, cost=float(sum(parts.values())), hard=hard, parts=parts)


def main(argv: list[str]) -> int:
    if len(argv) >= 4 and argv[0] == "toronto":
        stu = Path(argv[1])
        res = evaluate_toronto(stu.with_suffix(".crs"), stu, Path(argv[2]), int(argv[3]))
    elif len(argv) >= 3 and argv[0] == "itc":
        res = evaluate_itc(Path(argv[1]), Path(argv[2]))
    else:
        print(__doc__)
        return 2
    print(f"feasible={res.feasible} cost={res.cost:.4f} {res.parts or ''}")
    for h in res.hard[:20]:
        print("  hard:", h)
    return 0 if res.feasible else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
