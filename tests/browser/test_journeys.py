"""One journey per role in a real browser (Chromium driven by Playwright) against the live
server, through the real sign-in form; each saves a full-page screenshot as a test artefact
(test-artifacts/screenshots/<role>.png). And the language switcher, in Kazakh and Russian."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registrar.assessment import services as assessment
from registrar.assessment.models import GradeSheet, SheetState
from registrar.contingent.choices import OrderState
from registrar.contingent.models import Order
from registrar.documents.models import IssuedDocument
from registrar.people.models import Student, StudentStatus
from registrar.registration.models import PlanState, Registration, RegistrationState, StudyPlan

from . import worlds
from .conftest import shoot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def messages(page):
    """The flash messages at the top of the page (role=status)."""
    return page.get_by_role("status")


def test_student_registers_for_a_section_and_sees_a_grade(page, url, sign_in):
    w = worlds.student_world()
    sign_in(w.me.user, url("portal:registration", w.autumn.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Registration for sections")

    card = page.get_by_role("region", name=re.compile(w.section.discipline.code))
    row = card.get_by_role("row").filter(has_text=w.section.code)
    expect(row).to_contain_text("30 / 30")
    row.get_by_role("button", name="Register").click()
    expect(messages(page)).to_contain_text(f"Registered for section {w.section.code}")
    expect(row).to_contain_text("29 / 30")
    expect(card).to_contain_text("Enrolled")
    shoot(page, "student-registration")
    registration = Registration.objects.get(student=w.me, discipline=w.section.discipline)
    assert (registration.section_id, registration.state) == (w.section.pk,
                                                             RegistrationState.ENROLLED)

    page.goto(url("portal:my_grades"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My grades")
    expect(page.get_by_role("cell", name="No scores yet.")).to_be_visible()

    # The teacher records the first rating (through the services); the student sees it.
    r1 = worlds.open_sheets(w.section, by=w.registrar)[0]
    assessment.enter_scores(r1, [{"student_id": w.me.pk, "score": "87.5"}], by=w.teacher)
    page.reload()
    grade = page.get_by_role("row").filter(has_text=w.section.discipline.name_en)
    expect(grade).to_contain_text("87.5")
    shoot(page, "student")


def test_teacher_enters_and_submits_a_sheet(page, url, sign_in):
    w = worlds.teacher_world()
    sign_in(w.teacher, url("portal:sheet_detail", w.r1.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mathematics")

    inputs = {s.pk: page.get_by_label(s.full_name_in("en"), exact=True) for s in w.students}
    first, second, third = (inputs[s.pk] for s in w.students)
    errors = {s.pk: page.locator(f"#err-{s.pk}") for s in w.students}

    # Validation as you type (HTMX): an out-of-range score is flagged next to its row.
    first.fill("90")
    second.fill("150")
    expect(errors[w.students[1].pk]).to_have_text("A score must be between 0 and 100.")
    expect(errors[w.students[0].pk]).to_be_empty()
    second.fill("85,5")
    expect(errors[w.students[1].pk]).to_be_empty()
    third.fill("abc")
    expect(errors[w.students[2].pk]).to_contain_text("is not a number")
    third.fill("70")
    expect(errors[w.students[2].pk]).to_be_empty()

    page.get_by_role("button", name="Save").click()
    expect(messages(page)).to_contain_text("3 scores saved.")
    expect(second).to_have_value("85.50")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit and lock").click()
    expect(messages(page)).to_contain_text("The sheet is submitted and locked.")
    expect(page.locator(".badge")).to_have_text("Submitted and locked")
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    sheet = GradeSheet.objects.get(pk=w.r1.pk)
    assert sheet.state == SheetState.LOCKED
    assert sorted(str(e.score) for e in sheet.entries.all()) == ["70.00", "85.50", "90.00"]
    shoot(page, "teacher")


def test_advisor_approves_one_plan_and_returns_another_with_a_comment(page, url, sign_in):
    w = worlds.advisor_world()
    approved, returned = w.plans
    sign_in(w.advisor, url("portal:plan_approvals"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Plans to approve")
    for plan in w.plans:
        expect(page.get_by_role("link", name=plan.student.full_name_in("en"))).to_be_visible()

    # Approve without a comment.
    page.get_by_role("link", name=approved.student.full_name_in("en")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Individual study plan")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(messages(page)).to_contain_text("The plan is approved and sent to the dean.")
    expect(page.locator(".card .badge")).to_have_text("Approved by the advisor")
    assert StudyPlan.objects.get(pk=approved.pk).state == PlanState.ADVISOR_APPROVED

    # Return the other one with a comment.
    page.goto(url("portal:plan_approvals"))
    expect(page.get_by_role("link", name=approved.student.full_name_in("en"))).to_have_count(0)
    page.get_by_role("link", name=returned.student.full_name_in("en")).click()
    page.get_by_label("Return with a comment").fill("Take ELC1104 instead of ELC1105.")
    page.get_by_role("button", name="Return", exact=True).click()
    expect(messages(page)).to_contain_text("The plan is returned to the student.")
    expect(page.get_by_role("main")).to_contain_text("Comment: Take ELC1104 instead of ELC1105.")
    stored = StudyPlan.objects.get(pk=returned.pk)
    assert (stored.state, stored.comment) == (PlanState.RETURNED,
                                              "Take ELC1104 instead of ELC1105.")

    page.goto(url("portal:plan_approvals"))
    expect(page.get_by_role("cell", name="Nothing is waiting for you.")).to_be_visible()
    page.goto(url("portal:plan_detail", approved.pk))
    shoot(page, "advisor")


def test_registrar_applies_an_order_and_prints_a_transcript(page, url, sign_in):
    w = worlds.registrar_world()
    sign_in(w.registrar, url("portal:order_detail", w.order.pk))
    expect(page.get_by_role("row").filter(has_text=w.applicant.iin)).to_be_visible()

    page.get_by_role("button", name="Approve (sign)").click()
    expect(messages(page)).to_contain_text("The order is approved and numbered.")
    page.get_by_role("button", name="Apply to the students' records").click()
    expect(messages(page)).to_contain_text("The order is applied")
    order = Order.objects.get(pk=w.order.pk)
    assert order.state == OrderState.APPLIED and order.number
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    applicant = Student.objects.get(pk=w.applicant.pk)
    assert (applicant.status, applicant.group_id) == (StudentStatus.ACTIVE, w.group.pk)
    shoot(page, "registrar-order")

    # Issue a transcript in English and download its PDF.
    page.goto(url("documents:student_documents", w.student.pk))
    issue = page.get_by_role("main").locator("form").filter(
        has=page.get_by_role("button", name="Issue", exact=True))
    issue.get_by_label("Document", exact=True).select_option("transcript")
    issue.get_by_label("Language", exact=True).select_option("en")
    issue.get_by_role("button", name="Issue", exact=True).click()
    document = IssuedDocument.objects.get(student=w.student)
    expect(messages(page)).to_contain_text(f"The document {document.code} is issued.")
    link = page.get_by_role("row").filter(has_text=document.code).get_by_role("link",
                                                                               name="PDF")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    shoot(page, "registrar")


def test_language_switcher_shows_kazakh_and_russian(page, url, sign_in):
    w = worlds.advisor_world()
    sign_in(w.advisor, url("portal:plan_approvals"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Plans to approve")
    switcher = page.get_by_label(re.compile(r"^(Language|Тіл|Тілі|Язык)$"))

    switcher.select_option("kk")
    page.wait_for_url(re.compile(r"/kk/plans/approvals/$"))
    expect(heading).to_have_text("Бекітуге арналған жоспарлар")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    shoot(page, "language-kk")

    switcher.select_option("ru")
    page.wait_for_url(re.compile(r"/ru/plans/approvals/$"))
    expect(heading).to_have_text("Планы на утверждение")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    shoot(page, "language-ru")
