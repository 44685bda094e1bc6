"""Builders for the academic records tests (§3, §7, §8).

Students are put into their year of study by applied orders (§9): year 1 by an ENROLMENT
order, later years by a TRANSFER_IN order inside the summer window. Attempts are written
through `records.services.record_attempt`, which opens and clears debts and recomputes the
GPA snapshots, as the assessment services do.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

from registrar.contingent.choices import OrderType
from registrar.contingent.services import add_item, apply_order, approve_order, create_order
from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Student
from registrar.policy.values import DEFAULT_VALUES
from registrar.records import services as records
from registrar.records.models import Attempt, AttemptKind
from tests import factories

D = dt.date
ENROLLED_ON = D(2025, 8, 20)  # inside the summer transfer window (Jul 1 - Aug 25)
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

    w.year = AcademicYear.objects.create(start_year=2025, starts_on=D(2025, 9, 1),
                                         ends_on=D(2026, 8, 31))
    w.autumn = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.AUTUMN,
                                             starts_on=D(2025, 9, 1), ends_on=D(2025, 12, 31))
    w.spring = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.SPRING,
                                             starts_on=D(2026, 1, 12), ends_on=D(2026, 5, 31))
    w.summer = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.SUMMER,
                                             starts_on=D(2026, 6, 15), ends_on=D(2026, 7, 25))
    w.next_year = AcademicYear.objects.create(start_year=2026, starts_on=D(2026, 9, 1),
                                              ends_on=D(2027, 8, 31))
    w.next_autumn = AcademicPeriod.objects.create(year=w.next_year, kind=PeriodKind.AUTUMN,
                                                  starts_on=D(2026, 9, 1),
                                                  ends_on=D(2026, 12, 31))
    return w


def discipline(credits: int = 5, code: str | None = None, *, en: str | None = None,
               ru: str | None = None, kk: str | None = None) -> Discipline:
    code = code or f"DSC{next(_codes):04d}"
    return Discipline.objects.create(
        code=code, credits=credits, name_kk=kk or f"Пән {code}",
        name_ru=ru or f"Дисциплина {code}", name_en=en or f"Discipline {code}")


def enrol(w: SimpleNamespace, n: int = 1, *, year_of_study: int = 1, group=None,
          funding: str = "paid", programme=None) -> list[Student]:
    """Studying students of a group (new one of the programme unless given), in the year of
    study, by one applied order."""
    programme = programme or (group.programme if group is not None else w.programme)
    group = group or factories.group(programme, intake_year=2025 - year_of_study + 1)
    students = [factories.student(programme) for _ in range(n)]
    kind = OrderType.ENROLMENT if year_of_study == 1 else OrderType.TRANSFER_IN
    order = create_order(by=w.registrar, order_type=kind,
                         faculty=programme.department.faculty)
    for student in students:
        extra = {} if year_of_study == 1 else {"to_year_of_study": year_of_study}
        add_item(order, by=w.registrar, student=student, effective_date=ENROLLED_ON,
                 to_group=group, to_funding=funding, **extra)
    apply_order(approve_order(order, by=w.registrar, signed_on=ENROLLED_ON), by=w.registrar)
    return list(Student.objects.filter(pk__in=[s.pk for s in students]).order_by("pk"))


def grade(w: SimpleNamespace, student: Student, period: AcademicPeriod, letter: str,
          credits: int = 5, *, subject: Discipline | None = None, kind: str | None = None,
          replaces: Attempt | None = None) -> Attempt:
    """Record a graded attempt with the default scale's points for `letter`. An FX may be
    resat (no debt yet); an F opens a debt (§6)."""
    subject = subject or discipline(credits)
    if kind is None:
        kind = AttemptKind.SUMMER if period.kind == PeriodKind.SUMMER else AttemptKind.REGULAR
    return records.record_attempt(
        student=student, discipline=subject, period=period, kind=kind, final_score=None,
        letter=letter, points=POINTS[letter], passed=letter not in FAILING,
        may_resit=letter == "FX", by=w.registrar, replaces=replaces)


def grades(w: SimpleNamespace, student: Student, period: AcademicPeriod,
           *pairs: tuple[str, int]) -> list[Attempt]:
    """Several attempts: (letter, credits) pairs, each in a new discipline."""
    return [grade(w, student, period, letter, credits) for letter, credits in pairs]


def exact(value: str) -> Decimal:
    """A stored GPA (4 decimals)."""
    return Decimal(value)
