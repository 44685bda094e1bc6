"""Issuing (§11): who may, the academic certificate only for leavers, the audit event, and the
issued document never changing — in the ORM and, on PostgreSQL, past it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from registrar.audit.models import AuditEvent
from registrar.documents import services
from registrar.documents.models import (
    CODE_RE,
    DocumentFrozen,
    IssuedDocument,
    normalise_code,
    sha256_of,
)
from registrar.records.models import Attempt

pytestmark = pytest.mark.django_db


def test_registrar_issues_with_code_snapshot_and_audit(w):
    doc = services.issue_transcript(w.student, by=w.registrar, language="ru")
    assert CODE_RE.match(doc.code)
    assert doc.kind == "transcript" and doc.language == "ru" and doc.issued_by == w.registrar
    assert doc.content["title"] == "ТРАНСКРИПТ"
    assert doc.content["totals"]["cumulative_gpa"] == "2.76"
    assert doc.content_sha256 == sha256_of(doc.content) and doc.content_intact
    event = AuditEvent.objects.get(action="document.issued")
    assert event.changes["code"] == doc.code and event.object_id == str(w.student.pk)


def test_codes_are_random_and_typable():
    assert normalise_code("abcd efgh jkmn") == "ABCD-EFGH-JKMN"
    assert normalise_code("ABCD-EFGH-JKM0") is None  # 0 is not in the alphabet
    assert normalise_code("ABCD-EFGH") is None


def test_dean_of_the_faculty_and_the_student_themself_may_issue(w):
    assert services.issue_transcript(w.student, by=w.dean, language="kk").code
    assert services.issue_transcript(w.student, by=w.student_user, language="en").code


@pytest.mark.parametrize("who", ["other_user", "other_dean", "advisor"])
def test_others_may_not_issue(w, who):
    with pytest.raises(PermissionDenied):
        services.issue_transcript(w.student, by=getattr(w, who), language="ru")
    assert not IssuedDocument.objects.exists()


def test_certificate_refused_for_an_active_student(w):
    with translation.override("en"), pytest.raises(services.DocumentRefused,
                                                   match="left before graduation"):
        services.issue_transcript(w.student, by=w.registrar, language="ru",
                                  kind="academic_certificate")
    assert not IssuedDocument.objects.exists()


@pytest.mark.parametrize("status", ["expelled", "transferred_out"])
def test_certificate_for_a_student_who_left(w, status):
    w.student.status = status
    w.student.save()
    doc = services.issue_transcript(w.student, by=w.registrar, language="kk",
                                    kind="academic_certificate")
    assert doc.content["title"] == "АКАДЕМИЯЛЫҚ АНЫҚТАМА"
    ru = services.issue_transcript(w.student, by=w.registrar, language="ru",
                                   kind="academic_certificate")
    assert ru.content["title"] == "АКАДЕМИЧЕСКАЯ СПРАВКА"


def test_no_results_nothing_to_issue(w, db):
    from tests import factories

    newcomer = factories.student(w.programme, status="active", group=w.group)
    with pytest.raises(services.DocumentRefused):
        services.issue_transcript(newcomer, by=w.registrar, language="ru")


def test_snapshots_missing_after_bulk_writes_are_recomputed_by_records(w):
    from registrar.records.models import GpaSnapshot

    GpaSnapshot.objects.filter(student=w.student).delete()
    doc = services.issue_transcript(w.student, by=w.registrar, language="ru")
    assert doc.content["terms"][0]["term_gpa"] == "3.87"


def test_the_document_keeps_what_it_showed(w):
    doc = services.issue_transcript(w.student, by=w.registrar, language="en")
    Attempt.objects.filter(student=w.student, discipline=w.mat).update(title_en="Renamed")
    doc.refresh_from_db()
    assert doc.content["terms"][0]["rows"][1]["title"] == "Mathematics"


def test_issued_document_cannot_be_changed_or_deleted(w):
    doc = services.issue_transcript(w.student, by=w.registrar, language="ru")
    doc.content["totals"]["cumulative_gpa"] = "4.00"
    with pytest.raises(DocumentFrozen):
        doc.save()
    doc.refresh_from_db()
    doc.code = "AAAA-BBBB-CCCC"
    with pytest.raises(DocumentFrozen):
        doc.save()
    doc.refresh_from_db()
    with pytest.raises(DocumentFrozen):
        doc.delete()
    with pytest.raises(DocumentFrozen):
        IssuedDocument.objects.filter(pk=doc.pk).update(content={})
    with pytest.raises(DocumentFrozen):
        IssuedDocument.objects.all().delete()
    assert IssuedDocument.objects.get(pk=doc.pk).content_intact


def test_revocation_is_the_only_change_and_is_final(w):
    doc = services.issue_transcript(w.student, by=w.registrar, language="ru")
    with pytest.raises(PermissionDenied):
        services.revoke(doc, by=w.dean, reason="x")
    with pytest.raises(services.DocumentRefused):
        services.revoke(doc, by=w.registrar, reason=" ")
    doc = services.revoke(doc, by=w.registrar, reason="Issued with a typo in the name")
    assert doc.is_revoked and doc.revoked_by == w.registrar
    assert AuditEvent.objects.filter(action="document.revoked").count() == 1
    with pytest.raises(services.DocumentRefused):
        services.revoke(doc, by=w.registrar, reason="again")
    doc.revoked_at = None
    with pytest.raises(DocumentFrozen):
        doc.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's")
@pytest.mark.parametrize("statement", [
    "UPDATE documents_issueddocument SET content = '{}'::jsonb",
    "UPDATE documents_issueddocument SET code = 'AAAA-BBBB-CCCC'",
    "UPDATE documents_issueddocument SET content_sha256 = 'x'",
    "UPDATE documents_issueddocument SET issued_at = now()",
    "DELETE FROM documents_issueddocument",
])
def test_raw_sql_cannot_rewrite_an_issued_document(w, statement):
    services.issue_transcript(w.student, by=w.registrar, language="ru")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert IssuedDocument.objects.get().content_intact


@pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's")
def test_raw_sql_may_revoke_once(w):
    doc = services.issue_transcript(w.student, by=w.registrar, language="ru")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE documents_issueddocument SET revoked_at = %s, revoke_reason = "
                       "'typo' WHERE id = %s", [timezone.now(), doc.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE documents_issueddocument SET revoked_at = NULL")
