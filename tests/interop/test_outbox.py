"""Outbox events are written with the change they announce, and only if it commits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from registrar.assessment import services as grading
from registrar.audit import services as audit
from registrar.contingent.choices import OrderType
from registrar.contingent.services import OrderRefused, apply_order, approve_order
from registrar.documents import services as documents
from registrar.interop import selectors
from registrar.interop.models import OutboxEvent, Topic
from tests import factories
from tests.assessment.conftest import IN_R1
from tests.contingent.helpers import draft

ON = dt.date(2025, 9, 1)


def enrolment(group) -> dict:
    return {"to_group": group, "to_funding": "paid"}


class Boom(Exception):
    pass


@pytest.fixture
def reg(db):
    return factories.registrar()


@pytest.fixture
def grp(db):
    return factories.group(factories.programme())


def test_an_applied_order_announces_each_students_change(reg, grp):
    first, second = factories.student(grp.programme), factories.student(grp.programme)
    order = draft(OrderType.ENROLMENT, [(first, ON, enrolment(grp)), (second, ON, enrolment(grp))],
                  by=reg)
    order = approve_order(order, by=reg, signed_on=ON)
    assert not OutboxEvent.objects.exists()  # drafting and approving change no student
    apply_order(order, by=reg)
    events = list(OutboxEvent.objects.order_by("pk"))
    assert [(e.topic, e.aggregate_type, e.aggregate_id) for e in events] == [
        (Topic.STUDENT_STATUS_CHANGED, "people.student", str(first.pk)),
        (Topic.STUDENT_STATUS_CHANGED, "people.student", str(second.pk))]
    payload = events[0].payload
    assert payload["student"] == {"id": first.pk, "sourced_id": f"stu-{first.pk}"}
    assert payload["order"]["number"] == order.number
    assert payload["order"]["type"] == OrderType.ENROLMENT
    assert payload["effective_date"] == "2025-09-01"
    assert payload["before"]["status"] == "applicant" and payload["after"]["status"] == "active"
    assert "status" in payload["changed"] and "group_id" in payload["changed"]
    assert first.iin not in str(payload)  # identifiers, never the IIN
    assert events[0].delivered_at is None and events[0].attempts == 0


def test_no_event_when_the_transaction_rolls_back(reg, grp):
    student = factories.student(grp.programme)
    order = approve_order(draft(OrderType.ENROLMENT, [(student, ON, enrolment(grp))], by=reg),
                          by=reg, signed_on=ON)
    with pytest.raises(Boom), transaction.atomic():
        apply_order(order, by=reg)
        assert OutboxEvent.objects.count() == 1  # written inside the transaction...
        raise Boom
    assert not OutboxEvent.objects.exists()  # ...and gone with it
    student.refresh_from_db()
    assert student.status == "applicant"


def test_no_event_when_the_order_is_refused(reg, grp):
    student = factories.student(grp.programme)
    orders = [approve_order(draft(OrderType.ENROLMENT, [(student, ON, enrolment(grp))], by=reg),
                            by=reg, signed_on=ON) for _ in range(2)]
    apply_order(orders[0], by=reg)
    OutboxEvent.objects.all().delete()
    with pytest.raises(OrderRefused):  # checked again on apply: already enrolled
        apply_order(orders[1], by=reg)
    assert not OutboxEvent.objects.exists()


def test_a_locked_sheet_announces_grade_locked(gw):
    grading.enter_scores(gw.r1, [{"student_id": s.pk, "score": "75"} for s in gw.students],
                         by=gw.teacher, now=IN_R1)
    assert not OutboxEvent.objects.exists()  # entering is not locking
    grading.submit_sheet(gw.r1, by=gw.teacher, now=IN_R1)
    event = OutboxEvent.objects.get()
    assert (event.topic, event.aggregate_type, event.aggregate_id) == (
        Topic.GRADE_LOCKED, "assessment.gradesheet", str(gw.r1.pk))
    assert event.payload["sheet"]["kind"] == "rating_1"
    assert event.payload["section"] == {"id": gw.section.pk, "code": "MAT1102-01",
                                        "sourced_id": f"cls-{gw.section.pk}"}
    assert event.payload["period"]["sourced_id"] == f"term-{gw.autumn.pk}"
    assert event.payload["entries"] == 5
    assert "75" not in str(event.payload)  # no scores in the event


def test_a_refused_lock_writes_no_event(gw):
    with pytest.raises(grading.GradingRefused):  # scores are missing
        grading.submit_sheet(gw.r1, by=gw.teacher, now=IN_R1)
    assert not OutboxEvent.objects.exists()


def test_an_issued_document_is_announced(dw):
    document = documents.issue_transcript(dw.student, by=dw.student_user, language="kk")
    event = OutboxEvent.objects.get()
    assert (event.topic, event.aggregate_type, event.aggregate_id) == (
        Topic.DOCUMENT_ISSUED, "documents.issueddocument", str(document.pk))
    assert event.payload["document"]["code"] == document.code
    assert event.payload["document"]["content_sha256"] == document.content_sha256
    assert event.payload["document"]["verification_url"].endswith(f"/verify/{document.code}/")
    assert event.payload["student"]["sourced_id"] == f"stu-{dw.student.pk}"


def test_a_refused_document_writes_no_event(dw):
    with pytest.raises(documents.DocumentRefused):  # a certificate for a studying student
        documents.issue_transcript(dw.student, by=dw.registrar, language="ru",
                                   kind="academic_certificate")
    with pytest.raises(Boom), transaction.atomic():
        documents.issue_transcript(dw.student, by=dw.registrar, language="ru")
        raise Boom
    assert not OutboxEvent.objects.exists()


def test_other_audit_actions_write_nothing(dw):
    audit.record(dw.registrar, "document.revoked", dw.student, {"code": "X"})
    audit.record(dw.registrar, "order.drafted", dw.student)
    assert not OutboxEvent.objects.exists()


def test_pull_consumers_read_after_their_cursor(dw):
    first = documents.issue_transcript(dw.student, by=dw.registrar, language="ru")
    second = documents.issue_transcript(dw.student, by=dw.registrar, language="en")
    events = selectors.events_after(0)
    assert [e.payload["document"]["code"] for e in events] == [first.code, second.code]
    assert [e.pk for e in selectors.events_after(events[0].pk)] == [events[1].pk]
    assert selectors.events_after(events[1].pk) == []
    assert selectors.events_after(0, topics=[Topic.GRADE_LOCKED]) == []
    envelope = events[0].envelope()
    assert envelope["id"] == events[0].pk and envelope["topic"] == "document.issued"
    assert envelope["aggregate"] == {"type": "documents.issueddocument", "id": str(first.pk)}
