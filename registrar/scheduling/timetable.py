"""The class timetable as a CP-SAT model (§13), without database access.

A `TimetableProblem` lists the slots of the weekly grid, the rooms and the meetings to place
(a section's lecture, practice or lab class, with its teacher, groups, expected size, room kind
and features; a meeting placed by hand comes fixed). `solve` places every meeting in one slot
and one room such that the hard constraints hold:

- a teacher, a group (a stream is its groups) and a section are in at most one place a slot;
- a room holds at most one meeting a slot;
  (a meeting held in odd weeks only and one held in even weeks only may share a slot);
- the room is of the kind asked for, has the features asked for and seats for the expected size;
- a teacher's strict unavailability is respected;

and the weighted soft constraints cost as little as found within the time limit: gaps in a
group's (and, less, a teacher's) day, slots a teacher would rather avoid, two meetings of one
section on the same day, a group's day over its wished number of pairs, late pairs.

The model chooses a slot per meeting (one boolean per meeting and usable slot), with the rooms
as counting constraints, then gives out the rooms slot by slot (see the note above `_build`).
Before solving, simple counting checks look for obvious impossibilities and name them; when
CP-SAT proves the model infeasible anyway, a second solve with one assumption per teacher,
group, section and set of rooms finds a small set of them that cannot all be satisfied, and the
message names those.
`check` verifies a placement against every hard constraint (the services run it before saving).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN = "optimal", "feasible", "infeasible", "unknown"


@dataclass(frozen=True)
class Slot:
    id: int
    day: int  # 1 = Monday
    pair: int  # 1 = the first pair of the day
    label: str = ""


@dataclass(frozen=True)
class RoomInfo:
    id: int
    code: str
    kind: str
    capacity: int
    features: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Meeting:
    """One weekly class to place. `fixed_slot`/`fixed_room` pin a meeting placed by hand;
    `hint_slot`/`hint_room` (where it was last time) only guide the search."""

    section_id: int
    label: str
    size: int
    room_kind: str
    teacher_id: int | None = None
    group_ids: frozenset[int] = frozenset()
    features: frozenset[str] = frozenset()
    fixed_slot: int | None = None
    fixed_room: int | None = None
    hint_slot: int | None = None
    hint_room: int | None = None
    odd_weeks: bool = True
    even_weeks: bool = True

    @property
    def parities(self) -> tuple[int, ...]:
        """The week parities the meeting happens in: 1 odd, 0 even."""
        return tuple(p for p, on in ((1, self.odd_weeks), (0, self.even_weeks)) if on)

    @property
    def half_weeks(self) -> int:
        return len(self.parities)


@dataclass(frozen=True)
class Weights:
    group_gap: int = 10
    teacher_gap: int = 3
    avoided_slot: int = 20
    same_day: int = 15
    overload: int = 5
    late_pair: int = 1
    max_pairs_per_day: int = 4
    late_from_pair: int = 6


@dataclass
class TimetableProblem:
    slots: list[Slot]
    rooms: list[RoomInfo]
    meetings: list[Meeting]
    unavailable: dict[int, frozenset[int]] = field(default_factory=dict)  # teacher → slots
    avoided: dict[int, frozenset[int]] = field(default_factory=dict)  # teacher → slots
    teacher_names: dict[int, str] = field(default_factory=dict)
    group_names: dict[int, str] = field(default_factory=dict)
    section_names: dict[int, str] = field(default_factory=dict)
    weights: Weights = field(default_factory=Weights)


@dataclass
class TimetableResult:
    status: str
    placements: list[tuple[int, int]]  # per meeting, in order: (slot id, room id)
    message: str = ""
    problems: list[str] = field(default_factory=list)
    objective: int | None = None
    penalties: dict[str, int] = field(default_factory=dict)
    wall_time: float = 0.0

    @property
    def solved(self) -> bool:
        return self.status in (OPTIMAL, FEASIBLE)


# --- Candidates and checks ----------------------------------------------------------------

def room_fits(room: RoomInfo, meeting: Meeting) -> bool:
    return (room.kind == meeting.room_kind and room.capacity >= meeting.size
            and meeting.features <= room.features)


def candidate_rooms(problem: TimetableProblem, meeting: Meeting) -> list[RoomInfo]:
    if meeting.fixed_room is not None:
        return [r for r in problem.rooms if r.id == meeting.fixed_room and room_fits(r, meeting)]
    return [r for r in problem.rooms if room_fits(r, meeting)]


def candidate_slots(problem: TimetableProblem, meeting: Meeting) -> list[Slot]:
    blocked = problem.unavailable.get(meeting.teacher_id, frozenset()) \
        if meeting.teacher_id is not None else frozenset()
    slots = [s for s in problem.slots if s.id not in blocked]
    if meeting.fixed_slot is not None:
        slots = [s for s in slots if s.id == meeting.fixed_slot]
    return slots


def _resources(meeting: Meeting) -> list[tuple[str, int]]:
    """The things a meeting occupies besides its room: its section, teacher and groups."""
    out = [("section", meeting.section_id)]
    if meeting.teacher_id is not None:
        out.append(("teacher", meeting.teacher_id))
    out.extend(("group", g) for g in sorted(meeting.group_ids))
    return out


def _resource_name(problem: TimetableProblem, kind: str, key: int) -> str:
    if kind == "teacher":
        return _("teacher %(name)s") % {"name": problem.teacher_names.get(key, key)}
    if kind == "group":
        return _("group %(name)s") % {"name": problem.group_names.get(key, key)}
    if kind == "room":
        code = next((r.code for r in problem.rooms if r.id == key), key)
        return _("room %(code)s") % {"code": code}
    return _("section %(name)s") % {"name": problem.section_names.get(key, key)}


def _need_text(meeting: Meeting, kind_labels: dict[str, str]) -> str:
    text = _("a %(kind)s for %(size)d students") % {
        "kind": kind_labels.get(meeting.room_kind, meeting.room_kind), "size": meeting.size}
    if meeting.features:
        text += _(" with %(features)s") % {"features": ", ".join(sorted(meeting.features))}
    return text


def precheck(problem: TimetableProblem, kind_labels: dict[str, str] | None = None) -> list[str]:
    """Obvious reasons no timetable exists, each as a sentence; empty when none is found."""
    kind_labels = kind_labels or {}
    problems: list[str] = []
    slot_count = len(problem.slots)
    if not problem.slots and problem.meetings:
        return [_("The time grid has no slots.")]
    room_sets: dict[frozenset[int], int] = defaultdict(int)
    load: dict[tuple[str, int], int] = defaultdict(int)
    free: dict[tuple[str, int], set[int]] = defaultdict(set)
    for meeting in problem.meetings:
        rooms = candidate_rooms(problem, meeting)
        slots = candidate_slots(problem, meeting)
        if not rooms:
            if meeting.fixed_room is not None:
                problems.append(_("%(meeting)s is placed by hand in a room that no longer fits "
                                  "it (it needs %(need)s).")
                                % {"meeting": meeting.label,
                                   "need": _need_text(meeting, kind_labels)})
            else:
                same_kind = [r.capacity for r in problem.rooms if r.kind == meeting.room_kind]
                largest = max(same_kind) if same_kind else 0
                problems.append(_("%(meeting)s needs %(need)s; there is no such room (the "
                                  "largest of that kind has %(largest)d seats).")
                                % {"meeting": meeting.label,
                                   "need": _need_text(meeting, kind_labels),
                                   "largest": largest})
        if not slots:
            if meeting.fixed_slot is not None:
                problems.append(_("%(meeting)s is placed by hand in a slot its teacher is "
                                  "unavailable in.") % {"meeting": meeting.label})
            else:
                problems.append(_("%(meeting)s has no slot: its teacher is unavailable all "
                                  "week.") % {"meeting": meeting.label})
        if rooms:
            room_sets[frozenset(r.id for r in rooms)] += meeting.half_weeks
        for resource in _resources(meeting):
            load[resource] += meeting.half_weeks
            free[resource].update(s.id for s in slots)
    for resource, halves in sorted(load.items()):
        available = len(free[resource])
        count = (halves + 1) // 2
        if halves > 2 * available:
            problems.append(ngettext(
                "%(who)s has %(count)d classes a week but only %(free)d slot it can use.",
                "%(who)s has %(count)d classes a week but only %(free)d slots it can use.",
                available) % {"who": _resource_name(problem, *resource),
                              "count": count, "free": available})
    for room_set in room_sets:
        halves = sum(c for other, c in room_sets.items() if other <= room_set)
        demand = (halves + 1) // 2
        if halves > 2 * len(room_set) * slot_count:
            codes = sorted(r.code for r in problem.rooms if r.id in room_set)
            problems.append(_("%(count)d classes can only use the rooms %(rooms)s, which have "
                              "%(cells)d room-slots a week.")
                            % {"count": demand, "rooms": ", ".join(codes),
                               "cells": len(room_set) * slot_count})
    problems.extend(_fixed_clashes(problem))
    return problems


def _fixed_clashes(problem: TimetableProblem) -> list[str]:
    seen: dict[tuple[str, int, int, int], Meeting] = {}
    out = []
    for meeting in problem.meetings:
        if meeting.fixed_slot is None:
            continue
        taken = list(_resources(meeting))
        if meeting.fixed_room is not None:
            taken.append(("room", meeting.fixed_room))
        for (kind, key), parity in ((t, p) for t in taken for p in meeting.parities):
            other = seen.setdefault((kind, key, meeting.fixed_slot, parity), meeting)
            if other is not meeting:
                out.append(_("%(one)s and %(other)s are both placed by hand in the same slot "
                             "for %(who)s.")
                           % {"one": other.label, "other": meeting.label,
                              "who": _resource_name(problem, kind, key)})
    return out


def check(problem: TimetableProblem, placements: Sequence[tuple[int, int]]) -> list[str]:
    """Every hard constraint the placements break, as sentences (empty: all hold)."""
    rooms = {r.id: r for r in problem.rooms}
    slots = {s.id: s for s in problem.slots}
    errors: list[str] = []
    if len(placements) != len(problem.meetings):
        return [_("The timetable does not place every class.")]
    seen: dict[tuple[str, int, int, int], int] = {}
    reported: set[tuple[int, int, str, int]] = set()
    for index, (meeting, (slot_id, room_id)) in enumerate(zip(problem.meetings, placements,
                                                              strict=True)):
        room = rooms.get(room_id)
        if slot_id not in slots or room is None:
            errors.append(_("%(meeting)s is placed in an unknown slot or room.")
                          % {"meeting": meeting.label})
            continue
        if not room_fits(room, meeting):
            errors.append(_("%(meeting)s does not fit room %(room)s.")
                          % {"meeting": meeting.label, "room": room.code})
        if meeting.teacher_id is not None and \
                slot_id in problem.unavailable.get(meeting.teacher_id, frozenset()):
            errors.append(_("%(meeting)s is in a slot its teacher is unavailable in.")
                          % {"meeting": meeting.label})
        for (kind, key), parity in ((r, p) for r in [*_resources(meeting), ("room", room_id)]
                                    for p in meeting.parities):
            other = seen.setdefault((kind, key, slot_id, parity), index)
            if other != index and (other, index, kind, key) not in reported:
                reported.add((other, index, kind, key))
                errors.append(_("%(one)s and %(other)s clash: %(who)s.")
                              % {"one": problem.meetings[other].label, "other": meeting.label,
                                 "who": _resource_name(problem, kind, key)})
    return errors


# --- The CP-SAT model ----------------------------------------------------------------------

# --- The CP-SAT model ----------------------------------------------------------------------
#
# Phase 1 chooses a slot per meeting: x[m, s]. The rooms enter as counting constraints: for
# every distinct set C of rooms some meeting may use, the meetings whose rooms all lie in C are
# at most |C| in a slot (per week parity). For rooms that differ only in size these are exactly
# Hall's conditions, so rooms can always be given out afterwards; phase 2 does that per slot
# (a small exact model that also keeps each meeting in its previous room where it can). Should
# a slot's rooms not work out (room sets that are not nested, through features), the whole
# problem is solved again with one variable per (meeting, slot, room).

@dataclass
class _Model:
    model: Any  # cp_model.CpModel
    x: dict[tuple[int, int], Any]  # (meeting, slot) → literal or linear expression
    z: dict[tuple[int, int, int], Any]  # (meeting, slot, room) → literal (exact rooms only)
    penalties: dict[str, list[tuple[int, Any]]]
    assumptions: dict[int, tuple[str, int]]  # literal index → (kind, id)
    room_sets: list[frozenset[int]]


def _build(problem: TimetableProblem, *, exact_rooms: bool = False,
           with_assumptions: bool = False,
           hints: Sequence[tuple[int, int]] | None = None) -> _Model:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    z: dict[tuple[int, int, int], Any] = {}
    x: dict[tuple[int, int], Any] = {}
    by_meeting_slot: dict[tuple[int, int], list[Any]] = defaultdict(list)
    rooms_of: list[frozenset[int]] = []
    for m, meeting in enumerate(problem.meetings):
        rooms = candidate_rooms(problem, meeting)
        rooms_of.append(frozenset(r.id for r in rooms))
        hint_slot, hint_room = (hints[m] if hints is not None
                                else (meeting.hint_slot, meeting.hint_room))
        literals = []
        for slot in candidate_slots(problem, meeting):
            if not rooms:
                continue
            if exact_rooms:
                for room in rooms:
                    var = model.new_bool_var(f"z{m}_{slot.id}_{room.id}")
                    z[m, slot.id, room.id] = var
                    literals.append(var)
                    by_meeting_slot[m, slot.id].append(var)
                    if hint_slot == slot.id and hint_room == room.id:
                        model.add_hint(var, True)
                x[m, slot.id] = sum(by_meeting_slot[m, slot.id])
            else:
                var = model.new_bool_var(f"x{m}_{slot.id}")
                x[m, slot.id] = var
                literals.append(var)
                by_meeting_slot[m, slot.id].append(var)
                if hint_slot == slot.id:
                    model.add_hint(var, True)
        model.add_exactly_one(literals)

    assumptions: dict[int, tuple[str, int]] = {}
    guards: dict[tuple[str, int], Any] = {}

    def at_most(resource: tuple[str, int], literals: list[Any], bound: int = 1) -> None:
        if len(literals) <= bound:
            return
        if not with_assumptions:
            if bound == 1:
                model.add_at_most_one(literals)
            else:
                model.add(sum(literals) <= bound)
            return
        guard = guards.get(resource)
        if guard is None:
            guard = guards[resource] = model.new_bool_var(f"a_{resource[0]}_{resource[1]}")
            assumptions[guard.index] = resource
        model.add(sum(literals) <= bound).only_enforce_if(guard)

    room_sets = sorted(set(rooms_of), key=lambda c: (len(c), sorted(c)))
    if exact_rooms:
        by_room_slot: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
        for (m, s, r), var in z.items():
            for parity in problem.meetings[m].parities:
                by_room_slot[r, s, parity].append(var)
        for (r, _s, _p), literals in by_room_slot.items():
            at_most(("room", r), literals)
    else:
        for index, room_set in enumerate(room_sets):
            members = [m for m, own in enumerate(rooms_of) if own and own <= room_set]
            for slot in problem.slots:
                for parity in (0, 1):
                    literals = [x[m, slot.id] for m in members
                                if parity in problem.meetings[m].parities and (m, slot.id) in x]
                    at_most(("rooms", index), literals, len(room_set))

    # One meeting at a time per teacher, group and section, in each week parity.
    members_of: dict[tuple[str, int], list[int]] = defaultdict(list)
    for m, meeting in enumerate(problem.meetings):
        for resource in _resources(meeting):
            members_of[resource].append(m)
    occupied: dict[tuple[str, int], dict[int, Any]] = {}
    for resource, meetings in members_of.items():
        per_slot: dict[tuple[int, int], list[Any]] = defaultdict(list)
        in_slot: dict[int, list[Any]] = defaultdict(list)
        for m in meetings:
            for slot in problem.slots:
                literals = by_meeting_slot.get((m, slot.id), [])
                in_slot[slot.id].extend(literals)
                for parity in problem.meetings[m].parities:
                    per_slot[slot.id, parity].extend(literals)
        for literals in per_slot.values():
            at_most(resource, literals)
        if resource[0] in ("group", "teacher") and not with_assumptions:
            occupied[resource] = {}
            for slot_id, literals in in_slot.items():
                if literals:
                    o = model.new_bool_var(f"o_{resource[0]}{resource[1]}_{slot_id}")
                    model.add_max_equality(o, literals)
                    occupied[resource][slot_id] = o

    penalties: dict[str, list[tuple[int, Any]]] = defaultdict(list)
    if not with_assumptions:
        _soft(problem, model, x, occupied, penalties)
        model.minimize(sum(w * v for items in penalties.values() for w, v in items))
    return _Model(model, x, z, penalties, assumptions, room_sets)


def _soft(problem: TimetableProblem, model: Any, x: dict[tuple[int, int], Any],
          occupied: dict[tuple[str, int], dict[int, Any]],
          penalties: dict[str, list[tuple[int, Any]]]) -> None:
    """The weighted soft constraints, as penalty terms."""
    weights = problem.weights
    days: dict[int, list[Slot]] = defaultdict(list)
    for slot in sorted(problem.slots, key=lambda s: (s.day, s.pair)):
        days[slot.day].append(slot)

    # Gaps: a free pair between two busy pairs of the same day.
    for resource, slot_vars in occupied.items():
        weight = weights.group_gap if resource[0] == "group" else weights.teacher_gap
        if weight <= 0:
            continue
        for day_slots in days.values():
            busy: list[Any] = [slot_vars.get(s.id) for s in day_slots]
            if sum(1 for b in busy if b is not None) < 2:
                continue
            n = len(busy)
            before: list[Any] = [None] * n
            after: list[Any] = [None] * n
            for i in range(1, n):
                items = [v for v in (before[i - 1], busy[i - 1]) if v is not None]
                if items:
                    before[i] = model.new_bool_var("")
                    model.add_max_equality(before[i], items)
            for i in range(n - 2, -1, -1):
                items = [v for v in (after[i + 1], busy[i + 1]) if v is not None]
                if items:
                    after[i] = model.new_bool_var("")
                    model.add_max_equality(after[i], items)
            for i in range(1, n - 1):
                if before[i] is None or after[i] is None:
                    continue
                gap = model.new_bool_var("")
                if busy[i] is not None:
                    model.add(gap >= before[i] + after[i] - 1 - busy[i])
                else:
                    model.add(gap >= before[i] + after[i] - 1)
                penalties[f"{resource[0]}_gaps"].append((weight, gap))

    # A group's day over the wished number of pairs.
    for resource, slot_vars in occupied.items():
        if resource[0] != "group" or weights.overload <= 0:
            continue
        for day_slots in days.values():
            busy = [slot_vars[s.id] for s in day_slots if s.id in slot_vars]
            if len(busy) > weights.max_pairs_per_day:
                over = model.new_int_var(0, len(busy), "")
                model.add(over >= sum(busy) - weights.max_pairs_per_day)
                penalties["overloaded_days"].append((weights.overload, over))

    # Two meetings of a section on the same day.
    by_section: dict[int, list[int]] = defaultdict(list)
    for m, meeting in enumerate(problem.meetings):
        by_section[meeting.section_id].append(m)
    if weights.same_day > 0:
        for meetings in by_section.values():
            if len(meetings) < 2:
                continue
            for day_slots in days.values():
                terms = [x[m, s.id] for m in meetings for s in day_slots if (m, s.id) in x]
                if len(terms) < 2:
                    continue
                extra = model.new_int_var(0, len(meetings), "")
                model.add(extra >= sum(terms) - 1)
                penalties["same_day"].append((weights.same_day, extra))

    # Slots a teacher would rather avoid, and late pairs.
    for m, meeting in enumerate(problem.meetings):
        avoided = problem.avoided.get(meeting.teacher_id, frozenset()) \
            if meeting.teacher_id is not None else frozenset()
        for slot in problem.slots:
            term = x.get((m, slot.id))
            if term is None:
                continue
            if slot.id in avoided and weights.avoided_slot > 0:
                penalties["avoided_slots"].append((weights.avoided_slot, term))
            if slot.pair >= weights.late_from_pair and weights.late_pair > 0:
                penalties["late_pairs"].append((weights.late_pair, term))


def _workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def _solver(time_limit: float, seed: int, workers: int | None = None) -> Any:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, float(time_limit))
    solver.parameters.random_seed = int(seed)
    solver.parameters.num_workers = workers or _workers()
    return solver


def assign_rooms(problem: TimetableProblem, slots: Sequence[int], *, seed: int = 0,
                 time_limit: float = 10.0) -> list[int] | None:
    """Rooms for meetings whose slots are chosen: per slot, every meeting a room that fits it,
    a room once per week parity, as many meetings as possible in their hinted room. None when
    some slot's meetings cannot all be seated."""
    from ortools.sat.python import cp_model

    rooms: list[int] = [-1] * len(problem.meetings)
    by_slot: dict[int, list[int]] = defaultdict(list)
    for m, slot in enumerate(slots):
        by_slot[slot].append(m)
    for members in by_slot.values():
        model = cp_model.CpModel()
        y: dict[tuple[int, int], Any] = {}
        per_room: dict[tuple[int, int], list[Any]] = defaultdict(list)
        kept = []
        for m in members:
            meeting = problem.meetings[m]
            literals = []
            for room in candidate_rooms(problem, meeting):
                var = model.new_bool_var("")
                y[m, room.id] = var
                literals.append(var)
                for parity in meeting.parities:
                    per_room[room.id, parity].append(var)
                if room.id == meeting.hint_room:
                    kept.append(var)
            if not literals:
                return None
            model.add_exactly_one(literals)
        for literals in per_room.values():
            if len(literals) > 1:
                model.add_at_most_one(literals)
        if kept:
            model.maximize(sum(kept))
        solver = _solver(time_limit, seed, workers=1)
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        for (m, room_id), var in y.items():
            if solver.boolean_value(var):
                rooms[m] = room_id
    return rooms


