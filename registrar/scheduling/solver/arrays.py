"""`ExamProblem` compiled into flat numpy arrays for the construction and the local search.

- The conflict graph is in CSR form (`adj_ptr`, `adj_idx`, `adj_w`): an edge means "different
  periods" (common students, or an exclusion constraint with weight 0); `adj_w` is the number
  of common students.
- `pc[p1, p2]` is the soft cost of one student sitting exams in periods p1 and p2, so moving
  exam x from o to n changes the cost by sum over neighbours y of w_xy (pc[n, p_y] - pc[o, p_y]).
- `ep[e, p]` is the per-exam cost of period p (period penalty, front load); `allowed[e, p]` says
  whether the exam may take place in p (duration, unavailability, and for a coincidence group,
  every member's).
- Coincidence groups (`grp`, members in `grp_ptr`/`grp_idx`) always share a period.
- `aft_*`: per exam, the exams it must follow (sign +1) or precede (sign -1).
- Student limits (`lim_days`, `lim_k`): at most k exams per student in any `days` consecutive
  days; the exam → students CSR (`es_ptr`, `es_idx`) is built only when there are limits.
- Rooms: `room_mode` 0 uncapacitated, 1 split (the exams of a period fit the total seats),
  2 one room per exam (several exams may share a room).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import ExamProblem

I64 = np.int64


class Infeasible(Exception):
    """The problem has no feasible timetable, for a reason found without searching."""


@dataclass
class Arrays:
    E: int
    P: int
    S: int
    R: int
    size: np.ndarray
    adj_ptr: np.ndarray
    adj_idx: np.ndarray
    adj_w: np.ndarray
    pc: np.ndarray
    ep: np.ndarray
    allowed: np.ndarray
    grp: np.ndarray
    grp_ptr: np.ndarray
    grp_idx: np.ndarray
    aft_ptr: np.ndarray
    aft_idx: np.ndarray
    aft_sign: np.ndarray
    day: np.ndarray
    n_days: int
    es_ptr: np.ndarray
    es_idx: np.ndarray
    se_ptr: np.ndarray
    se_idx: np.ndarray
    lim_days: np.ndarray
    lim_k: np.ndarray
    room_mode: int
    totcap: int
    cap: np.ndarray
    rpen: np.ndarray
    excl: np.ndarray
    dcls: np.ndarray
    n_dcls: int
    nmd_w: int
    student_sets: list[list[int]]


def _csr(n: int, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(n + 1, dtype=I64)
    for i, r in enumerate(rows):
        ptr[i + 1] = ptr[i] + len(r)
    idx = np.fromiter((v for r in rows for v in r), dtype=I64, count=int(ptr[-1]))
    return ptr, idx


def student_exam_sets(problem: ExamProblem) -> list[list[int]]:
    """Each student's distinct exams, sorted (students with no exam are kept as empty lists)."""
    return [sorted(set(s)) for s in problem.students] if problem.students is not None else []


