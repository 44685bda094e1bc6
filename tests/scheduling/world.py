"""A small university for the scheduling tests (§13).

Faculty F with three groups of the 2026 intake (12 students each by default) and faculty G with
one group; four teachers of F's department; the autumn term 2026; a grid of Monday to Friday,
four pairs a day; one building with two lecture halls, three seminar rooms, a laboratory and a
computer class. Sections (with explicit class needs):

    MAT-01  groups 1-3, teacher 1: 2 lectures a week (60 seats)
    PHY-01  groups 1-2, teacher 2: a lecture and a lab (40)
    PHY-02  group 3,    teacher 2: a lecture and a lab (20)
    ENG-1..3 one group each, teacher 3: 2 practices a week (20)
    HIS-01  groups 1-3, teacher 4: a lecture in odd weeks (60)
    CS-01   group 1,    teacher 1: 2 labs in a computer class with a projector (20)
    BIO-01  G's group,  teacher 4: 2 practices (20)

Teacher 3 cannot teach on Mondays; teacher 1 would rather not teach on Fridays. Every student
is enrolled in the sections of their group; all disciplines but BIO end with an examination.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from registrar.curriculum.models import AssessmentForm, Discipline
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Role
from registrar.registration.models import Registration, RegistrationState, Section
from registrar.scheduling.models import (
    Building,
    ClassNeed,
    MeetingKind,
    Room,
    RoomKind,
    TeacherUnavailability,
    TimeSlot,
    WeekPattern,
)
from tests import factories

PAIRS = ((dt.time(8, 30), dt.time(10, 0)), (dt.time(10, 10), dt.time(11, 40)),
         (dt.time(11, 50), dt.time(13, 20)), (dt.time(14, 0), dt.time(15, 30)))


def grid(weekdays: int = 5, pairs: int = 4) -> list[TimeSlot]:
    return [TimeSlot.objects.create(weekday=d, number=n, starts_at=PAIRS[n - 1][0],
                                    ends_at=PAIRS[n - 1][1])
            for d in range(1, weekdays + 1) for n in range(1, pairs + 1)]


def room(building: Building, code: str, kind: str, capacity: int, exam: int = 0,
         features: list[str] | None = None) -> Room:
    return Room.objects.create(building=building, code=code, kind=kind, capacity=capacity,
                               exam_capacity=exam, features=features or [])


def discipline(code: str, department, form: str = AssessmentForm.EXAM) -> Discipline:
    return Discipline.objects.create(code=code, credits=5, department=department,
                                     name_en=code, name_ru=code, name_kk=code,
                                     assessment_form=form, lecture_hours=30, practice_hours=30)


def section(w: SimpleNamespace, disc: Discipline, code: str, teacher, groups, capacity: int,
            needs: list[tuple[str, int, str, str]]) -> Section:
    sec = Section.objects.create(period=w.autumn, discipline=disc, code=code, language="ru",
                                 capacity=capacity, teacher=teacher.staff)
    sec.groups.set(groups)
    for kind, per_week, room_kind, pattern in needs:
        ClassNeed.objects.create(section=sec, kind=kind, per_week=per_week, room_kind=room_kind,
                                 week_pattern=pattern,
                                 features=["projector"] if room_kind == RoomKind.COMPUTER
                                 else [])
    students = [s for g in groups for s in w.students_of[g.pk]]
    Registration.objects.bulk_create([
        Registration(student=s, section=sec, discipline=disc, period=w.autumn,
                     state=RegistrationState.ENROLLED) for s in students])
    return sec


def build_world(students_per_group: int = 12) -> SimpleNamespace:
    w = SimpleNamespace()
    w.faculty = factories.faculty()
    w.other_faculty = factories.faculty()
    w.programme = factories.programme(w.faculty)
    w.department = w.programme.department
    w.groups = [factories.group(w.programme, intake_year=2026) for _ in range(3)]
    w.other_programme = factories.programme(w.other_faculty)
    w.other_group = factories.group(w.other_programme, intake_year=2026)
    w.registrar = factories.registrar()
    w.dean = factories.dean(w.faculty)
    w.other_dean = factories.dean(w.other_faculty)
    w.teachers = [factories.user(role=Role.TEACHER) for _ in range(4)]
    for teacher in w.teachers:
        teacher.staff.department = w.department
        teacher.staff.save()
    w.year = AcademicYear.objects.create(start_year=2026, starts_on=dt.date(2026, 9, 1),
                                         ends_on=dt.date(2027, 6, 30))
    w.autumn = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.AUTUMN,
                                             starts_on=dt.date(2026, 9, 1),
                                             ends_on=dt.date(2026, 12, 31))
    w.students_of = {}
    for g in [*w.groups, w.other_group]:
        w.students_of[g.pk] = [
            factories.student(g.programme, status="active", group=g, year_of_study=1)
            for _ in range(students_per_group)]
    w.slots = grid()
    w.building = Building.objects.create(code="A", name_kk="А", name_ru="А", name_en="A")
    b = w.building
    w.rooms = {
        "L-101": room(b, "L-101", RoomKind.LECTURE, 80, exam=40, features=["projector"]),
        "L-102": room(b, "L-102", RoomKind.LECTURE, 60, exam=30),
        "S-201": room(b, "S-201", RoomKind.SEMINAR, 30, exam=15),
        "S-202": room(b, "S-202", RoomKind.SEMINAR, 30, exam=15),
        "S-203": room(b, "S-203", RoomKind.SEMINAR, 25, exam=12),
        "LAB-1": room(b, "LAB-1", RoomKind.LAB, 40),
        "C-301": room(b, "C-301", RoomKind.COMPUTER, 25, features=["projector"]),
    }
    dep = w.department
    t1, t2, t3, t4 = w.teachers
    g1, g2, g3 = w.groups
    L, P, B = MeetingKind.LECTURE, MeetingKind.PRACTICE, MeetingKind.LAB
    every, odd = WeekPattern.EVERY, WeekPattern.ODD
    w.sections = {
        "MAT-01": section(w, discipline("MAT", dep), "MAT-01", t1, [g1, g2, g3], 60,
                          [(L, 2, RoomKind.LECTURE, every)]),
    }
    phy = discipline("PHY", dep)
    w.sections["PHY-01"] = section(w, phy, "PHY-01", t2, [g1, g2], 40,
                                   [(L, 1, RoomKind.LECTURE, every), (B, 1, RoomKind.LAB, every)])
    w.sections["PHY-02"] = section(w, phy, "PHY-02", t2, [g3], 20,
                                   [(L, 1, RoomKind.LECTURE, every), (B, 1, RoomKind.LAB, every)])
    eng = discipline("ENG", dep)
    for i, g in enumerate(w.groups, start=1):
        w.sections[f"ENG-{i}"] = section(w, eng, f"ENG-{i}", t3, [g], 20,
                                         [(P, 2, RoomKind.SEMINAR, every)])
    w.sections["HIS-01"] = section(w, discipline("HIS", dep), "HIS-01", t4, [g1, g2, g3], 60,
                                   [(L, 1, RoomKind.LECTURE, odd)])
    w.sections["CS-01"] = section(w, discipline("CS", dep), "CS-01", t1, [g1], 20,
                                  [(B, 2, RoomKind.COMPUTER, every)])
    w.sections["BIO-01"] = section(
        w, discipline("BIO", w.other_programme.department, AssessmentForm.DIFF_CREDIT),
        "BIO-01", t4, [w.other_group], 20, [(P, 2, RoomKind.SEMINAR, every)])
    mondays = [s for s in w.slots if s.weekday == 1]
    fridays = [s for s in w.slots if s.weekday == 5]
    for slot in mondays:
        TeacherUnavailability.objects.create(teacher=t3.staff, slot=slot, strict=True,
                                             reason="Another job")
    for slot in fridays:
        TeacherUnavailability.objects.create(teacher=t1.staff, slot=slot, strict=False)
    return w


def student_user(student):
    """Give a student an account to sign in with."""
    account = factories.user()
    student.user = account
    student.save(update_fields=["user"])
    return account