def solve(problem: TimetableProblem, *, time_limit: float = 30.0, seed: int = 0,
          kind_labels: dict[str, str] | None = None) -> TimetableResult:
    """Place every meeting, or say why not. Never returns a placement breaking a hard rule."""
    from ortools.sat.python import cp_model

    started = time.monotonic()
    if not problem.meetings:
        return TimetableResult(OPTIMAL, [], objective=0, message=_("There is nothing to place."))
    problems = precheck(problem, kind_labels)
    if problems:
        return TimetableResult(INFEASIBLE, [], problems=problems,
                               message=_("No timetable satisfies the hard constraints."),
                               wall_time=time.monotonic() - started)

    def left() -> float:
        return max(1.0, float(time_limit) - (time.monotonic() - started))

    built = _build(problem)
    solver = _solver(time_limit, seed)
    code = solver.solve(built.model)
    placements: list[tuple[int, int]] | None = None
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        slots = _chosen_slots(problem, built, solver)
        rooms = assign_rooms(problem, slots, seed=seed, time_limit=left())
        if rooms is not None:
            placements = list(zip(slots, rooms, strict=True))
        else:  # rooms that are not nested: solve with the rooms as variables
            hints = [(s, problem.meetings[m].hint_room or -1) for m, s in enumerate(slots)]
            built = _build(problem, exact_rooms=True, hints=hints)
            solver = _solver(left(), seed)
            code = solver.solve(built.model)
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                placements = [next((s, r) for (mm, s, r), var in built.z.items()
                                   if mm == m and solver.boolean_value(var))
                              for m in range(len(problem.meetings))]
    if placements is not None:
        errors = check(problem, placements)
        if errors:  # never expected: the model encodes every rule that check() tests
            raise AssertionError("; ".join(errors))
        penalties = {name: int(sum(w * solver.value(v) for w, v in items))
                     for name, items in built.penalties.items()}
        return TimetableResult(
            OPTIMAL if code == cp_model.OPTIMAL else FEASIBLE, placements,
            objective=int(solver.objective_value), penalties=penalties,
            wall_time=time.monotonic() - started)
    if code == cp_model.INFEASIBLE:
        culprits = explain(problem, time_limit=left(), seed=seed)
        return TimetableResult(INFEASIBLE, [], problems=culprits,
                               message=_("No timetable satisfies the hard constraints."),
                               wall_time=time.monotonic() - started)
    return TimetableResult(
        UNKNOWN, [],
        message=_("No timetable was found within %(seconds)s seconds; give the solver more "
                  "time.") % {"seconds": f"{time_limit:g}"},
        wall_time=time.monotonic() - started)


