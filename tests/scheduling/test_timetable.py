"""The class timetable generated with CP-SAT (§13): hard rules hold for every pair of classes,
soft ones are weighed, impossible input is explained, hand-placed classes stay."""

from __future__ import annotations

import itertools
import random

import pytest

from registrar.audit.models import AuditEvent
from registrar.scheduling import services, timetable
from registrar.scheduling.models import (
    ClassMeeting,
    ClassNeed,
    SolveStatus,
    TimetableRun,
    WeekPattern,
    pattern_weeks,
)

pytestmark = pytest.mark.django_db


def _weeks_overlap(a: ClassMeeting, b: ClassMeeting) -> bool:
    return (a.odd_weeks and b.odd_weeks) or (a.even_weeks and b.even_weeks)


def assert_no_clash(period) -> int:
    """Check every pair of the term's meetings; returns the number of pairs checked."""
    meetings = list(ClassMeeting.objects.filter(period=period)
                    .select_related("section", "slot", "room")
                    .prefetch_related("section__groups"))
    pairs = 0
    for a, b in itertools.combinations(meetings, 2):
        pairs += 1
        if a.slot_id != b.slot_id or not _weeks_overlap(a, b):
            continue
        where = f"{a.section.code}/{b.section.code} at {a.slot}"
        assert a.room_id != b.room_id, f"room clash {where}"
        assert a.section.teacher_id != b.section.teacher_id, f"teacher clash {where}"
        assert a.section_id != b.section_id, f"section clash {where}"
        groups_a = {g.pk for g in a.section.groups.all()}
        groups_b = {g.pk for g in b.section.groups.all()}
        assert not groups_a & groups_b, f"group clash {where}"
    return pairs


def test_generated_timetable_has_no_clash(world):
    run = services.generate_timetable(world.autumn, by=world.registrar, time_limit=20)
    assert run.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE), run.details
    wanted = sum(n.per_week for n in ClassNeed.objects.filter(section__period=world.autumn))
    assert ClassMeeting.objects.filter(period=world.autumn).count() == wanted == run.meetings
    assert assert_no_clash(world.autumn) == wanted * (wanted - 1) // 2
    assert run.solve_seconds < 20
    event = AuditEvent.objects.get(action="scheduling.timetable_generated")
    assert event.actor == world.registrar and event.changes["status"] == run.status


def test_capacity_room_kind_and_features_respected(world):
    services.generate_timetable(world.autumn, by=world.registrar, time_limit=20)
    for meeting in ClassMeeting.objects.filter(period=world.autumn).select_related(
            "need", "room", "section"):
        need = meeting.need
        assert meeting.room.kind == need.room_kind
        assert meeting.room.capacity >= (need.expected_size or meeting.section.capacity)
        assert set(need.features) <= set(meeting.room.features)
        assert meeting.week_pattern == need.week_pattern
        assert (meeting.odd_weeks, meeting.even_weeks) == pattern_weeks(meeting.week_pattern)


def test_unavailability_respected_and_preferences_weighed(world):
    run = services.generate_timetable(world.autumn, by=world.registrar, time_limit=20)
    t1, _t2, t3, _t4 = (t.staff for t in world.teachers)
    assert not ClassMeeting.objects.filter(section__teacher=t3, slot__weekday=1).exists()
    if run.status == SolveStatus.OPTIMAL:  # the world leaves room to spare teacher 1's Friday
        assert not ClassMeeting.objects.filter(section__teacher=t1, slot__weekday=5).exists()
        assert run.details["penalties"].get("avoided_slots", 0) == 0


def test_a_class_without_a_fitting_room_is_reported_by_name(world):
    ClassNeed.objects.filter(section=world.sections["MAT-01"]).update(expected_size=120)
    run = services.generate_timetable(world.autumn, by=world.registrar, time_limit=10)
    assert run.status == SolveStatus.INFEASIBLE
    text = " ".join(run.details["problems"])
    assert "MAT-01 Lecture needs a Lecture hall for 120 students" in text
    assert "largest of that kind has 80 seats" in text
    assert not ClassMeeting.objects.filter(period=world.autumn).exists()


def test_a_teacher_unavailable_all_week_is_reported(world):
    from registrar.scheduling.models import TeacherUnavailability
    t2 = world.teachers[1].staff
    for slot in world.slots:
        TeacherUnavailability.objects.update_or_create(teacher=t2, slot=slot,
                                                       defaults={"strict": True})
    run = services.generate_timetable(world.autumn, by=world.registrar, time_limit=10)
    assert run.status == SolveStatus.INFEASIBLE
    assert any("PHY-01" in p and "unavailable all week" in p for p in run.details["problems"])


