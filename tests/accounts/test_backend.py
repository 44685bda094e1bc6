"""The session's user and Django's model permissions (registrar/accounts/backends.py).

Rights come from roles (§1) through the rules; Django's permission tables count only for staff
accounts, which may enter the admin. The user of a session arrives with their student and
staff rows, so the permission scope and the navigation cost no further queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrar.accounts.backends import AccountBackend
from registrar.people.roles import scope_of
from tests import factories

pytestmark = pytest.mark.django_db


def _grant(user, codename: str) -> None:
    user.user_permissions.add(Permission.objects.get(codename=codename))


def test_a_model_permission_gives_a_non_staff_account_no_right():
    account = factories.user()
    _grant(account, "add_order")
    fresh = AccountBackend().get_user(account.pk)
    assert not fresh.has_perm("contingent.add_order")
    assert AccountBackend().get_all_permissions(fresh) == set()


def test_a_staff_account_keeps_its_model_permissions_for_the_admin():
    account = factories.user(is_staff=True)
    _grant(account, "add_order")
    fresh = AccountBackend().get_user(account.pk)
    assert "contingent.add_order" in AccountBackend().get_all_permissions(fresh)


def test_roles_still_give_their_rights():
    registrar = AccountBackend().get_user(factories.registrar().pk)
    assert registrar.has_perm("contingent.add_order")


def test_the_session_user_comes_with_student_and_staff_rows():
    student = factories.student()
    account = factories.user()
    student.user = account
    student.save()
    user = AccountBackend().get_user(account.pk)
    with CaptureQueriesContext(connection) as queries:
        assert user.student.pk == student.pk and not hasattr(user, "staff")
    assert len(queries) == 0
    teacher = AccountBackend().get_user(factories.user(role="teacher").pk)
    with CaptureQueriesContext(connection) as queries:
        assert teacher.staff.pk and not hasattr(teacher, "student")
    assert len(queries) == 0


def test_inactive_account_has_no_session_user():
    account = factories.user()
    account.is_active = False
    account.save()
    assert AccountBackend().get_user(account.pk) is None


@pytest.mark.parametrize(("role", "shown", "hidden"), [
    ("teacher", "portal:teaching", "portal:plan_approvals"),
    ("advisor", "portal:plan_approvals", "portal:teaching"),
])
def test_navigation_follows_the_roles(client, role, shown, hidden):
    account = factories.user(role=role)
    client.force_login(account, backend="registrar.accounts.backends.AccountBackend")
    assert role in scope_of(account).roles
    page = client.get(reverse("portal:home")).content.decode()
    nav = page[page.index("<nav"):page.index("</nav>")]
    assert reverse(shown) in nav and reverse(hidden) not in nav


def test_the_session_user_is_the_orm_user_with_the_scope_loaded():
    """The plain-statement load (accounts/loading.py) gives the same user as the ORM, field by
    field, with the dean's faculties in the permission scope and no further query for it."""
    from django.contrib.auth import get_user_model

    faculty = factories.faculty()
    dean = factories.dean(faculty)
    user = AccountBackend().get_user(dean.pk)
    orm = get_user_model().objects.get(pk=dean.pk)
    fields = [f.attname for f in orm._meta.concrete_fields]
    assert [getattr(user, f) for f in fields] == [getattr(orm, f) for f in fields]
    staff_fields = [f.attname for f in orm.staff._meta.concrete_fields]
    assert [getattr(user.staff, f) for f in staff_fields] == \
        [getattr(orm.staff, f) for f in staff_fields]
    student = factories.student()
    student.user = factories.user()
    student.save()
    loaded = AccountBackend().get_user(student.user.pk).student
    student.refresh_from_db()
    student_fields = [f.attname for f in student._meta.concrete_fields]
    assert [getattr(loaded, f) for f in student_fields] == \
        [getattr(student, f) for f in student_fields]
    with CaptureQueriesContext(connection) as queries:
        scope = scope_of(user)
    assert len(queries) == 0
    assert scope.dean_faculty_ids == frozenset({faculty.pk})


@pytest.mark.parametrize("user_id", [None, "", "abc", "999999999"])
def test_a_malformed_or_unknown_session_user_id_is_nobody(user_id):
    assert AccountBackend().get_user(user_id) is None


def test_a_user_with_several_roles_is_loaded_in_one_statement_with_all_of_them():
    """Every request loads its user: the role assignments come in the same statement as the
    user (accounts/loading.py), one row per assignment, and none is lost or doubled; a
    user with no assignment still loads (one row, no role)."""
    from registrar.people.models import Role, RoleAssignment

    first, second = factories.faculty(), factories.faculty()
    account = factories.dean(first)
    RoleAssignment.objects.create(user=account, role=Role.DEAN, faculty=second)
    RoleAssignment.objects.create(user=account, role=Role.TEACHER)
    with CaptureQueriesContext(connection) as queries:
        user = AccountBackend().get_user(account.pk)
        scope = scope_of(user)
    assert len(queries) == 1
    assert scope.roles == frozenset({Role.DEAN, Role.TEACHER})
    assert scope.dean_faculty_ids == frozenset({first.pk, second.pk})
    assert user.staff.pk
    plain = factories.user()
    loaded = AccountBackend().get_user(plain.pk)
    assert loaded.pk == plain.pk and scope_of(loaded).roles == frozenset()
