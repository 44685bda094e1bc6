"""The world of the object-level permission matrix (tests/security/test_permission_matrix.py).

It starts from the API tests' university (`tests/api/world.py`: two faculties A and B, a group
of three students in A advised by the advisor, a section of A's teacher with its three grade
sheets, a graded autumn and a transcript; one student of B in a section of another teacher)
and gives the first student of A — the *owner* — every kind of object a URL can name:

- a study plan (submitted, waiting for the advisor) and a registration in the teacher's section;
- grade sheets of that section, with a pending reopen request;
- issued documents: a transcript (from the API world) and a diploma;
- orders of faculty A: the applied enrolment order and a draft expulsion order naming them;
- a blank form issued to them, and an act writing another form off;
- a State Attestation Commission of faculty A with a member and a state examination;
- a scholarship round of faculty A and a vacant-grant competition of its programme;
- an export job the dean of A asked for;
- a room, a class meeting of the teacher's section, a room booking and an exam session.

The roles that must be denied the owner's objects sign in as: another student (of faculty B),
a classmate (a student of the owner's own group), a teacher of another section, an advisor who
is not the owner's, the dean of faculty B — and nobody (anonymous). The registrar and the dean
of A are allowed.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from registrar.api.models import ApiToken
from registrar.assessment.models import ReopenRequest
from registrar.blanks import services as blanks
from registrar.blanks.models import BlankForm, FormState, FormType
from registrar.contingent.services import add_item
from registrar.documents.models import DocumentKind, IssuedDocument
from registrar.graduation import services as graduation
from registrar.graduation.models import AttestationKind
from registrar.people.models import Role
from registrar.registration.models import PlanState, StudyPlan, StudyPlanLine
from registrar.reports.models import ExportJob
from registrar.scheduling.models import (
    Building,
    ClassMeeting,
    ExamSession,
    MeetingKind,
    Room,
    RoomBooking,
    RoomKind,
    TimeSlot,
)
from registrar.scholarships import services as scholarships
from tests import factories
from tests.api.world import build_world as build_api_world

D = dt.date

# The roles the matrix denies, by the attribute of the world holding their user (None: nobody).
DENIED_ROLES = {
    "anonymous": None,
    "other_student": "other_student_user",
    "classmate": "classmate_user",
    "other_teacher": "other_teacher",
    "other_advisor": "other_advisor",
    "other_dean": "other_dean",
}


def build() -> SimpleNamespace:
    w = build_api_world()
    w.owner = w.student
    w.owner_user = w.student_user
    w.other_student = w.outsider
    w.other_student_user = w.outsider.user
    # A student of the owner's own group (and advisor), who signs in too.
    w.classmate = w.students[1]
    w.classmate.user = w.classmate_user = factories.user()
    w.classmate.save(update_fields=["user"])
    # The teacher of the owner's section works in faculty A (a dean sees the timetables of
    # their faculty's teachers).
    w.teacher.staff.department = w.department
    w.teacher.staff.save(update_fields=["department"])
    w.other_teacher.staff.department = w.other_programme.department
    w.other_teacher.staff.save(update_fields=["department"])
    # An advisor, but of a student of faculty B.
    w.other_advisor = factories.user(role=Role.ADVISOR)
    w.outsider.advisor = w.other_advisor.staff
    w.outsider.save(update_fields=["advisor"])
    w.keys["other_advisor"] = ApiToken.issue(w.other_advisor, "test")[1]
    w.keys["other_student"] = w.keys["outsider"]

    # The study plan of the spring term, submitted to the advisor.
    w.plan = StudyPlan.objects.create(student=w.owner, period=w.spring, semester=2,
                                      state=PlanState.SUBMITTED)
    StudyPlanLine.objects.create(plan=w.plan, discipline=w.phy, component="compulsory",
                                 credits=w.phy.credits)

    # A reopen request of the first rating sheet.
    w.reopen = ReopenRequest.objects.create(sheet=w.r1, requested_by=w.teacher,
                                            reason="A mistyped score")

    # A draft expulsion order of faculty A naming the owner (the API world's draft).
    w.draft_item = add_item(w.draft, by=w.dean, student=w.owner, effective_date=D(2026, 2, 2),
                            reason="own_wish")
    w.order_item = w.order.items.get(student=w.owner)

    # A diploma of the owner (written directly: the graduation workflow is tested elsewhere).
    w.diploma = IssuedDocument.objects.create(
        kind=DocumentKind.DIPLOMA, student=w.owner, language="ru", code="MTRX-DIPL-0001",
        issued_at=w.transcript.issued_at, issued_by=w.registrar,
        content={"holder": {"surname": "Abenov"}})

    # Blank forms: one issued to the owner, one written off by an act.
    blanks.receive_batch(form_type=FormType.DIPLOMA_BACHELOR, by=w.registrar,
                         received_on=D(2026, 1, 15), first_number=1, last_number=3)
    w.blank = blanks.issue_form(form_type=FormType.DIPLOMA_BACHELOR, student=w.owner,
                                by=w.registrar, document_code=w.diploma.code)
    spoiled = BlankForm.objects.filter(state=FormState.IN_STOCK).order_by("number").first()
    w.act = blanks.spoil_forms([spoiled], act_number="1-S", reason="Printer jam",
                               by=w.registrar, drawn_up_on=D(2026, 1, 16))

    # Final attestation of faculty A.
    w.commission = graduation.create_commission(
        by=w.registrar, year=w.year, faculty=w.faculty, programmes=[w.programme],
        chair_name="Сейтказиев Болат", chair_position="профессор", order_reference="№ 12-П")
    w.member = graduation.add_member(w.commission, by=w.registrar, name="Иванова Анна",
                                     position="доцент")
    w.event = graduation.create_event(
        w.commission, by=w.registrar, kind=AttestationKind.STATE_EXAM, held_on=D(2026, 5, 20),
        title_ru="Государственный экзамен", title_en="State exam", title_kk="Емтихан",
        credits=2)

    # Scholarships of faculty A.
    w.round = scholarships.create_round(by=w.registrar, period=w.autumn, faculty=w.faculty,
                                        payment_starts_on=D(2026, 2, 1), months=5)
    w.competition = scholarships.create_competition(by=w.registrar, period=w.autumn,
                                                    programme=w.programme, grants=1)

    # A finished export of the dean of A.
    w.job = ExportJob.objects.create(user=w.dean, report="debtors", export_format="xlsx",
                                     params={"faculty": w.faculty.pk}, state="done",
                                     filename="debtors.xlsx", content=b"PK")

    # Scheduling: a room, the teacher's class in it, a booking and an exam session.
    building = Building.objects.create(code="MX", name_kk="MX", name_ru="MX", name_en="MX")
    w.room = Room.objects.create(building=building, code="MX-101", kind=RoomKind.LECTURE,
                                 capacity=40, exam_capacity=20)
    slot = TimeSlot.objects.create(weekday=1, number=1, starts_at=dt.time(8, 30),
                                   ends_at=dt.time(10, 0))
    w.meeting = ClassMeeting.objects.create(period=w.spring, section=w.section,
                                            kind=MeetingKind.LECTURE, slot=slot, room=w.room)
    w.booking = RoomBooking.objects.create(room=w.room, date=D(2026, 2, 10),
                                           starts_at=dt.time(14, 0), ends_at=dt.time(15, 30),
                                           purpose="Faculty A meeting", booked_by=w.registrar)
    w.session = ExamSession.objects.create(period=w.spring, name="Spring session",
                                           starts_on=D(2026, 5, 18), ends_on=D(2026, 5, 30))
    return w
