"""A small university for the API tests, with a bearer token for every role (`w.keys`).

Two faculties; in the first a programme with its curriculum, a group of three students
(enrolled by an applied order, advised by the advisor; the first one signs in), a section
taught by the teacher with its three grade sheets (the first rating open for entry now), a
graded autumn term for the first student (attempts, GPA snapshots) and a transcript issued to
them; in the second faculty one student of its own (also enrolled by an order) and a section
of another teacher. The registrar, each faculty's dean, the advisor, both teachers, and a
student without rights over the others.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from registrar.api.models import ApiToken
from registrar.assessment import services as assessment
from registrar.contingent.choices import OrderType
from registrar.contingent.services import add_item, apply_order, approve_order, create_order
from registrar.curriculum.models import (
    CalendarEvent,
    CalendarEventKind,
    Component,
    Curriculum,
    CurriculumEntry,
    Discipline,
)
from registrar.documents import services as documents
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Role, Student
from registrar.records.services import record_attempt
from registrar.registration.models import Registration, RegistrationState, Section
from tests import factories
from tests.registration import builders as registration_builders

D = dt.date
ENROLLED_ON = D(2025, 8, 20)


def _discipline(code: str, credits: int = 5, department=None) -> Discipline:
    return Discipline.objects.create(code=code, credits=credits, department=department,
                                     name_kk=f"Пән {code}", name_ru=f"Дисциплина {code}",
                                     name_en=f"Discipline {code}")


def _enrol(students: list[Student], group, *, by) -> tuple[list[Student], object]:
    order = create_order(by=by, order_type=OrderType.ENROLMENT,
                         faculty=group.programme.department.faculty)
    for student in students:
        add_item(order, by=by, student=student, effective_date=ENROLLED_ON, to_group=group,
                 to_funding="paid")
    order = apply_order(approve_order(order, by=by, signed_on=ENROLLED_ON), by=by)
    return list(Student.objects.filter(pk__in=[s.pk for s in students]).order_by("pk")), order


def _enrolled(w: SimpleNamespace, section: Section, students: list[Student]) -> None:
    Registration.objects.bulk_create([
        Registration(student=s, section=section, discipline=section.discipline,
                     period=section.period, state=RegistrationState.ENROLLED)
        for s in students])
    section.enrolled_count = len(students)
    section.save(update_fields=["enrolled_count"])


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.faculty, w.other_faculty = factories.faculty(), factories.faculty()
    w.department = factories.department(w.faculty)
    w.programme = factories.programme(w.faculty)
    w.other_programme = factories.programme(w.other_faculty)
    w.group = factories.group(w.programme, intake_year=2025)
    w.other_group = factories.group(w.other_programme, intake_year=2025)

    w.registrar = factories.registrar()
    w.dean = factories.dean(w.faculty)
    w.other_dean = factories.dean(w.other_faculty)
    w.advisor = factories.user(role=Role.ADVISOR)
    w.teacher = factories.user(role=Role.TEACHER)
    w.other_teacher = factories.user(role=Role.TEACHER)

    w.year = AcademicYear.objects.create(start_year=2025, starts_on=D(2025, 9, 1),
                                         ends_on=D(2026, 6, 30))
    w.autumn = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.AUTUMN,
                                             starts_on=D(2025, 9, 1), ends_on=D(2025, 12, 31))
    w.spring = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.SPRING,
                                             starts_on=D(2026, 1, 12), ends_on=D(2026, 5, 31))

    w.mat = _discipline("MAT1101", 5, w.department)
    w.his = _discipline("HIS1102", 3)
    w.phy = _discipline("PHY1201", 5, w.department)
    w.curriculum = Curriculum.objects.create(programme=w.programme, intake_year=2025,
                                             approved_on=D(2025, 6, 1))
    CurriculumEntry.objects.bulk_create([
        CurriculumEntry(curriculum=w.curriculum, discipline=d, semester=s, component=c,
                        cycle="basic")
        for d, s, c in ((w.mat, 1, Component.COMPULSORY), (w.his, 1, Component.ELECTIVE),
                        (w.phy, 2, Component.COMPULSORY))])
    w.other_curriculum = Curriculum.objects.create(programme=w.other_programme,
                                                   intake_year=2025)

    names = ("Abenov", "Bekova", "Dzhaksybekov")
    made = [factories.student(w.programme, last_name_en=n, last_name_ru=n, first_name_en="S")
            for n in names]
    w.students, w.order = _enrol(made, w.group, by=w.registrar)
    for student in w.students:
        student.advisor = w.advisor.staff
    Student.objects.bulk_update(w.students, ["advisor"])
    w.student = w.students[0]
    w.student.user = factories.user()
    w.student.save(update_fields=["user"])
    w.student_user = w.student.user
    [w.outsider], w.other_order = _enrol([factories.student(w.other_programme)], w.other_group,
                                         by=w.registrar)
    w.outsider.user = factories.user()
    w.outsider.save(update_fields=["user"])
    w.draft = create_order(by=w.dean, order_type=OrderType.EXPULSION, faculty=w.faculty)

    # The spring section of the teacher: R1 open for entry now, R2 and the exam later.
    w.section = Section.objects.create(period=w.spring, discipline=w.phy, code="PHY1201-01",
                                       language="ru", capacity=30, teacher=w.teacher.staff)
    w.other_section = Section.objects.create(period=w.spring, discipline=w.his,
                                             code="HIS1102-01", language="ru", capacity=30,
                                             teacher=w.other_teacher.staff)
    _enrolled(w, w.section, w.students)
    _enrolled(w, w.other_section, [w.outsider])
    w.registration = Registration.objects.get(student=w.student, section=w.section)
    now = timezone.now()
    w.r1, w.r2, w.exam = assessment.open_sheets(
        w.section, by=w.registrar, rating_1_deadline=now + dt.timedelta(days=30),
        rating_2_deadline=now + dt.timedelta(days=60), exam_at=now + dt.timedelta(days=70))
    [w.other_r1, *_] = assessment.open_sheets(
        w.other_section, by=w.registrar, rating_1_deadline=now + dt.timedelta(days=30),
        rating_2_deadline=now + dt.timedelta(days=60), exam_at=now + dt.timedelta(days=70))

    # The graded autumn of the first student, and of the outsider.
    for student, discipline, score, letter, points in (
            (w.student, w.mat, "92", "A-", "3.67"), (w.student, w.his, "96", "A", "4.00"),
            (w.outsider, w.his, "55", "D+", "1.33")):
        record_attempt(student=student, discipline=discipline, period=w.autumn,
                       kind="regular", final_score=Decimal(score), letter=letter,
                       points=Decimal(points), passed=True, may_resit=False, by=w.registrar)
    w.transcript = documents.issue_transcript(w.student, by=w.registrar, language="en")
    w.other_transcript = documents.issue_transcript(w.outsider, by=w.registrar, language="ru")

    users = {"registrar": w.registrar, "dean": w.dean, "other_dean": w.other_dean,
             "advisor": w.advisor, "teacher": w.teacher, "other_teacher": w.other_teacher,
             "student": w.student_user, "outsider": w.outsider.user}
    w.keys = {role: ApiToken.issue(user, "test")[1] for role, user in users.items()}
    return w


def open_registration_world(n_students: int = 3) -> SimpleNamespace:
    """`tests.registration.builders.build_world` with its registration window open today,
    approved plans for its students (three unless asked; with the first elective) and a
    bearer token for each (`w.keys`), for the registration endpoints."""
    w = registration_builders.build_world(n_students=n_students)
    today = timezone.localdate()
    CalendarEvent.objects.filter(calendar=w.calendar, kind=CalendarEventKind.REGISTRATION) \
        .update(starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=1))
    registration_builders.approved_plans(w, w.students, electives=[w.e1])
    w.keys = [ApiToken.issue(s.user, "test")[1] for s in w.students]
    return w
