"""Completing a partial timetable by ejection (iterative forward search, Müller-style).

While some exam is unplaced: take one (the most often ejected of a few drawn at random), score
every allowed period by what placing it there would push out — the clashing exams, the exams an
"after" constraint orders the wrong way, the exams over a student's daily or window limit, and
the exams that must leave a room (or the period's seats) to make space — each weighted by how
often it has been ejected already, plus a little noise and a tabu on the period an exam was
just pushed out of; place it in the cheapest period, push the others out. It keeps the best
(fewest unplaced) timetable seen and stops when all exams are placed, on a stall, or on time.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit

from .arrays import Arrays
from .kernels import best_room, room_cost_add, room_cost_remove, window_ok


@njit(cache=True)
def _list_remove(x, key, head, nxt, prv):
    if prv[x] >= 0:
        nxt[prv[x]] = nxt[x]
    else:
        head[key] = nxt[x]
    if nxt[x] >= 0:
        prv[nxt[x]] = prv[x]
    nxt[x] = -1
    prv[x] = -1


@njit(cache=True)
def _list_add(x, key, head, nxt, prv):
    prv[x] = -1
    nxt[x] = head[key]
    if head[key] >= 0:
        prv[head[key]] = x
    head[key] = x


@njit(cache=True)
def _put(x, p, r, per, room, load, rload, rcnt, rexc, dcnt, dc, size, rpen, excl, dcls, nmd_w,
         es_ptr, es_idx, day, has_lim, room_mode, rhead, rnext, rprev, R):
    per[x] = p
    load[p] += size[x]
    if room_mode == 2:
        room[x] = r
        room_cost_add(x, p, r, size, rpen, excl, dcls, rload, rcnt, rexc, dcnt, nmd_w)
        _list_add(x, p * R + r, rhead, rnext, rprev)
    if has_lim:
        for k in range(es_ptr[x], es_ptr[x + 1]):
            dc[es_idx[k], day[p]] += 1


@njit(cache=True)
def _take(x, per, room, load, rload, rcnt, rexc, dcnt, dc, size, rpen, excl, dcls, nmd_w,
          es_ptr, es_idx, day, has_lim, room_mode, rhead, rnext, rprev, R):
    p = per[x]
    load[p] -= size[x]
    if room_mode == 2:
        r = room[x]
        room_cost_remove(x, p, r, size, rpen, excl, dcls, rload, rcnt, rexc, dcnt, nmd_w)
        _list_remove(x, p * R + r, rhead, rnext, rprev)
        room[x] = -1
    if has_lim:
        for k in range(es_ptr[x], es_ptr[x + 1]):
            dc[es_idx[k], day[p]] -= 1
    per[x] = -1


@njit(cache=True)
def _room_eject_cost(m, p, r, size, cap, excl, rload, rexc, grp, hard, rhead, rnext, R, out,
                     write):
    """Cost (sum of hardness) of the exams to take out of room r at p so that exam m fits,
    removing the largest first; with write, the exams are listed in `out` (count returned
    through out[0] as -(count) - 1 marker is avoided: returns (cost, count))."""
    if size[m] > cap[r]:
        return np.inf, 0
    c = 0.0
    n = 0
    key = p * R + r
    if excl[m] != 0 or rexc[p, r] > 0:
        x = rhead[key]
        while x >= 0:
            c += hard[grp[x]]
            if write:
                out[n] = x
            n += 1
            x = rnext[x]
        return c, n
    free = cap[r] - rload[p, r]
    removed = np.zeros(0, dtype=np.int64)
    while free < size[m]:
        # the largest exam still in the room
        best = -1
        x = rhead[key]
        while x >= 0:
            taken = False
            for i in range(removed.shape[0]):
                if removed[i] == x:
                    taken = True
                    break
            if not taken and (best < 0 or size[x] > size[best]):
                best = x
            x = rnext[x]
        if best < 0:
            return np.inf, 0
        removed = np.append(removed, best)
        free += size[best]
        c += hard[grp[best]]
        if write:
            out[n] = best
        n += 1
    return c, n


@njit(cache=True)
def _repair(
    max_iters, stall, seed, per, room, load, rload, rcnt, rexc, dcnt, dc,
    size, adj_ptr, adj_idx, allowed, grp, grp_ptr, grp_idx, aft_ptr, aft_idx, aft_sign,
    day, n_days, es_ptr, es_idx, se_ptr, se_idx, lim_days, lim_k,
    room_mode, totcap, cap, rpen, excl, dcls, nmd_w, best_per, best_room_arr,
    hard, tabu, it0, best_nu,
):
    np.random.seed(seed)
    E = per.shape[0]
    P = allowed.shape[1]
    R = cap.shape[0]
    has_lim = lim_days.shape[0] > 0
    rhead = np.full(P * max(R, 1), -1, dtype=np.int64)
    rnext = np.full(E, -1, dtype=np.int64)
    rprev = np.full(E, -1, dtype=np.int64)
    if room_mode == 2:
        for x in range(E):
            if per[x] >= 0:
                _list_add(x, per[x] * R + room[x], rhead, rnext, rprev)
    gstamp = np.zeros(E, dtype=np.int64)
    tag = 0
    gsize = np.zeros(E, dtype=np.int64)
    for x in range(E):
        gsize[grp[x]] += size[x]
    mean_size = max(1.0, gsize.sum() / max(1, E))
    unpl = np.empty(E, dtype=np.int64)
    pos = np.full(E, -1, dtype=np.int64)
    nu = 0
    for x in range(E):
        if grp[x] == x and per[x] < 0:
            unpl[nu] = x
            pos[x] = nu
            nu += 1
    if nu < best_nu:
        best_nu = nu
        best_per[:] = per
        best_room_arr[:] = room
    cost = np.zeros(P, dtype=np.float64)
    eject = np.empty(E, dtype=np.int64)
    out = np.empty(E, dtype=np.int64)
    w_max = 0
    for li in range(lim_days.shape[0]):
        w_max = max(w_max, lim_days[li])
    it = it0
    while nu > 0 and it < it0 + max_iters:
        it += 1
        # Tournament of three: the most often ejected unplaced group.
        g = unpl[np.random.randint(nu)]
        for _ in range(2):
            h = unpl[np.random.randint(nu)]
            if hard[h] > hard[g]:
                g = h
        lo, hi = grp_ptr[g], grp_ptr[g + 1]
        tag += 1
        for p in range(P):
            cost[p] = 0.0 if allowed[g, p] != 0 else np.inf
            if tabu[g, p] > it:
                cost[p] += 50.0
            cost[p] += 0.3 * np.random.random()
        for k in range(lo, hi):
            m = grp_idx[k]
            for kk in range(adj_ptr[m], adj_ptr[m + 1]):
                y = adj_idx[kk]
                py = per[y]
                if py >= 0 and gstamp[grp[y]] != tag:
                    gstamp[grp[y]] = tag
                    cost[py] += hard[grp[y]]
            for kk in range(aft_ptr[m], aft_ptr[m + 1]):
                py = per[aft_idx[kk]]
                if py < 0:
                    continue
                hy = hard[grp[aft_idx[kk]]]
                if aft_sign[kk] > 0:
                    for p in range(0, py + 1):
                        cost[p] += hy
                else:
                    for p in range(py, P):
                        cost[p] += hy
        for p in range(P):
            if cost[p] == np.inf:
                continue
            if room_mode == 1:
                excess = load[p] + gsize[g] - totcap
                if excess > 0:
                    cost[p] += 1.0 + excess / mean_size
            elif room_mode == 2:
                for k in range(lo, hi):
                    m = grp_idx[k]
                    cbest = np.inf
                    for r in range(R):
                        c, _n = _room_eject_cost(m, p, r, size, cap, excl, rload, rexc, grp,
                                                 hard, rhead, rnext, R, out, False)
                        if c < cbest:
                            cbest = c
                    cost[p] += cbest
            if has_lim:
                dp = day[p]
                for k in range(lo, hi):
                    m = grp_idx[k]
                    for kk in range(es_ptr[m], es_ptr[m + 1]):
                        s = es_idx[kk]
                        dc[s, dp] += 1
                        if not window_ok(s, dp, dc, lim_days, lim_k, n_days):
                            cost[p] += 1.0
                        dc[s, dp] -= 1
        p = -1
        cmin = np.inf
        for q in range(P):
            if cost[q] < cmin:
                cmin = cost[q]
                p = q
        if p < 0:
            continue
        # Push out what is in the way.
        ne = 0
        tag += 1
        for k in range(lo, hi):
            m = grp_idx[k]
            for kk in range(adj_ptr[m], adj_ptr[m + 1]):
                y = adj_idx[kk]
                if per[y] == p and gstamp[grp[y]] != tag:
                    gstamp[grp[y]] = tag
                    eject[ne] = grp[y]
                    ne += 1
            for kk in range(aft_ptr[m], aft_ptr[m + 1]):
                y = aft_idx[kk]
                py = per[y]
                if py < 0 or gstamp[grp[y]] == tag:
                    continue
                if (aft_sign[kk] > 0 and p <= py) or (aft_sign[kk] < 0 and p >= py):
                    gstamp[grp[y]] = tag
                    eject[ne] = grp[y]
                    ne += 1
        for i in range(ne):
            gy = eject[i]
            oldp = per[gy]
            for kk in range(grp_ptr[gy], grp_ptr[gy + 1]):
                _take(grp_idx[kk], per, room, load, rload, rcnt, rexc, dcnt, dc, size, rpen,
                      excl, dcls, nmd_w, es_ptr, es_idx, day, has_lim, room_mode, rhead,
                      rnext, rprev, R)
            hard[gy] += 1.0
            tabu[gy, oldp] = it + 5 + np.random.randint(10)
            unpl[nu] = gy
            pos[gy] = nu
            nu += 1
        if room_mode == 1:
            while load[p] + gsize[g] > totcap:
                # the largest group in p goes
                big = -1
                for x in range(E):
                    if per[x] == p and grp[x] == x and (big < 0 or gsize[x] > gsize[big]):
                        big = x
                if big < 0:
                    break
                for kk in range(grp_ptr[big], grp_ptr[big + 1]):
                    _take(grp_idx[kk], per, room, load, rload, rcnt, rexc, dcnt, dc, size,
                          rpen, excl, dcls, nmd_w, es_ptr, es_idx, day, has_lim, room_mode,
                          rhead, rnext, rprev, R)
                hard[big] += 1.0
                tabu[big, p] = it + 5 + np.random.randint(10)
                unpl[nu] = big
                pos[big] = nu
                nu += 1
        # Place the members (largest first for rooms), pushing out room and limit conflicts.
        for k in range(lo, hi):
            m = grp_idx[k]
            r = -1
            if room_mode == 2:
                r = best_room(m, p, size, cap, rpen, excl, dcls, rload, rcnt, rexc, dcnt,
                              nmd_w)
                if r < 0:
                    cbest = np.inf
                    for rr in range(R):
                        c, _n = _room_eject_cost(m, p, rr, size, cap, excl, rload, rexc, grp,
                                                 hard, rhead, rnext, R, out, False)
                        c += 0.1 * np.random.random()
                        if c < cbest:
                            cbest = c
                            r = rr
                    c, n_out = _room_eject_cost(m, p, r, size, cap, excl, rload, rexc, grp,
                                                hard, rhead, rnext, R, out, True)
                    for i in range(n_out):
                        gy = grp[out[i]]
                        if per[gy] < 0:
                            continue
                        oldp = per[gy]
                        for kk in range(grp_ptr[gy], grp_ptr[gy + 1]):
                            _take(grp_idx[kk], per, room, load, rload, rcnt, rexc, dcnt, dc,
                                  size, rpen, excl, dcls, nmd_w, es_ptr, es_idx, day, has_lim,
                                  room_mode, rhead, rnext, rprev, R)
                        hard[gy] += 1.0
                        tabu[gy, oldp] = it + 5 + np.random.randint(10)
                        unpl[nu] = gy
                        pos[gy] = nu
                        nu += 1
            if has_lim:
                dp = day[p]
                for kk in range(es_ptr[m], es_ptr[m + 1]):
                    s = es_idx[kk]
                    dc[s, dp] += 1
                    while not window_ok(s, dp, dc, lim_days, lim_k, n_days):
                        # push out another exam of s close to day dp
                        victim = -1
                        for j in range(se_ptr[s], se_ptr[s + 1]):
                            y = se_idx[j]
                            if per[y] >= 0 and grp[y] != g:
                                dd = day[per[y]] - dp
                                if dd < 0:
                                    dd = -dd
                                if dd < w_max and (victim < 0 or np.random.random() < 0.5):
                                    victim = y
                        if victim < 0:
                            break
                        gy = grp[victim]
                        oldp = per[gy]
                        for j in range(grp_ptr[gy], grp_ptr[gy + 1]):
                            _take(grp_idx[j], per, room, load, rload, rcnt, rexc, dcnt, dc,
                                  size, rpen, excl, dcls, nmd_w, es_ptr, es_idx, day, has_lim,
                                  room_mode, rhead, rnext, rprev, R)
                        hard[gy] += 1.0
                        tabu[gy, oldp] = it + 5 + np.random.randint(10)
                        unpl[nu] = gy
                        pos[gy] = nu
                        nu += 1
                    dc[s, dp] -= 1
            if room_mode == 2:
                r = best_room(m, p, size, cap, rpen, excl, dcls, rload, rcnt, rexc, dcnt,
                              nmd_w)
                if r < 0:
                    r = 0  # cannot happen: the room was emptied enough above
            _put(m, p, r, per, room, load, rload, rcnt, rexc, dcnt, dc, size, rpen, excl,
                 dcls, nmd_w, es_ptr, es_idx, day, has_lim, room_mode, rhead, rnext, rprev, R)
        # g is placed: drop it from the unplaced list.
        i = pos[g]
        last = unpl[nu - 1]
        unpl[i] = last
        pos[last] = i
        pos[g] = -1
        nu -= 1
        if nu < best_nu:
            best_nu = nu
            best_per[:] = per
            best_room_arr[:] = room
    return nu, best_nu, it


def repair(a: Arrays, per: np.ndarray, room: np.ndarray, *, seconds: float, seed: int
           ) -> tuple[np.ndarray, np.ndarray, int]:
    """Complete the partial timetable (per = -1 for unplaced exams): (per, room, unplaced),
    the best found within `seconds` or before a stall."""
    from .improve import make_state

    deadline = time.monotonic() + seconds
    st = make_state(a, per, room)
    best_per = st.per.copy()
    best_room_arr = st.room.copy()
    hard = np.ones(a.E, dtype=np.float64)
    tabu = np.zeros((a.E, a.P), dtype=np.int64)
    left = best = int(sum(1 for e in range(a.E) if a.grp[e] == e and st.per[e] < 0))
    stall = 20_000 + 100 * a.E
    it = last_gain = 0
    chunk = 1000
    rng = np.random.default_rng(seed)
    while left and time.monotonic() < deadline and it - last_gain < stall:
        left, new_best, it = _repair(
            chunk, stall, int(rng.integers(1 << 30)), st.per, st.room, st.load,
            st.rload, st.rcnt, st.rexc, st.dcnt, st.dc, a.size, a.adj_ptr, a.adj_idx,
            a.allowed, a.grp, a.grp_ptr, a.grp_idx, a.aft_ptr, a.aft_idx, a.aft_sign, a.day,
            a.n_days, a.es_ptr, a.es_idx, a.se_ptr, a.se_idx, a.lim_days, a.lim_k,
            a.room_mode, a.totcap, a.cap, a.rpen, a.excl, a.dcls, a.nmd_w, best_per,
            best_room_arr, hard, tabu, it, best,
        )
        if new_best < best:
            best = new_best
            last_gain = it
        chunk = min(chunk * 2, 50_000)
    if left:
        return best_per, best_room_arr, best
    return st.per, st.room, 0
