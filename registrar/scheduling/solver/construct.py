"""A first feasible timetable.

1. `dsatur`: saturation-degree greedy (compiled). The exam (with its coincidence group) that has
   the fewest periods left is placed first, ties to the most conflicted, in the feasible period
   that adds the least cost. Fast; on tight instances it may leave exams unplaced.
2. `cpsat_periods`: when the greedy leaves exams unplaced, a CP-SAT model of the period
   assignment (Booleans x[e, p]; clashes as "at most one per period" over each student's set of
   exams; coincidence, exclusion, "after", allowed periods, per-student limits per window of
   days, and the seats of each period — total seats, plus for one room per exam the seats of
   the rooms large enough for the larger exams), hinted with the greedy's placements.
3. `seat_rooms`: with one room per exam, the exams of each period are seated best-fit
   decreasing; a period the greedy cannot seat is packed by a small CP-SAT model.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from ortools.sat.python import cp_model

from .arrays import Arrays
from .kernels import BIG, best_room, room_cost_add, room_cost_remove, window_ok


@njit(cache=True)
def _dsatur(
    seed, noise, per, room, load, rload, rcnt, rexc, dcnt, dc,
    size, adj_ptr, adj_idx, adj_w, pc, ep, allowed, grp, grp_ptr, grp_idx,
    aft_ptr, aft_idx, aft_sign, day, n_days, es_ptr, es_idx, lim_days, lim_k,
    room_mode, totcap, cap, rpen, excl, dcls, nmd_w,
):
    np.random.seed(seed)
    E = per.shape[0]
    P = pc.shape[0]
    has_lim = lim_days.shape[0] > 0
    nb = np.zeros((E, P), dtype=np.int32)
    deg = np.zeros(E, dtype=np.int64)
    gsize = np.zeros(E, dtype=np.int64)
    for e in range(E):
        g = grp[e]
        deg[g] += adj_ptr[e + 1] - adj_ptr[e]
        gsize[g] += size[e]
    rnd = np.random.random(E)
    done = np.zeros(E, dtype=np.uint8)
    for e in range(E):
        if grp[e] != e:
            done[e] = 1
    tmp_rooms = np.zeros(E, dtype=np.int64)
    # gnb[g, p]: placed neighbours of group g's members in p; gblocked[g]: periods closed to g.
    gnb = np.zeros((E, P), dtype=np.int32)
    gblocked = np.zeros(E, dtype=np.int64)
    for g in range(E):
        if grp[g] == g:
            for p in range(P):
                if allowed[g, p] == 0:
                    gblocked[g] += 1
    unplaced = 0
    while True:
        # The group with the fewest periods left.
        g_best = -1
        best_blocked = -1
        for g in range(E):
            if done[g]:
                continue
            blocked = gblocked[g]
            if (blocked > best_blocked
                    or (blocked == best_blocked and deg[g] > deg[g_best])
                    or (blocked == best_blocked and deg[g] == deg[g_best]
                        and rnd[g] > rnd[g_best])):
                g_best = g
                best_blocked = blocked
        if g_best < 0:
            break
        g = g_best
        done[g] = 1
        lo, hi = grp_ptr[g], grp_ptr[g + 1]
        p_best = -1
        c_best = np.inf
        for p in range(P):
            if allowed[g, p] == 0:
                continue
            ok = True
            c = 0.0
            for k in range(lo, hi):
                m = grp_idx[k]
                if nb[m, p] > 0:
                    ok = False
                    break
                for kk in range(aft_ptr[m], aft_ptr[m + 1]):
                    py = per[aft_idx[kk]]
                    if py >= 0 and ((aft_sign[kk] > 0 and p <= py)
                                    or (aft_sign[kk] < 0 and p >= py)):
                        ok = False
                        break
                if not ok:
                    break
                c += ep[m, p]
                for kk in range(adj_ptr[m], adj_ptr[m + 1]):
                    py = per[adj_idx[kk]]
                    if py >= 0:
                        c += adj_w[kk] * pc[p, py]
            if not ok:
                continue
            if room_mode == 1 and load[p] + gsize[g] > totcap:
                continue
            if has_lim:
                dp = day[p]
                for k in range(lo, hi):
                    m = grp_idx[k]
                    for kk in range(es_ptr[m], es_ptr[m + 1]):
                        dc[es_idx[kk], dp] += 1
                for k in range(lo, hi):
                    m = grp_idx[k]
                    for kk in range(es_ptr[m], es_ptr[m + 1]):
                        if not window_ok(es_idx[kk], dp, dc, lim_days, lim_k, n_days):
                            ok = False
                            break
                    if not ok:
                        break
                for k in range(lo, hi):
                    m = grp_idx[k]
                    for kk in range(es_ptr[m], es_ptr[m + 1]):
                        dc[es_idx[kk], dp] -= 1
                if not ok:
                    continue
            if room_mode == 2:
                placed = 0
                for k in range(lo, hi):
                    m = grp_idx[k]
                    r = best_room(m, p, size, cap, rpen, excl, dcls, rload, rcnt, rexc, dcnt,
                                  nmd_w)
                    if r < 0:
                        ok = False
                        break
                    c += room_cost_add(m, p, r, size, rpen, excl, dcls, rload, rcnt, rexc,
                                       dcnt, nmd_w)
                    tmp_rooms[placed] = r
                    placed += 1
                for k in range(placed):
                    m = grp_idx[lo + k]
                    room_cost_remove(m, p, tmp_rooms[k], size, rpen, excl, dcls, rload, rcnt,
                                     rexc, dcnt, nmd_w)
                if not ok:
                    continue
            c += noise * np.random.random()
            if c < c_best:
                c_best = c
                p_best = p
        if p_best < 0:
            for k in range(lo, hi):
                per[grp_idx[k]] = -1
                unplaced += 1
            continue
        p = p_best
        for k in range(lo, hi):
            m = grp_idx[k]
            per[m] = p
            load[p] += size[m]
            if room_mode == 2:
                r = best_room(m, p, size, cap, rpen, excl, dcls, rload, rcnt, rexc, dcnt, nmd_w)
                room[m] = r
                room_cost_add(m, p, r, size, rpen, excl, dcls, rload, rcnt, rexc, dcnt, nmd_w)
            if has_lim:
                for kk in range(es_ptr[m], es_ptr[m + 1]):
                    dc[es_idx[kk], day[p]] += 1
            for kk in range(adj_ptr[m], adj_ptr[m + 1]):
                y = adj_idx[kk]
                nb[y, p] += 1
                gy = grp[y]
                gnb[gy, p] += 1
                if gnb[gy, p] == 1 and allowed[gy, p] != 0:
                    gblocked[gy] += 1
    return unplaced


def dsatur(a: Arrays, seed: int, noise: float = 0.0) -> tuple[np.ndarray, np.ndarray, int]:
    """Greedy timetable: (period per exam or -1, room per exam or -1, number unplaced)."""
    from .improve import make_state

    st = make_state(a, np.full(a.E, -1, dtype=np.int64))
    unplaced = _dsatur(
        seed, noise, st.per, st.room, st.load, st.rload, st.rcnt, st.rexc, st.dcnt, st.dc,
        a.size, a.adj_ptr, a.adj_idx, a.adj_w, a.pc, a.ep, a.allowed, a.grp, a.grp_ptr,
        a.grp_idx, a.aft_ptr, a.aft_idx, a.aft_sign, a.day, a.n_days, a.es_ptr, a.es_idx,
        a.lim_days, a.lim_k, a.room_mode, a.totcap, a.cap, a.rpen, a.excl, a.dcls, a.nmd_w,
    )
    return st.per, st.room, int(unplaced)


def _clash_cliques(a: Arrays) -> list[list[int]]:
    """Cliques covering every edge of the conflict graph: each student's set of exams (they
    pairwise clash), then the edges no student set covers (exclusions, a conflict matrix)."""
    cliques: list[list[int]] = []
    seen: set[tuple[int, ...]] = set()
    covered: set[tuple[int, int]] = set()
    for s in sorted(a.student_sets, key=len, reverse=True):
        if len(s) < 2:
            continue
        key = tuple(s)
        if key in seen:
            continue
        seen.add(key)
        cliques.append(list(s))
        for i, x in enumerate(s):
            for y in s[i + 1:]:
                covered.add((x, y))
    for x in range(a.E):
        for k in range(a.adj_ptr[x], a.adj_ptr[x + 1]):
            y = int(a.adj_idx[k])
            if x < y and (x, y) not in covered:
                cliques.append([x, y])
    return cliques


def cpsat_periods(
    a: Arrays, *, time_limit: float, seed: int, hint: np.ndarray | None = None,
) -> tuple[str, np.ndarray | None]:
    """Period per exam from CP-SAT: ("feasible", periods), ("infeasible", None) when proved,
    or ("unknown", None) when the time ran out."""
    model = cp_model.CpModel()
    E, P = a.E, a.P
    reps = [e for e in range(E) if a.grp[e] == e]
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for g in reps:
        lits = []
        for p in range(P):
            if a.allowed[g, p]:
                v = model.new_bool_var(f"x{g}_{p}")
                x[g, p] = v
                lits.append(v)
        model.add_exactly_one(lits)

    def var(e: int, p: int) -> cp_model.IntVar | None:
        return x.get((int(a.grp[e]), p))

    for clique in _clash_cliques(a):
        groups = sorted({int(a.grp[e]) for e in clique})
        for p in range(P):
            lits = [x[g, p] for g in groups if (g, p) in x]
            if len(lits) > 1:
                model.add_at_most_one(lits)
    t = {g: model.new_int_var(0, P - 1, f"t{g}") for g in reps}
    for g in reps:
        model.add(t[g] == sum(p * x[g, p] for p in range(P) if (g, p) in x))
    for e in range(E):
        for k in range(a.aft_ptr[e], a.aft_ptr[e + 1]):
            if a.aft_sign[k] > 0:
                y = int(a.aft_idx[k])
                model.add(t[int(a.grp[e])] > t[int(a.grp[y])])
    if a.room_mode in (1, 2):
        thresholds = [0]
        if a.room_mode == 2:
            thresholds += sorted({int(c) for c in a.cap})
        for c in thresholds:
            big_rooms = int(sum(int(cap) for cap in a.cap if cap > c))
            exams = [e for e in range(E) if a.size[e] > c]
            if not exams:
                continue
            for p in range(P):
                terms = [(int(a.size[e]), var(e, p)) for e in exams]
                terms2 = [(s, v) for s, v in terms if v is not None]
                if sum(s for s, _ in terms2) > big_rooms:
                    model.add(sum(s * v for s, v in terms2) <= big_rooms)
        if a.room_mode == 2 and a.excl.any():
            for p in range(P):
                lits2 = [lit for e in range(E) if a.excl[e] and (lit := var(e, p)) is not None]
                if len(lits2) > a.R:
                    model.add(sum(lits2) <= a.R)
    if a.lim_days.shape[0]:
        limit_sets = a.student_sets or [
            [x_, int(a.adj_idx[k])] for x_ in range(E)
            for k in range(a.adj_ptr[x_], a.adj_ptr[x_ + 1]) if x_ < a.adj_idx[k]
        ]
        done: set[tuple[int, ...]] = set()
        for s in limit_sets:
            key = tuple(s)
            if key in done:
                continue
            done.add(key)
            for w, k_ in zip(a.lim_days.tolist(), a.lim_k.tolist(), strict=True):
                if len(s) <= k_:
                    continue
                starts = range(max(1, a.n_days - w + 1))
                for st in starts:
                    days = range(st, min(a.n_days, st + w))
                    lits2 = [lit for e in s for p in range(P)
                             if a.day[p] in days and (lit := var(e, p)) is not None]
                    if len(lits2) > k_:
                        model.add(sum(lits2) <= k_)
    if hint is not None:
        for g in reps:
            if hint[g] >= 0:
                for p in range(P):
                    if (g, p) in x:
                        model.add_hint(x[g, p], int(hint[g] == p))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_search_workers = 1
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        per = np.full(E, -1, dtype=np.int64)
        for e in range(E):
            g = int(a.grp[e])
            per[e] = solver.value(t[g])
        return "feasible", per
    if status == cp_model.INFEASIBLE:
        return "infeasible", None
    return "unknown", None


def _pack_cpsat(a: Arrays, exams: list[int], time_limit: float, seed: int) -> list[int] | None:
    model = cp_model.CpModel()
    y = {(e, r): model.new_bool_var(f"y{e}_{r}") for e in exams for r in range(a.R)
         if a.size[e] <= a.cap[r]}
    for e in exams:
        model.add_exactly_one([y[e, r] for r in range(a.R) if (e, r) in y])
    for r in range(a.R):
        terms = [(int(a.size[e]), y[e, r]) for e in exams if (e, r) in y]
        if terms:
            model.add(sum(s * v for s, v in terms) <= int(a.cap[r]))
        for e in exams:
            if a.excl[e] and (e, r) in y:
                for f in exams:
                    if f != e and (f, r) in y:
                        model.add_implication(y[e, r], y[f, r].negated())
    model.minimize(sum(int(a.rpen[r]) * v for (_e, r), v in y.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_search_workers = 1
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [next(r for r in range(a.R) if (e, r) in y and solver.value(y[e, r])) for e in exams]


def seat_rooms(a: Arrays, per: np.ndarray, *, seed: int, time_limit: float = 10.0
               ) -> tuple[np.ndarray, list[int]]:
    """One room per exam for the periods `per`: (room per exam, exams left without a room)."""
    from .improve import make_state

    st = make_state(a, per)
    room = st.room
    unseated: list[int] = []
    for p in range(a.P):
        exams = [e for e in range(a.E) if per[e] == p]
        exams.sort(key=lambda e: (-int(a.excl[e]), -int(a.size[e]), e))
        placed: list[tuple[int, int]] = []
        failed = False
        for e in exams:
            r = best_room(e, p, a.size, a.cap, a.rpen, a.excl, a.dcls, st.rload, st.rcnt,
                          st.rexc, st.dcnt, a.nmd_w)
            if r < 0:
                failed = True
                break
            room_cost_add(e, p, r, a.size, a.rpen, a.excl, a.dcls, st.rload, st.rcnt, st.rexc,
                          st.dcnt, a.nmd_w)
            placed.append((e, r))
            room[e] = r
        if not failed:
            continue
        for e, r in placed:
            room_cost_remove(e, p, r, a.size, a.rpen, a.excl, a.dcls, st.rload, st.rcnt,
                             st.rexc, st.dcnt, a.nmd_w)
            room[e] = -1
        rooms = _pack_cpsat(a, exams, time_limit, seed)
        if rooms is None:
            unseated.extend(exams)
            continue
        for e, r in zip(exams, rooms, strict=True):
            room_cost_add(e, p, r, a.size, a.rpen, a.excl, a.dcls, st.rload, st.rcnt, st.rexc,
                          st.dcnt, a.nmd_w)
            room[e] = r
    return room, unseated


__all__ = ["BIG", "cpsat_periods", "dsatur", "seat_rooms"]