def _chosen_slots(problem: TimetableProblem, built: _Model, solver: Any) -> list[int]:
    chosen: dict[int, int] = {}
    for (m, s), var in built.x.items():
        if solver.boolean_value(var):
            chosen[m] = s
    return [chosen[m] for m in range(len(problem.meetings))]


def explain(problem: TimetableProblem, *, time_limit: float = 10.0, seed: int = 0) -> list[str]:
    """Name teachers, groups, sections and rooms whose one-place-at-a-time rules cannot all
    hold together (a small infeasible core of CP-SAT assumptions)."""
    from ortools.sat.python import cp_model

    built = _build(problem, with_assumptions=True)
    model = built.model
    model.add_assumptions([model.get_bool_var_from_proto_index(i) for i in built.assumptions])
    solver = _solver(time_limit, seed, workers=1)
    code = solver.solve(model)
    named = sorted({built.assumptions[i] for i in solver.sufficient_assumptions_for_infeasibility()
                    if i in built.assumptions}) if code == cp_model.INFEASIBLE else []
    if not named:
        return [_("The classes cannot all be fitted into the grid together; no single teacher, "
                  "group or room could be named. Add rooms or slots, or lift unavailability.")]
    codes = {r.id: r.code for r in problem.rooms}
    names = []
    for kind, key in named:
        if kind == "rooms":
            names.append(_("rooms %(codes)s") % {
                "codes": ", ".join(sorted(codes[r] for r in built.room_sets[key]))})
        else:
            names.append(_resource_name(problem, kind, key))
    return [_("These cannot all be kept to one place at a time with the rooms and slots "
              "available: %(who)s. Move classes, add rooms or slots, or lift unavailability.")
            % {"who": ", ".join(names)}]
