"""The scheduling pages and who may open them (§1, §13): the registrar everything; a dean their
faculty's groups and teachers (drafts too) and rooms, 404 for another faculty's, 403 for the
registrar's actions; a teacher and a student only their own, only once published."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from registrar.notifications.models import Notification
from registrar.people.models import Role
from registrar.scheduling import services
from registrar.scheduling.models import ClassMeeting, ExamSession, Timetable
from tests import factories

from .world import student_user

pytestmark = pytest.mark.django_db


def slot(world, weekday: int, number: int):
    return next(s for s in world.slots if s.weekday == weekday and s.number == number)


@pytest.fixture
def placed(world):
    """A few classes by hand (no solver needed for the pages)."""
    s = world.sections
    ClassMeeting.objects.create(section=s["MAT-01"], kind="lecture", slot=slot(world, 2, 1),
                                room=world.rooms["L-101"])
    ClassMeeting.objects.create(section=s["ENG-1"], kind="practice", slot=slot(world, 2, 2),
                                room=world.rooms["S-201"])
    ClassMeeting.objects.create(section=s["ENG-3"], kind="practice", slot=slot(world, 3, 2),
                                room=world.rooms["S-201"])
    ClassMeeting.objects.create(section=s["BIO-01"], kind="practice", slot=slot(world, 2, 2),
                                room=world.rooms["S-202"])
    return world


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _urls(w) -> dict[str, str]:
    p, g, t, r = w.autumn.pk, w.groups[0].pk, w.teachers[0].staff.pk, w.rooms["L-101"].pk
    return {
        "index": reverse("scheduling:index"),
        "term": reverse("scheduling:term", args=[p]),
        "group": reverse("scheduling:group", args=[p, g]),
        "group_pdf": reverse("scheduling:group_export", args=[p, g, "pdf"]),
        "group_xlsx": reverse("scheduling:group_export", args=[p, g, "xlsx"]),
        "teacher": reverse("scheduling:teacher", args=[p, t]),
        "room": reverse("scheduling:room", args=[p, r]),
        "room_pdf": reverse("scheduling:room_export", args=[p, r, "pdf"]),
        "rooms": reverse("scheduling:rooms"),
        "bookings": reverse("scheduling:bookings"),
        "sessions": reverse("scheduling:sessions"),
    }


def test_the_registrar_opens_every_page_and_export(client, placed):
    w = placed
    client.force_login(w.registrar)
    for name, url in _urls(w).items():
        response = client.get(url)
        assert response.status_code == 200, name
    group = client.get(_urls(w)["group"]).content.decode()
    assert "MAT-01" in group and "ENG-1" in group and "BIO-01" not in group
    pdf = client.get(_urls(w)["group_pdf"])
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "MAT-01" in text and "Tuesday" in text
    book = load_workbook(io.BytesIO(client.get(_urls(w)["group_xlsx"]).content))
    cells = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value)
    assert "MAT-01" in cells and "room L-101" in cells
    free = client.get(_urls(w)["rooms"], {"date": "2026-09-15", "starts_at": "08:30",
                                          "ends_at": "09:00", "seats": "50"})
    assert free.status_code == 200 and "L-102" in free.context["free"][0].code


def test_a_dean_sees_their_faculty_and_no_other(client, placed):
    w = placed
    client.force_login(w.dean)
    urls = _urls(w)
    for name in ("index", "term", "group", "teacher", "room", "rooms", "sessions", "group_pdf"):
        assert client.get(urls[name]).status_code == 200, name
    assert "MAT-01" in client.get(urls["group"]).content.decode()  # a draft, but the dean's
    other_group = reverse("scheduling:group", args=[w.autumn.pk, w.other_group.pk])
    assert client.get(other_group).status_code == 404
    outsider = factories.user(role=Role.TEACHER)
    outsider.staff.department = w.other_programme.department
    outsider.staff.save()
    assert client.get(reverse("scheduling:teacher", args=[w.autumn.pk, outsider.staff.pk])
                      ).status_code == 404
    for url in (reverse("scheduling:generate", args=[w.autumn.pk]),
                reverse("scheduling:publish", args=[w.autumn.pk]),
                reverse("scheduling:create_grid"), urls["bookings"]):
        assert client.post(url, {"time_limit": "5", "reason": "x"}).status_code == 403
    assert not Timetable.objects.filter(published_at__isnull=False).exists()
    term = client.get(urls["term"])
    assert [g.pk for g in term.context["groups"]] == [g.pk for g in w.groups]
    client.force_login(w.other_dean)
    assert client.get(urls["group"]).status_code == 404


def test_a_teacher_sees_their_own_timetable_once_published(client, placed):
    w = placed
    teacher = w.teachers[2]  # ENG
    client.force_login(teacher)
    own = reverse("scheduling:teacher", args=[w.autumn.pk, teacher.staff.pk])
    page = client.get(own)
    assert page.status_code == 200 and "ENG-1" not in page.content.decode()
    assert client.get(reverse("scheduling:teacher_export",
                              args=[w.autumn.pk, teacher.staff.pk, "pdf"])).status_code == 404
    assert client.get(reverse("scheduling:index")).status_code == 302
    for name in ("term", "room", "rooms", "sessions", "group"):
        assert client.get(_urls(w)[name]).status_code in (403, 404), name
    other = reverse("scheduling:teacher", args=[w.autumn.pk, w.teachers[0].staff.pk])
    assert client.get(other).status_code == 404
    services.publish_timetable(w.autumn, by=w.registrar)
    assert Notification.objects.filter(user=teacher, subject__contains="timetable").exists()
    body = client.get(own).content.decode()
    assert "ENG-1" in body and "ENG-3" in body and "MAT-01" not in body
    mine = client.get(reverse("scheduling:mine"), {"period": w.autumn.pk}).content.decode()
    assert "ENG-1" in mine and "MAT-01" not in mine
    pdf = client.get(reverse("scheduling:mine_export", args=["pdf"]), {"period": w.autumn.pk})
    assert pdf.status_code == 200 and "ENG-3" in _pdf_text(pdf.content)


def test_a_student_sees_only_their_own_published_timetable(client, placed):
    w = placed
    student = w.students_of[w.groups[0].pk][0]
    client.force_login(student_user(student))
    mine = reverse("scheduling:mine")
    body = client.get(mine, {"period": w.autumn.pk}).content.decode()
    assert "not published yet" in body and "MAT-01" not in body
    assert client.get(reverse("scheduling:mine_export", args=["xlsx"]),
                      {"period": w.autumn.pk}).status_code == 404
    own_group = reverse("scheduling:group", args=[w.autumn.pk, w.groups[0].pk])
    assert "MAT-01" not in client.get(own_group).content.decode()
    services.publish_timetable(w.autumn, by=w.registrar)
    body = client.get(mine, {"period": w.autumn.pk}).content.decode()
    assert "MAT-01" in body and "ENG-1" in body
    assert "ENG-3" not in body and "BIO-01" not in body  # other groups' classes
    assert "MAT-01" in client.get(own_group).content.decode()
    for url in (reverse("scheduling:group", args=[w.autumn.pk, w.groups[2].pk]),
                reverse("scheduling:teacher", args=[w.autumn.pk, w.teachers[0].staff.pk])):
        assert client.get(url).status_code == 404
    for name in ("term", "room", "rooms", "sessions", "bookings"):
        assert client.get(_urls(w)[name]).status_code == 403, name
    assert client.post(reverse("scheduling:generate", args=[w.autumn.pk]),
                       {"time_limit": "5"}).status_code == 403
    session = ExamSession.objects.create(period=w.autumn, name="Winter",
                                         starts_on=dt.date(2026, 12, 14),
                                         ends_on=dt.date(2026, 12, 26))
    assert client.get(reverse("scheduling:session", args=[session.pk])).status_code == 403
    assert client.post(reverse("scheduling:session_publish", args=[session.pk])
                       ).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, placed):
    for url in _urls(placed).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_publishing_and_withdrawing_through_the_pages(client, placed):
    w = placed
    client.force_login(w.registrar)
    client.post(reverse("scheduling:publish", args=[w.autumn.pk]))
    assert Timetable.objects.get(period=w.autumn).is_published
    client.post(reverse("scheduling:withdraw", args=[w.autumn.pk]), {"reason": ""})
    assert Timetable.objects.get(period=w.autumn).is_published  # a reason is required
    client.post(reverse("scheduling:withdraw", args=[w.autumn.pk]), {"reason": "Room change"})
    assert not Timetable.objects.get(period=w.autumn).is_published


def test_standard_grid_and_booking_through_the_pages(client, world):
    client.force_login(world.registrar)
    from registrar.scheduling.models import RoomBooking, TimeSlot
    TimeSlot.objects.all().delete()
    client.post(reverse("scheduling:create_grid"))
    assert TimeSlot.objects.count() == 36
    day = dt.date.today() + dt.timedelta(days=400)
    response = client.post(reverse("scheduling:bookings"), {
        "room": world.rooms["S-201"].pk, "date": day.isoformat(), "starts_at": "10:00",
        "ends_at": "11:00", "purpose": "Thesis defence"})
    assert response.status_code == 302
    response = client.post(reverse("scheduling:bookings"), {
        "room": world.rooms["S-201"].pk, "date": day.isoformat(), "starts_at": "10:30",
        "ends_at": "11:30", "purpose": "Meeting"})
    assert response.status_code == 200 and "Thesis defence" in response.content.decode()
    assert RoomBooking.objects.count() == 1
