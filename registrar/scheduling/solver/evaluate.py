"""Cost and hard-constraint check of a timetable, from scratch (the definition in `problem.py`).

`evaluate(problem, period, rooms)` returns the cost breakdown and the list of violated hard
constraints; the local search's incremental cost must equal the breakdown's total.
"""

from __future__ import annotations

import numpy as np

from .problem import ExamProblem

COST_KEYS = ("proximity", "two_in_a_row", "two_in_a_day", "period_penalty", "room_penalty",
             "front_load", "non_mixed_durations")


def conflict_arrays(problem: ExamProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, common students) for every pair of exams a < b with a common student."""
    pairs = problem.conflict_pairs()
    if not pairs:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z
    ab = np.array(list(pairs.keys()), dtype=np.int64)
    w = np.array(list(pairs.values()), dtype=np.int64)
    return ab[:, 0], ab[:, 1], w


def evaluate(
    problem: ExamProblem,
    period: list[int],
    rooms: list[list[tuple[int, int]]] | None = None,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[dict[str, int], list[str]]:
    E, P = problem.n_exams, problem.n_periods
    per = np.asarray(period, dtype=np.int64)
    violations: list[str] = []
    unplaced = [e for e in range(E) if not 0 <= per[e] < P]
    if unplaced:
        violations.append(f"{len(unplaced)} exams without a period (e.g. {unplaced[:5]})")
    a, b, w = conflict_arrays(problem) if pairs is None else pairs
    placed = np.ones(E, dtype=bool)
    placed[unplaced] = False
    ok = placed[a] & placed[b]
    pa, pb, ww = per[a[ok]], per[b[ok]], w[ok]
    clash = int(np.sum(ww[pa == pb]))
    if clash:
        violations.append(f"{clash} student clashes (two exams in one period)")
    d = np.abs(pa - pb)
    prox = np.array((0, *problem.proximity), dtype=np.int64)
    near = (d > 0) & (d <= len(problem.proximity))
    breakdown = dict.fromkeys(COST_KEYS, 0)
    breakdown["proximity"] = int(np.sum(ww[near] * prox[d[near]]))
    days = np.array([q.day for q in problem.periods], dtype=np.int64)
    same_day = (days[pa] == days[pb]) & (d > 0)
    breakdown["two_in_a_row"] = problem.two_in_a_row * int(np.sum(ww[same_day & (d == 1)]))
    breakdown["two_in_a_day"] = problem.two_in_a_day * int(np.sum(ww[same_day & (d > 1)]))
    breakdown["period_penalty"] = int(sum(problem.periods[per[e]].penalty
                                          for e in range(E) if placed[e]))
    n_large, last, w_fl = problem.front_load
    if n_large > 0 and last > 0:
        largest = sorted(range(E), key=lambda e: (-problem.exams[e].size, e))[:n_large]
        breakdown["front_load"] = w_fl * sum(1 for e in largest
                                             if placed[e] and per[e] >= P - last)

    for e, exam in enumerate(problem.exams):
        if placed[e]:
            q = problem.periods[per[e]]
            if exam.duration and q.duration and exam.duration > q.duration:
                violations.append(f"exam {e} is longer than its period {per[e]}")
    for e, q_ in problem.unavailable:
        if per[e] == q_:
            violations.append(f"exam {e} in unavailable period {q_}")
    for x, y in problem.coincidence:
        if per[x] != per[y]:
            violations.append(f"exams {x} and {y} must coincide")
    for x, y in problem.exclusion:
        if per[x] == per[y]:
            violations.append(f"exams {x} and {y} must not coincide")
    for x, y in problem.after:
        if not per[x] > per[y]:
            violations.append(f"exam {x} must follow exam {y}")

    limits: list[tuple[int, int]] = []
    if problem.max_per_day is not None:
        limits.append((1, problem.max_per_day))
    if problem.max_per_window is not None:
        limits.append(problem.max_per_window)
    if limits:
        if problem.students is not None:
            lim_sets = [sorted(set(s)) for s in problem.students]
        else:
            lim_sets = [[int(x), int(y)] for x, y in zip(a.tolist(), b.tolist(), strict=True)]
        n_days = int(days.max() - days.min()) + 1 if P else 0
        over = 0
        for s in lim_sets:
            per_day = np.zeros(n_days, dtype=np.int64)
            for e in s:
                if placed[e]:
                    per_day[days[per[e]] - days.min()] += 1
            for width, k in limits:
                width = min(width, n_days)
                sums = np.convolve(per_day, np.ones(width, dtype=np.int64), mode="valid")
                if sums.size and int(sums.max()) > k:
                    over += 1
        if over:
            violations.append(f"{over} students over the limit of exams per day/window")

    if problem.rooms:
        rooms = rooms or [[] for _ in range(E)]
        used: dict[tuple[int, int], int] = {}
        occupants: dict[tuple[int, int], set[int]] = {}
        exclusive = set(problem.room_exclusive)
        for e in range(E):
            if not placed[e]:
                continue
            seats = sum(s for _, s in rooms[e])
            if seats != problem.exams[e].size:
                violations.append(f"exam {e}: {seats} seats for {problem.exams[e].size}")
            if not problem.room_split and len(rooms[e]) != 1:
                violations.append(f"exam {e} must sit in exactly one room")
            for r, n_seats in rooms[e]:
                key = (int(per[e]), r)
                used[key] = used.get(key, 0) + n_seats
                occupants.setdefault(key, set()).add(e)
                breakdown["room_penalty"] += problem.rooms[r].penalty
        for (q_, r), n_seats in used.items():
            if n_seats > problem.rooms[r].capacity:
                violations.append(f"room {r} in period {q_}: {n_seats} seats > "
                                  f"{problem.rooms[r].capacity}")
            occ = occupants[(q_, r)]
            if len(occ) > 1 and occ & exclusive:
                violations.append(f"room {r} in period {q_} is exclusive to an exam but shared")
            kinds = {problem.exams[e].duration for e in occ}
            breakdown["non_mixed_durations"] += problem.non_mixed_durations * (len(kinds) - 1)
    breakdown["total"] = sum(breakdown[k] for k in COST_KEYS)
    return breakdown, violations
