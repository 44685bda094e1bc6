"""Moving a class by hand (§13): the conflicts are shown live while a slot and room are chosen
(an HTMX fragment), a move breaking a hard rule is refused, a clean one is saved and pinned."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registrar.audit.models import AuditEvent
from registrar.scheduling import services
from registrar.scheduling.models import ClassMeeting, ClassNeed, WeekPattern

pytestmark = pytest.mark.django_db


def slot(world, weekday: int, number: int):
    return next(s for s in world.slots if s.weekday == weekday and s.number == number)


def meeting(world, code: str, kind: str, weekday: int, number: int, room: str,
            pattern: str = WeekPattern.EVERY) -> ClassMeeting:
    section = world.sections[code]
    need = ClassNeed.objects.filter(section=section, kind=kind).first()
    return ClassMeeting.objects.create(section=section, need=need, kind=kind,
                                       slot=slot(world, weekday, number),
                                       room=world.rooms[room], week_pattern=pattern)


@pytest.fixture
def placed(world):
    """MAT-01 lecture Tue 1 in L-101; ENG-1 practice Tue 2 in S-201; PHY-01 lab Wed 1 in
    LAB-1; ENG-2 practice Tue 3 in S-202."""
    return {
        "mat": meeting(world, "MAT-01", "lecture", 2, 1, "L-101"),
        "eng1": meeting(world, "ENG-1", "practice", 2, 2, "S-201"),
        "phy": meeting(world, "PHY-01", "lab", 3, 1, "LAB-1"),
        "eng2": meeting(world, "ENG-2", "practice", 2, 3, "S-202"),
    }


def kinds(conflicts, hard=True):
    return {c.kind for c in conflicts if c.hard == hard}


def test_conflicts_name_every_broken_rule(world, placed):
    eng1 = placed["eng1"]
    # Into the MAT lecture's slot and room: the room is taken, group 1 is busy; a lecture
    # hall is not a seminar room.
    found = services.edit_conflicts(eng1, slot(world, 2, 1), world.rooms["L-101"])
    assert kinds(found) == {"room", "group", "room_kind"}
    # Into ENG-2's slot: the same teacher teaches then.
    found = services.edit_conflicts(eng1, slot(world, 2, 3), world.rooms["S-203"])
    assert kinds(found) == {"teacher"}
    # Teacher 3 is strictly unavailable on Mondays.
    found = services.edit_conflicts(eng1, slot(world, 1, 4), world.rooms["S-203"])
    assert kinds(found) == {"unavailable"}
    # Too small: PHY-01's lab (40) into the computer class (25) is two faults.
    found = services.edit_conflicts(placed["phy"], slot(world, 3, 1), world.rooms["C-301"])
    assert kinds(found) == {"capacity", "room_kind"}
    # Teacher 1 would rather not teach on Fridays: a note, not a conflict.
    found = services.edit_conflicts(placed["mat"], slot(world, 5, 1), world.rooms["L-102"])
    assert kinds(found) == set() and kinds(found, hard=False) == {"preference"}


def test_a_conflicting_move_is_refused_and_nothing_changes(world, placed):
    eng1 = placed["eng1"]
    with pytest.raises(services.SchedulingRefused) as refused:
        services.move_meeting(eng1, slot=slot(world, 2, 3), room=world.rooms["S-203"],
                              by=world.registrar)
    assert any("teaches ENG-2" in p for p in refused.value.problems)
    eng1.refresh_from_db()
    assert (eng1.slot.weekday, eng1.slot.number, eng1.locked) == (2, 2, False)
    assert not AuditEvent.objects.filter(action="scheduling.meeting_moved").exists()


def test_a_clean_move_is_saved_pinned_and_audited(world, placed):
    eng1 = placed["eng1"]
    services.move_meeting(eng1, slot=slot(world, 4, 4), room=world.rooms["S-203"],
                          by=world.registrar)
    eng1.refresh_from_db()
    assert (eng1.slot.weekday, eng1.slot.number, eng1.room.code, eng1.locked) == \
        (4, 4, "S-203", True)
    event = AuditEvent.objects.get(action="scheduling.meeting_moved")
    assert event.changes["before"]["room"] == "S-201" and event.changes["after"]["room"] == "S-203"


def test_odd_and_even_week_classes_may_share_a_cell(world, placed):
    his = meeting(world, "HIS-01", "lecture", 4, 1, "L-102", WeekPattern.ODD)
    mat = placed["mat"]
    found = services.edit_conflicts(mat, his.slot, his.room, WeekPattern.EVEN)
    assert "room" not in kinds(found) and "group" not in kinds(found)
    services.move_meeting(mat, slot=his.slot, room=his.room, week_pattern=WeekPattern.EVEN,
                          by=world.registrar)
    found = services.edit_conflicts(mat, his.slot, his.room, WeekPattern.EVERY)
    assert {"room", "group"} <= kinds(found)


def test_the_live_conflict_fragment(client, world, placed):
    client.force_login(world.registrar)
    eng1 = placed["eng1"]
    url = reverse("scheduling:meeting_conflicts", args=[eng1.pk])
    response = client.get(url, {"slot": slot(world, 2, 3).pk, "room": world.rooms["S-203"].pk,
                                "week_pattern": "every"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-kind="teacher"' in body and "ENG-2" in body
    assert "<html" not in body  # a fragment, not a page
    response = client.get(url, {"slot": slot(world, 4, 4).pk, "room": world.rooms["S-203"].pk,
                                "week_pattern": "every"})
    assert 'data-kind="free"' in response.content.decode()
    page = client.get(reverse("scheduling:meeting_edit", args=[eng1.pk]))
    assert page.status_code == 200 and f'hx-get="{url}"' in page.content.decode()
    # Posting a conflicting move shows the reasons and keeps the class.
    response = client.post(reverse("scheduling:meeting_edit", args=[eng1.pk]), {
        "slot": slot(world, 2, 3).pk, "room": world.rooms["S-203"].pk, "week_pattern": "every",
        "keep": "on"})
    assert response.status_code == 200 and "teaches ENG-2" in response.content.decode()


def test_hand_edits_are_the_registrars(client, world, placed):
    eng1 = placed["eng1"]
    for user in (world.dean, world.teachers[2]):
        client.force_login(user)
        assert client.get(reverse("scheduling:meeting_edit", args=[eng1.pk])).status_code == 403
        assert client.get(reverse("scheduling:meeting_conflicts", args=[eng1.pk])
                          ).status_code == 403
        assert client.post(reverse("scheduling:meeting_edit", args=[eng1.pk]), {
            "slot": slot(world, 4, 4).pk, "room": world.rooms["S-203"].pk,
            "week_pattern": "every"}).status_code == 403
    eng1.refresh_from_db()
    assert eng1.slot.number == 2


def test_a_published_timetable_is_not_edited(world, placed):
    services.publish_timetable(world.autumn, by=world.registrar)
    with pytest.raises(services.SchedulingRefused):
        services.move_meeting(placed["eng1"], slot=slot(world, 4, 4),
                              room=world.rooms["S-203"], by=world.registrar)
