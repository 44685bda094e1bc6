"""Recognised transfer credit (§3, §6): credits earned, not counted in GPA, clears a debt,
never for a discipline already passed, and only by the registrar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicPeriod, AcademicYear
from registrar.records import services
from registrar.records.models import AcademicDebt, Attempt, GpaSnapshot
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    year = AcademicYear.objects.create(start_year=2025, starts_on=dt.date(2025, 9, 1),
                                       ends_on=dt.date(2026, 6, 30))
    autumn = AcademicPeriod.objects.create(year=year, kind="autumn", starts_on=dt.date(2025, 9, 1),
                                           ends_on=dt.date(2025, 12, 31))
    maths = Discipline.objects.create(code="MAT1", name_kk="Мат", name_ru="Мат", name_en="Maths",
                                      credits=5)
    history = Discipline.objects.create(code="HIS1", name_kk="Тарих", name_ru="История",
                                        name_en="History", credits=3)
    return autumn, maths, history, factories.student(), factories.registrar()


def test_recognised_credit_is_earned_but_not_in_gpa(setting):
    autumn, maths, history, student, registrar = setting
    services.record_attempt(student=student, discipline=maths, period=autumn, kind="regular",
                            final_score=Decimal("92"), letter="A-", points=Decimal("3.67"),
                            passed=True, may_resit=False, by=registrar)
    services.recognise_transfer_credit(student, history, period=autumn, by=registrar,
                                       source="Transcript of KazNU, 2024", letter="B")
    snapshot = GpaSnapshot.objects.get(student=student, period=autumn)
    # GPA from the graded attempt alone: 3.67 × 5 / 5; credits earned 5 + 3.
    assert snapshot.cumulative_gpa == Decimal("3.6700")
    assert snapshot.credits_earned == 8


def test_recognition_clears_a_debt_and_refuses_a_passed_discipline(setting):
    autumn, maths, history, student, registrar = setting
    services.record_attempt(student=student, discipline=maths, period=autumn, kind="regular",
                            final_score=Decimal("20"), letter="F", points=Decimal("0"),
                            passed=False, may_resit=False, by=registrar)
    assert AcademicDebt.objects.get(student=student).state == "open"
    services.recognise_transfer_credit(student, maths, period=autumn, by=registrar,
                                       source="Mobility, TU Berlin")
    assert AcademicDebt.objects.get(student=student).state == "cleared"
    with pytest.raises(services.RetakeRefused):
        services.recognise_transfer_credit(student, maths, period=autumn, by=registrar,
                                           source="again")
    assert Attempt.objects.filter(student=student, kind="transfer").count() == 1


def test_only_the_registrar_recognises(setting):
    autumn, maths, history, student, registrar = setting
    dean = factories.dean(student.programme.department.faculty)
    with pytest.raises(PermissionDenied):
        services.recognise_transfer_credit(student, history, period=autumn, by=dean,
                                           source="x")
    assert not Attempt.objects.exists()
