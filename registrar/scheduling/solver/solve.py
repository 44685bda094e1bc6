"""The public entry point of the examination timetabling solver."""

from __future__ import annotations

import time

import numpy as np

from .arrays import Arrays, Infeasible, compile_problem
from .construct import cpsat_periods, dsatur, seat_rooms
from .evaluate import COST_KEYS, evaluate
from .improve import anneal, full_cost, make_state
from .problem import ExamProblem, ExamSolution
from .repair import repair


def split_rooms(problem: ExamProblem, period: list[int]) -> list[list[tuple[int, int]]]:
    """Seats for the exams of each period when an exam may be spread over rooms: room-exclusive
    exams take whole rooms first (largest first); then, largest exam first, an exam goes whole
    into the smallest room with enough free seats, or else fills the emptiest rooms in turn."""
    E = problem.n_exams
    caps = [r.capacity for r in problem.rooms]
    out: list[list[tuple[int, int]]] = [[] for _ in range(E)]
    exclusive = set(problem.room_exclusive)
    by_period: dict[int, list[int]] = {}
    for e in range(E):
        if period[e] >= 0:
            by_period.setdefault(period[e], []).append(e)
    for exams in by_period.values():
        free = list(caps)
        whole = [True] * len(caps)
        exams.sort(key=lambda e: (e not in exclusive, -problem.exams[e].size, e))
        for e in exams:
            need = problem.exams[e].size
            if e in exclusive:
                for r in sorted(range(len(caps)), key=lambda r: (-caps[r], r)):
                    if need <= 0 and out[e]:
                        break
                    if whole[r] and caps[r] > 0:
                        seats = min(need, caps[r])
                        out[e].append((r, seats))
                        free[r] = 0
                        whole[r] = False
                        need -= seats
                continue
            fits = [r for r in range(len(caps)) if free[r] >= need]
            if need > 0 and fits:
                r = min(fits, key=lambda r: (free[r], r))
                out[e].append((r, need))
                free[r] -= need
                whole[r] = False
                continue
            for r in sorted(range(len(caps)), key=lambda r: (-free[r], r)):
                if need <= 0:
                    break
                if free[r] <= 0:
                    continue
                seats = min(need, free[r])
                out[e].append((r, seats))
                free[r] -= seats
                whole[r] = False
                need -= seats
    return out


def _rooms_of(problem: ExamProblem, a: Arrays | None, period: list[int],
              room: np.ndarray | None) -> list[list[tuple[int, int]]]:
    if not problem.rooms:
        return [[] for _ in range(problem.n_exams)]
    if problem.room_split:
        return split_rooms(problem, period)
    assert room is not None
    return [[(int(room[e]), problem.exams[e].size)] if period[e] >= 0 and room[e] >= 0 else []
            for e in range(problem.n_exams)]


def _solution(problem: ExamProblem, a: Arrays | None, per: np.ndarray | list[int],
              room: np.ndarray | None, status: str, started: float,
              extra: list[str] | None = None, stats: dict[str, float] | None = None
              ) -> ExamSolution:
    period = [int(p) for p in per]
    rooms = _rooms_of(problem, a, period, room)
    breakdown, violations = evaluate(problem, period, rooms)
    violations = (extra or []) + violations
    feasible = not violations
    if feasible:
        status = "feasible"
    elif status == "feasible":
        status = "unknown"
    return ExamSolution(
        period=period, rooms=rooms, cost=breakdown["total"],
        breakdown={k: breakdown[k] for k in COST_KEYS}, feasible=feasible, status=status,
        violations=violations, n_students=problem.n_students,
        seconds=time.monotonic() - started, stats=stats or {},
    )


def solve_exams(problem: ExamProblem, *, time_limit: float, seed: int = 0) -> ExamSolution:
    """Timetable `problem` within about `time_limit` seconds (one process).

    A saturation-degree greedy places the exams; if it cannot place them all, CP-SAT solves the
    period assignment (and proves infeasibility when there is none). Simulated annealing with
    Kempe-chain moves then lowers the soft cost for the rest of the time. The result is the
    period (and, when capacitated, the rooms with their seats) of every exam, the soft cost
    with its breakdown, and whether every hard constraint holds. An infeasible problem is
    reported (`feasible=False`, `status="infeasible"` when proved, else `"unknown"`), not
    raised. Small problems stop on a move budget before the time limit and are then the same
    for the same seed; larger ones use the whole time, so their result depends on the speed
    the machine gives.
    """
    started = time.monotonic()
    deadline = started + time_limit
    E = problem.n_exams
    stats: dict[str, float] = {}
    try:
        a = compile_problem(problem)
    except Infeasible as exc:
        return _solution(problem, None, [-1] * E, None, "infeasible", started, [str(exc)])
    if E == 0:
        return _solution(problem, a, [], None, "feasible", started)
    stats["compile_s"] = time.monotonic() - started

    per, room, unplaced = dsatur(a, seed)
    tries = 1
    rng = np.random.default_rng(seed)
    while unplaced and tries < 5 and time.monotonic() < started + 0.1 * time_limit:
        per2, room2, unplaced2 = dsatur(a, int(rng.integers(1 << 30)), noise=1.0)
        tries += 1
        if unplaced2 < unplaced:
            per, room, unplaced = per2, room2, unplaced2
    stats["greedy_unplaced"] = float(unplaced)
    stats["greedy_s"] = time.monotonic() - started
    if unplaced:
        per, room, unplaced = repair(a, per, room, seed=seed,
                                     seconds=0.3 * (deadline - time.monotonic()))
        stats["repair_unplaced"] = float(unplaced)
        stats["repair_s"] = time.monotonic() - started
    if unplaced:
        budget = max(1.0, 0.6 * (deadline - time.monotonic()))
        status, per_cp = cpsat_periods(a, time_limit=budget, seed=seed, hint=per)
        stats["cpsat_s"] = time.monotonic() - started
        if per_cp is None:
            return _solution(problem, a, per, room, status, started,
                             [f"no feasible timetable ({status}, CP-SAT {budget:.0f} s)"],
                             stats)
        per = per_cp
        if a.room_mode == 2:
            room, unseated = seat_rooms(a, per, seed=seed,
                                        time_limit=max(1.0, 0.1 * (deadline - time.monotonic())))
            if unseated:
                for e in unseated:
                    group = a.grp == a.grp[e]
                    per[group] = -1
                    room[group] = -1
                per, room, left = repair(a, per, room, seed=seed,
                                         seconds=0.5 * (deadline - time.monotonic()))
            if unseated and left:
                return _solution(problem, a, per, room, "unknown", started,
                                 [f"{len(unseated)} exams could not be seated"], stats)
    st = make_state(a, per, room)
    stats["start_cost"] = float(full_cost(a, st))
    remaining = deadline - time.monotonic() - 0.05 - 0.02 * time_limit
    ann = anneal(a, st, seconds=remaining, seed=seed)
    stats.update(st.stats)
    stats["search_cost"] = float(ann.best)
    return _solution(problem, a, ann.best_per, ann.best_room, "feasible", started, None, stats)