def test_an_infeasible_run_keeps_the_previous_timetable(world):
    services.generate_timetable(world.autumn, by=world.registrar, time_limit=20)
    before = set(ClassMeeting.objects.values_list("pk", "slot_id", "room_id"))
    ClassNeed.objects.filter(section__in=[world.sections["CS-01"], world.sections["MAT-01"]]
                             ).update(per_week=12)
    run = services.generate_timetable(world.autumn, by=world.registrar, time_limit=10)
    assert run.status == SolveStatus.INFEASIBLE
    assert any(p.startswith("teacher ") and "24 classes a week but only 20 slots" in p
               for p in run.details["problems"]), run.details["problems"]
    assert set(ClassMeeting.objects.values_list("pk", "slot_id", "room_id")) == before
    assert TimetableRun.objects.count() == 2


def test_hand_placed_meetings_stay_where_they_are(world):
    services.generate_timetable(world.autumn, by=world.registrar, time_limit=20)
    meeting = ClassMeeting.objects.filter(section=world.sections["ENG-1"]).first()
    target, free = next(
        (slot, room) for slot in reversed(world.slots) for room in world.rooms.values()
        if slot.pk != meeting.slot_id
        and not [c for c in services.edit_conflicts(meeting, slot, room) if c.hard])
    services.move_meeting(meeting, slot=target, room=free, by=world.registrar)
    services.generate_timetable(world.autumn, by=world.registrar, time_limit=20, seed=3)
    meeting.refresh_from_db()
    assert (meeting.slot_id, meeting.room_id, meeting.locked) == (target.pk, free.pk, True)
    assert ClassMeeting.objects.filter(section=world.sections["ENG-1"]).count() == 2
    assert_no_clash(world.autumn)


def test_generation_is_refused_while_published_and_to_others(world):
    from django.core.exceptions import PermissionDenied
    services.generate_timetable(world.autumn, by=world.registrar, time_limit=20)
    services.publish_timetable(world.autumn, by=world.registrar)
    with pytest.raises(services.SchedulingRefused):
        services.generate_timetable(world.autumn, by=world.registrar, time_limit=5)
    for user in (world.dean, world.teachers[0]):
        with pytest.raises(PermissionDenied):
            services.generate_timetable(world.autumn, by=user, time_limit=5)


def test_default_needs_from_discipline_hours(world):
    assert services.meetings_for_hours(30, 15) == (1, WeekPattern.EVERY)
    assert services.meetings_for_hours(15, 15) == (1, WeekPattern.ODD)
    assert services.meetings_for_hours(45, 15) == (2, WeekPattern.EVERY)
    assert services.meetings_for_hours(60, 15) == (2, WeekPattern.EVERY)
    assert services.meetings_for_hours(0, 15) == (0, WeekPattern.EVERY)
    assert services.meetings_for_hours(30, 5) == (3, WeekPattern.EVERY)
    section = world.sections["MAT-01"]
    ClassNeed.objects.filter(section=section).delete()
    assert services.ensure_needs(world.autumn, by=world.registrar) == 2
    kinds = dict(ClassNeed.objects.filter(section=section).values_list("kind", "room_kind"))
    assert kinds == {"lecture": "lecture", "practice": "seminar"}


# --- The pure model --------------------------------------------------------------------------

