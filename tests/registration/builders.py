"""Builders of a small world for the study plan and registration tests (§4, §5).

One faculty, one bachelor programme and a group of the 2026 intake; the academic year
2026-2027 with its autumn and spring terms; a working curriculum whose semester 1 holds three
compulsory disciplines and an elective catalogue; sections in the autumn term; an academic
calendar with a registration window and an add/drop period; students enrolled by an applied
ENROLMENT order, each with a user account, one advisor; the dean, another faculty's dean and
the registrar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from types import SimpleNamespace

from registrar.contingent.choices import OrderType
from registrar.contingent.services import add_item, apply_order, approve_order, create_order
from registrar.curriculum.models import (
    AcademicCalendar,
    CalendarEvent,
    CalendarEventKind,
    CalendarProgramme,
    Component,
    Curriculum,
    CurriculumEntry,
    Discipline,
)
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Role, Student
from registrar.registration import services
from registrar.registration.models import PlanState, Section, StudyPlan, StudyPlanLine
from tests import factories

D = dt.date

# §4 calendar of the world: the registration window before the autumn term, then add/drop.
REGISTRATION_OPENS, REGISTRATION_CLOSES = D(2026, 8, 17), D(2026, 8, 28)
ADD_DROP_OPENS, ADD_DROP_CLOSES = D(2026, 9, 1), D(2026, 9, 14)
IN_REGISTRATION = D(2026, 8, 20)
IN_ADD_DROP = D(2026, 9, 7)
BETWEEN_WINDOWS = D(2026, 8, 30)
AFTER_ADD_DROP = D(2026, 9, 15)

ENROLLED_ON = D(2026, 8, 15)


def _discipline(code: str, credits: int) -> Discipline:
    return Discipline.objects.create(code=code, credits=credits, name_kk=f"Пән {code}",
                                     name_ru=f"Дисциплина {code}", name_en=f"Discipline {code}")


def enrol(students: list[Student], group, *, by) -> list[Student]:
    """Enrol applicants with one applied ENROLMENT order (§9); returns them re-read."""
    order = create_order(by=by, order_type=OrderType.ENROLMENT,
                         faculty=group.programme.department.faculty)
    for student in students:
        add_item(order, by=by, student=student, effective_date=ENROLLED_ON, to_group=group,
                 to_funding="paid")
    apply_order(approve_order(order, by=by, signed_on=ENROLLED_ON), by=by)
    return list(Student.objects.filter(pk__in=[s.pk for s in students]).order_by("pk"))


def build_world(n_students: int = 6) -> SimpleNamespace:
    w = SimpleNamespace()
    w.faculty = factories.faculty()
    w.programme = factories.programme(w.faculty)
    w.group = factories.group(w.programme, intake_year=2026)
    w.other_faculty = factories.faculty()
    w.registrar = factories.registrar()
    w.dean = factories.dean(w.faculty)
    w.other_dean = factories.dean(w.other_faculty)

    w.year = AcademicYear.objects.create(start_year=2026, starts_on=D(2026, 9, 1),
                                         ends_on=D(2027, 6, 30))
    w.autumn = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.AUTUMN,
                                             starts_on=D(2026, 9, 1), ends_on=D(2026, 12, 31))
    w.spring = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.SPRING,
                                             starts_on=D(2027, 1, 12), ends_on=D(2027, 5, 31))

    # Disciplines: semester 1 compulsory 3 x 5 credits; a semester 2 compulsory one;
    # electives of semester 1: two plain, one with a prerequisite, a big one of 12 credits,
    # one without a section; an offered discipline outside the catalogue.
    w.prereq = _discipline("PRE1001", 5)
    w.c1, w.c2, w.c3 = (_discipline(c, 5) for c in ("HKZ1101", "MAT1102", "ICT1103"))
    w.c_spring = _discipline("PHY1201", 5)
    w.e1, w.e2, w.e3 = (_discipline(c, 5) for c in ("ELC1104", "ELC1105", "ELC1106"))
    w.e3.prerequisites.add(w.prereq)
    w.e_big = _discipline("ELC1107", 12)
    w.e_unoffered = _discipline("ELC1108", 5)
    w.outsider = _discipline("OUT1109", 5)

    w.curriculum = Curriculum.objects.create(programme=w.programme, intake_year=2026,
                                             approved_on=D(2026, 6, 1))
    entries = [(w.c1, 1, Component.COMPULSORY), (w.c2, 1, Component.COMPULSORY),
               (w.c3, 1, Component.COMPULSORY), (w.c_spring, 2, Component.COMPULSORY)]
    entries += [(d, 1, Component.ELECTIVE)
                for d in (w.e1, w.e2, w.e3, w.e_big, w.e_unoffered)]
    CurriculumEntry.objects.bulk_create([
        CurriculumEntry(curriculum=w.curriculum, discipline=d, semester=s, component=c,
                        cycle="basic") for d, s, c in entries])

    def section(discipline, number, capacity):
        return Section.objects.create(period=w.autumn, discipline=discipline,
                                      code=f"{discipline.code}-{number:02d}", language="ru",
                                      capacity=capacity)

    w.s_c1, w.s_c2, w.s_c3 = (section(d, 1, 30) for d in (w.c1, w.c2, w.c3))
    w.s_e1a, w.s_e1b = section(w.e1, 1, 2), section(w.e1, 2, 2)
    w.s_e2, w.s_e3, w.s_big = section(w.e2, 1, 30), section(w.e3, 1, 30), section(w.e_big, 1, 30)
    w.s_out = section(w.outsider, 1, 30)

    w.calendar = AcademicCalendar.objects.create(year=w.year, name="Bachelor full-time")
    CalendarProgramme.objects.create(calendar=w.calendar, programme=w.programme)
    CalendarEvent.objects.create(calendar=w.calendar, period=w.autumn,
                                 kind=CalendarEventKind.REGISTRATION,
                                 starts_on=REGISTRATION_OPENS, ends_on=REGISTRATION_CLOSES)
    CalendarEvent.objects.create(calendar=w.calendar, period=w.autumn,
                                 kind=CalendarEventKind.ADD_DROP,
                                 starts_on=ADD_DROP_OPENS, ends_on=ADD_DROP_CLOSES)

    w.advisor = factories.user(role=Role.ADVISOR)
    w.other_advisor = factories.user(role=Role.ADVISOR)
    other_advisee = factories.student(factories.programme(w.other_faculty))
    other_advisee.advisor = w.other_advisor.staff
    other_advisee.save(update_fields=["advisor"])

    students = enrol([factories.student(w.programme) for _ in range(n_students)], w.group,
                     by=w.registrar)
    for student in students:
        student.user = factories.user()  # also caches user.student
        student.advisor = w.advisor.staff
    Student.objects.bulk_update(students, ["user", "advisor"])
    w.students = students
    return w


def approved_plans(w: SimpleNamespace, students: Iterable[Student],
                   electives: Iterable[Discipline] = ()) -> list[StudyPlan]:
    """Approved autumn plans written directly (the workflow is tested in test_plans.py):
    the three compulsory disciplines plus the given electives."""
    students, electives = list(students), list(electives)
    plans = StudyPlan.objects.bulk_create([
        StudyPlan(student=s, period=w.autumn, semester=1, state=PlanState.APPROVED)
        for s in students])
    lines = []
    for plan in plans:
        lines += [StudyPlanLine(plan=plan, discipline=d, component=Component.COMPULSORY,
                                credits=d.credits) for d in (w.c1, w.c2, w.c3)]
        lines += [StudyPlanLine(plan=plan, discipline=d, component=Component.ELECTIVE,
                                credits=d.credits) for d in electives]
    StudyPlanLine.objects.bulk_create(lines)
    return plans


def approve_through_workflow(w: SimpleNamespace, student: Student,
                             electives: Iterable[Discipline] = ()) -> StudyPlan:
    """The §5 path: the student forms and submits, the advisor then the dean approve."""
    plan = services.generate_plan(student, w.autumn, by=student.user)
    for discipline in electives:
        services.add_elective(plan, discipline, by=student.user)
    services.submit_plan(plan, by=student.user)
    services.advisor_approve(plan, by=w.advisor)
    return services.dean_approve(plan, by=w.dean)


class SentStatements(list):
    """The SQL sent while it is the connection's execute wrapper, as written (a Django execute
    wrapper sees every cursor, the prepared registration statement's too):
    `with connection.execute_wrapper(sent := SentStatements()): ...`."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)

    def without_savepoints(self) -> list[str]:
        return [sql for sql in self if "SAVEPOINT" not in sql]
