"""The exam solver on the ITC 2007 examination track, sets 1–8 (McCollum et al. 2007).

For each set: parse exam_comp_setN.exam into an ExamProblem (one room per exam, rooms shared up
to their capacity, period durations, EXAM_COINCIDENCE / EXCLUSION / AFTER, ROOM_EXCLUSIVE; the
soft cost TWOINAROW, TWOINADAY, PERIODSPREAD, NONMIXEDDURATIONS, FRONTLOAD, period and room
penalties), solve it with `solve_exams` (a fixed time limit, one process, a seed), write
bench/out/exam/itc2007/setN.sol in the competition format (`period, room` per exam line), check
it with the independent evaluator `bench/exam_eval.py`, and print feasibility, cost, the
reference result from the data README, the ratio and the seconds used.

    .venv/bin/python bench/exam_itc2007.py                      # sets 1-8, 300 s each
    .venv/bin/python bench/exam_itc2007.py --jobs 2 --sets 1,4 --time-limit 60
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import exam_eval  # noqa: E402

from registrar.scheduling.solver import Exam, ExamProblem, Period, Room, solve_exams  # noqa: E402

DATA = Path("/work/shared/data/exam-timetabling/itc2007")
OUT = ROOT / "bench" / "out" / "exam" / "itc2007"

# Good published results per set (data README: re-scored FastTA/TA runs by Leite et al.).
REFERENCE = {1: 4740, 2: 390, 3: 9465, 4: 11802, 5: 2953, 6: 25790, 7: 4251, 8: 7284}


def load(path: Path) -> ExamProblem:
    section = ""
    durations: list[int] = []
    exam_students: list[list[int]] = []
    periods: list[tuple[dt.date, int, int]] = []
    rooms: list[Room] = []
    coincidence: list[tuple[int, int]] = []
    exclusion: list[tuple[int, int]] = []
    after: list[tuple[int, int]] = []
    exclusive: list[int] = []
    weights: dict[str, list[int]] = {}
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
            durations.append(int(fields[0]))
            exam_students.append(sorted({int(f) for f in fields[1:] if f}))
        elif section == "Periods":
            day = dt.datetime.strptime(fields[0], "%d:%m:%Y").date()
            periods.append((day, int(fields[2]), int(fields[3])))
        elif section == "Rooms":
            rooms.append(Room(capacity=int(fields[0]), penalty=int(fields[1]),
                              name=str(len(rooms))))
        elif section == "PeriodHardConstraints":
            a, kind, b = int(fields[0]), fields[1], int(fields[2])
            if kind == "EXAM_COINCIDENCE":
                coincidence.append((a, b))
            elif kind == "EXCLUSION":
                exclusion.append((a, b))
            elif kind == "AFTER":
                after.append((a, b))
            else:
                raise ValueError(f"unknown period constraint {kind}")
        elif section == "RoomHardConstraints":
            exclusive.append(int(fields[0]))
        elif section == "InstitutionalWeightings":
            weights[fields[0]] = [int(f) for f in fields[1:]]
    by_student: dict[int, list[int]] = {}
    for e, studs in enumerate(exam_students):
        for s in studs:
            by_student.setdefault(s, []).append(e)
    first = periods[0][0] if periods else dt.date.today()
    spread = weights.get("PERIODSPREAD", [0])[0]
    front = (weights.get("FRONTLOAD", [0, 0, 0]) + [0, 0, 0])[:3]
    return ExamProblem(
        exams=[Exam(size=len(s), duration=d, name=str(i))
               for i, (s, d) in enumerate(zip(exam_students, durations, strict=True))],
        periods=[Period(day=(day - first).days, duration=dur, penalty=pen, name=str(i))
                 for i, (day, dur, pen) in enumerate(periods)],
        students=list(by_student.values()),
        rooms=rooms, room_split=False,
        coincidence=coincidence, exclusion=exclusion, after=after, room_exclusive=exclusive,
        max_per_day=None,
        proximity=(1,) * spread,
        two_in_a_row=weights.get("TWOINAROW", [0])[0],
        two_in_a_day=weights.get("TWOINADAY", [0])[0],
        non_mixed_durations=weights.get("NONMIXEDDURATIONS", [0])[0],
        front_load=(front[0], front[1], front[2]),
        name=path.stem,
    )


def run_one(n: int, time_limit: float, seed: int, data: Path = DATA) -> dict[str, object]:
    started = time.monotonic()
    path = data / f"exam_comp_set{n}.exam"
    problem = load(path)
    loaded = time.monotonic() - started
    sol = solve_exams(problem, time_limit=max(1.0, time_limit - loaded), seed=seed)
    seconds = time.monotonic() - started
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"set{n}.sol"
    lines = []
    for e in range(problem.n_exams):
        room = sol.rooms[e][0][0] if sol.rooms[e] else -1
        lines.append(f"{sol.period[e]}, {room}\n")
    out.write_text("".join(lines))
    check = exam_eval.evaluate_itc(path, out)
    ref = REFERENCE.get(n, 0)
    return {
        "set": n, "exams": problem.n_exams, "students": problem.n_students,
        "periods": problem.n_periods, "rooms": len(problem.rooms), "feasible": check.feasible,
        "cost": check.cost, "solver_cost": sol.cost, "solver_feasible": sol.feasible,
        "reference": ref, "ratio": check.cost / ref if ref and check.feasible else math.nan,
        "seconds": seconds, "hard": check.hard[:10] + sol.violations[:5],
        "parts": check.parts, "stats": sol.stats, "seed": seed,
    }


def _row(r: dict[str, object]) -> str:
    return (f"set{r['set']:<3} {r['exams']:>5} {r['students']:>6} {r['periods']:>3} "
            f"{r['rooms']:>3} {'yes' if r['feasible'] else 'NO':>4} {r['cost']:>8.0f} "
            f"{r['reference']:>7} {r['ratio']:>6.3f} {r['seconds']:>6.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="1,2,3,4,5,6,7,8", help="comma-separated set numbers")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1,
                        help="sets solved at once, each in its own process")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args()
    sets = [int(x) for x in args.sets.split(",") if x.strip()]
    print(f"ITC 2007 exams, sets {sets}, {args.time_limit:.0f} s each, seed {args.seed}, "
          f"jobs {args.jobs}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}", flush=True)
    print(f"{'set':<6} {'exams':>5} {'stud.':>6} {'P':>3} {'R':>3} {'feas':>4} {'cost':>8} "
          f"{'ref':>7} {'ratio':>6} {'sec':>6}", flush=True)
    rows: list[dict[str, object]] = []
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_one, n, args.time_limit, args.seed, args.data)
                       for n in sets]
            for f in futures:
                rows.append(f.result())
                print(_row(rows[-1]), flush=True)
    else:
        for n in sets:
            rows.append(run_one(n, args.time_limit, args.seed, args.data))
            print(_row(rows[-1]), flush=True)
    for r in rows:
        if r["hard"]:
            print(f"  set{r['set']}: {r['hard']}")
        print(f"  set{r['set']} parts: {r['parts']}")
    print(f"feasible {sum(1 for r in rows if r['feasible'])}/{len(rows)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str))
    return 0 if all(r["feasible"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
