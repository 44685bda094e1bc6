"""Small hand-worked worlds for the report tests (§12).

Students are enrolled and moved by applied orders (contingent services) and graded through
the grade sheets (assessment services), so the reports read what the real flow writes.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import translation

from registrar.contingent.choices import OrderType
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Role
from tests import factories
from tests.assessment_docs.conftest import discipline, enrol, grade, section
from tests.contingent.helpers import run

D = dt.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def build_session_world() -> SimpleNamespace:
    """The autumn 2026 term of two programmes, graded by hand (§6 formulas: final =
    0.6 × (R1 + R2) / 2 + 0.4 × exam, rounded half-up; exam < 50 → FX; R1 or R2 < 50 → not
    admitted → F; absent → exam 0 → FX).

    Programme P (one year, Russian, full-time), group G, year 1; calculus and physics:

    =======  =========================  ==========================  ==========================
    student  calculus (R1, R2, exam)    physics (R1, R2, exam)      band (worst)
    =======  =========================  ==========================  ==========================
    Aliev    95 95 95 → 95 A            92 92 92 → 92 A-            excellent
    Bekova   85 85 88 → 86.2 B+         70 70 72 → 70.8 C+          good
    Sadykov  65 65 70 → 67 C            80 80 80 → 80 B             satisfactory
    Dosova   80 80 40 → FX (exam < 50)  80 80 80 → 80 B             failed
    Yesenov  40 80 — not admitted → F   80 80 absent → FX           did not sit
    Fedorov  90 90 90 → 90 A-           60 40 — not admitted → F    failed
    =======  =========================  ==========================  ==========================

    P: students 6; admitted 6 (Yesenov was admitted to physics, Fedorov to calculus); sat 5
    (Yesenov sat none); excellent 1, good 1, satisfactory 1, failed 2;
    absolute = (5 − 2) / 5 = 60.0 %; quality = (1 + 1) / 5 = 40.0 %.

    Programme Q (Kazakh, part-time), group H, year 1; calculus only:
    Gani 95 95 95 → A (excellent); Zhanar 70 70 72 → 70.8 C+ (good).
    Q: students 2, admitted 2, sat 2, excellent 1, good 1; absolute 100.0 %, quality 100.0 %.

    Total: students 8, admitted 8, sat 7, excellent 2, good 2, satisfactory 1, failed 2;
    absolute = 5 / 7 = 71.43 → 71.4 %; quality = 4 / 7 = 57.14 → 57.1 %.
    """
    w = SimpleNamespace()
    w.faculty = factories.faculty()
    w.other_faculty = factories.faculty()
    # P lasts one year, so its students are in their final year (honours candidates).
    w.programme = factories.programme(w.faculty, duration=1, language="ru",
                                      study_form="full_time")
    w.department = w.programme.department
    w.programme_q = factories.programme(w.faculty, language="kk", study_form="part_time")
    w.group = factories.group(w.programme, intake_year=2026)
    w.group_q = factories.group(w.programme_q, intake_year=2026)
    w.registrar = factories.registrar()
    w.dean = factories.dean(w.faculty)
    w.other_dean = factories.dean(w.other_faculty)
    w.teacher = factories.user(role=Role.TEACHER)
    w.teacher2 = factories.user(role=Role.TEACHER)
    w.year = AcademicYear.objects.create(start_year=2026, starts_on=D(2026, 9, 1),
                                         ends_on=D(2027, 6, 30))
    w.autumn = AcademicPeriod.objects.create(year=w.year, kind=PeriodKind.AUTUMN,
                                             starts_on=D(2026, 9, 1), ends_on=D(2026, 12, 31))
    names = ["Aliev", "Bekova", "Sadykov", "Dosova", "Yesenov", "Fedorov"]
    w.p = enrol([factories.student(w.programme, last_name_ru=n, last_name_en=n,
                                   first_name_en="Student") for n in names], w.group,
                by=w.registrar)
    w.p = sorted(w.p, key=lambda s: names.index(s.last_name_en))
    w.q = enrol([factories.student(w.programme_q, last_name_ru=n, last_name_en=n,
                                   first_name_en="Student") for n in ("Gani", "Zhanar")],
                w.group_q, by=w.registrar)
    w.q = sorted(w.q, key=lambda s: s.last_name_en)
    a, b, c, d, e, f = w.p
    g, z = w.q
    w.calculus = discipline("MAT1101", w.department, en="Calculus", ru="Матанализ",
                            kk="Матанализ")
    w.physics = discipline("PHY1102", w.department, en="Physics", ru="Физика", kk="Физика")
    w.calc_section = section(w, w.calculus, "MAT1101-01", w.teacher, [*w.p, g, z])
    w.phys_section = section(w, w.physics, "PHY1102-01", w.teacher2, w.p)
    grade(w, w.calc_section, w.teacher, {
        a: (95, 95, 95), b: (85, 85, 88), c: (65, 65, 70), d: (80, 80, 40),
        e: (40, 80, None), f: (90, 90, 90), g: (95, 95, 95), z: (70, 70, 72)})
    grade(w, w.phys_section, w.teacher2, {
        a: (92, 92, 92), b: (70, 70, 72), c: (80, 80, 80), d: (80, 80, 80),
        e: (80, 80, "absent"), f: (60, 40, None)})
    return w


@pytest.fixture
def session_world(db):
    return build_session_world()


def build_contingent_world() -> SimpleNamespace:
    """Ten students of one faculty moved by applied orders (every date by hand):

    - programme P (4 years, Russian, full-time), group G: 8 students enrolled on 1 Sep 2025,
      students 0–2 on a state grant, 3–7 paid; 0–4 male, 5–7 female; student 7 from Russia.
    - programme M (1-year master, English), group GM: 2 students enrolled on 1 Sep 2025.

    Orders after the enrolment (effective dates):

    - 1 Nov 2025  student 0 expelled (poor results)
    - 1 Dec 2025  student 1 expelled (at own wish)
    - 10 Jan 2026 student 2 transferred to another university (counted as "transfer")
    - 12 Jan 2026 student 1 reinstated (year 1, group G; paid)
    - 1 Feb 2026  student 3 on academic leave (medical, until 1 Sep 2026)
    - 1 Mar 2026  student 4 on academic leave (military, until 1 Mar 2027)
    - 1 Sep 2026  student 3 returns from leave
    - 30 Jun 2026 both master students graduate

    On 15 Mar 2026, by hand:

    - P year 1: students 1 (reinstated, now paid), 3 and 4 (on leave), 5, 6, 7 → total 6;
      studying 4 (1, 5, 6, 7), on leave 2; state grant 0 (0–2 had it; 1 lost it by the paid
      reinstatement), paid 6; male 3 (1, 3, 4), female 3; Kazakhstan 5, foreign 1 (7).
    - M year 1: 2 studying (they graduate later), paid, female, Kazakhstan.
    - Total 8; statuses on the day: studying 6, on leave 2, expelled 1 (student 0),
      transferred out 1 (student 2), graduated 0.

    Movement from 1 Sep 2025 to 31 Aug 2026: P year 1 — enrolled 8, expelled 3 (poor results
    1, own wish 1, transfer 1), reinstated 1, leave 2, returned 0 (the return takes effect on
    1 Sep 2026, after the period); M year 1 — enrolled 2, graduated 2. Total: enrolled 10,
    expelled 3, reinstated 1, leave 2, returned 0, graduated 2.

    One more student of another faculty, enrolled on 1 Sep 2025, is outside the faculty.
    """
    w = SimpleNamespace()
    w.faculty = factories.faculty()
    w.other_faculty = factories.faculty()
    w.registrar = factories.registrar()
    w.dean = factories.dean(w.faculty)
    w.other_dean = factories.dean(w.other_faculty)
    w.programme = factories.programme(w.faculty, language="ru", study_form="full_time")
    w.group = factories.group(w.programme, intake_year=2025)
    w.master = factories.programme(w.faculty, duration=1, degree="master", language="en")
    w.group_m = factories.group(w.master, intake_year=2025)
    w.other_programme = factories.programme(w.other_faculty)
    w.other_group = factories.group(w.other_programme, intake_year=2025)
    from tests.contingent.helpers import enrol as enrol_one

    w.students = []
    for i in range(8):
        student = factories.student(
            w.programme, gender="male" if i < 5 else "female",
            citizenship="RU" if i == 7 else "KZ", last_name_en=f"P{i}")
        w.students.append(enrol_one(student, w.group, by=w.registrar, on=D(2025, 9, 1),
                                    funding="state_grant" if i < 3 else "paid"))
    w.masters = [enrol_one(factories.student(w.master, gender="female", last_name_en=f"M{i}"),
                           w.group_m, by=w.registrar, on=D(2025, 9, 1)) for i in range(2)]
    w.outsider = enrol_one(factories.student(w.other_programme), w.other_group,
                           by=w.registrar, on=D(2025, 9, 1))
    s = w.students
    run(OrderType.EXPULSION, s[0], D(2025, 11, 1), by=w.registrar, reason="poor_results")
    run(OrderType.EXPULSION, s[1], D(2025, 12, 1), by=w.registrar, reason="own_wish")
    run(OrderType.TRANSFER_OUT, s[2], D(2026, 1, 10), by=w.registrar)
    run(OrderType.REINSTATEMENT, s[1], D(2026, 1, 12), by=w.registrar, to_group=w.group,
        to_year_of_study=1)
    run(OrderType.ACADEMIC_LEAVE, s[3], D(2026, 2, 1), by=w.registrar, leave_kind="medical",
        leave_until=D(2026, 9, 1))
    run(OrderType.ACADEMIC_LEAVE, s[4], D(2026, 3, 1), by=w.registrar, leave_kind="military",
        leave_until=D(2027, 3, 1))
    run(OrderType.RETURN_FROM_LEAVE, s[3], D(2026, 9, 1), by=w.registrar)
    for m in w.masters:
        run(OrderType.GRADUATION, m, D(2026, 6, 30), by=w.registrar)
    return w


@pytest.fixture
def contingent_world(db):
    return build_contingent_world()
