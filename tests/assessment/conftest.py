"""A section with five enrolled students, its teacher, the deans and the registrar, and the
three statements of the section opened with fixed deadlines (§6)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
from django.utils import translation

from registrar.assessment import services
from registrar.assessment.models import SheetKind
from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Role, StudentStatus
from registrar.registration.models import Registration, RegistrationState, Section
from tests import factories

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ALMATY)


# The autumn 2026 term of the world: R1 open until 25 Oct, R2 until 20 Dec, the exam on 28 Dec
# 10:00 (entry until 29 Dec 10:00 by the default 24 hours), the resit on 12 Jan.
R1_DEADLINE = at(2026, 10, 25, 18)
R2_DEADLINE = at(2026, 12, 20, 18)
EXAM_AT = at(2026, 12, 28, 10)
EXAM_DEADLINE = at(2026, 12, 29, 10)
RESIT_AT = at(2027, 1, 12, 10)

IN_R1 = at(2026, 10, 20)
IN_R2 = at(2026, 12, 15)
AFTER_EXAM = at(2026, 12, 28, 15)
AFTER_RESIT = at(2027, 1, 12, 15)


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English (student names are their English names)."""
    with translation.override("en"):
        yield


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.faculty, w.other_faculty = factories.faculty(), factories.faculty()
    w.department = factories.department(w.faculty)
    w.programme = factories.programme(w.faculty)
    w.group = factories.group(w.programme, intake_year=2026)
    w.registrar = factories.registrar()
    w.dean = factories.dean(w.faculty)
    w.other_dean = factories.dean(w.other_faculty)
    w.teacher = factories.user(role=Role.TEACHER)
    w.other_teacher = factories.user(role=Role.TEACHER)

    w.year = AcademicYear.objects.create(start_year=2026, starts_on=dt.date(2026, 9, 1),
                                         ends_on=dt.date(2027, 6, 30))
    w.autumn = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.AUTUMN,
                                             starts_on=dt.date(2026, 9, 1),
                                             ends_on=dt.date(2026, 12, 31))
    w.spring = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.SPRING,
                                             starts_on=dt.date(2027, 1, 12),
                                             ends_on=dt.date(2027, 5, 31))
    w.discipline = Discipline.objects.create(
        code="MAT1102", credits=5, department=w.department, name_kk="Математика",
        name_ru="Математика", name_en="Mathematics")
    w.other_discipline = Discipline.objects.create(
        code="HKZ1101", credits=5, department=w.department, name_kk="Қазақстан тарихы",
        name_ru="История Казахстана", name_en="History of Kazakhstan")

    w.students = [
        factories.student(w.programme, status=StudentStatus.ACTIVE, group=w.group,
                          year_of_study=1, last_name_en=name, first_name_en="Student")
        for name in ("Abenov", "Bekova", "Dzhaksybekov", "Ermekova", "Zhumabaev")
    ]
    w.section = Section.objects.create(period=w.autumn, discipline=w.discipline,
                                       code="MAT1102-01", language="ru", capacity=30,
                                       teacher=w.teacher.staff)
    w.other_section = Section.objects.create(period=w.autumn, discipline=w.other_discipline,
                                             code="HKZ1101-01", language="ru", capacity=30,
                                             teacher=w.other_teacher.staff)
    for section in (w.section, w.other_section):
        Registration.objects.bulk_create([
            Registration(student=s, section=section, discipline=section.discipline,
                         period=w.autumn, state=RegistrationState.ENROLLED)
            for s in w.students])
        section.enrolled_count = len(w.students)
        section.save(update_fields=["enrolled_count"])
    w.students[0].user = factories.user()
    w.students[0].save(update_fields=["user"])

    w.r1, w.r2, w.exam = services.open_sheets(
        w.section, by=w.registrar, rating_1_deadline=R1_DEADLINE,
        rating_2_deadline=R2_DEADLINE, exam_at=EXAM_AT)
    assert (w.r1.kind, w.r2.kind, w.exam.kind) == (SheetKind.RATING_1, SheetKind.RATING_2,
                                                   SheetKind.EXAM)
    return w


@pytest.fixture
def world(db):
    return build_world()
