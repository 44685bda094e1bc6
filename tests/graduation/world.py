"""A small university at graduation time for the graduation tests (§9, §11).

The academic year 2025-2026 (from tests.records.builders) with its autumn and spring terms;
a bachelor programme of 24 credits (four disciplines of 5 credits and a final attestation of
2 + 2) whose final-year students (year 4 of 4) are enrolled by an applied order; a State
Attestation Commission with a state examination and a thesis defence; blank forms in stock.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from registrar.blanks import services as blanks
from registrar.contingent import services as contingent
from registrar.graduation import graduation, services
from registrar.graduation.models import AttestationKind
from registrar.people.models import Role, Student
from tests import factories
from tests.records.builders import build_world, enrol, grade

D = dt.date
GRADUATION_DAY = D(2026, 6, 30)
START_YEAR = 2025


def build() -> SimpleNamespace:
    w = build_world()
    w.programme.total_credits = 24
    w.programme.name_ru, w.programme.name_kk = "Информационные системы", "Ақпараттық жүйелер"
    w.programme.name_en = "Information Systems"
    w.programme.save()
    w.teacher = factories.user(role=Role.TEACHER)
    w.commission = services.create_commission(
        by=w.registrar, year=w.year, faculty=w.faculty, programmes=[w.programme],
        chair_name="Сейтказиев Болат Маратович", chair_position="профессор КазНУ",
        order_reference="№ 12-П от 10.01.2026")
    services.add_member(w.commission, by=w.registrar, name="Иванова Анна", position="доцент")
    w.exam = services.create_event(
        w.commission, by=w.registrar, kind=AttestationKind.STATE_EXAM, held_on=D(2026, 5, 20),
        title_ru="Комплексный государственный экзамен", title_en="Comprehensive state exam",
        title_kk="Кешенді мемлекеттік емтихан", credits=2)
    w.defence = services.create_event(
        w.commission, by=w.registrar, kind=AttestationKind.THESIS_DEFENCE,
        held_on=D(2026, 6, 5), credits=2)
    return w


def final_year(w: SimpleNamespace, n: int = 1, programme=None) -> list[Student]:
    return enrol(w, n, year_of_study=4, programme=programme)


def good_record(w: SimpleNamespace, student: Student, letters=("A", "A-", "A", "B+")) -> None:
    """Four disciplines of 5 credits: 20 credits by attempts."""
    for i, letter in enumerate(letters):
        grade(w, student, w.autumn if i < 2 else w.spring, letter, 5)


def attest(w: SimpleNamespace, student: Student, exam: str = "96", defence: str = "92",
           **thesis) -> None:
    services.record_result(w.exam, by=w.registrar, student=student, score=Decimal(exam),
                           protocol_number="7")
    services.record_result(
        w.defence, by=w.registrar, student=student, score=Decimal(defence),
        protocol_number="9",
        thesis_title_ru=thesis.get("ru", "Система учёта студентов"),
        thesis_title_en=thesis.get("en", "A student records system"),
        thesis_title_kk=thesis.get("kk", "Студенттерді есепке алу жүйесі"),
        supervisor=thesis.get("supervisor", "Ахметов А. А."),
        reviewer=thesis.get("reviewer", "Петров П. П."))


def ready_graduate(w: SimpleNamespace, **kw) -> Student:
    (student,) = final_year(w)
    good_record(w, student)
    attest(w, student, **kw)
    return student


def graduate(w: SimpleNamespace, *students: Student) -> None:
    """Draft, approve and apply the graduation order of the programme."""
    order = graduation.draft_order(by=w.registrar, start_year=START_YEAR,
                                   effective_date=GRADUATION_DAY, programme=w.programme,
                                   student_ids=[s.pk for s in students])
    contingent.apply_order(contingent.approve_order(order, by=w.registrar,
                                                    signed_on=GRADUATION_DAY), by=w.registrar)
    for s in students:
        s.refresh_from_db()


def stock(w: SimpleNamespace, form_type: str = "BD", first: int = 1, last: int = 5) -> None:
    blanks.receive_batch(form_type=form_type, by=w.registrar, received_on=D(2026, 1, 15),
                         first_number=first, last_number=last)
