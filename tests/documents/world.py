"""A small world for the document tests: one student with results over two terms (§7, §11).

Term 1 (autumn 2024): MAT1101 2 credits A- (3.67), HIS1102 3 credits A (4.00)
    term GPA = (3.67×2 + 4.00×3) / 5 = 19.34 / 5 = 3.868 → 3.87 (the seed example of §7)
Term 2 (spring 2025): PRG1201 5 credits B (3.00), PHY1202 3 credits C+ (2.33), ENG1203 2 credits
    F (0.00, failed: counts with 0 points, no credits earned)
    term GPA = (15.00 + 6.99 + 0) / 10 = 21.99 / 10 = 2.199 → 2.20
    cumulative = (19.34 + 21.99) / 15 = 41.33 / 15 = 2.7553… → 2.76; credits earned 5 + 8 = 13
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Role
from registrar.records.services import record_attempt
from tests import factories

D = dt.date
BIRTH = D(2004, 11, 23)


def discipline(code: str, credits: int, title_en: str, title_ru: str, title_kk: str):
    return Discipline.objects.create(code=code, credits=credits, name_en=title_en,
                                     name_ru=title_ru, name_kk=title_kk)


def result(w, student, disc, period, score: str | None, letter: str, points: str, passed: bool,
           kind: str = "regular", may_resit: bool = False):
    return record_attempt(student=student, discipline=disc, period=period, kind=kind,
                          final_score=Decimal(score) if score is not None else None,
                          letter=letter, points=Decimal(points), passed=passed,
                          may_resit=may_resit, by=w.registrar)


def build() -> SimpleNamespace:
    w = SimpleNamespace()
    w.faculty = factories.faculty()
    w.programme = factories.programme(w.faculty, name_ru="Информационные системы",
                                      name_kk="Ақпараттық жүйелер",
                                      name_en="Information Systems")
    w.group = factories.group(w.programme, intake_year=2024)
    w.registrar = factories.registrar()
    w.dean = factories.dean(w.faculty)
    w.other_faculty = factories.faculty()
    w.other_dean = factories.dean(w.other_faculty)
    w.advisor = factories.user(role=Role.ADVISOR)

    w.student_user = factories.user()
    w.student = factories.student(
        w.programme, status="active", group=w.group, year_of_study=1, user=w.student_user,
        gender="female", birth_date=BIRTH,
        last_name_ru="Жумабаева", first_name_ru="Айгерим", patronymic_ru="Сериковна",
        last_name_kk="Жұмабаева", first_name_kk="Айгерім", patronymic_kk="Серікқызы",
        last_name_en="Zhumabayeva", first_name_en="Aigerim",
        advisor=w.advisor.staff)
    w.other_user = factories.user()
    w.other = factories.student(w.programme, status="active", group=w.group, year_of_study=1,
                                user=w.other_user, last_name_ru="Другов")

    w.year = AcademicYear.objects.create(start_year=2024, starts_on=D(2024, 9, 1),
                                         ends_on=D(2025, 6, 30))
    w.autumn = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.AUTUMN,
                                             starts_on=D(2024, 9, 1), ends_on=D(2024, 12, 31))
    w.spring = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.SPRING,
                                             starts_on=D(2025, 1, 12), ends_on=D(2025, 5, 31))

    w.mat = discipline("MAT1101", 2, "Mathematics", "Математика", "Математика")
    w.his = discipline("HIS1102", 3, "Modern History of Kazakhstan",
                       "Современная история Казахстана", "Қазақстанның қазіргі заман тарихы")
    w.prg = discipline("PRG1201", 5, "Programming", "Программирование", "Бағдарламалау")
    w.phy = discipline("PHY1202", 3, "Physics", "Физика", "Физика")
    w.eng = discipline("ENG1203", 2, "English", "Английский язык", "Ағылшын тілі")

    # Recorded in a shuffled order: the transcript orders by term, then code.
    result(w, w.student, w.prg, w.spring, "82", "B", "3.00", True)
    result(w, w.student, w.his, w.autumn, "96", "A", "4.00", True)
    result(w, w.student, w.mat, w.autumn, "92", "A-", "3.67", True)
    result(w, w.student, w.phy, w.spring, "71.50", "C+", "2.33", True)
    result(w, w.student, w.eng, w.spring, "20", "F", "0.00", False)
    result(w, w.other, w.mat, w.autumn, "55", "D+", "1.33", True)
    return w
