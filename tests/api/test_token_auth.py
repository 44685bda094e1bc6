"""Bearer-token authentication reads the user, their student and staff rows and their roles
with two plain statements (every API call starts there). It must give exactly what the ORM
gives — the same user, relations and permission scope — and refuse what must be refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrar.api.auth import user_for_token
from registrar.api.models import ApiToken
from registrar.people.models import Role, RoleAssignment
from registrar.people.roles import Scope, scope_of
from tests import factories

pytestmark = pytest.mark.django_db


def _fresh_scope(user) -> Scope:
    """The scope as the ORM path computes it, on a freshly loaded user."""
    from django.contrib.auth import get_user_model

    return scope_of(get_user_model().objects.get(pk=user.pk))


def test_student_token_gives_the_user_with_the_student_and_no_more_queries():
    student = factories.student()
    account = factories.user()
    student.user = account
    student.save()
    key = ApiToken.issue(account, "app")[1]
    user = user_for_token(key)
    assert user == account and user.username == account.username
    with CaptureQueriesContext(connection) as queries:
        assert user.student == student and user.student.user is user
        assert (user.student.iin, user.student.programme_id) == (student.iin, student.programme_id)
        assert not hasattr(user, "staff")  # no staff row: DoesNotExist, as after select_related
        scope = scope_of(user)
    assert len(queries) == 0
    assert scope == _fresh_scope(account)
    assert scope_of(user).student_id == student.pk and Role.STUDENT in scope_of(user).roles


def test_dean_token_gives_the_staff_row_and_the_faculty_scope():
    faculty, other = factories.faculty(), factories.faculty()
    dean = factories.dean(faculty)
    RoleAssignment.objects.create(user=dean, role=Role.ADVISOR)
    user = user_for_token(ApiToken.issue(dean, "app")[1])
    with CaptureQueriesContext(connection) as queries:
        assert user.staff.pk == dean.staff.pk and not hasattr(user, "student")
        scope = scope_of(user)
    assert len(queries) == 0
    assert scope == _fresh_scope(dean)
    assert scope.is_dean_of(faculty.pk) and not scope.is_dean_of(other.pk)
    assert scope.roles == {Role.DEAN, Role.ADVISOR}


def test_revoked_unknown_and_inactive_are_refused():
    account = factories.registrar()
    key = ApiToken.issue(account, "app")[1]
    assert user_for_token(key) is not None
    assert user_for_token(key + "x") is None
    ApiToken.objects.filter(user=account).update(revoked_at=timezone.now())
    assert user_for_token(key) is None
    fresh = ApiToken.issue(account, "again")[1]
    account.is_active = False
    account.save()
    assert user_for_token(fresh) is None


def test_the_api_answers_401_for_a_revoked_token(client):
    account = factories.registrar()
    key = ApiToken.issue(account, "app")[1]
    assert client.get("/api/v1/students", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/students", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
