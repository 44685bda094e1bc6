"""A believable demo university, built through the real order services (§2, §4, §9).

Two steps:

* `make_plan(students, seed)` decides everything in plain Python, with no database:
  faculties, programmes, groups, staff, students with valid IINs, and five academic
  years of orders (enrolments, promotions, leave and returns, expulsions, transfers,
  reinstatements, repeat years, funding and name changes, scholarships, graduation).
  It simulates each student's state with the same rules as the state machine, so
  every planned item is acceptable when its order is applied. Same seed, same plan.
* `build(students, seed)` writes the plan: bulk inserts for the institution, staff and
  students; then, for each planned order, `create_order`, a bulk insert of its items
  while it is a draft, `approve_order` and `apply_order` — the services check every
  item through the state machine, keep the status history and write the audit trail.

The story runs from the 2022 intake to 20 November 2026 (`AS_OF`): the 2022 bachelors
graduated in June 2026, the 2026 intake is in its first semester, a few orders wait
in draft or approved state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from registrar.contingent import services
from registrar.contingent.choices import (
    ExpulsionReason,
    LeaveKind,
    OrderState,
    OrderType,
    ScholarshipKind,
)
from registrar.contingent.models import Order, OrderItem
from registrar.institution.models import (
    AcademicGroup,
    AcademicPeriod,
    AcademicYear,
    Degree,
    Department,
    Faculty,
    PeriodKind,
    Programme,
    StudyForm,
)
from registrar.people import iin as iin_rules
from registrar.people.choices import Funding, Gender, Role, StudentStatus
from registrar.people.models import RoleAssignment, Staff, Student
from registrar.policy.selectors import academic_start_year, policy_for_year
from registrar.policy.values import DEFAULT_VALUES, PolicyValues

from . import facilities, names

PASSWORD = "demo-Registrar-2026"
AS_OF = dt.date(2026, 11, 20)
INTAKES = (2022, 2023, 2024, 2025, 2026)
INTAKE_WEIGHTS = (0.185, 0.195, 0.200, 0.205, 0.215)
GROUP_SIZE = 25
STUDENTS_PER_STAFF = 15
RECTOR = "Ректор Е. К. Жумабаев"
STUDENT_MAIL = "stud.demo.edu.kz"
STAFF_MAIL = "demo.edu.kz"

# --------------------------------------------------------------------------- institution


@dataclasses.dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    abbr: str  # for group names: IS-23-1
    name_kk: str
    name_ru: str
    name_en: str
    group_languages: tuple[str, ...] = ("kk", "ru")  # the first is the programme's language
    weight: float = 1.0  # share of applicants
    degree: str = Degree.BACHELOR
    study_form: str = StudyForm.FULL_TIME

    @property
    def duration(self) -> int:
        return 2 if self.degree == Degree.MASTER else 4

    @property
    def credits(self) -> int:
        return 60 * self.duration


@dataclasses.dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    programmes: tuple[ProgrammeSpec, ...]


@dataclasses.dataclass(frozen=True)
class FacultySpec:
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    departments: tuple[DepartmentSpec, ...]
    male_share: float = 0.5


P = ProgrammeSpec
FACULTIES: tuple[FacultySpec, ...] = (
    FacultySpec("IT", "Ақпараттық технологиялар факультеті",
                "Факультет информационных технологий", "Faculty of Information Technology", (
        DepartmentSpec("IS", "Ақпараттық жүйелер кафедрасы", "Кафедра информационных систем",
                       "Department of Information Systems", (
            P("6B06101", "IS", "Ақпараттық жүйелер", "Информационные системы",
              "Information Systems", ("kk", "ru"), 10),
            P("7M06101", "MIS", "Ақпараттық жүйелер", "Информационные системы",
              "Information Systems", ("ru",), 1.5, Degree.MASTER),
        )),
        DepartmentSpec("CSE", "Компьютерлік ғылымдар және бағдарламалық инженерия кафедрасы",
                       "Кафедра компьютерных наук и программной инженерии",
                       "Department of Computer Science and Software Engineering", (
            P("6B06102", "SE", "Бағдарламалық инженерия", "Программная инженерия",
              "Software Engineering", ("ru", "en", "kk"), 9),
        )),
        DepartmentSpec("CST", "Киберқауіпсіздік және телекоммуникациялар кафедрасы",
                       "Кафедра кибербезопасности и телекоммуникаций",
                       "Department of Cybersecurity and Telecommunications", (
            P("6B06301", "CYB", "Киберқауіпсіздік", "Кибербезопасность", "Cybersecurity",
              ("ru", "kk"), 6),
            P("6B06201", "RET", "Радиотехника, электроника және телекоммуникациялар",
              "Радиотехника, электроника и телекоммуникации",
              "Radio Engineering, Electronics and Telecommunications", ("kk", "ru"), 3),
        )),
    ), male_share=0.68),
    FacultySpec("ENG", "Инженерия факультеті", "Инженерный факультет", "Faculty of Engineering", (
        DepartmentSpec("EPE", "Электр энергетикасы кафедрасы", "Кафедра электроэнергетики",
                       "Department of Electrical Power Engineering", (
            P("6B07101", "EPE", "Электр энергетикасы", "Электроэнергетика",
              "Electrical Power Engineering", ("kk", "ru"), 5),
        )),
        DepartmentSpec("MCE", "Машина жасау және құрылыс кафедрасы",
                       "Кафедра машиностроения и строительства",
                       "Department of Mechanical and Civil Engineering", (
            P("6B07102", "ME", "Машина жасау", "Машиностроение", "Mechanical Engineering",
              ("ru", "kk"), 3),
            P("6B07301", "CE", "Құрылыс", "Строительство", "Civil Engineering",
              ("kk", "ru"), 5),
        )),
    ), male_share=0.75),
    FacultySpec("EB", "Экономика және бизнес факультеті", "Факультет экономики и бизнеса",
                "Faculty of Economics and Business", (
        DepartmentSpec("ECF", "Экономика және қаржы кафедрасы", "Кафедра экономики и финансов",
                       "Department of Economics and Finance", (
            P("6B04101", "EC", "Экономика", "Экономика", "Economics", ("ru", "kk"), 6),
            P("6B04102", "FIN", "Қаржы", "Финансы", "Finance", ("en", "ru"), 6),
            P("7M04102", "MFIN", "Қаржы", "Финансы", "Finance", ("ru",), 1.5, Degree.MASTER),
        )),
        DepartmentSpec("MAA", "Менеджмент, есеп және аудит кафедрасы",
                       "Кафедра менеджмента, учёта и аудита",
                       "Department of Management, Accounting and Audit", (
            P("6B04103", "ACC", "Есеп және аудит", "Учёт и аудит", "Accounting and Audit",
              ("kk", "ru"), 3, study_form=StudyForm.PART_TIME),
            P("6B04104", "MGT", "Менеджмент", "Менеджмент", "Management", ("ru", "kk"), 5),
        )),
    ), male_share=0.42),
    FacultySpec("HL", "Гуманитарлық ғылымдар және құқық факультеті",
                "Факультет гуманитарных наук и права", "Faculty of Humanities and Law", (
        DepartmentSpec("LAW", "Құқықтану кафедрасы", "Кафедра юриспруденции",
                       "Department of Law", (
            P("6B04201", "LAW", "Құқықтану", "Юриспруденция", "Jurisprudence",
              ("kk", "ru"), 8),
        )),
        DepartmentSpec("FLT", "Шетел тілдері және аударма ісі кафедрасы",
                       "Кафедра иностранных языков и переводческого дела",
                       "Department of Foreign Languages and Translation", (
            P("6B02301", "TR", "Аударма ісі", "Переводческое дело", "Translation Studies",
              ("en", "kk", "ru"), 5),
        )),
        DepartmentSpec("JRN", "Журналистика кафедрасы", "Кафедра журналистики",
                       "Department of Journalism", (
            P("6B03201", "JOU", "Журналистика", "Журналистика", "Journalism",
              ("kk", "ru"), 3),
        )),
    ), male_share=0.35),
    FacultySpec("NS", "Жаратылыстану ғылымдары факультеті", "Факультет естественных наук",
                "Faculty of Natural Sciences", (
        DepartmentSpec("MPH", "Математика және физика кафедрасы", "Кафедра математики и физики",
                       "Department of Mathematics and Physics", (
            P("6B05401", "MATH", "Математика", "Математика", "Mathematics", ("kk", "ru"), 2),
            P("6B05301", "PHYS", "Физика", "Физика", "Physics", ("kk", "ru"), 1.5),
        )),
        DepartmentSpec("BEC", "Биология және экология кафедрасы", "Кафедра биологии и экологии",
                       "Department of Biology and Ecology", (
            P("6B05101", "BIO", "Биология", "Биология", "Biology", ("kk", "ru"), 2),
            P("6B05201", "ECO", "Экология", "Экология", "Ecology", ("ru", "kk"), 2),
        )),
    ), male_share=0.45),
)
del P

PROGRAMMES: dict[str, ProgrammeSpec] = {
    p.code: p for f in FACULTIES for d in f.departments for p in d.programmes
}
FACULTY_OF: dict[str, str] = {
    p.code: f.code for f in FACULTIES for d in f.departments for p in d.programmes
}
DEPARTMENT_OF: dict[str, str] = {
    p.code: d.code for f in FACULTIES for d in f.departments for p in d.programmes
}

# Teaching positions and how common they are; the head of each department comes first.
POSITIONS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("Professor", 8, ("Doctor of Sciences", "PhD")),
    ("Associate professor", 22, ("Candidate of Sciences", "PhD")),
    ("Senior lecturer", 40, ("PhD", "Master of Sciences", "Master of Sciences")),
    ("Lecturer", 25, ("Master of Sciences",)),
    ("Assistant", 5, ("Master of Sciences",)),
)

# Monthly state scholarship (KZT) of a bachelor by academic year; masters get more.
SCHOLARSHIP_BACHELOR: dict[int, Decimal] = {
    2022: Decimal("36660.00"), 2023: Decimal("42032.00"), 2024: Decimal("52372.00"),
    2025: Decimal("52372.00"), 2026: Decimal("55514.00"),
}
MASTER_FACTOR = Decimal("1.78")
PRESIDENTIAL_FACTOR = Decimal("1.60")
MOBILE_CODES = ("700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778")

# --------------------------------------------------------------------------- plan


@dataclasses.dataclass
class StaffPlan:
    names: dict[str, str]
    gender: str
    department: str | None
    position: str
    academic_degree: str
    email: str


@dataclasses.dataclass
class GroupPlan:
    name: str
    programme: str
    intake: int
    language: str
    curator: int | None = None  # index into Plan.staff


@dataclasses.dataclass
class StudentPlan:
    iin: str
    birth_date: dt.date
    gender: str
    citizenship: str
    kazakh: bool
    names: dict[str, str]
    email: str
    phone: str
    programme: str
    intake: int  # the cohort whose group the student joins
    group: str  # the group of enrolment
    funding: str
    advisor: int  # index into Plan.staff
    entry: str = "enrolment"  # "enrolment", "transfer_in" or "" (remains an applicant)
    entry_year: int = 1  # year of study on entry


@dataclasses.dataclass
class ItemPlan:
    student: int  # index into Plan.students
    fields: dict[str, Any]  # OrderItem fields; to_group is a group name, to_programme a code


@dataclasses.dataclass
class OrderPlan:
    order_type: str
    faculty: str
    effective_date: dt.date
    signed_on: dt.date
    title: str
    basis: str
    signatory: str
    approved_by_dean: bool
    items: list[ItemPlan]
    state: str = OrderState.APPLIED


@dataclasses.dataclass
class Plan:
    seed: int
    students: list[StudentPlan]
    staff: list[StaffPlan]
    groups: list[GroupPlan]
    orders: list[OrderPlan]
    account_staff: dict[str, int]  # username -> staff index
    student_account: int  # student index of the `student` account

    @property
    def iins(self) -> list[str]:
        return [s.iin for s in self.students]


@dataclasses.dataclass
class _State:
    """A student's state during planning, kept as the state machine would."""

    status: str = StudentStatus.APPLICANT
    group: str = ""
    year: int = 0
    funding: str = ""
    last_change: dt.date | None = None
    returns_on: dt.date | None = None
    expelled_on: dt.date | None = None
    expel_reason: str = ""
    reinstated: bool = False
    renamed: bool = False
    failed_final: bool = False


