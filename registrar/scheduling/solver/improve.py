"""Local search: simulated annealing with Kempe-chain moves and exact delta evaluation.

A move picks an exam e (period p) and another period q, and swaps the Kempe chain of e between
p and q: every exam that would clash follows to the other period, so the timetable stays free of
clashes. Pairs inside the chain keep their distance |p - q|, so the change of the proximity cost
is, over the chain exams x and their neighbours y outside the chain,
    sum w_xy * (pc[new_x, per_y] - pc[old_x, per_y])
plus the per-exam period cost `ep`, and — in the one-room-per-exam mode — the room cost of
re-seating the moved exams (best fit in their new period). The other hard constraints (allowed
periods, "after", student limits, seats) are checked on the chain; a move that breaks one is
not made. With one room per exam a second move re-seats one exam in another room of its period.

The annealing runs in compiled batches; `anneal` sets each batch's temperatures from the time
used (geometric cooling from T0 to T1 over the time limit) and keeps the best timetable.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from .arrays import Arrays
from .kernels import BIG, best_room, room_cost_add, room_cost_remove, window_ok

T0_FACTOR = 3.0
"""The start temperature, as a multiple of the mean worsening of a random move."""
T1 = 0.5
"""The final temperature (costs are integers: a worsening by 1 is then accepted 13 % of the
time, by 3 under 0.3 %)."""
P_SWAP = 0.02
"""Share of the moves that swap the contents of two periods (the rest are Kempe chains)."""
MOVES_PER_EXAM_PERIOD = 100_000
"""Move budget per exam and period: it ends the search on small problems before the time."""


@dataclass
class State:
    """A complete timetable and its bookkeeping (see `kernels`)."""

    per: np.ndarray
    room: np.ndarray
    load: np.ndarray
    rload: np.ndarray
    rcnt: np.ndarray
    rexc: np.ndarray
    dcnt: np.ndarray
    dc: np.ndarray
    W: np.ndarray
    """W[i, k]: common students of the exams in period i and those in period k."""
    EPS: np.ndarray
    """EPS[i, j]: sum of ep[x, j] over the exams x in period i."""
    NA: np.ndarray
    """NA[i, j]: exams in period i not allowed in period j."""
    stats: dict[str, float] = field(default_factory=dict)


def make_state(a: Arrays, per: np.ndarray, room: np.ndarray | None = None) -> State:
    """Bookkeeping for the timetable `per` (and `room` in room mode 2)."""
    per = per.astype(np.int64).copy()
    P, R = a.P, max(a.R, 1)
    load = np.zeros(P, dtype=np.int64)
    rload = np.zeros((P, R), dtype=np.int64)
    rcnt = np.zeros((P, R), dtype=np.int64)
    rexc = np.zeros((P, R), dtype=np.int64)
    dcnt = np.zeros((P, R, a.n_dcls), dtype=np.int64)
    rm = np.full(a.E, -1, dtype=np.int64) if room is None else room.astype(np.int64).copy()
    n_lim_students = a.S if a.lim_days.shape[0] else 0
    dc = np.zeros((n_lim_students, max(a.n_days, 1)), dtype=np.int32)
    for e in range(a.E):
        p = int(per[e])
        if p < 0:
            continue
        load[p] += a.size[e]
        if a.room_mode == 2 and rm[e] >= 0:
            r = int(rm[e])
            rload[p, r] += a.size[e]
            rcnt[p, r] += 1
            rexc[p, r] += a.excl[e]
            dcnt[p, r, a.dcls[e]] += 1
        if n_lim_students:
            for k in range(a.es_ptr[e], a.es_ptr[e + 1]):
                dc[a.es_idx[k], a.day[p]] += 1
    W = np.zeros((P, P), dtype=np.int64)
    EPS = np.zeros((P, P), dtype=np.int64)
    NA = np.zeros((P, P), dtype=np.int64)
    if (per >= 0).all():
        _period_tables(per, a.adj_ptr, a.adj_idx, a.adj_w, a.ep, a.allowed, W, EPS, NA)
    return State(per=per, room=rm, load=load, rload=rload, rcnt=rcnt, rexc=rexc, dcnt=dcnt,
                 dc=dc, W=W, EPS=EPS, NA=NA)


@njit(cache=True)
def _period_tables(per, adj_ptr, adj_idx, adj_w, ep, allowed, W, EPS, NA):
    E = per.shape[0]
    P = W.shape[0]
    for x in range(E):
        px = per[x]
        for k in range(adj_ptr[x], adj_ptr[x + 1]):
            W[px, per[adj_idx[k]]] += adj_w[k]
        for j in range(P):
            EPS[px, j] += ep[x, j]
            if allowed[x, j] == 0:
                NA[px, j] += 1


@njit(cache=True)
def _tables_move(x, o, nx, stamp, tag, per, adj_ptr, adj_idx, adj_w, ep, allowed, W, EPS, NA):
    """Exam x moves from o to nx as part of the chain stamped `tag` (per not yet updated)."""
    for k in range(adj_ptr[x], adj_ptr[x + 1]):
        y = adj_idx[k]
        if stamp[y] != tag:
            w = adj_w[k]
            py = per[y]
            W[o, py] -= w
            W[py, o] -= w
            W[nx, py] += w
            W[py, nx] += w
    P = W.shape[0]
    for j in range(P):
        EPS[o, j] -= ep[x, j]
        EPS[nx, j] += ep[x, j]
        if allowed[x, j] == 0:
            NA[o, j] -= 1
            NA[nx, j] += 1


@njit(cache=True)
def _swap_rows_cols(M, i, j, cols):
    P = M.shape[0]
    for k in range(M.shape[1]):
        t = M[i, k]
        M[i, k] = M[j, k]
        M[j, k] = t
    if cols:
        for k in range(P):
            t = M[k, i]
            M[k, i] = M[k, j]
            M[k, j] = t


@njit(cache=True)
def state_cost(per, room, adj_ptr, adj_idx, adj_w, pc, ep, rpen, rcnt, dcnt, nmd_w, room_mode):
    """The soft cost of a complete timetable, from scratch."""
    E = per.shape[0]
    c = 0
    for x in range(E):
        px = per[x]
        c += ep[x, px]
        for k in range(adj_ptr[x], adj_ptr[x + 1]):
            y = adj_idx[k]
            if y > x:
                c += adj_w[k] * pc[px, per[y]]
        if room_mode == 2:
            c += rpen[room[x]]
    if room_mode == 2 and nmd_w != 0:
        P, R, ND = dcnt.shape
        for p in range(P):
            for r in range(R):
                if rcnt[p, r] > 0:
                    kinds = 0
                    for c2 in range(ND):
                        if dcnt[p, r, c2] > 0:
                            kinds += 1
                    c += nmd_w * (kinds - 1)
    return c


@njit(cache=True)
def _kempe_move(e, q, per, adj_ptr, adj_idx, adj_w, pc, ep, allowed, grp, grp_ptr, grp_idx,
                stamp, tag, chain, maxn):
    """The Kempe chain of exam e between its period p and q (with coincidence groups) and the
    cost change of swapping it, in one pass: a neighbour in the period an exam moves to joins
    the chain (the pair keeps its distance), any other neighbour adds w * (pc[new, p_y] -
    pc[old, p_y]). Returns (chain length, delta), or (-1, 0) when the chain is longer than
    `maxn` or a member may not move."""
    p = per[e]
    n = 0
    delta = 0
    g = grp[e]
    for k in range(grp_ptr[g], grp_ptr[g + 1]):
        m = grp_idx[k]
        if allowed[m, q] == 0:
            return -1, 0
        stamp[m] = tag
        chain[n] = m
        n += 1
    head = 0
    while head < n:
        x = chain[head]
        head += 1
        o = per[x]
        nx = q if o == p else p
        delta += ep[x, nx] - ep[x, o]
        for k in range(adj_ptr[x], adj_ptr[x + 1]):
            y = adj_idx[k]
            py = per[y]
            if py == nx:
                if stamp[y] != tag:
                    gy = grp[y]
                    for kk in range(grp_ptr[gy], grp_ptr[gy + 1]):
                        m = grp_idx[kk]
                        if stamp[m] != tag:
                            if n >= maxn or allowed[m, o] == 0:
                                return -1, 0
                            stamp[m] = tag
                            chain[n] = m
                            n += 1
            else:
                w = adj_w[k]
                if w != 0:
                    delta += w * (pc[nx, py] - pc[o, py])
    return n, delta


@njit(cache=True)
def _after_ok(x, nx, p, q, per, stamp, tag, aft_ptr, aft_idx, aft_sign):
    for k in range(aft_ptr[x], aft_ptr[x + 1]):
        y = aft_idx[k]
        py = per[y]
        if py < 0:
            continue
        if stamp[y] == tag:
            py = q if py == p else p
        if aft_sign[k] > 0:
            if nx <= py:
                return False
        elif nx >= py:
            return False
    return True


@njit(cache=True)
def _limits_move(chain, n, p, q, per, es_ptr, es_idx, dc, day, sign):
    """Move the student day counts of the chain exams (sign 1) or move them back (sign -1)."""
    for i in range(n):
        x = chain[i]
        o = per[x]
        nx = q if o == p else p
        if sign < 0:
            o, nx = nx, o
        do = day[o]
        dn = day[nx]
        if do == dn:
            continue
        for k in range(es_ptr[x], es_ptr[x + 1]):
            s = es_idx[k]
            dc[s, do] -= 1
            dc[s, dn] += 1


@njit(cache=True)
def sa_batch(
    iters, t0, t1, seed, reseed, cur, best,
    per, best_per, room, best_room_arr, load, rload, rcnt, rexc, dcnt, dc,
    size, adj_ptr, adj_idx, adj_w, pc, ep, allowed, grp, grp_ptr, grp_idx,
    aft_ptr, aft_idx, aft_sign, day, n_days, es_ptr, es_idx, lim_days, lim_k,
    room_mode, totcap, cap, rpen, excl, dcls, nmd_w,
    stamp, tagbox, chain, order, oldroom, maxchain, p_room_move, counters,
    W, EPS, NA, aft_a, aft_b, p_swap,
):
    """`iters` annealing steps with the temperature going geometrically from t0 to t1.
    Returns (current cost, best cost); the best timetable is kept in best_per / best_room_arr.
    counters: [moves tried, feasible, accepted, improved best, chain exams, period swaps]."""
    if reseed:
        np.random.seed(seed)
    E = per.shape[0]
    P = pc.shape[0]
    R = cap.shape[0]
    has_lim = lim_days.shape[0] > 0
    has_after = aft_idx.shape[0] > 0
    tag = tagbox[0]
    ratio = 1.0
    if iters > 1 and t0 > 0:
        ratio = (t1 / t0) ** (1.0 / iters)
    temp = t0
    for _it in range(iters):
        temp *= ratio
        counters[0] += 1
        if room_mode == 2 and R > 1 and np.random.random() < p_room_move:
            # Re-seat one exam in another room of its period.
            x = np.random.randint(E)
            px = per[x]
            r_new = np.random.randint(R)
            r_old = room[x]
            if r_new == r_old:
                continue
            if rload[px, r_new] + size[x] > cap[r_new] or rexc[px, r_new] > 0:
                continue
            if excl[x] != 0 and rcnt[px, r_new] > 0:
                continue
            counters[1] += 1
            d = room_cost_remove(x, px, r_old, size, rpen, excl, dcls, rload, rcnt, rexc,
                                 dcnt, nmd_w)
            d += room_cost_add(x, px, r_new, size, rpen, excl, dcls, rload, rcnt, rexc,
                               dcnt, nmd_w)
            if d <= 0 or np.random.random() < math.exp(-d / temp):
                room[x] = r_new
                cur += d
                counters[2] += 1
                if cur < best:
                    best = cur
                    counters[3] += 1
                    best_per[:] = per
                    best_room_arr[:] = room
            else:
                room_cost_remove(x, px, r_new, size, rpen, excl, dcls, rload, rcnt, rexc,
                                 dcnt, nmd_w)
                room_cost_add(x, px, r_old, size, rpen, excl, dcls, rload, rcnt, rexc,
                              dcnt, nmd_w)
            continue

        if p_swap > 0 and np.random.random() < p_swap:
            # Swap the whole contents of two periods.
            i = np.random.randint(P)
            j = np.random.randint(P - 1)
            if j >= i:
                j += 1
            if NA[i, j] != 0 or NA[j, i] != 0:
                continue
            if has_lim and day[i] != day[j]:
                continue
            good = True
            for k in range(aft_a.shape[0]):
                pa = per[aft_a[k]]
                pb = per[aft_b[k]]
                pa = j if pa == i else (i if pa == j else pa)
                pb = j if pb == i else (i if pb == j else pb)
                if pa <= pb:
                    good = False
                    break
            if not good:
                continue
            counters[1] += 1
            d = EPS[i, j] - EPS[i, i] + EPS[j, i] - EPS[j, j]
            for k in range(P):
                if k != i and k != j:
                    d += (W[i, k] - W[j, k]) * (pc[j, k] - pc[i, k])
            if d <= 0 or np.random.random() < math.exp(-d / temp):
                for x in range(E):
                    if per[x] == i:
                        per[x] = j
                    elif per[x] == j:
                        per[x] = i
                _swap_rows_cols(W, i, j, True)
                _swap_rows_cols(EPS, i, j, False)
                _swap_rows_cols(NA, i, j, False)
                t_ = load[i]
                load[i] = load[j]
                load[j] = t_
                if room_mode == 2:
                    for r in range(R):
                        t_ = rload[i, r]
                        rload[i, r] = rload[j, r]
                        rload[j, r] = t_
                        t_ = rcnt[i, r]
                        rcnt[i, r] = rcnt[j, r]
                        rcnt[j, r] = t_
                        t_ = rexc[i, r]
                        rexc[i, r] = rexc[j, r]
                        rexc[j, r] = t_
                        for c in range(dcnt.shape[2]):
                            t_ = dcnt[i, r, c]
                            dcnt[i, r, c] = dcnt[j, r, c]
                            dcnt[j, r, c] = t_
                cur += d
                counters[2] += 1
                counters[5] += 1
                if cur < best:
                    best = cur
                    counters[3] += 1
                    best_per[:] = per
                    if room_mode == 2:
                        best_room_arr[:] = room
            continue

        e = np.random.randint(E)
        p = per[e]
        q = np.random.randint(P - 1)
        if q >= p:
            q += 1
        if allowed[e, q] == 0:
            continue
        tag += 1
        n, delta = _kempe_move(e, q, per, adj_ptr, adj_idx, adj_w, pc, ep, allowed, grp,
                               grp_ptr, grp_idx, stamp, tag, chain, maxchain)
        if n < 0:
            continue
        counters[4] += n
        ok = True
        move_in = 0  # seats into q
        move_out = 0  # seats from q to p
        if has_after or room_mode == 1:
            for i in range(n):
                x = chain[i]
                o = per[x]
                nx = q if o == p else p
                if has_after and not _after_ok(x, nx, p, q, per, stamp, tag, aft_ptr, aft_idx,
                                               aft_sign):
                    ok = False
                    break
                if o == p:
                    move_in += size[x]
                else:
                    move_out += size[x]
        if not ok:
            continue
        if room_mode == 1:
            if load[q] + move_in - move_out > totcap or load[p] - move_in + move_out > totcap:
                continue
        if has_lim and day[p] != day[q]:
            _limits_move(chain, n, p, q, per, es_ptr, es_idx, dc, day, 1)
            good = True
            for i in range(n):
                x = chain[i]
                nx = q if per[x] == p else p
                for k in range(es_ptr[x], es_ptr[x + 1]):
                    if not window_ok(es_idx[k], day[nx], dc, lim_days, lim_k, n_days):
                        good = False
                        break
                if not good:
                    break
            if not good:
                _limits_move(chain, n, p, q, per, es_ptr, es_idx, dc, day, -1)
                continue
        if room_mode == 2:
            # Take the chain out of its rooms, then seat it, largest first, in the new periods.
            for i in range(n):
                x = chain[i]
                oldroom[i] = room[x]
                delta += room_cost_remove(x, per[x], room[x], size, rpen, excl, dcls, rload,
                                          rcnt, rexc, dcnt, nmd_w)
                order[i] = i
            for i in range(1, n):
                j = i
                while j > 0 and size[chain[order[j - 1]]] < size[chain[order[j]]]:
                    order[j - 1], order[j] = order[j], order[j - 1]
                    j -= 1
            placed = 0
            for j in range(n):
                i = order[j]
                x = chain[i]
                nx = q if per[x] == p else p
                r = best_room(x, nx, size, cap, rpen, excl, dcls, rload, rcnt, rexc, dcnt,
                              nmd_w)
                if r < 0:
                    break
                delta += room_cost_add(x, nx, r, size, rpen, excl, dcls, rload, rcnt, rexc,
                                       dcnt, nmd_w)
                room[x] = r
                placed += 1
            if placed < n:
                for j in range(placed):
                    i = order[j]
                    x = chain[i]
                    nx = q if per[x] == p else p
                    room_cost_remove(x, nx, room[x], size, rpen, excl, dcls, rload, rcnt, rexc,
                                     dcnt, nmd_w)
                for i in range(n):
                    x = chain[i]
                    room[x] = oldroom[i]
                    room_cost_add(x, per[x], room[x], size, rpen, excl, dcls, rload, rcnt,
                                  rexc, dcnt, nmd_w)
                if has_lim and day[p] != day[q]:
                    _limits_move(chain, n, p, q, per, es_ptr, es_idx, dc, day, -1)
                continue
        counters[1] += 1
        if delta <= 0 or np.random.random() < math.exp(-delta / temp):
            for i in range(n):
                x = chain[i]
                o = per[x]
                _tables_move(x, o, q if o == p else p, stamp, tag, per, adj_ptr, adj_idx,
                             adj_w, ep, allowed, W, EPS, NA)
            for i in range(n):
                x = chain[i]
                per[x] = q if per[x] == p else p
            load[q] += move_in - move_out
            load[p] += move_out - move_in
            cur += delta
            counters[2] += 1
            if cur < best:
                best = cur
                counters[3] += 1
                best_per[:] = per
                if room_mode == 2:
                    best_room_arr[:] = room
        else:
            if has_lim and day[p] != day[q]:
                _limits_move(chain, n, p, q, per, es_ptr, es_idx, dc, day, -1)
            if room_mode == 2:
                for i in range(n):
                    x = chain[i]
                    nx = q if per[x] == p else p
                    room_cost_remove(x, nx, room[x], size, rpen, excl, dcls, rload, rcnt, rexc,
                                     dcnt, nmd_w)
                for i in range(n):
                    x = chain[i]
                    room[x] = oldroom[i]
                    room_cost_add(x, per[x], room[x], size, rpen, excl, dcls, rload, rcnt,
                                  rexc, dcnt, nmd_w)
    tagbox[0] = tag
    return cur, best


def full_cost(a: Arrays, st: State) -> int:
    return int(state_cost(st.per, st.room, a.adj_ptr, a.adj_idx, a.adj_w, a.pc, a.ep, a.rpen,
                          st.rcnt, st.dcnt, a.nmd_w, a.room_mode))


class Annealer:
    """Runs `sa_batch` on one state; keeps the best timetable found."""

    def __init__(self, a: Arrays, st: State, seed: int) -> None:
        self.a = a
        self.st = st
        self.seed = seed
        self.cur = full_cost(a, st)
        self.best = self.cur
        self.best_per = st.per.copy()
        self.best_room = st.room.copy()
        self.stamp = np.zeros(a.E, dtype=np.int64)
        self.tagbox = np.zeros(1, dtype=np.int64)
        self.chain = np.zeros(a.E, dtype=np.int64)
        self.order = np.zeros(a.E, dtype=np.int64)
        self.oldroom = np.zeros(a.E, dtype=np.int64)
        self.counters = np.zeros(6, dtype=np.int64)
        self.seeded = False
        self.p_room_move = 0.1 if a.room_mode == 2 and a.R > 1 else 0.0
        self.p_swap = P_SWAP if a.P > 2 else 0.0
        pairs = [(e, int(a.aft_idx[k])) for e in range(a.E)
                 for k in range(a.aft_ptr[e], a.aft_ptr[e + 1]) if a.aft_sign[k] > 0]
        self.aft_a = np.array([x for x, _ in pairs], dtype=np.int64)
        self.aft_b = np.array([y for _, y in pairs], dtype=np.int64)

    def run(self, iters: int, t0: float, t1: float) -> None:
        a, st = self.a, self.st
        cur, best = sa_batch(
            int(iters), float(t0), float(t1), int(self.seed), not self.seeded, self.cur,
            self.best, st.per, self.best_per, st.room, self.best_room, st.load, st.rload,
            st.rcnt, st.rexc, st.dcnt, st.dc,
            a.size, a.adj_ptr, a.adj_idx, a.adj_w, a.pc, a.ep, a.allowed, a.grp, a.grp_ptr,
            a.grp_idx, a.aft_ptr, a.aft_idx, a.aft_sign, a.day, a.n_days, a.es_ptr, a.es_idx,
            a.lim_days, a.lim_k, a.room_mode, a.totcap, a.cap, a.rpen, a.excl, a.dcls, a.nmd_w,
            self.stamp, self.tagbox, self.chain, self.order, self.oldroom, a.E,
            self.p_room_move, self.counters, st.W, st.EPS, st.NA, self.aft_a, self.aft_b,
            self.p_swap,
        )
        self.seeded = True
        self.cur, self.best = int(cur), int(best)

    def sample_deltas(self, n: int = 2000) -> float:
        """A typical size of a worsening move: the mean positive cost change of random moves
        at a very high temperature (the state is restored afterwards)."""
        st = self.st
        saved = (st.per.copy(), st.room.copy(), st.load.copy(), st.rload.copy(),
                 st.rcnt.copy(), st.rexc.copy(), st.dcnt.copy(), st.dc.copy(), st.W.copy(),
                 st.EPS.copy(), st.NA.copy())
        cur0, best0 = self.cur, self.best
        bp, br = self.best_per.copy(), self.best_room.copy()
        ups: list[int] = []
        for _ in range(n):
            before = self.cur
            self.run(1, 1e18, 1e18)
            if self.cur > before:
                ups.append(self.cur - before)
        (st.per[:], st.room[:], st.load[:], st.rload[:], st.rcnt[:], st.rexc[:], st.dcnt[:],
         st.dc[:], st.W[:], st.EPS[:], st.NA[:]) = saved
        self.cur, self.best = cur0, best0
        self.best_per[:], self.best_room[:] = bp, br
        return float(np.mean(ups)) if ups else 1.0


def anneal(a: Arrays, st: State, *, seconds: float, seed: int, max_moves: int | None = None,
           t0: float | None = None, t1: float | None = None) -> Annealer:
    """Simulated annealing for `seconds` or `max_moves` moves, whichever ends first; returns
    the annealer (best timetable inside).

    The temperature falls geometrically from t0 (by default T0_FACTOR × the mean worsening of a
    random move) to t1 with the progress: the share of the time used, or, when the move budget
    will run out well before the time (small problems), the share of the moves made — then the
    run depends on the seed only."""
    ann = Annealer(a, st, seed)
    started = time.monotonic()
    deadline = started + max(0.0, seconds)
    if a.P < 2 or a.E == 0 or seconds <= 0:
        return ann
    if max_moves is None:
        max_moves = MOVES_PER_EXAM_PERIOD * a.E * a.P
    typical = ann.sample_deltas(500)
    t0 = typical * T0_FACTOR if t0 is None else t0
    t1 = T1 if t1 is None else t1
    t0 = max(t0, t1 * 1.01)
    done = 0
    batch = 1000
    b_started = time.perf_counter()
    ann.run(batch, t0, t0)
    done += batch
    rate = batch / max(1e-6, time.perf_counter() - b_started)
    total = deadline - started
    by_moves = max_moves / rate < 0.5 * (deadline - time.monotonic())
    if by_moves:
        batch = 20_000
    while done < max_moves:
        now = time.monotonic()
        if now >= deadline or ann.best <= 0:
            break
        if by_moves:
            frac0 = done / max_moves
            n = min(batch, max_moves - done)
            frac1 = (done + n) / max_moves
        else:
            frac0 = max(1.0 - (deadline - now) / total, done / max_moves)
            n = batch
            frac1 = min(1.0, frac0 + (n / rate) / total)
        b_started = time.perf_counter()
        ann.run(n, t0 * (t1 / t0) ** frac0, t0 * (t1 / t0) ** frac1)
        took = time.perf_counter() - b_started
        done += n
        rate = 0.7 * rate + 0.3 * n / max(1e-6, took)
        if not by_moves:
            if took < 0.05:
                batch *= 2
            elif took > 0.2 and batch > 1000:
                batch //= 2
    ann.st.stats.update(
        moves=float(ann.counters[0]), feasible_moves=float(ann.counters[1]),
        accepted=float(ann.counters[2]), new_best=float(ann.counters[3]),
        chain_mean=float(ann.counters[4]) / max(1, int(ann.counters[0])), t0=t0, t1=t1,
        typical_delta=typical, by_moves=float(by_moves), period_swaps=float(ann.counters[5]),
    )
    return ann


__all__ = ["BIG", "Annealer", "State", "anneal", "full_cost", "make_state"]