def compile_problem(problem: ExamProblem) -> Arrays:
    E, P = problem.n_exams, problem.n_periods
    sets = student_exam_sets(problem)
    S = len(sets)

    # Common students per pair, through numpy: encode a * E + b for every pair of a student.
    keys: list[np.ndarray] = []
    for exams in sets:
        k = len(exams)
        if k > 1:
            arr = np.asarray(exams, dtype=I64)
            i, j = np.triu_indices(k, 1)
            keys.append(arr[i] * E + arr[j])
    pair_w: dict[tuple[int, int], int] = {}
    if keys:
        uniq, counts = np.unique(np.concatenate(keys), return_counts=True)
        for key, c in zip(uniq.tolist(), counts.tolist(), strict=True):
            pair_w[(key // E, key % E)] = c
    if problem.conflicts is not None:
        for (a, b), c in problem.conflicts.items():
            if a != b and c > 0:
                k2 = (a, b) if a < b else (b, a)
                pair_w[k2] = pair_w.get(k2, 0) + c

    # Coincidence groups (union-find).
    parent = list(range(E))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in problem.coincidence:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    grp = np.array([find(e) for e in range(E)], dtype=I64)
    members: list[list[int]] = [[] for _ in range(E)]
    for e in range(E):
        members[int(grp[e])].append(e)
    grp_ptr, grp_idx = _csr(E, members)

    edges = dict(pair_w)
    for a, b in problem.exclusion:
        if a == b:
            raise Infeasible(f"exam {a} excluded from itself")
        k2 = (a, b) if a < b else (b, a)
        edges.setdefault(k2, 0)
    for a, b in edges:
        if grp[a] == grp[b]:
            raise Infeasible(f"exams {a} and {b} must coincide but share students or are excluded")
    nbrs: list[list[tuple[int, int]]] = [[] for _ in range(E)]
    for (a, b), w in edges.items():
        nbrs[a].append((b, w))
        nbrs[b].append((a, w))
    for lst in nbrs:
        lst.sort()
    adj_ptr, adj_idx = _csr(E, [[y for y, _ in lst] for lst in nbrs])
    adj_w = np.fromiter((w for lst in nbrs for _, w in lst), dtype=I64, count=len(adj_idx))

    # Pair cost and per-exam period cost.
    pc = np.zeros((P, P), dtype=I64)
    for p1 in range(P):
        for p2 in range(P):
            pc[p1, p2] = problem.pair_cost(p1, p2)
    ep = np.zeros((E, P), dtype=I64)
    ep += np.array([q.penalty for q in problem.periods], dtype=I64)[None, :]
    n_large, last, w_fl = problem.front_load
    if n_large > 0 and last > 0 and w_fl:
        order = sorted(range(E), key=lambda e: (-problem.exams[e].size, e))[:n_large]
        for e in order:
            ep[e, max(0, P - last):] += w_fl

    allowed = np.ones((E, P), dtype=np.uint8)
    for e, exam in enumerate(problem.exams):
        for q, period in enumerate(problem.periods):
            if exam.duration and period.duration and exam.duration > period.duration:
                allowed[e, q] = 0
    for e, q in problem.unavailable:
        allowed[e, q] = 0
    for g in range(E):
        ms = members[g]
        if len(ms) > 1:
            both = np.bitwise_and.reduce(allowed[ms], axis=0)
            allowed[ms] = both

    aft: list[list[tuple[int, int]]] = [[] for _ in range(E)]
    for a, b in problem.after:
        if grp[a] == grp[b]:
            raise Infeasible(f"exam {a} must follow exam {b} but they coincide")
        aft[a].append((b, 1))
        aft[b].append((a, -1))
    aft_ptr, aft_idx = _csr(E, [[y for y, _ in lst] for lst in aft])
    aft_sign = np.fromiter((s for lst in aft for _, s in lst), dtype=I64, count=len(aft_idx))

    day_raw = [q.day for q in problem.periods]
    d0 = min(day_raw) if day_raw else 0
    day = np.array([d - d0 for d in day_raw], dtype=I64)
    n_days = int(day.max()) + 1 if P else 0

    lims: list[tuple[int, int]] = []
    if problem.max_per_day is not None:
        lims.append((1, problem.max_per_day))
    if problem.max_per_window is not None:
        lims.append(problem.max_per_window)
    # Without student lists (a conflict matrix only), validate() admits just max_per_day == 1:
    # each conflicting pair then acts as a student sitting both exams.
    lim_sets = sets if problem.students is not None else [[a, b] for a, b in pair_w]
    # A limit no student can exceed needs no checking.
    longest = max((len(s) for s in lim_sets), default=0)
    lims = [(d, k) for d, k in lims if k < longest]
    if lims:
        per_exam: list[list[int]] = [[] for _ in range(E)]
        for s, exams in enumerate(lim_sets):
            for e in exams:
                per_exam[e].append(s)
        es_ptr, es_idx = _csr(E, per_exam)
        se_ptr, se_idx = _csr(len(lim_sets), lim_sets)
        S = max(S, len(lim_sets))
    else:
        es_ptr, es_idx = np.zeros(E + 1, dtype=I64), np.zeros(0, dtype=I64)
        se_ptr, se_idx = np.zeros(1, dtype=I64), np.zeros(0, dtype=I64)

    R = len(problem.rooms)
    size = np.array([x.size for x in problem.exams], dtype=I64)
    if R == 0:
        room_mode = 0
    elif problem.room_split:
        room_mode = 1
    else:
        room_mode = 2
    cap = np.array([r.capacity for r in problem.rooms], dtype=I64)
    rpen = np.array([r.penalty for r in problem.rooms], dtype=I64)
    totcap = int(cap.sum()) if R else 0
    excl = np.zeros(E, dtype=np.uint8)
    for e in problem.room_exclusive:
        excl[e] = 1
    durations = sorted({x.duration for x in problem.exams})
    dmap = {d: i for i, d in enumerate(durations)}
    dcls = np.array([dmap[x.duration] for x in problem.exams], dtype=I64)
    if room_mode == 2:
        biggest = int(cap.max())
        for e in range(E):
            if size[e] > biggest:
                raise Infeasible(f"exam {e} ({size[e]} seats) fits no room (largest {biggest})")
    elif room_mode == 1:
        for e in range(E):
            if size[e] > totcap:
                raise Infeasible(f"exam {e} ({size[e]} seats) exceeds all rooms ({totcap})")
    for e in range(E):
        if not allowed[e].any():
            raise Infeasible(f"exam {e} has no allowed period")
    return Arrays(
        E=E, P=P, S=S, R=R, size=size, adj_ptr=adj_ptr, adj_idx=adj_idx, adj_w=adj_w, pc=pc,
        ep=ep, allowed=allowed, grp=grp, grp_ptr=grp_ptr, grp_idx=grp_idx, aft_ptr=aft_ptr,
        aft_idx=aft_idx, aft_sign=aft_sign, day=day, n_days=n_days, es_ptr=es_ptr,
        es_idx=es_idx, se_ptr=se_ptr, se_idx=se_idx,
        lim_days=np.array([d for d, _ in lims], dtype=I64),
        lim_k=np.array([k for _, k in lims], dtype=I64), room_mode=room_mode, totcap=totcap,
        cap=cap, rpen=rpen, excl=excl, dcls=dcls, n_dcls=max(1, len(durations)),
        nmd_w=problem.non_mixed_durations, student_sets=sets,
    )
