"""Small builders for test data. Each returns a saved object with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth import get_user_model

from registrar.institution.models import AcademicGroup, Department, Faculty, Programme
from registrar.people import iin as iin_rules
from registrar.people.models import Role, RoleAssignment, Staff, Student

_seq = itertools.count(1)


def faculty(code: str | None = None) -> Faculty:
    n = next(_seq)
    code = code or f"F{n}"
    return Faculty.objects.create(code=code, name_kk=f"Факультет {code}",
                                  name_ru=f"Факультет {code}", name_en=f"Faculty {code}")


def department(fac: Faculty | None = None) -> Department:
    n = next(_seq)
    fac = fac or faculty()
    return Department.objects.create(faculty=fac, code=f"D{n}", name_kk=f"Кафедра {n}",
                                     name_ru=f"Кафедра {n}", name_en=f"Department {n}")


def programme(fac: Faculty | None = None, duration: int = 4, **kw) -> Programme:
    n = next(_seq)
    defaults = dict(code=f"6B{n:05d}", name_kk=f"Бағдарлама {n}", name_ru=f"Программа {n}",
                    name_en=f"Programme {n}", degree="bachelor", study_form="full_time",
                    language="ru", duration_years=duration, total_credits=60 * duration)
    defaults.update(kw)
    return Programme.objects.create(department=department(fac), **defaults)


def group(prog: Programme | None = None, intake_year: int = 2025) -> AcademicGroup:
    n = next(_seq)
    prog = prog or programme()
    return AcademicGroup.objects.create(name=f"G-{n}", programme=prog, intake_year=intake_year,
                                        language=prog.language)


def valid_iin(birth_date: dt.date = dt.date(2005, 3, 14), sex: str = "male") -> str:
    while True:
        made = iin_rules.make(birth_date, sex, next(_seq))
        if made and not Student.objects.filter(iin=made).exists():
            return made


def student(prog: Programme | None = None, **kw) -> Student:
    """An applicant (no orders yet) of the programme."""
    prog = prog or programme()
    n = next(_seq)
    birth = kw.pop("birth_date", dt.date(2005, 3, 14))
    gender = kw.pop("gender", "male")
    defaults = dict(
        iin=valid_iin(birth, gender), birth_date=birth, gender=gender,
        last_name_ru=f"Студентов{n}", first_name_ru="Асан", patronymic_ru="Бекович",
        last_name_kk=f"Студентов{n}", first_name_kk="Асан", last_name_en=f"Studentov{n}",
        first_name_en="Asan", funding="paid",
    )
    defaults.update(kw)
    return Student.objects.create(programme=prog, **defaults)


def user(username: str | None = None, role: str | None = None, faculty: Faculty | None = None,
         staff: bool = False, **kw):
    User = get_user_model()
    username = username or f"user{next(_seq)}"
    account = User.objects.create_user(username=username, password="pw-Registrar-123", **kw)
    if role:
        RoleAssignment.objects.create(user=account, role=role, faculty=faculty)
    if staff or role in (Role.ADVISOR, Role.TEACHER, Role.DEAN, Role.REGISTRAR):
        Staff.objects.create(user=account, last_name_ru=username.title(), first_name_ru="Сотрудник")
    return account


def registrar():
    return user(role=Role.REGISTRAR)


def dean(fac: Faculty):
    return user(role=Role.DEAN, faculty=fac)
