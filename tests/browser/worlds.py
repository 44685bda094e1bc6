"""The data of each browser journey, built with the project's services and test builders.

The pages check dates against today (registration windows, grade entry deadlines), so the
worlds move those dates around today rather than using the fixed dates of the unit tests.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from registrar.assessment import services as assessment
from registrar.contingent import services as contingent
from registrar.contingent.choices import OrderType
from registrar.curriculum.models import CalendarEvent, CalendarEventKind, Discipline
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Role, StudentStatus
from registrar.registration import services as registration
from registrar.registration.models import Registration, RegistrationState, Section
from tests import factories
from tests.documents import world as documents_world
from tests.registration import builders as registration_world


def _open_registration_today(w: SimpleNamespace) -> None:
    """The world's registration window, moved to cover today."""
    today = timezone.localdate()
    CalendarEvent.objects.filter(calendar=w.calendar, period=w.autumn,
                                 kind=CalendarEventKind.REGISTRATION).update(
        starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=3))


def open_sheets(section: Section, *, by) -> list:
    """R1 open for a week from now, R2 later, the exam after that."""
    now = timezone.now()
    return assessment.open_sheets(section, by=by, rating_1_deadline=now + dt.timedelta(days=7),
                                  rating_2_deadline=now + dt.timedelta(days=60),
                                  exam_at=now + dt.timedelta(days=70))


def student_world() -> SimpleNamespace:
    """The registration world (tests/registration/builders.py) with the registration window
    open today; the student's autumn plan approved (3 compulsory disciplines); a teacher for
    the section the student will take."""
    w = registration_world.build_world(n_students=2)
    _open_registration_today(w)
    w.me = w.students[0]
    registration_world.approved_plans(w, [w.me])
    w.section = w.s_c1
    w.teacher = factories.user(role=Role.TEACHER)
    w.section.teacher = w.teacher.staff
    w.section.save(update_fields=["teacher"])
    return w


def advisor_world() -> SimpleNamespace:
    """Two advisees of one advisor have submitted their autumn plans (20 credits each)."""
    w = registration_world.build_world(n_students=2)
    w.plans = []
    for student in w.students:
        plan = registration.generate_plan(student, w.autumn, by=student.user)
        registration.add_elective(plan, w.e2, by=student.user)
        w.plans.append(registration.submit_plan(plan, by=student.user))
    return w


def teacher_world() -> SimpleNamespace:
    """A section of three enrolled students taught by the teacher, its R1 sheet open."""
    w = SimpleNamespace()
    w.faculty = factories.faculty()
    w.department = factories.department(w.faculty)
    w.programme = factories.programme(w.faculty)
    w.group = factories.group(w.programme)
    w.registrar = factories.registrar()
    w.teacher = factories.user(role=Role.TEACHER)
    today = timezone.localdate()
    start = today.year if today.month >= 9 else today.year - 1  # the academic year of today
    w.year = AcademicYear.objects.create(start_year=start, starts_on=dt.date(start, 9, 1),
                                         ends_on=dt.date(start + 1, 8, 31))
    w.term = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.AUTUMN,
                                           starts_on=w.year.starts_on, ends_on=w.year.ends_on)
    w.discipline = Discipline.objects.create(
        code="MAT1102", credits=5, department=w.department, name_kk="Математика",
        name_ru="Математика", name_en="Mathematics")
    w.students = [
        factories.student(w.programme, status=StudentStatus.ACTIVE, group=w.group,
                          year_of_study=1, last_name_en=name, first_name_en="Student")
        for name in ("Abenov", "Bekova", "Zhumabaev")]
    w.section = Section.objects.create(period=w.term, discipline=w.discipline,
                                       code="MAT1102-01", language="en", capacity=30,
                                       teacher=w.teacher.staff,
                                       enrolled_count=len(w.students))
    Registration.objects.bulk_create([
        Registration(student=s, section=w.section, discipline=w.discipline, period=w.term,
                     state=RegistrationState.ENROLLED) for s in w.students])
    w.r1, w.r2, w.exam = open_sheets(w.section, by=w.registrar)
    return w


def registrar_world() -> SimpleNamespace:
    """The documents world (a student with two terms of results, tests/documents/world.py)
    and a draft enrolment order for an applicant of the same programme."""
    w = documents_world.build()
    w.applicant = factories.student(w.programme, last_name_en="Applicantova",
                                    first_name_en="Dana")
    w.order = contingent.create_order(by=w.registrar, order_type=OrderType.ENROLMENT,
                                      faculty=w.faculty)
    contingent.add_item(w.order, by=w.registrar, student=w.applicant,
                        effective_date=timezone.localdate(), to_group=w.group,
                        to_funding="state_grant")
    return w
