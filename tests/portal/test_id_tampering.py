"""Object-level permissions against changed ids in URLs and forms (issue 6, §1).

A signed-in student changes the id in a URL (or a hidden form field) to reach another student's
card, study plan, registration or issued document: every such request is answered 404 (the
object's existence is not disclosed) or 403, and nothing changes. The same request with their
own id works. A teacher cannot open a sheet of a section they do not teach; an advisor cannot
approve the plan of a student who is not their advisee.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from registrar.assessment import services as assessment
from registrar.assessment.models import GradeEntry
from registrar.curriculum.models import CalendarEvent, CalendarEventKind, Component
from registrar.documents import services as documents
from registrar.documents.models import IssuedDocument
from registrar.people.models import Role
from registrar.registration.models import (
    PlanState,
    Registration,
    RegistrationState,
    StudyPlan,
    StudyPlanLine,
)
from tests import factories
from tests.records import builders as records_builders
from tests.registration import builders

pytestmark = pytest.mark.django_db

DENIED = (403, 404)


@pytest.fixture
def w(db) -> SimpleNamespace:
    w = builders.build_world(n_students=3)
    w.me, w.other, w.third = w.students
    w.me_user, w.other_user = w.me.user, w.other.user
    # Draft plans of the autumn term: the three compulsory disciplines and one elective.
    w.my_plan, w.other_plan = (_plan(w, s, PlanState.DRAFT) for s in (w.me, w.other))
    # Registrations: both students hold a seat in the first compulsory section.
    w.my_reg, w.other_reg = (
        Registration.objects.create(student=s, section=w.s_c1, discipline=w.c1,
                                    period=w.autumn, state=RegistrationState.ENROLLED)
        for s in (w.me, w.other))
    w.s_c1.enrolled_count = 2
    w.s_c1.save(update_fields=["enrolled_count"])
    # The add/drop period is open today, so the requests that are allowed do succeed.
    today = timezone.localdate()
    CalendarEvent.objects.filter(calendar=w.calendar, kind=CalendarEventKind.ADD_DROP).update(
        starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=1))
    return w


def _plan(w, student, state: str) -> StudyPlan:
    plan = StudyPlan.objects.create(student=student, period=w.autumn, semester=1, state=state,
                                    submitted_at=timezone.now() if state != "draft" else None)
    StudyPlanLine.objects.bulk_create(
        [StudyPlanLine(plan=plan, discipline=d, component=Component.COMPULSORY,
                       credits=d.credits) for d in (w.c1, w.c2, w.c3)]
        + [StudyPlanLine(plan=plan, discipline=w.e1, component=Component.ELECTIVE,
                         credits=w.e1.credits)])
    return plan


def _lines(plan: StudyPlan) -> set[int]:
    return set(plan.lines.values_list("discipline_id", flat=True))


# --- The student card ---------------------------------------------------------------------

def test_student_card_only_own(client, w):
    client.force_login(w.me_user)
    assert client.get(reverse("portal:student_detail", args=[w.me.pk])).status_code == 200
    for other in (w.other, w.third):
        assert client.get(reverse("portal:student_detail", args=[other.pk])).status_code == 404


# --- Study plans --------------------------------------------------------------------------

def test_plan_pages_only_own(client, w):
    client.force_login(w.me_user)
    assert client.get(reverse("portal:plan_detail", args=[w.my_plan.pk])).status_code == 200
    assert client.get(reverse("portal:plan_detail", args=[w.other_plan.pk])).status_code == 404
    assert client.get(reverse("portal:plan_print",
                              args=[w.other_plan.pk, "ru"])).status_code == 404
    own = client.get(reverse("portal:plan_print", args=[w.my_plan.pk, "ru"]))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("action", ["add", "remove", "submit", "return", "advisor-approve",
                                    "dean-approve"])
def test_plan_actions_on_another_students_plan_are_404_and_change_nothing(client, w, action):
    before = (w.other_plan.state, _lines(w.other_plan))
    client.force_login(w.me_user)
    response = client.post(reverse("portal:plan_action", args=[w.other_plan.pk, action]),
                           {"discipline": w.e1.pk if action == "remove" else w.e2.pk,
                            "comment": "tampered"})
    assert response.status_code == 404
    w.other_plan.refresh_from_db()
    assert (w.other_plan.state, _lines(w.other_plan)) == before


def test_own_plan_change_works(client, w):
    client.force_login(w.me_user)
    response = client.post(reverse("portal:plan_action", args=[w.my_plan.pk, "add"]),
                           {"discipline": w.e2.pk})
    assert response.status_code == 302
    assert w.e2.pk in _lines(w.my_plan)


def test_student_cannot_approve_own_plan(client, w):
    plan = w.my_plan
    StudyPlan.objects.filter(pk=plan.pk).update(state=PlanState.SUBMITTED)
    client.force_login(w.me_user)
    response = client.post(reverse("portal:plan_action", args=[plan.pk, "advisor-approve"]))
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED


def test_advisor_cannot_approve_a_plan_of_a_student_not_advised(client, w):
    StudyPlan.objects.filter(pk=w.other_plan.pk).update(state=PlanState.SUBMITTED)
    client.force_login(w.other_advisor)  # advises a student of another faculty
    for action in ("advisor-approve", "return"):
        response = client.post(reverse("portal:plan_action", args=[w.other_plan.pk, action]),
                               {"comment": "no"})
        assert response.status_code == 404
    assert client.get(reverse("portal:plan_detail", args=[w.other_plan.pk])).status_code == 404
    w.other_plan.refresh_from_db()
    assert w.other_plan.state == PlanState.SUBMITTED and w.other_plan.advisor_approved_by is None
    # A teacher without advisees, and a dean of another faculty, cannot either.
    for outsider in (factories.user(role=Role.TEACHER), w.other_dean):
        client.force_login(outsider)
        response = client.post(reverse("portal:plan_action",
                                       args=[w.other_plan.pk, "advisor-approve"]))
        assert response.status_code == 404
    # The student's own advisor can.
    client.force_login(w.advisor)
    response = client.post(reverse("portal:plan_action",
                                   args=[w.other_plan.pk, "advisor-approve"]))
    assert response.status_code == 302
    w.other_plan.refresh_from_db()
    assert w.other_plan.state == PlanState.ADVISOR_APPROVED


def test_dean_of_another_faculty_cannot_approve(client, w):
    StudyPlan.objects.filter(pk=w.other_plan.pk).update(state=PlanState.ADVISOR_APPROVED)
    client.force_login(w.other_dean)
    response = client.post(reverse("portal:plan_action", args=[w.other_plan.pk,
                                                               "dean-approve"]))
    assert response.status_code == 404
    w.other_plan.refresh_from_db()
    assert w.other_plan.state == PlanState.ADVISOR_APPROVED


# --- Registration -------------------------------------------------------------------------

def test_drop_of_another_students_registration_is_404(client, w):
    client.force_login(w.me_user)
    response = client.post(reverse("portal:drop", args=[w.autumn.pk, w.other_reg.pk]))
    assert response.status_code == 404
    w.other_reg.refresh_from_db()
    assert w.other_reg.state == RegistrationState.ENROLLED


def test_swap_with_another_students_registration_id_is_404(client, w):
    client.force_login(w.me_user)
    response = client.post(reverse("portal:register", args=[w.autumn.pk]),
                           {"section": w.s_e1a.pk, "registration": w.other_reg.pk})
    assert response.status_code == 404
    w.other_reg.refresh_from_db()
    assert (w.other_reg.state, w.other_reg.section_id) == (RegistrationState.ENROLLED,
                                                           w.s_c1.pk)


def test_own_drop_works(client, w):
    client.force_login(w.me_user)
    response = client.post(reverse("portal:drop", args=[w.autumn.pk, w.my_reg.pk]))
    assert response.status_code == 302
    w.my_reg.refresh_from_db()
    assert w.my_reg.state == RegistrationState.DROPPED


def test_registration_pages_are_for_students_only(client, w):
    client.force_login(w.advisor)
    assert client.get(reverse("portal:registration", args=[w.autumn.pk])).status_code == 403
    response = client.post(reverse("portal:drop", args=[w.autumn.pk, w.my_reg.pk]))
    assert response.status_code == 403
    w.my_reg.refresh_from_db()
    assert w.my_reg.state == RegistrationState.ENROLLED


# --- Issued documents ---------------------------------------------------------------------

@pytest.fixture
def docs(w):
    for student in (w.me, w.other):  # a document needs a result to show
        records_builders.grade(w, student, w.autumn, "B", 5, subject=w.c3)
    return SimpleNamespace(
        mine=documents.issue_transcript(w.me, by=w.registrar, language="ru"),
        other=documents.issue_transcript(w.other, by=w.registrar, language="ru"),
    )


def test_documents_of_another_student_are_404(client, w, docs):
    client.force_login(w.me_user)
    for name in ("documents:download_pdf", "documents:download_xlsx"):
        assert client.get(reverse(name, args=[docs.other.pk])).status_code == 404
    assert client.get(reverse("documents:student_documents",
                              args=[w.other.pk])).status_code == 404
    count = IssuedDocument.objects.filter(student=w.other).count()
    response = client.post(reverse("documents:issue", args=[w.other.pk]),
                           {"kind": "transcript", "language": "en"})
    assert response.status_code == 404
    assert IssuedDocument.objects.filter(student=w.other).count() == count


def test_own_documents_download(client, w, docs):
    client.force_login(w.me_user)
    pdf = client.get(reverse("documents:download_pdf", args=[docs.mine.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(reverse("documents:download_xlsx", args=[docs.mine.pk]))
    assert xlsx.status_code == 200
    page = client.get(reverse("documents:mine"), follow=True)
    assert page.status_code == 200 and docs.mine.code in page.content.decode()
    assert docs.other.code not in page.content.decode()


def test_advisor_sees_advisee_but_downloads_no_document(client, w, docs):
    client.force_login(w.advisor)
    assert client.get(reverse("documents:download_pdf", args=[docs.mine.pk])).status_code \
        in DENIED
    response = client.post(reverse("documents:issue", args=[w.me.pk]),
                           {"kind": "transcript", "language": "en"})
    assert response.status_code in DENIED
    assert IssuedDocument.objects.filter(student=w.me).count() == 1


# --- Grade sheets -------------------------------------------------------------------------

@pytest.fixture
def sheets(w):
    w.teacher, w.other_teacher = (factories.user(role=Role.TEACHER) for _ in range(2))
    w.s_c1.teacher = w.teacher.staff
    w.s_c1.save(update_fields=["teacher"])
    w.s_c2.teacher = w.other_teacher.staff
    w.s_c2.save(update_fields=["teacher"])
    Registration.objects.create(student=w.me, section=w.s_c2, discipline=w.c2,
                                period=w.autumn, state=RegistrationState.ENROLLED)
    now = timezone.now()
    opened = {}
    for section in (w.s_c1, w.s_c2):
        opened[section.pk] = assessment.open_sheets(
            section, by=w.registrar, rating_1_deadline=now + dt.timedelta(days=20),
            rating_2_deadline=now + dt.timedelta(days=40),
            exam_at=now + dt.timedelta(days=45))[0]
    return SimpleNamespace(mine=opened[w.s_c1.pk], other=opened[w.s_c2.pk])


def test_teacher_cannot_open_or_fill_a_sheet_of_another_section(client, w, sheets):
    client.force_login(w.teacher)
    assert client.get(reverse("portal:sheet_detail", args=[sheets.other.pk])).status_code == 404
    response = client.post(reverse("portal:sheet_detail", args=[sheets.other.pk]),
                           {f"score-{w.me.pk}": "90"})
    assert response.status_code == 404
    for name in ("portal:sheet_submit", "portal:sheet_reopen"):
        assert client.post(reverse(name, args=[sheets.other.pk]),
                           {"confirm": "yes", "reason": "x"}).status_code == 404
    assert client.get(reverse("portal:sheet_template",
                              args=[sheets.other.pk])).status_code == 404
    assert not GradeEntry.objects.filter(sheet=sheets.other, score__isnull=False).exists()
    sheets.other.refresh_from_db()
    assert sheets.other.state == "open"
    # Their own sheet works.
    response = client.post(reverse("portal:sheet_detail", args=[sheets.mine.pk]),
                           {f"score-{w.me.pk}": "90"})
    assert response.status_code == 302
    assert GradeEntry.objects.get(sheet=sheets.mine, student=w.me).score == 90


def test_student_cannot_open_sheets_and_sees_only_own_scores(client, w, sheets):
    assessment.enter_scores(sheets.mine, [{"student_id": w.me.pk, "score": "77"},
                                          {"student_id": w.other.pk, "score": "66"}],
                            by=w.teacher)
    client.force_login(w.me_user)
    for sheet in (sheets.mine, sheets.other):
        assert client.get(reverse("portal:sheet_detail", args=[sheet.pk])).status_code == 404
    page = client.get(reverse("portal:my_grades"))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert {r.section.pk for r in rows} <= {w.s_c1.pk, w.s_c2.pk}
    assert [r.r1.score for r in rows if r.r1 is not None] == [77]
    # The other student's score appears in no table cell (the page also holds random tokens).
    cells = re.findall(rb"<td[^>]*>\s*([^<]*?)\s*</td>", page.content)
    assert any(c.startswith(b"77") for c in cells)
    assert not any(c.startswith(b"66") for c in cells)
