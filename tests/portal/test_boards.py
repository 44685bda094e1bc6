"""The grade-sheet status board of a session (§6): counts per state and overdue sheets, for
the registrar (every sheet) and a dean (their faculty); refused to teachers and students."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from registrar.assessment import services
from registrar.assessment.models import GradeSheet, ReopenRequest, SheetKind, SheetState
from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicPeriod, AcademicYear, PeriodKind
from registrar.people.models import Role, StudentStatus
from registrar.registration.models import Registration, RegistrationState, Section
from tests import factories

pytestmark = pytest.mark.django_db


def _section(w, department, code, teacher, students):
    discipline = Discipline.objects.create(code=code, credits=5, department=department,
                                           name_kk=code, name_ru=code, name_en=code)
    section = Section.objects.create(period=w.autumn, discipline=discipline, code=f"{code}-01",
                                     language="ru", capacity=30, teacher=teacher.staff)
    Registration.objects.bulk_create([
        Registration(student=s, section=section, discipline=discipline, period=w.autumn,
                     state=RegistrationState.ENROLLED) for s in students])
    now = timezone.now()
    return services.open_sheets(section, by=w.registrar,
                                rating_1_deadline=now - dt.timedelta(days=2),
                                rating_2_deadline=now + dt.timedelta(days=20),
                                exam_at=now + dt.timedelta(days=30))


@pytest.fixture
def w():
    w = SimpleNamespace()
    w.fac_a, w.fac_b = factories.faculty(), factories.faculty()
    w.dep_a, w.dep_a2 = factories.department(w.fac_a), factories.department(w.fac_a)
    w.dep_b = factories.department(w.fac_b)
    w.prog_a, w.prog_b = factories.programme(w.fac_a), factories.programme(w.fac_b)
    w.registrar = factories.registrar()
    w.dean_a, w.dean_b = factories.dean(w.fac_a), factories.dean(w.fac_b)
    w.teacher, w.teacher2 = factories.user(role=Role.TEACHER), factories.user(role=Role.TEACHER)
    today = timezone.localdate()
    year = AcademicYear.objects.create(start_year=today.year - 1,
                                       starts_on=today - dt.timedelta(days=100),
                                       ends_on=today + dt.timedelta(days=200))
    w.autumn = AcademicPeriod.objects.create(year=year, kind=PeriodKind.AUTUMN,
                                             starts_on=today - dt.timedelta(days=60),
                                             ends_on=today + dt.timedelta(days=60))
    group_a = factories.group(w.prog_a)
    w.students_a = [factories.student(w.prog_a, status=StudentStatus.ACTIVE, group=group_a,
                                      year_of_study=1) for _ in range(2)]
    group_b = factories.group(w.prog_b)
    w.students_b = [factories.student(w.prog_b, status=StudentStatus.ACTIVE, group=group_b,
                                      year_of_study=1) for _ in range(2)]
    # Faculty A: two sections (two departments, two teachers); faculty B: one.
    w.a1 = _section(w, w.dep_a, "AAA1001", w.teacher, w.students_a)
    w.a2 = _section(w, w.dep_a2, "AAA2002", w.teacher2, w.students_a)
    w.b1 = _section(w, w.dep_b, "BBB3003", w.teacher2, w.students_b)
    # States: a1 R1 locked, a2 R1 reopened (ended yesterday: overdue), b1 R1 left open.
    GradeSheet.objects.filter(pk=w.a1[0].pk).update(state=SheetState.LOCKED)
    GradeSheet.objects.filter(pk=w.a2[0].pk).update(
        state=SheetState.REOPENED, reopened_until=timezone.now() - dt.timedelta(days=1))
    ReopenRequest.objects.create(sheet=w.a1[0], requested_by=w.teacher, reason="typo")
    return w


def board(client, user, **params):
    client.force_login(user)
    return client.get(reverse("portal:sheet_board"), params)


def sheets_on(response) -> set[int]:
    return {s.pk for s in response.context["page"]}


def test_registrar_sees_every_sheet_with_counts_per_state_and_overdue(client, w):
    response = board(client, w.registrar)
    assert response.status_code == 200
    assert response.context["period"] == w.autumn  # the term in progress by default
    assert len(sheets_on(response)) == 9
    counts = response.context["counts"]
    assert (counts["total"], counts[SheetState.OPEN], counts[SheetState.LOCKED],
            counts[SheetState.REOPENED]) == (9, 7, 1, 1)
    # Overdue: b1's R1 open past its deadline, a2's R1 reopened past its end.
    assert counts["overdue"] == 2
    rows = list(response.context["page"])
    assert {s.pk for s in rows if s.is_overdue} == {w.a2[0].pk, w.b1[0].pk}
    assert rows[0].is_overdue and rows[1].is_overdue  # overdue first
    locked = next(s for s in rows if s.pk == w.a1[0].pk)
    assert (locked.entries_total, locked.entries_filled, locked.pending_reopen) == (2, 0, 1)


def test_filters_by_department_teacher_state_and_overdue(client, w):
    assert sheets_on(board(client, w.registrar, department=w.dep_a2.pk)) == {
        s.pk for s in w.a2}
    assert sheets_on(board(client, w.registrar, teacher=w.teacher2.staff.pk)) == {
        s.pk for s in (*w.a2, *w.b1)}
    assert sheets_on(board(client, w.registrar, state=SheetState.LOCKED)) == {w.a1[0].pk}
    assert sheets_on(board(client, w.registrar, overdue="on")) == {w.a2[0].pk, w.b1[0].pk}
    assert sheets_on(board(client, w.registrar, faculty=w.fac_b.pk)) == {s.pk for s in w.b1}
    # Counts follow the filters but not the state filter (the distribution stays visible).
    counts = board(client, w.registrar, faculty=w.fac_a.pk, state="locked").context["counts"]
    assert (counts["total"], counts[SheetState.LOCKED], counts["overdue"]) == (6, 1, 1)


def test_dean_sees_own_faculty_only(client, w):
    response = board(client, w.dean_a)
    assert sheets_on(response) == {s.pk for s in (*w.a1, *w.a2)}
    assert response.context["counts"]["total"] == 6
    assert "BBB3003" not in response.content.decode()
    # Asking for another faculty's sheets does not widen the scope.
    forged = board(client, w.dean_a, faculty=w.fac_b.pk)
    assert sheets_on(forged) <= {s.pk for s in (*w.a1, *w.a2)}
    assert sheets_on(board(client, w.dean_b)) == {s.pk for s in w.b1}


def test_dean_sees_sheets_where_their_students_are_graded(client, w):
    """A section of another faculty's department with a student of faculty A on it."""
    sheets = _section(w, w.dep_b, "BBB4004", w.teacher2, [w.students_a[0]])
    assert {s.pk for s in sheets} <= sheets_on(board(client, w.dean_a))


def test_teachers_and_students_are_refused(client, w):
    assert board(client, w.teacher).status_code == 403
    account = factories.user()
    w.students_a[0].user = account
    w.students_a[0].save(update_fields=["user"])
    assert board(client, account).status_code == 403
    client.logout()
    assert client.get(reverse("portal:sheet_board")).status_code == 302  # to sign in


def test_the_sheet_kinds_are_the_real_ones(client, w):
    kinds = {s.kind for s in board(client, w.registrar).context["page"]}
    assert kinds == {SheetKind.RATING_1, SheetKind.RATING_2, SheetKind.EXAM}
