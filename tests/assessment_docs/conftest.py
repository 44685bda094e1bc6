"""A small world for the statement, spreadsheet and selector tests (§6, §12).

One faculty with a department, a programme and a group of the 2026 intake; the autumn term
2026; a discipline of the department taught in a section by a teacher; students enrolled by an
applied ENROLMENT order and registered in the section; the rating and exam sheets opened by the
registrar. Scores are entered with explicit times inside the entry windows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from registrar.assessment import services
from registrar.assessment.models import GradeSheet, SheetKind
from registrar.contingent.choices import OrderType
from registrar.contingent.services import add_item, apply_order, approve_order, create_order
from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Role, Student
from registrar.registration.models import Registration, RegistrationState, Section
from tests import factories

TZ = ZoneInfo("Asia/Almaty")


def at(month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


R1_DEADLINE, R2_DEADLINE, EXAM_AT = at(10, 25), at(12, 20), at(12, 22, 10)
IN_R1, IN_R2, AFTER_EXAM = at(10, 20), at(12, 15), at(12, 22, 15)
AFTER_EXAM_WINDOW = at(12, 24)

# Surnames in the three scripts (ru, kk, en) of the students of the world, in name order.
NAMES = [("Абаев", "Әбаев", "Abayev"), ("Бекова", "Бекова", "Bekova"),
         ("Ержанов", "Ержанов", "Yerzhanov"), ("Жумабек", "Жұмабек", "Zhumabek")]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def enrol(students: list[Student], group, *, by) -> list[Student]:
    order = create_order(by=by, order_type=OrderType.ENROLMENT,
                         faculty=group.programme.department.faculty)
    for student in students:
        add_item(order, by=by, student=student, effective_date=dt.date(2026, 8, 15),
                 to_group=group, to_funding="paid")
    apply_order(approve_order(order, by=by, signed_on=dt.date(2026, 8, 15)), by=by)
    return list(Student.objects.filter(pk__in=[s.pk for s in students]).order_by(
        "last_name_ru"))


def discipline(code: str, department, *, en: str, ru: str, kk: str, credits: int = 5):
    return Discipline.objects.create(code=code, credits=credits, department=department,
                                     name_en=en, name_ru=ru, name_kk=kk)


def section(w, disc, code: str, teacher=None, students=()) -> Section:
    sec = Section.objects.create(period=w.autumn, discipline=disc, code=code, language="ru",
                                 capacity=30, teacher=teacher.staff if teacher else None)
    sec.groups.add(w.group)
    Registration.objects.bulk_create([
        Registration(student=s, section=sec, discipline=disc, period=w.autumn,
                     state=RegistrationState.ENROLLED) for s in students])
    return sec


def open_sheets(w, sec) -> dict[str, GradeSheet]:
    sheets = services.open_sheets(sec, by=w.registrar, rating_1_deadline=R1_DEADLINE,
                                  rating_2_deadline=R2_DEADLINE, exam_at=EXAM_AT)
    return {s.kind: s for s in sheets}


def grade(w, sec, teacher, rows: dict[Student, tuple]) -> dict[str, GradeSheet]:
    """Run a section through the session: rows map a student to (R1, R2, exam) where the exam
    is a score, "absent", or None for a student who is not admitted."""
    sheets = open_sheets(w, sec)
    r1 = [{"student_id": s.pk, "score": v[0]} for s, v in rows.items()]
    r2 = [{"student_id": s.pk, "score": v[1]} for s, v in rows.items()]
    services.enter_scores(sheets[SheetKind.RATING_1], r1, by=teacher, now=IN_R1)
    services.submit_sheet(sheets[SheetKind.RATING_1], by=teacher, now=IN_R1)
    services.enter_scores(sheets[SheetKind.RATING_2], r2, by=teacher, now=IN_R2)
    services.submit_sheet(sheets[SheetKind.RATING_2], by=teacher, now=IN_R2)
    exam = [{"student_id": s.pk, "absent": True} if v[2] == "absent"
            else {"student_id": s.pk, "score": v[2]}
            for s, v in rows.items() if v[2] is not None]
    services.enter_scores(sheets[SheetKind.EXAM], exam, by=teacher, now=AFTER_EXAM)
    services.submit_sheet(sheets[SheetKind.EXAM], by=teacher, now=AFTER_EXAM)
    return {k: GradeSheet.objects.get(pk=s.pk) for k, s in sheets.items()}


def build_world(n_students: int = 3) -> SimpleNamespace:
    w = SimpleNamespace()
    w.faculty = factories.faculty()
    w.programme = factories.programme(w.faculty)
    w.department = w.programme.department
    w.group = factories.group(w.programme, intake_year=2026)
    w.registrar = factories.registrar()
    w.dean = factories.dean(w.faculty)
    w.other_dean = factories.dean(factories.faculty())
    w.teacher = factories.user(role=Role.TEACHER)
    w.teacher.staff.last_name_ru, w.teacher.staff.first_name_ru = "Преподавателева", "Анна"
    w.teacher.staff.last_name_en, w.teacher.staff.first_name_en = "Prepodavateleva", "Anna"
    w.teacher.staff.save()
    w.other_teacher = factories.user(role=Role.TEACHER)
    w.year = AcademicYear.objects.create(start_year=2026, starts_on=dt.date(2026, 9, 1),
                                         ends_on=dt.date(2027, 6, 30))
    w.autumn = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.AUTUMN,
                                             starts_on=dt.date(2026, 9, 1),
                                             ends_on=dt.date(2026, 12, 31))
    w.calculus = discipline("MAT1101", w.department, en="Calculus",
                            ru="Математический анализ", kk="Математикалық талдау")
    students = [factories.student(w.programme, last_name_ru=ru, last_name_kk=kk,
                                  last_name_en=en, first_name_en="Aigerim")
                for ru, kk, en in NAMES[:n_students]]
    w.students = enrol(students, w.group, by=w.registrar)
    w.section = section(w, w.calculus, "MAT1101-01", w.teacher, w.students)
    return w


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def sheets(world):
    """The opened R1, R2 and exam sheets of the world's section."""
    return open_sheets(world, world.section)


@pytest.fixture
def graded(world):
    """The section through the whole session: Абаев R1 from parts, Бекова absent at the exam,
    Ержанов with a good result; all three sheets locked."""
    a, b, c = world.students
    sheets = open_sheets(world, world.section)
    r1, r2, exam = (sheets[k] for k in (SheetKind.RATING_1, SheetKind.RATING_2, SheetKind.EXAM))
    services.enter_scores(r1, [
        {"student_id": a.pk, "parts": ["90", "80", "85"]},
        {"student_id": b.pk, "score": "72.5"},
        {"student_id": c.pk, "score": "64"},
    ], by=world.teacher, now=IN_R1)
    services.submit_sheet(r1, by=world.teacher, now=IN_R1)
    services.enter_scores(r2, [
        {"student_id": a.pk, "score": "91", "absence_share": "0.05"},
        {"student_id": b.pk, "score": "77.25", "absence_share": "0.1"},
        {"student_id": c.pk, "score": "58"},
    ], by=world.teacher, now=IN_R2)
    services.submit_sheet(r2, by=world.teacher, now=IN_R2)
    services.enter_scores(exam, [
        {"student_id": a.pk, "score": "94"},
        {"student_id": b.pk, "absent": True},
        {"student_id": c.pk, "score": "66.5"},
    ], by=world.teacher, now=AFTER_EXAM)
    services.submit_sheet(exam, by=world.teacher, now=AFTER_EXAM)
    return {k: GradeSheet.objects.get(pk=s.pk) for k, s in sheets.items()}


D = Decimal
