"""The demo university (registrar.demo): a believable story that agrees with its orders."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from registrar.contingent.choices import OrderState
from registrar.contingent.models import Order, OrderItem
from registrar.contingent.selectors import status_mismatches
from registrar.demo import builder, names
from registrar.institution.models import AcademicGroup, Faculty, Programme
from registrar.people import iin as iin_rules
from registrar.people.models import Role, RoleAssignment, Staff, Student
from registrar.people.roles import scope_of

N = 300
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
RUSSIAN_SURNAMES = {ru for ru, _en in names.RUSSIAN_SURNAMES} | {
    names.female_surname(ru, en)[0] for ru, en in names.RUSSIAN_SURNAMES
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo build for the module, inside a transaction rolled back at its end.

    (Each test's own `db` transaction becomes a savepoint inside it.)
    """
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        with transaction.atomic():
            out = io.StringIO()
            call_command("load_demo", students=N, seed=2026, stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_builds_a_believable_university(demo):
    assert Faculty.objects.count() >= 4
    assert Programme.objects.count() >= 12
    assert Programme.objects.filter(degree="master", duration_years=2).exists()
    assert set(Programme.objects.values_list("language", flat=True)) == {"kk", "ru", "en"}
    assert Student.objects.count() == N
    assert AcademicGroup.objects.filter(name__regex=r"^[A-Z]+-2[2-6]-\d+$").count() == \
        AcademicGroup.objects.count()
    assert not AcademicGroup.objects.filter(curator__isnull=True).exists()
    # Every advisor works in the department of the student's programme.
    assert not Student.objects.exclude(
        advisor__department=F("programme__department")).exists()
    statuses = set(Student.objects.values_list("status", flat=True))
    assert {"active", "on_leave", "expelled", "graduated", "applicant"} <= statuses


@pytest.mark.django_db
def test_rooms_grid_and_blank_forms_for_the_office_pages(demo):
    """The scheduling and blank-forms pages start with rooms of every kind, a weekly grid and
    blank diploma forms in stock that reconcile (§11: received = issued + spoiled + in stock)."""
    from registrar.blanks.models import BlankForm, FormState
    from registrar.blanks.selectors import inventory
    from registrar.scheduling.models import Room, RoomKind, TimeSlot

    assert set(Room.objects.values_list("kind", flat=True)) == set(RoomKind.values)
    assert TimeSlot.objects.count() > 0
    assert BlankForm.objects.filter(state=FormState.IN_STOCK).count() == 1400
    assert inventory().reconciles


@pytest.mark.django_db
def test_status_derived_from_orders_equals_the_stored_status(demo):
    """Issue 2 acceptance: replaying the applied orders gives every student's stored state."""
    assert status_mismatches() == []
    assert Order.objects.filter(state=OrderState.APPLIED).count() > 50
    assert Order.objects.filter(state=OrderState.DRAFT).exists()
    assert Order.objects.filter(state=OrderState.APPROVED).exists()


@pytest.mark.django_db
def test_iins_are_valid_and_match_birth_date_and_gender(demo):
    for iin, birth, gender in Student.objects.values_list("iin", "birth_date", "gender"):
        assert iin_rules.validate(iin) == iin
        assert iin_rules.birth_date_of(iin) == birth
        assert iin_rules.sex_of(iin) == gender


@pytest.mark.django_db
def test_kazakh_and_russian_names(demo):
    kk = list(Student.objects.values_list("last_name_kk", "last_name_ru", "first_name_en"))
    kazakh = [row for row in kk if KAZAKH_LETTERS & set(row[0])]
    russian = [row for row in kk if row[1] in RUSSIAN_SURNAMES]
    assert len(kazakh) > N * 0.3
    assert len(russian) > N * 0.1
    assert all(row[2] and row[2].isascii() for row in kk)
    # Kazakh students carry a Russian spelling too: Нұрлан / Нурлан.
    assert Student.objects.filter(first_name_kk="Нұрлан").exclude(first_name_ru="Нурлан") \
        .count() == 0


@pytest.mark.django_db
def test_orders_are_numbered_uniquely_per_year_and_type(demo):
    signed = Order.objects.exclude(state__in=[OrderState.DRAFT, OrderState.CANCELLED])
    keys = list(signed.values_list("year", "order_type", "sequence"))
    assert all(seq for _y, _t, seq in keys)
    assert len(keys) == len(set(keys))
    numbers = list(signed.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    # One faculty per order, and every item's student belongs to it.
    assert not OrderItem.objects.exclude(
        order__faculty=F("student__programme__department__faculty")).exists()


@pytest.mark.django_db
def test_accounts_and_roles(demo):
    for faculty in Faculty.objects.all():
        dean = RoleAssignment.objects.get(user__username=f"dean_{faculty.code.lower()}")
        assert dean.role == Role.DEAN
        assert scope_of(dean.user).dean_faculty_ids == frozenset({faculty.pk})
    registrar = RoleAssignment.objects.get(user__username="registrar", role=Role.REGISTRAR)
    assert registrar.user.is_staff
    assert registrar.user.check_password(builder.PASSWORD)
    advisor = Staff.objects.get(user__username="advisor")
    assert advisor.advisees.exists()
    assert Staff.objects.filter(user__username="teacher").exists()
    student = Student.objects.get(user__username="student")
    assert student.status == "active"
    assert student.advisor == advisor
    assert get_user_model().objects.get(username="admin").is_superuser


def test_the_plan_is_deterministic_for_a_seed():
    first = builder.make_plan(N, seed=2026)
    again = builder.make_plan(N, seed=2026)
    other = builder.make_plan(N, seed=7)
    assert first.iins == again.iins
    assert [(o.order_type, o.faculty, o.effective_date, len(o.items)) for o in first.orders] == \
        [(o.order_type, o.faculty, o.effective_date, len(o.items)) for o in again.orders]
    assert first.iins != other.iins
    assert len(set(first.iins)) == N


@pytest.mark.django_db
def test_the_database_holds_the_plan(demo):
    stored = list(Student.objects.order_by("pk").values_list("iin", flat=True))
    assert stored == builder.make_plan(N, seed=2026).iins


@pytest.mark.django_db
def test_command_reports_and_refuses_a_database_with_data(demo, capsys):
    assert "0 mismatches" in demo
    assert builder.PASSWORD in demo
    assert all(name in demo for name in ("registrar", "dean_it", "advisor", "teacher",
                                         "student", "admin"))
    with pytest.raises(CommandError, match="already has data"):
        call_command("load_demo", students=40)
    call_command("load_demo", students=40, if_empty=True)
    assert "left it unchanged" in capsys.readouterr().out
    assert Student.objects.count() == N