def _short(person: dict[str, str], title: str) -> str:
    initials = " ".join(f"{n[0]}." for n in (person["first_name_ru"], person["patronymic_ru"]) if n)
    return f"{title} {initials} {person['last_name_ru']}"


def _window_note(policy: PolicyValues, day: dt.date) -> str:
    if policy.in_transfer_window(day):
        return ""
    return "Решение ректора: приём документов вне периода переводов"


class _Planner:
    def __init__(self, students: int, seed: int, policy: Callable[[dt.date], PolicyValues]):
        if students < 1:
            raise ValueError("at least one student is needed")
        self.n = students
        self.seed = seed
        self.rng = random.Random(seed)
        self.policy = policy
        self.students: list[StudentPlan] = []
        self.staff: list[StaffPlan] = []
        self.groups: list[GroupPlan] = []
        self.group_info: dict[str, GroupPlan] = {}
        self.cohort_groups: dict[tuple[str, int], list[str]] = {}
        self.orders: list[OrderPlan] = []
        self.states: list[_State] = []
        self.serials: dict[tuple[dt.date, str], int] = {}
        self.iins: set[str] = set()
        self.emails: Counter[str] = Counter()
        self.dean_names: dict[str, str] = {}
        self.account_staff: dict[str, int] = {}
        self.dept_staff: dict[str, list[int]] = defaultdict(list)
        self.advisors: dict[str, list[int]] = {}
        self.doc_no = 100

    # ---------------------------------------------------------------- people
    def _iin(self, birth: dt.date, sex: str) -> str:
        key = (birth, sex)
        serial = self.serials.get(key)
        if serial is None:
            serial = self.rng.randrange(100, 5000)
        while True:
            serial += 1
            made = iin_rules.make(birth, sex, serial)
            if made and made not in self.iins:
                self.serials[key] = serial
                self.iins.add(made)
                return made

    def _email(self, person: dict[str, str], domain: str, staff: bool = False) -> str:
        first = "".join(c for c in person["first_name_en"].lower() if c.isalpha())
        last = "".join(c for c in person["last_name_en"].lower() if c.isalpha())
        base = f"{first[:1]}.{last}" if staff else f"{first}.{last}"
        self.emails[base] += 1
        count = self.emails[base]
        return f"{base}{count if count > 1 else ''}@{domain}"

    def _phone(self) -> str:
        r = self.rng
        return (f"+7 {r.choice(MOBILE_CODES)} {r.randrange(100, 1000)} {r.randrange(10, 100)} "
                f"{r.randrange(10, 100)}")

    def _birth_date(self, intake: int, degree: str) -> dt.date:
        r = self.rng.random()
        if degree == Degree.MASTER:
            age = 22 + self.rng.choice((0, 0, 0, 1, 1, 2, 3, 4))
        else:
            age = 18 if r < 0.88 else (19 if r < 0.97 else 17)
        # Aged `age` on 1 September of the intake year.
        latest = dt.date(intake - age, 9, 1)
        return latest - dt.timedelta(days=self.rng.randrange(365))

    def _staff_member(self, department: str | None, position: str, degree: str) -> int:
        sex = Gender.MALE if self.rng.random() < 0.5 else Gender.FEMALE
        person = names.person(self.rng, kazakh=self.rng.random() < 0.65, sex=sex)
        self.staff.append(StaffPlan(person, sex, department, position, degree,
                                    self._email(person, STAFF_MAIL, staff=True)))
        index = len(self.staff) - 1
        if department:
            self.dept_staff[department].append(index)
        return index

    # ---------------------------------------------------------------- setup
    def plan_people(self) -> None:
        rng = self.rng
        codes = list(PROGRAMMES)
        code_weights = list(itertools.accumulate(PROGRAMMES[c].weight for c in codes))
        intake_weights = list(itertools.accumulate(INTAKE_WEIGHTS))
        cohorts: dict[tuple[str, int], list[int]] = defaultdict(list)
        placement = []
        for i in range(self.n):
            intake = rng.choices(INTAKES, cum_weights=intake_weights)[0]
            code = rng.choices(codes, cum_weights=code_weights)[0]
            placement.append((code, intake))
            cohorts[(code, intake)].append(i)

        # Groups: about 25 students each; every programme has at least one per intake.
        member_group: dict[int, str] = {}
        for code in codes:
            spec = PROGRAMMES[code]
            for intake in INTAKES:
                members = cohorts[(code, intake)]
                count = max(1, round(len(members) / GROUP_SIZE))
                names_ = []
                for k in range(count):
                    group = GroupPlan(f"{spec.abbr}-{intake % 100:02d}-{k + 1}", code, intake,
                                      spec.group_languages[k % len(spec.group_languages)])
                    self.groups.append(group)
                    self.group_info[group.name] = group
                    names_.append(group.name)
                self.cohort_groups[(code, intake)] = names_
                shuffled = list(members)
                rng.shuffle(shuffled)
                for j, i in enumerate(shuffled):
                    member_group[i] = names_[j % count]

        # Staff: about one per 15 students, by the load of each department.
        load: Counter[str] = Counter(DEPARTMENT_OF[code] for code, _ in placement)
        total_staff = max(1, round(self.n / STUDENTS_PER_STAFF))
        self.account_staff["registrar"] = self._staff_member(
            None, "Head of the Office of the Registrar", "Master of Sciences")
        for faculty in FACULTIES:
            for d_index, dept in enumerate(faculty.departments):
                if d_index == 0:
                    dean = self._staff_member(dept.code, "Dean", "PhD")
                    self.account_staff[f"dean_{faculty.code.lower()}"] = dean
                    self.dean_names[faculty.code] = _short(self.staff[dean].names, "Декан")
                head_degree = rng.choice(("PhD", "Candidate of Sciences", "Doctor of Sciences"))
                self._staff_member(dept.code, "Head of department", head_degree)
                size = max(4, round(total_staff * load[dept.code] / self.n))
                for _ in range(size - 1):
                    title, _weight, degrees = rng.choices(
                        POSITIONS, [w for _, w, _ in POSITIONS])[0]
                    self._staff_member(dept.code, title, rng.choice(degrees))
                teachers = [s for s in self.dept_staff[dept.code]
                            if self.staff[s].position not in ("Dean", "Head of department")]
                self.advisors[dept.code] = teachers[: max(1, (len(teachers) + 1) // 2)]

        # Curators: the teachers of the programme's department in turn.
        turn: Counter[str] = Counter()
        for group in self.groups:
            dept_code = DEPARTMENT_OF[group.programme]
            teachers = [s for s in self.dept_staff[dept_code]
                        if self.staff[s].position not in ("Dean", "Head of department")]
            group.curator = teachers[turn[dept_code] % len(teachers)]
            turn[dept_code] += 1

        # Students.
        kazakh_share = {"kk": 0.97, "ru": 0.48, "en": 0.72}
        for i, (code, intake) in enumerate(placement):
            spec = PROGRAMMES[code]
            faculty = next(f for f in FACULTIES if f.code == FACULTY_OF[code])
            group_name = member_group[i]
            kazakh = rng.random() < kazakh_share[self.group_info[group_name].language]
            sex = Gender.MALE if rng.random() < faculty.male_share else Gender.FEMALE
            person = names.person(rng, kazakh=kazakh, sex=sex)
            birth = self._birth_date(intake, spec.degree)
            r = rng.random()
            if kazakh:
                citizenship = "CN" if r < 0.015 else "UZ" if r < 0.025 else (
                    "KG" if r < 0.03 else "KZ")
            else:
                citizenship = "RU" if r < 0.04 else "KZ"
            if spec.study_form != StudyForm.FULL_TIME:
                funding = Funding.PAID
            else:
                grant_share = 0.55 if spec.degree == Degree.MASTER else 0.64
                funding = Funding.STATE_GRANT if rng.random() < grant_share else Funding.PAID
            self.students.append(StudentPlan(
                iin=self._iin(birth, sex), birth_date=birth, gender=sex,
                citizenship=citizenship, kazakh=kazakh, names=person,
                email=self._email(person, STUDENT_MAIL), phone=self._phone(),
                programme=code, intake=intake, group=group_name, funding=funding,
                advisor=rng.choice(self.advisors[DEPARTMENT_OF[code]]),
            ))
        self.states = [_State() for _ in self.students]

        # About 1 % of the 2026 applicants are not enrolled; about 1 % of the earlier
        # bachelor cohorts join later by transfer from another university, into year 2 or 3.
        latest = [i for i, s in enumerate(self.students) if s.intake == INTAKES[-1]]
        for i in self._sample(latest, 0.01):
            self.students[i].entry = ""
        earlier = [i for i, s in enumerate(self.students)
                   if s.intake <= 2024 and PROGRAMMES[s.programme].degree == Degree.BACHELOR]
        for i in self._sample(earlier, 0.01):
            student = self.students[i]
            student.entry = "transfer_in"
            student.entry_year = rng.choice((2, 3)) if student.intake <= 2023 else 2
            student.funding = Funding.PAID

    # ---------------------------------------------------------------- helpers
    def _sample(self, candidates: list[int], rate: float, at_least_one: bool = True
                ) -> list[int]:
        if not candidates:
            return []
        k = round(len(candidates) * rate)
        if k == 0 and at_least_one:
            k = 1
        return sorted(self.rng.sample(candidates, min(k, len(candidates))))

    def _with_status(self, *statuses: str) -> list[int]:
        return [i for i, st in enumerate(self.states) if st.status in statuses]

    def _doc(self) -> int:
        self.doc_no += self.rng.randrange(1, 9)
        return self.doc_no

    def _group_for(self, programme: str, intake: int, language: str) -> str | None:
        """A group of the cohort, preferring the language; None if there is none."""
        groups = self.cohort_groups.get((programme, intake), [])
        if not groups:
            return None
        same = [g for g in groups if self.group_info[g].language == language]
        return self.rng.choice(same or groups)

    def _emit(self, order_type: str, day: dt.date, items: Iterable[tuple[int, dict[str, Any]]],
              *, title: str, basis: str = "", signed_on: dt.date | None = None,
              by_rector: bool = False, state: str = OrderState.APPLIED) -> None:
        """One order per faculty for the items; applied items move `last_change`."""
        per_faculty: dict[str, list[ItemPlan]] = defaultdict(list)
        for index, fields in items:
            per_faculty[FACULTY_OF[self.students[index].programme]].append(
                ItemPlan(index, fields))
            if state == OrderState.APPLIED:
                st = self.states[index]
                assert st.last_change is None or st.last_change <= day, (index, day)
                st.last_change = day
        for faculty in FACULTIES:
            plan_items = per_faculty.get(faculty.code)
            if not plan_items:
                continue
            self.orders.append(OrderPlan(
                order_type=order_type, faculty=faculty.code, effective_date=day,
                signed_on=signed_on or day - dt.timedelta(days=3), title=title, basis=basis,
                signatory=RECTOR if by_rector else self.dean_names[faculty.code],
                approved_by_dean=not by_rector, items=plan_items, state=state,
            ))

    # ---------------------------------------------------------------- events
    def enrol(self, day: dt.date, start_year: int) -> None:
        items = []
        for i, sp in enumerate(self.students):
            if sp.intake != start_year or sp.entry != "enrolment":
                continue
            st = self.states[i]
            st.status, st.group, st.year, st.funding = (
                StudentStatus.ACTIVE, sp.group, 1, sp.funding)
            test = "КТ" if PROGRAMMES[sp.programme].degree == Degree.MASTER else "ЕНТ"
            items.append((i, {
                "to_programme": sp.programme, "to_group": sp.group, "to_funding": sp.funding,
                "basis": f"Заявление; сертификат {test} № {self.rng.randrange(10**8, 10**9)}",
            }))
        self._emit(OrderType.ENROLMENT, day, items, by_rector=True,
                   signed_on=day - dt.timedelta(days=7),
                   title=f"О зачислении в число обучающихся на {start_year}–{start_year + 1} "
                         "учебный год",
                   basis=f"Протокол заседания приёмной комиссии № {self._doc() % 20 + 1} "
                         f"от {day - dt.timedelta(days=10):%d.%m.%Y}")

    def transfer_in(self, day: dt.date) -> None:
        items = []
        for i, sp in enumerate(self.students):
            if sp.entry != "transfer_in" or sp.intake + sp.entry_year - 1 != day.year:
                continue
            st = self.states[i]
            st.status, st.group, st.year, st.funding = (
                StudentStatus.ACTIVE, sp.group, sp.entry_year, sp.funding)
            fields: dict[str, Any] = {
                "to_programme": sp.programme, "to_group": sp.group,
                "to_year_of_study": sp.entry_year, "to_funding": sp.funding,
                "basis": "Заявление; академическая справка другого вуза",
                "academic_difference": f"Академическая разница: {self.rng.randrange(1, 4)} "
                                       "дисциплины, сдать до конца осеннего семестра",
            }
            note = _window_note(self.policy(day), day)
            if note:
                fields["override_reason"] = note
            items.append((i, fields))
        self._emit(OrderType.TRANSFER_IN, day, items, by_rector=True,
                   title="О зачислении в порядке перевода из другой организации образования")

    def returns(self, day: dt.date) -> None:
        items = []
        target = day.year if day.month >= 7 else day.year - 1  # the academic year joined
        for i, st in enumerate(self.states):
            if st.status != StudentStatus.ON_LEAVE or st.returns_on != day:
                continue
            sp = self.students[i]
            fields: dict[str, Any] = {"basis": "Личное заявление о выходе из отпуска"}
            group = self._group_for(sp.programme, target - st.year + 1,
                                    self.group_info[st.group].language)
            if group and group != st.group:
                fields["to_group"] = group
                st.group = group
            st.status, st.returns_on = StudentStatus.ACTIVE, None
            items.append((i, fields))
        self._emit(OrderType.RETURN_FROM_LEAVE, day, items,
                   title="О выходе из академического отпуска")

    def scholarships(self, day: dt.date) -> None:
        start_year = academic_start_year(day)
        base = SCHOLARSHIP_BACHELOR[start_year]
        increase = self.policy(day).scholarship_increase
        holders = [i for i, st in enumerate(self.states)
                   if st.status == StudentStatus.ACTIVE and st.funding == Funding.STATE_GRANT]
        first_years = [i for i in holders if self.states[i].year == 1 and day.month == 9]
        seen = set(first_years)
        others = [i for i in holders if i not in seen]
        chosen = sorted(first_years + self._sample(others, 0.55))
        items = []
        for i in chosen:
            amount = base * MASTER_FACTOR if PROGRAMMES[
                self.students[i].programme].degree == Degree.MASTER else base
            r = self.rng.random()
            if self.states[i].year >= 3 and r < 0.04:
                kind, amount = ScholarshipKind.PRESIDENTIAL, amount * PRESIDENTIAL_FACTOR
            elif r < 0.2 and self.states[i].year > 1:
                kind, amount = ScholarshipKind.STATE_INCREASED, amount * (1 + increase)
            else:
                kind = ScholarshipKind.STATE
            items.append((i, {"scholarship_kind": kind,
                              "amount": amount.quantize(Decimal("0.01"))}))
        term = "осенний" if day.month >= 9 else "весенний"
        self._emit(OrderType.SCHOLARSHIP_AWARD, day, items,
                   title=f"О назначении стипендии на {term} семестр {start_year}–"
                         f"{start_year + 1} учебного года",
                   basis=f"Протокол стипендиальной комиссии № {self._doc() % 30 + 1}")

    def _return_dates(self, start: dt.date, kind: str) -> tuple[dt.date, dt.date]:
        """(leave_until, return date): the leave ends the day before a semester starts."""
        low, high = self.policy(start).leave_months(kind)
        options = []
        for year in range(start.year, start.year + 4):
            for back in (dt.date(year, 1, 15), dt.date(year, 9, 1)):
                until = back - dt.timedelta(days=1)
                if (back > start and start + relativedelta(months=low) <= until
                        <= start + relativedelta(months=high)):
                    options.append(back)
        if not options:  # a policy too narrow for semester starts: end exactly at the maximum
            until = start + relativedelta(months=high)
            return until, until + dt.timedelta(days=1)
        if kind == LeaveKind.MILITARY:  # one year of conscript service
            year_later = start + relativedelta(years=1)
            back = min(options, key=lambda d: abs((d - year_later).days))
        else:
            back = self.rng.choice(options)
        return back - dt.timedelta(days=1), back

    def leave(self, day: dt.date) -> None:
        items = []
        for i in self._sample(self._with_status(StudentStatus.ACTIVE), 0.0075):
            sp, st = self.students[i], self.states[i]
            r = self.rng.random()
            if r < 0.6:
                kind, basis = LeaveKind.MEDICAL, f"Заключение ВКК № {self._doc()}"
            elif sp.gender == Gender.MALE:
                kind, basis = LeaveKind.MILITARY, "Повестка о призыве на воинскую службу"
            else:
                kind, basis = LeaveKind.CHILDCARE, "Свидетельство о рождении ребёнка"
            until, back = self._return_dates(day, kind)
            st.status, st.returns_on = StudentStatus.ON_LEAVE, back
            items.append((i, {"leave_kind": kind, "leave_until": until, "basis": basis}))
        self._emit(OrderType.ACADEMIC_LEAVE, day, items,
                   title="О предоставлении академического отпуска")

    _EXPULSION_BASIS: dict[str, str] = {
        ExpulsionReason.OWN_WISH: "Личное заявление",
        ExpulsionReason.NON_PAYMENT: "Служебная записка бухгалтерии о задолженности по оплате",
        ExpulsionReason.POOR_RESULTS: "Экзаменационные ведомости; академическая задолженность",
    }

    def expel(self, day: dt.date, rate: float, mix: dict[str, float],
              extra: Iterable[int] = ()) -> None:
        active = self._with_status(StudentStatus.ACTIVE)
        first = [i for i in active if self.states[i].year == 1]
        upper = [i for i in active if self.states[i].year > 1]
        chosen = set(self._sample(first, rate * 1.6) + self._sample(upper, rate))
        failed = set(extra)
        chosen.update(failed)
        if day.month == 10:  # some students on leave do not come back
            chosen.update(self._sample(self._with_status(StudentStatus.ON_LEAVE), 0.03,
                                       at_least_one=False))
        reasons, weights = list(mix), list(mix.values())
        items = []
        for i in sorted(chosen):
            st = self.states[i]
            reason = (ExpulsionReason.POOR_RESULTS if i in failed
                      else self.rng.choices(reasons, weights)[0])
            if reason == ExpulsionReason.NON_PAYMENT and st.funding != Funding.PAID:
                reason = ExpulsionReason.OWN_WISH
            if st.status == StudentStatus.ON_LEAVE:
                reason = ExpulsionReason.OWN_WISH
            st.status, st.expelled_on, st.expel_reason = StudentStatus.EXPELLED, day, reason
            st.failed_final = False
            items.append((i, {"reason": reason, "basis": self._EXPULSION_BASIS[reason]}))
        self._emit(OrderType.EXPULSION, day, items, by_rector=True, title="Об отчислении")

    def rename(self, day: dt.date) -> None:
        candidates = [
            i for i, st in enumerate(self.states)
            if st.status in (StudentStatus.ACTIVE, StudentStatus.ON_LEAVE) and not st.renamed
            and self.students[i].gender == Gender.FEMALE
            and (day - self.students[i].birth_date).days >= 19 * 365
        ]
        items = []
        for i in self._sample(candidates, 0.006):
            sp = self.students[i]
            self.states[i].renamed = True
            new = names.married_surname(self.rng, kazakh=sp.kazakh,
                                        current_ru=sp.names["last_name_ru"])
            items.append((i, {"new_names": new, "basis": "Свидетельство о заключении брака "
                                                          f"№ {self._doc()}"}))
        self._emit(OrderType.NAME_CHANGE, day, items, title="Об изменении фамилии")

    def transfer(self, day: dt.date) -> None:
        candidates = [
            i for i, st in enumerate(self.states)
            if st.status == StudentStatus.ACTIVE
            and len(self.cohort_groups[(self.students[i].programme,
                                        self.group_info[st.group].intake)]) > 1
        ]
        note = _window_note(self.policy(day), day)
        items = []
        for i in self._sample(candidates, 0.006):
            st = self.states[i]
            info = self.group_info[st.group]
            others = [g for g in self.cohort_groups[(info.programme, info.intake)]
                      if g != st.group]
            st.group = self.rng.choice(others)
            fields: dict[str, Any] = {"to_group": st.group,
                                      "basis": "Личное заявление; согласие заведующего кафедрой"}
            if note:
                fields["override_reason"] = note
            items.append((i, fields))
        self._emit(OrderType.INTERNAL_TRANSFER, day, items,
                   title="О переводе обучающихся в другую группу")

    def transfer_out(self, day: dt.date) -> None:
        note = _window_note(self.policy(day), day)
        items = []
        for i in self._sample(self._with_status(StudentStatus.ACTIVE), 0.003):
            self.states[i].status = StudentStatus.TRANSFERRED_OUT
            fields: dict[str, Any] = {"basis": "Личное заявление; письмо принимающего вуза"}
            if note:
                fields["override_reason"] = note
            items.append((i, fields))
        self._emit(OrderType.TRANSFER_OUT, day, items, by_rector=True,
                   title="Об отчислении в порядке перевода в другую организацию образования")

    def reinstate(self, day: dt.date, target: int) -> None:
        """Formerly expelled students come back, into their year with the cohort now in it."""
        candidates = []
        for i, st in enumerate(self.states):
            if (st.status != StudentStatus.EXPELLED or st.reinstated or st.expelled_on is None
                    or (day - st.expelled_on).days < 150
                    or st.expel_reason == ExpulsionReason.RULE_VIOLATION):
                continue
            if self.cohort_groups.get((self.students[i].programme, target - st.year + 1)):
                candidates.append(i)
        note = _window_note(self.policy(day), day)
        items = []
        for i in self._sample(candidates, 0.08):
            sp, st = self.students[i], self.states[i]
            group = self._group_for(sp.programme, target - st.year + 1,
                                    self.group_info[st.group].language)
            assert group is not None
            st.status, st.group, st.funding, st.reinstated = (
                StudentStatus.ACTIVE, group, Funding.PAID, True)
            fields: dict[str, Any] = {
                "to_group": group, "to_year_of_study": st.year,
                "basis": "Личное заявление; академическая справка",
                "academic_difference": f"Академическая разница: {self.rng.randrange(1, 4)} "
                                       f"дисциплины ({self.rng.choice((5, 10, 15))} кредитов)",
            }
            if note:
                fields["override_reason"] = note
            items.append((i, fields))
        self._emit(OrderType.REINSTATEMENT, day, items, by_rector=True,
                   title="О восстановлении в число обучающихся")

    def graduate(self, day: dt.date) -> None:
        finals = [i for i, st in enumerate(self.states)
                  if st.status == StudentStatus.ACTIVE
                  and st.year == PROGRAMMES[self.students[i].programme].duration]
        failed = set(self._sample(finals, 0.03, at_least_one=False))
        items = []
        for i in finals:
            if i in failed:
                self.states[i].failed_final = True
                continue
            self.states[i].status = StudentStatus.GRADUATED
            items.append((i, {"basis": f"Протокол аттестационной комиссии № "
                                       f"{self._doc() % 40 + 1}"}))
        self._emit(OrderType.GRADUATION, day, items, by_rector=True,
                   title=f"О выпуске обучающихся {day.year} года и присуждении степени",
                   basis="Протоколы заседаний аттестационных комиссий")

    def expel_after_summer(self, day: dt.date) -> None:
        failed = [i for i, st in enumerate(self.states)
                  if st.failed_final and st.status == StudentStatus.ACTIVE]
        half = failed[: len(failed) // 2]
        self.expel(day, 0.012, {ExpulsionReason.POOR_RESULTS: 1.0}, extra=half)

    def promote(self, day: dt.date) -> None:
        active = self._with_status(StudentStatus.ACTIVE)
        continuing = [i for i in active
                      if self.states[i].year < PROGRAMMES[self.students[i].programme].duration]
        repeat = set(self._sample(continuing, 0.008))
        repeat.update(i for i in active if self.states[i].failed_final)
        going_on = set(continuing)
        promoted: list[tuple[int, dict[str, Any]]] = []
        repeating: list[tuple[int, dict[str, Any]]] = []
        for i in active:
            st = self.states[i]
            if i in repeat:
                fields: dict[str, Any] = {"basis": "Личное заявление; итоги летнего семестра"}
                group = self._group_for(self.students[i].programme, day.year - st.year + 1,
                                        self.group_info[st.group].language)
                if group and group != st.group:
                    fields["to_group"] = group
                    st.group = group
                st.funding, st.failed_final = Funding.PAID, False
                repeating.append((i, fields))
            elif i in going_on:
                st.year += 1
                promoted.append((i, {}))
        start = day.year - 1
        self._emit(OrderType.PROMOTION, day, promoted,
                   title=f"О переводе обучающихся на следующий курс по итогам {start}–{day.year} "
                         "учебного года",
                   basis=f"Решение Учёного совета, протокол № {self._doc() % 12 + 1}")
        self._emit(OrderType.REPEAT_YEAR, day, repeating,
                   title="О повторном прохождении курса обучения")

    def vacant_grants(self, day: dt.date) -> None:
        candidates = [i for i, st in enumerate(self.states)
                      if st.status == StudentStatus.ACTIVE and st.funding == Funding.PAID
                      and st.year >= 2
                      and PROGRAMMES[self.students[i].programme].study_form
                      == StudyForm.FULL_TIME]
        items = []
        for i in self._sample(candidates, 0.03):
            self.states[i].funding = Funding.STATE_GRANT
            items.append((i, {"to_funding": Funding.STATE_GRANT,
                              "basis": "Конкурс на вакантный грант по GPA"}))
        self._emit(OrderType.FUNDING_CHANGE, day, items, by_rector=True,
                   title="О присуждении вакантных образовательных грантов",
                   basis="Протокол комиссии по присуждению вакантных грантов "
                         f"№ {self._doc() % 10 + 1}")

    # ---------------------------------------------------------------- the story
    def plan_orders(self) -> None:
        winter: dict[str, float] = {ExpulsionReason.POOR_RESULTS: 0.65,
                                    ExpulsionReason.NON_PAYMENT: 0.25,
                                    ExpulsionReason.OWN_WISH: 0.10}
        autumn: dict[str, float] = {ExpulsionReason.OWN_WISH: 0.6,
                                    ExpulsionReason.NON_PAYMENT: 0.4}
        partial = functools.partial
        for s in INTAKES:
            d = dt.date
            events: list[tuple[dt.date, Callable[[dt.date], None]]] = [
                (d(s, 9, 1), partial(self.enrol, start_year=s)),
                (d(s, 9, 1), self.returns),
                (d(s, 9, 1), self.scholarships),
                (d(s, 10, 1), self.leave),
                (d(s, 10, 20), partial(self.expel, rate=0.01, mix=autumn)),
                (d(s, 11, 1), self.rename),
                (d(s + 1, 1, 10), self.transfer),
                (d(s + 1, 1, 12), partial(self.reinstate, target=s)),
                (d(s + 1, 1, 15), self.returns),
                (d(s + 1, 2, 1), self.scholarships),
                (d(s + 1, 2, 10), partial(self.expel, rate=0.018, mix=winter)),
                (d(s + 1, 2, 15), self.leave),
                (d(s + 1, 4, 1), self.rename),
                (d(s + 1, 6, 25), self.graduate),
                (d(s + 1, 6, 30), self.expel_after_summer),
                (d(s + 1, 7, 15), self.transfer),
                (d(s + 1, 7, 20), self.transfer_out),
                (d(s + 1, 8, 1), self.promote),
                (d(s + 1, 8, 15), self.vacant_grants),
                (d(s + 1, 8, 20), partial(self.reinstate, target=s + 1)),
                (d(s + 1, 8, 20), self.transfer_in),
            ]
            for day, event in events:
                if day <= AS_OF:
                    event(day)

    def plan_accounts_and_pending(self) -> int:
        """Choose the `student`, `advisor` and `teacher` accounts; leave work for the portal."""
        active = self._with_status(StudentStatus.ACTIVE)
        preferred = [i for i in active
                     if self.students[i].programme == "6B06101" and self.students[i].kazakh
                     and self.students[i].intake == 2024]
        chosen = (preferred or active or list(range(len(self.students))))[0]
        advisor = self.students[chosen].advisor
        self.account_staff["advisor"] = advisor
        dept = self.staff[advisor].department or ""
        teachers = [s for s in self.dept_staff[dept]
                    if s != advisor and self.staff[s].position not in ("Dean",
                                                                       "Head of department")]
        self.account_staff["teacher"] = teachers[-1] if teachers else self.dept_staff[dept][0]

        taken = {chosen}

        def pick(faculty: str, k: int, ok: Callable[[int], bool] = lambda i: True) -> list[int]:
            pool = [i for i in active if i not in taken and ok(i)
                    and FACULTY_OF[self.students[i].programme] == faculty]
            if not pool:  # a tiny demo: any faculty will do
                pool = [i for i in active if i not in taken and ok(i)]
            out = sorted(self.rng.sample(pool, min(k, len(pool))))
            taken.update(out)
            return out

        # Approved (signed), waiting to be applied: expulsions at own wish.
        day = AS_OF + dt.timedelta(days=5)
        self._emit(OrderType.EXPULSION, day,
                   [(i, {"reason": ExpulsionReason.OWN_WISH, "basis": "Личное заявление"})
                    for i in pick("IT", 3)],
                   title="Об отчислении", by_rector=True, signed_on=AS_OF,
                   state=OrderState.APPROVED)
        # Drafts: academic leave from December, group changes in the winter window.
        day = dt.date(2026, 12, 1)
        until, _back = self._return_dates(day, LeaveKind.MEDICAL)
        self._emit(OrderType.ACADEMIC_LEAVE, day,
                   [(i, {"leave_kind": LeaveKind.MEDICAL, "leave_until": until,
                         "basis": f"Заключение ВКК № {self._doc()}"}) for i in pick("ENG", 2)],
                   title="О предоставлении академического отпуска", state=OrderState.DRAFT)
        day = dt.date(2027, 1, 10)
        movable = [i for i in pick("EB", 2, lambda i: len(self.cohort_groups[(
            self.students[i].programme, self.group_info[self.states[i].group].intake)]) > 1)]
        items = []
        for i in movable:
            info = self.group_info[self.states[i].group]
            others = [g for g in self.cohort_groups[(info.programme, info.intake)]
                      if g != info.name]
            items.append((i, {"to_group": self.rng.choice(others),
                              "basis": "Личное заявление"}))
        self._emit(OrderType.INTERNAL_TRANSFER, day, items,
                   title="О переводе обучающихся в другую группу", state=OrderState.DRAFT)
        return chosen


def make_plan(students: int = 3000, seed: int = 2026,
              policy: Callable[[dt.date], PolicyValues] | None = None) -> Plan:
    """Everything the demo will contain, decided without the database; same seed, same plan."""
    planner = _Planner(students, seed, policy or (lambda day: DEFAULT_VALUES))
    planner.plan_people()
    planner.plan_orders()
    student_account = planner.plan_accounts_and_pending()
    return Plan(seed=seed, students=planner.students, staff=planner.staff,
                groups=planner.groups, orders=planner.orders,
                account_staff=planner.account_staff, student_account=student_account)


# --------------------------------------------------------------------------- database

DEMO_USERNAMES = ("admin", "registrar", "advisor", "teacher", "student",
                  *(f"dean_{f.code.lower()}" for f in FACULTIES))


@dataclasses.dataclass
class BuildResult:
    plan: Plan
    seconds: float
    orders: int
    items: int
    usernames: list[str]


def _bulk(model: Any, objects: list[Any], batch_size: int = 2000) -> list[Any]:
    created = model.objects.bulk_create(objects, batch_size=batch_size)
    assert all(o.pk is not None for o in created), "the database must return primary keys"
    return created


def _write_institution(plan: Plan
                       ) -> tuple[dict[str, Faculty], dict[str, int], dict[str, int], list[Staff]]:
    """Faculties, departments, programmes, years and periods, staff and groups."""
    faculties = {f.code: f for f in _bulk(Faculty, [
        Faculty(code=f.code, name_kk=f.name_kk, name_ru=f.name_ru, name_en=f.name_en)
        for f in FACULTIES])}
    departments = {d.code: d for d in _bulk(Department, [
        Department(faculty=faculties[f.code], code=d.code, name_kk=d.name_kk,
                   name_ru=d.name_ru, name_en=d.name_en)
        for f in FACULTIES for d in f.departments])}
    programmes = {p.code: p.pk for p in _bulk(Programme, [
        Programme(code=p.code, department=departments[DEPARTMENT_OF[p.code]],
                  name_kk=p.name_kk, name_ru=p.name_ru, name_en=p.name_en, degree=p.degree,
                  study_form=p.study_form, language=p.group_languages[0],
                  duration_years=p.duration, total_credits=p.credits)
        for p in PROGRAMMES.values()])}
    for start in INTAKES:
        year, _ = AcademicYear.objects.get_or_create(
            start_year=start, defaults={"starts_on": dt.date(start, 9, 1),
                                        "ends_on": dt.date(start + 1, 8, 31)})
        for kind, begins, ends in (
            (PeriodKind.AUTUMN, dt.date(start, 9, 1), dt.date(start + 1, 1, 10)),
            (PeriodKind.SPRING, dt.date(start + 1, 1, 20), dt.date(start + 1, 6, 7)),
            (PeriodKind.SUMMER, dt.date(start + 1, 6, 15), dt.date(start + 1, 7, 26)),
        ):
            AcademicPeriod.objects.get_or_create(
                year=year, kind=kind, defaults={"starts_on": begins, "ends_on": ends})
    staff = _bulk(Staff, [
        Staff(department=departments[s.department] if s.department else None,
              position=s.position, academic_degree=s.academic_degree, email=s.email, **s.names)
        for s in plan.staff])
    groups = {g.name: g.pk for g in _bulk(AcademicGroup, [
        AcademicGroup(name=g.name, programme_id=programmes[g.programme], intake_year=g.intake,
                      language=g.language,
                      curator_id=staff[g.curator].pk if g.curator is not None else None)
        for g in plan.groups])}
    return faculties, programmes, groups, staff


def _write_students(plan: Plan, programmes: dict[str, int], staff: list[Staff]) -> list[int]:
    rows = [
        Student(iin=s.iin, birth_date=s.birth_date, gender=s.gender, citizenship=s.citizenship,
                email=s.email, phone=s.phone, status=StudentStatus.APPLICANT,
                programme_id=programmes[s.programme], funding=s.funding,
                advisor_id=staff[s.advisor].pk, **s.names)
        for s in plan.students
    ]
    return [s.pk for s in _bulk(Student, rows)]


def _write_accounts(plan: Plan, faculties: dict[str, Faculty], staff: list[Staff],
                    student_ids: list[int]) -> dict[str, Any]:
    User = get_user_model()
    hashed = make_password(PASSWORD)  # one hash for all demo accounts: hashing is slow
    users: dict[str, Any] = {}

    def account(username: str, person: dict[str, str], email: str, **flags: Any) -> Any:
        user = User.objects.create(username=username, password=hashed, email=email,
                                   first_name=person["first_name_ru"],
                                   last_name=person["last_name_ru"], **flags)
        users[username] = user
        return user

    if not User.objects.filter(username="admin").exists():
        account("admin", {"first_name_ru": "", "last_name_ru": ""}, f"admin@{STAFF_MAIL}",
                is_staff=True, is_superuser=True)
    roles = []
    for username, index in plan.account_staff.items():
        member = staff[index]
        person = plan.staff[index].names
        user = account(username, person, member.email, is_staff=username == "registrar")
        member.user = user
        member.save(update_fields=["user"])
        if username.startswith("dean_"):
            roles.append(RoleAssignment(user=user, role=Role.DEAN,
                                        faculty=faculties[username[5:].upper()]))
        else:
            roles.append(RoleAssignment(user=user, role=username))
    sp = plan.students[plan.student_account]
    user = account("student", sp.names, sp.email)
    Student.objects.filter(pk=student_ids[plan.student_account]).update(user=user)
    roles.append(RoleAssignment(user=user, role=Role.STUDENT))
    RoleAssignment.objects.bulk_create(roles)
    return users


def _item(order: Order, plan_item: ItemPlan, day: dt.date, student_ids: list[int],
          programmes: dict[str, int], groups: dict[str, int]) -> OrderItem:
    fields: dict[str, Any] = {}
    for key, value in plan_item.fields.items():
        if key == "to_group":
            fields["to_group_id"] = groups[value]
        elif key == "to_programme":
            fields["to_programme_id"] = programmes[value]
        else:
            fields[key] = value
    return OrderItem(order=order, student_id=student_ids[plan_item.student],
                     effective_date=day, **fields)


def build(*, students: int = 3000, seed: int = 2026,
          log: Callable[[str], None] | None = None) -> BuildResult:
    """Plan and write the demo university in one transaction (nothing is left on failure)."""
    say = log or (lambda message: None)
    started = time.perf_counter()
    policy_of_year = functools.lru_cache(maxsize=None)(policy_for_year)
    plan = make_plan(students, seed, policy=lambda day: policy_of_year(academic_start_year(day)))
    say(f"Planned {len(plan.students):,} students, {len(plan.staff):,} staff, "
        f"{len(plan.groups):,} groups, {len(plan.orders):,} orders "
        f"({time.perf_counter() - started:.1f} s)")
    item_count = 0
    with transaction.atomic():
        faculties, programmes, groups, staff = _write_institution(plan)
        student_ids = _write_students(plan, programmes, staff)
        users = _write_accounts(plan, faculties, staff, student_ids)
        say(f"Wrote the institution, staff, students and accounts "
            f"({time.perf_counter() - started:.1f} s)")
        registrar = users["registrar"]
        deans = {code: users[f"dean_{code.lower()}"] for code in faculties}
        current_year, year_orders, year_items = None, 0, 0
        for op in plan.orders:
            start_year = academic_start_year(op.effective_date)
            if current_year is not None and start_year != current_year:
                say(f"  {current_year}-{current_year + 1}: {year_orders} orders, "
                    f"{year_items:,} items ({time.perf_counter() - started:.1f} s)")
                year_orders = year_items = 0
            current_year = start_year
            order = services.create_order(by=registrar, order_type=op.order_type,
                                          faculty=faculties[op.faculty], title=op.title,
                                          basis=op.basis)
            OrderItem.objects.bulk_create(
                [_item(order, it, op.effective_date, student_ids, programmes, groups)
                 for it in op.items], batch_size=1000)
            if op.state != OrderState.DRAFT:
                approver = deans[op.faculty] if op.approved_by_dean else registrar
                order = services.approve_order(order, by=approver, signed_on=op.signed_on,
                                               signatory=op.signatory)
            if op.state == OrderState.APPLIED:
                services.apply_order(order, by=registrar)
            year_orders += 1
            year_items += len(op.items)
            item_count += len(op.items)
        if current_year is not None:
            say(f"  {current_year}-{current_year + 1}: {year_orders} orders, "
                f"{year_items:,} items ({time.perf_counter() - started:.1f} s)")
        counts = facilities.write(by=registrar, today=timezone.localdate())
        say("Wrote " + ", ".join(f"{n:,} {what}" for what, n in counts.items())
            + f" ({time.perf_counter() - started:.1f} s)")
    return BuildResult(plan=plan, seconds=time.perf_counter() - started,
                       orders=len(plan.orders), items=item_count,
                       usernames=[u for u in DEMO_USERNAMES if u in users])


def summary() -> dict[str, Any]:
    """Counts for the report printed after building."""
    by_status = dict(Student.objects.values_list("status").annotate(n=Count("pk"))
                     .values_list("status", "n"))
    orders: dict[tuple[str, str], int] = {
        (row["order_type"], row["state"]): row["n"]
        for row in Order.objects.values("order_type", "state").annotate(n=Count("pk"))
    }
    return {
        "faculties": Faculty.objects.count(),
        "departments": Department.objects.count(),
        "programmes": Programme.objects.count(),
        "groups": AcademicGroup.objects.count(),
        "staff": Staff.objects.count(),
        "students": Student.objects.count(),
        "students_by_status": by_status,
        "orders": orders,
        "order_items": OrderItem.objects.count(),
    }
