"""Compiled helpers on the arrays of `arrays.Arrays` and a timetable state.

The state of a (partial) timetable:
    per[e]            period of exam e, -1 if unplaced
    load[p]           seats used in period p (room mode 1)
    room[e]           room of exam e (room mode 2), -1 if none
    rload[p, r], rcnt[p, r], rexc[p, r]   seats, exams and room-exclusive exams in room r at p
    dcnt[p, r, c]     exams of duration class c in room r at p (non-mixed durations)
    dc[s, d]          exams of student s on day d (only with student limits)
"""

from __future__ import annotations

import numpy as np
from numba import njit

BIG = np.int64(1) << np.int64(60)


@njit(cache=True)
def window_ok(s, d, dc, lim_days, lim_k, n_days):
    """Whether student s keeps every limit on the windows containing day d."""
    for li in range(lim_days.shape[0]):
        w = lim_days[li]
        k = lim_k[li]
        if n_days <= w:
            tot = 0
            for dd in range(n_days):
                tot += dc[s, dd]
            if tot > k:
                return False
            continue
        lo = d - w + 1
        if lo < 0:
            lo = 0
        hi = d
        if hi > n_days - w:
            hi = n_days - w
        for st in range(lo, hi + 1):
            tot = 0
            for dd in range(st, st + w):
                tot += dc[s, dd]
            if tot > k:
                return False
    return True


@njit(cache=True)
def room_cost_add(x, q, r, size, rpen, excl, dcls, rload, rcnt, rexc, dcnt, nmd_w):
    """Put exam x in room r at period q; returns the change of the room cost."""
    c = rpen[r]
    if nmd_w != 0 and rcnt[q, r] > 0 and dcnt[q, r, dcls[x]] == 0:
        c += nmd_w
    rload[q, r] += size[x]
    rcnt[q, r] += 1
    rexc[q, r] += excl[x]
    dcnt[q, r, dcls[x]] += 1
    return c


@njit(cache=True)
def room_cost_remove(x, q, r, size, rpen, excl, dcls, rload, rcnt, rexc, dcnt, nmd_w):
    """Take exam x out of room r at period q; returns the change of the room cost."""
    c = -rpen[r]
    if nmd_w != 0 and rcnt[q, r] > 1 and dcnt[q, r, dcls[x]] == 1:
        c -= nmd_w
    rload[q, r] -= size[x]
    rcnt[q, r] -= 1
    rexc[q, r] -= excl[x]
    dcnt[q, r, dcls[x]] -= 1
    return c


@njit(cache=True)
def best_room(x, q, size, cap, rpen, excl, dcls, rload, rcnt, rexc, dcnt, nmd_w):
    """The room at period q where exam x fits at least cost (then tightest), or -1."""
    best = -1
    bestc = BIG
    bests = BIG
    for r in range(cap.shape[0]):
        if rload[q, r] + size[x] > cap[r]:
            continue
        if rexc[q, r] > 0:
            continue
        if excl[x] != 0 and rcnt[q, r] > 0:
            continue
        c = rpen[r]
        if nmd_w != 0 and rcnt[q, r] > 0 and dcnt[q, r, dcls[x]] == 0:
            c += nmd_w
        slack = cap[r] - rload[q, r] - size[x]
        if c < bestc or (c == bestc and slack < bests):
            best = r
            bestc = c
            bests = slack
    return best


@njit(cache=True)
def kempe_chain(e, q, per, adj_ptr, adj_idx, grp, grp_ptr, grp_idx, stamp, tag, chain, maxn):
    """The Kempe chain of exam e between its period p and period q: the exams (with their
    coincidence groups) that must swap between p and q when e moves to q. Fills `chain`,
    stamps its exams with `tag`; returns its length, or -1 when it exceeds `maxn`."""
    p = per[e]
    n = 0
    g = grp[e]
    for k in range(grp_ptr[g], grp_ptr[g + 1]):
        m = grp_idx[k]
        stamp[m] = tag
        chain[n] = m
        n += 1
    head = 0
    while head < n:
        x = chain[head]
        head += 1
        target = q if per[x] == p else p
        for k in range(adj_ptr[x], adj_ptr[x + 1]):
            y = adj_idx[k]
            if per[y] == target and stamp[y] != tag:
                gy = grp[y]
                for kk in range(grp_ptr[gy], grp_ptr[gy + 1]):
                    m = grp_idx[kk]
                    if stamp[m] != tag:
                        if n >= maxn:
                            return -1
                        stamp[m] = tag
                        chain[n] = m
                        n += 1
    return n