def _random_problem(rng: random.Random, groups: int, meetings_per_group: int
                    ) -> timetable.TimetableProblem:
    slots = [timetable.Slot(d * 10 + p, d, p) for d in range(1, 6) for p in range(1, 6)]
    rooms = [timetable.RoomInfo(i, f"R{i}", kind, cap) for i, (kind, cap) in enumerate(
        [("lecture", 90), ("lecture", 60), ("seminar", 30), ("seminar", 30), ("seminar", 25),
         ("seminar", 25), ("lab", 30), ("lab", 25)], start=1)]
    meetings = []
    teachers = max(2, groups * meetings_per_group // 6)
    for g in range(groups):
        for k in range(meetings_per_group):
            stream = frozenset({g} | ({(g + 1) % groups} if k == 0 and groups > 1 else set()))
            kind = "lecture" if k == 0 else rng.choice(["seminar", "seminar", "lab"])
            size = 50 if kind == "lecture" else 20
            meetings.append(timetable.Meeting(
                section_id=g * 100 + k, label=f"S{g}-{k}", size=size, room_kind=kind,
                teacher_id=rng.randrange(teachers), group_ids=stream,
                odd_weeks=True, even_weeks=rng.random() > 0.1))
    unavailable = {t: frozenset(rng.sample([s.id for s in slots], 3)) for t in range(teachers)}
    return timetable.TimetableProblem(slots, rooms, meetings, unavailable=unavailable)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_problems_solve_without_breaking_a_hard_rule(seed):
    problem = _random_problem(random.Random(seed), groups=6, meetings_per_group=5)
    result = timetable.solve(problem, time_limit=20, seed=seed)
    assert result.solved, result.problems
    assert timetable.check(problem, result.placements) == []
    rooms = {r.id: r for r in problem.rooms}
    for (i, a), (j, b) in itertools.combinations(enumerate(problem.meetings), 2):
        (sa, ra), (sb, rb) = result.placements[i], result.placements[j]
        if sa != sb or not set(a.parities) & set(b.parities):
            continue
        assert ra != rb
        assert a.teacher_id != b.teacher_id
        assert not a.group_ids & b.group_ids
    for meeting, (slot, room) in zip(problem.meetings, result.placements, strict=True):
        assert rooms[room].kind == meeting.room_kind and rooms[room].capacity >= meeting.size
        assert slot not in problem.unavailable[meeting.teacher_id]


def test_odd_and_even_week_classes_share_a_room():
    slots = [timetable.Slot(1, 1, 1)]
    rooms = [timetable.RoomInfo(1, "R1", "seminar", 30)]
    meetings = [timetable.Meeting(1, "A", 20, "seminar", teacher_id=1, odd_weeks=True,
                                  even_weeks=False),
                timetable.Meeting(2, "B", 20, "seminar", teacher_id=1, odd_weeks=False,
                                  even_weeks=True)]
    result = timetable.solve(timetable.TimetableProblem(slots, rooms, meetings), time_limit=5)
    assert result.solved and result.placements == [(1, 1), (1, 1)]


def test_an_infeasible_core_names_the_groups():
    """Three streams pairwise sharing a group need three slots; there are two. No simple
    count shows it, so CP-SAT's infeasible core names the groups."""
    slots = [timetable.Slot(1, 1, 1), timetable.Slot(2, 1, 2)]
    rooms = [timetable.RoomInfo(i, f"R{i}", "lecture", 100) for i in (1, 2, 3)]
    meetings = [timetable.Meeting(i, f"S{i} Lecture", 50, "lecture", teacher_id=i,
                                  group_ids=frozenset(pair))
                for i, pair in enumerate([(1, 2), (2, 3), (1, 3)], start=1)]
    problem = timetable.TimetableProblem(slots, rooms, meetings,
                                         group_names={1: "G-A", 2: "G-B", 3: "G-C"})
    assert timetable.precheck(problem) == []
    result = timetable.solve(problem, time_limit=5)
    assert result.status == timetable.INFEASIBLE
    text = " ".join(result.problems)
    assert "cannot all be kept to one place at a time" in text
    assert "group G-" in text


def test_check_finds_every_kind_of_clash():
    slots = [timetable.Slot(1, 1, 1)]
    rooms = [timetable.RoomInfo(1, "R1", "seminar", 30), timetable.RoomInfo(2, "R2", "lab", 10)]
    meetings = [timetable.Meeting(1, "A", 20, "seminar", teacher_id=1, group_ids=frozenset({1})),
                timetable.Meeting(2, "B", 20, "seminar", teacher_id=1, group_ids=frozenset({1}))]
    problem = timetable.TimetableProblem(slots, rooms, meetings, teacher_names={1: "T"},
                                         group_names={1: "G"}, unavailable={1: frozenset({1})})
    errors = timetable.check(problem, [(1, 1), (1, 2)])
    text = " ".join(errors)
    assert "does not fit room R2" in text
    assert "clash: teacher T" in text and "clash: group G" in text
    assert "unavailable" in text


def test_rooms_that_are_not_nested_fall_back_to_exact_rooms():
    """Two classes need a projector (rooms A, B), two need 80 seats (rooms B, C): every set of
    rooms a class may use passes the counting rule in one slot, yet three rooms cannot seat four
    classes. Room assignment says so, and the solver seats them in two slots."""
    rooms = [timetable.RoomInfo(1, "A", "lecture", 60, frozenset({"projector"})),
             timetable.RoomInfo(2, "B", "lecture", 100, frozenset({"projector"})),
             timetable.RoomInfo(3, "C", "lecture", 100)]
    meetings = [timetable.Meeting(i, f"S{i}", 50, "lecture", teacher_id=i,
                                  features=frozenset({"projector"}), hint_slot=1)
                for i in (1, 2)]
    meetings += [timetable.Meeting(i, f"S{i}", 80, "lecture", teacher_id=i, hint_slot=1)
                 for i in (3, 4)]
    one = timetable.TimetableProblem([timetable.Slot(1, 1, 1)], rooms, meetings)
    assert timetable.assign_rooms(one, [1, 1, 1, 1]) is None
    result = timetable.solve(one, time_limit=5)
    assert result.status == timetable.INFEASIBLE and result.problems
    two = timetable.TimetableProblem([timetable.Slot(1, 1, 1), timetable.Slot(2, 1, 2)], rooms,
                                     meetings)
    result = timetable.solve(two, time_limit=5)
    assert result.solved and timetable.check(two, result.placements) == []
