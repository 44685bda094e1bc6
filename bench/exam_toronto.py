"""The exam solver on the Toronto benchmark (Carter, Laporte & Lee 1996, uncapacitated).

For each instance: read NAME.crs / NAME.stu, solve with `solve_exams` (a fixed time limit, one
process, a seed), write bench/out/exam/toronto/NAME.sol (`exam_id period` per line), check it
with the independent evaluator `bench/exam_eval.py`, and print exams, students, periods,
feasibility, cost, the best published cost (data README), their ratio and the seconds used;
then the geometric mean of the ratios.

    .venv/bin/python bench/exam_toronto.py                      # all 13, 300 s each
    .venv/bin/python bench/exam_toronto.py --jobs 2              # two instances at a time
    .venv/bin/python bench/exam_toronto.py --instances hec-s-92,sta-f-83 --time-limit 30
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import exam_eval  # noqa: E402

from registrar.scheduling.solver import Exam, ExamProblem, Period, solve_exams  # noqa: E402

DATA = Path("/work/shared/data/exam-timetabling/toronto")
OUT = ROOT / "bench" / "out" / "exam" / "toronto"

# name: (periods, best published cost) — from the data README.
INSTANCES: dict[str, tuple[int, float]] = {
    "car-s-91": (35, 4.37),
    "car-f-92": (32, 3.69),
    "ear-f-83": (24, 32.48),
    "hec-s-92": (18, 10.03),
    "kfu-s-93": (20, 12.81),
    "lse-f-91": (18, 9.78),
    "pur-s-93": (42, 4.10),
    "rye-s-93": (23, 7.89),
    "sta-f-83": (13, 157.03),
    "tre-s-92": (23, 7.63),
    "uta-s-92": (35, 3.01),
    "ute-s-92": (10, 24.77),
    "yor-f-83": (21, 34.44),
}


def load(name: str, data: Path = DATA) -> tuple[ExamProblem, list[str]]:
    """The instance as an ExamProblem (one period per day, no daily limit, Toronto weights),
    and the exam ids in index order."""
    n_periods = INSTANCES[name][0]
    ids: list[str] = []
    sizes: list[int] = []
    for line in (data / f"{name}.crs").read_text().splitlines():
        parts = line.split()
        if parts:
            ids.append(parts[0])
            sizes.append(int(parts[1]))
    index = {x: i for i, x in enumerate(ids)}
    students = [[index[x] for x in line.split()]
                for line in (data / f"{name}.stu").read_text().splitlines() if line.split()]
    problem = ExamProblem(
        exams=[Exam(size=s, name=x) for x, s in zip(ids, sizes, strict=True)],
        periods=[Period(day=p, name=str(p)) for p in range(n_periods)],
        students=students, max_per_day=None, name=name,
    )
    return problem, ids


def run_one(name: str, time_limit: float, seed: int, data: Path = DATA) -> dict[str, object]:
    started = time.monotonic()
    problem, ids = load(name, data)
    loaded = time.monotonic() - started
    sol = solve_exams(problem, time_limit=max(1.0, time_limit - loaded), seed=seed)
    seconds = time.monotonic() - started
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.sol"
    path.write_text("".join(f"{ids[e]} {p}\n" for e, p in enumerate(sol.period)))
    n_periods, best = INSTANCES[name]
    check = exam_eval.evaluate_toronto(data / f"{name}.crs", data / f"{name}.stu", path,
                                       n_periods)
    return {
        "instance": name, "exams": problem.n_exams, "students": problem.n_students,
        "periods": n_periods, "feasible": check.feasible, "cost": check.cost,
        "solver_cost": sol.cost_per_student, "best": best, "ratio": check.cost / best,
        "seconds": seconds, "hard": check.hard, "stats": sol.stats, "seed": seed,
    }


def _row(r: dict[str, object]) -> str:
    return (f"{r['instance']:<9} {r['exams']:>5} {r['students']:>6} {r['periods']:>3} "
            f"{'yes' if r['feasible'] else 'NO':>4} {r['cost']:>8.3f} {r['best']:>7.2f} "
            f"{r['ratio']:>6.3f} {r['seconds']:>6.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", default=",".join(INSTANCES),
                        help="comma-separated names (default: all 13)")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per instance")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1,
                        help="instances solved at once, each in its own process")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args()
    names = [n.strip() for n in args.instances.split(",") if n.strip()]
    unknown = [n for n in names if n not in INSTANCES]
    if unknown:
        parser.error(f"unknown instances: {unknown}")
    print(f"Toronto, {len(names)} instances, {args.time_limit:.0f} s each, seed {args.seed}, "
          f"jobs {args.jobs}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}", flush=True)
    print(f"{'instance':<9} {'exams':>5} {'stud.':>6} {'P':>3} {'feas':>4} {'cost':>8} "
          f"{'best':>7} {'ratio':>6} {'sec':>6}", flush=True)
    rows: list[dict[str, object]] = []
    # Largest first, so that two parallel jobs finish close together.
    order = sorted(names, key=lambda n: -(DATA / f"{n}.stu").stat().st_size)
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_one, n, args.time_limit, args.seed, args.data)
                       for n in order]
            for f in futures:
                rows.append(f.result())
                print(_row(rows[-1]), flush=True)
    else:
        for n in order:
            rows.append(run_one(n, args.time_limit, args.seed, args.data))
            print(_row(rows[-1]), flush=True)
    rows.sort(key=lambda r: names.index(str(r["instance"])))
    ratios = [float(r["ratio"]) for r in rows]  # type: ignore[arg-type]
    gmean = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
    print(f"geometric mean of cost / best published over {len(rows)}: {gmean:.4f}; "
          f"feasible {sum(1 for r in rows if r['feasible'])}/{len(rows)}", flush=True)
    for r in rows:
        if r["hard"]:
            print(f"  {r['instance']}: {r['hard']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str))
    return 0 if all(r["feasible"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
