"""Builders for the scholarship tests (§10).

Students get their year of study and funding by applied orders (§9): year 1 by ENROLMENT,
later years by TRANSFER_IN inside the summer window. Grades are written through
`records.services.record_attempt`, as the assessment services do (an F opens a debt, the GPA
snapshots are recomputed). Leave is given by an applied ACADEMIC_LEAVE order.
"""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

from registrar.contingent.choices import OrderType
from registrar.contingent.services import add_item, apply_order, approve_order, create_order
from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Role, Student
from registrar.policy.values import DEFAULT_VALUES
from registrar.records import services as records
from registrar.records.models import Attempt, AttemptKind
from tests import factories

D = dt.date
ENROLLED_ON = D(2025, 8, 20)  # inside the summer transfer window
PAYMENT = D(2026, 2, 1)  # payment after the autumn session
LEAVE_FROM, LEAVE_UNTIL = D(2026, 1, 20), D(2026, 9, 1)  # between the session and payment
POINTS = {band.letter: band.points for band in DEFAULT_VALUES.grading_scale}
FAILING = {"FX", "F"}
_codes = itertools.count(1)


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.faculty = factories.faculty()
    w.other_faculty = factories.faculty()
    w.programme = factories.programme(w.faculty, duration=4)
    w.other_programme = factories.programme(w.other_faculty, duration=4)
    w.registrar = factories.registrar()
    w.dean = factories.dean(w.faculty)
    w.other_dean = factories.dean(w.other_faculty)
    w.teacher = factories.user(role=Role.TEACHER)
    w.year = AcademicYear.objects.create(start_year=2025, starts_on=D(2025, 9, 1),
                                         ends_on=D(2026, 8, 31))
    w.autumn = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.AUTUMN,
                                             starts_on=D(2025, 9, 1), ends_on=D(2025, 12, 31))
    w.spring = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.SPRING,
                                             starts_on=D(2026, 1, 12), ends_on=D(2026, 5, 31))
    w.summer = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.SUMMER,
                                             starts_on=D(2026, 6, 15), ends_on=D(2026, 7, 25))
    return w


def discipline(credits: int = 5) -> Discipline:
    code = f"SCH{next(_codes):04d}"
    return Discipline.objects.create(code=code, credits=credits, name_kk=f"Пән {code}",
                                     name_ru=f"Дисциплина {code}", name_en=f"Discipline {code}")


def enrol(w: SimpleNamespace, n: int = 1, *, year_of_study: int = 1,
          funding: str = "state_grant", programme=None, **names) -> list[Student]:
    programme = programme or w.programme
    group = factories.group(programme, intake_year=2025 - year_of_study + 1)
    students = [factories.student(programme, **names) for _ in range(n)]
    kind = OrderType.ENROLMENT if year_of_study == 1 else OrderType.TRANSFER_IN
    order = create_order(by=w.registrar, order_type=kind, faculty=programme.department.faculty)
    for student in students:
        extra = {} if year_of_study == 1 else {"to_year_of_study": year_of_study}
        add_item(order, by=w.registrar, student=student, effective_date=ENROLLED_ON,
                 to_group=group, to_funding=funding, **extra)
    apply_order(approve_order(order, by=w.registrar, signed_on=ENROLLED_ON), by=w.registrar)
    return list(Student.objects.filter(pk__in=[s.pk for s in students]).order_by("pk"))


def student(w: SimpleNamespace, *letters: str, period=None, **kw) -> Student:
    """One enrolled student with the session grades `letters` (5 credits each)."""
    s, = enrol(w, **kw)
    for letter in letters:
        grade(w, s, period or w.autumn, letter)
    return s


def grade(w: SimpleNamespace, student: Student, period: AcademicPeriod, letter: str,
          credits: int = 5, *, kind: str | None = None) -> Attempt:
    if kind is None:
        kind = AttemptKind.SUMMER if period.kind == PeriodKind.SUMMER else AttemptKind.REGULAR
    return records.record_attempt(
        student=student, discipline=discipline(credits), period=period, kind=kind,
        final_score=None, letter=letter, points=POINTS[letter],
        passed=letter not in FAILING, may_resit=letter == "FX", by=w.registrar)


def leave(w: SimpleNamespace, student: Student, kind: str, *, on: dt.date = LEAVE_FROM,
          until: dt.date = LEAVE_UNTIL) -> Student:
    """An applied academic leave from `on` (after the autumn session) until `until`."""
    order = create_order(by=w.registrar, order_type=OrderType.ACADEMIC_LEAVE,
                         faculty=student.programme.department.faculty)
    add_item(order, by=w.registrar, student=student, effective_date=on, leave_kind=kind,
             leave_until=until)
    apply_order(approve_order(order, by=w.registrar, signed_on=on), by=w.registrar)
    student.refresh_from_db()
    return student
