"""Personal files and their hand-over to the archive (§9): only graduates and leavers, only
complete files, each file once, all or none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from registrar.audit.models import AuditEvent
from registrar.contingent import personal_files, services
from registrar.contingent.choices import OrderType
from registrar.contingent.models import ArchivedFile, ArchiveTransfer, PersonalFileDocument
from tests import factories

pytestmark = pytest.mark.django_db


def _enrolled(registrar, prog, grp):
    student = factories.student(prog)
    order = services.create_order(by=registrar, order_type=OrderType.ENROLMENT,
                                  faculty=prog.department.faculty)
    services.add_item(order, by=registrar, student=student, effective_date=dt.date(2025, 9, 1),
                      to_group=grp, to_funding="paid")
    services.approve_order(order, by=registrar)
    services.apply_order(order, by=registrar)
    student.refresh_from_db()
    return student


def _expel(registrar, student):
    order = services.create_order(by=registrar, order_type=OrderType.EXPULSION,
                                  faculty=student.programme.department.faculty)
    services.add_item(order, by=registrar, student=student, effective_date=dt.date(2025, 11, 1),
                      reason="own_wish")
    services.approve_order(order, by=registrar)
    services.apply_order(order, by=registrar)
    student.refresh_from_db()


def _complete_file(registrar, student):
    for document in PersonalFileDocument.objects.filter(required=True):
        personal_files.receive_document(student, document, by=registrar,
                                        received_on=dt.date(2025, 8, 20))


@pytest.fixture
def world():
    registrar = factories.registrar()
    prog = factories.programme()
    grp = factories.group(prog)
    return registrar, prog, grp


def test_checklist_is_seeded_and_tracks_received_documents(world):
    registrar, prog, grp = world
    student = factories.student(prog)
    required = PersonalFileDocument.objects.filter(required=True)
    assert required.count() >= 5  # application, identity, education document, 086-U, photos
    missing = personal_files.missing_required([student.pk])[student.pk]
    assert {d.code for d in missing} == {d.code for d in required}
    document = required.first()
    personal_files.receive_document(student, document, by=registrar,
                                    received_on=dt.date(2025, 8, 1))
    assert document not in personal_files.missing_required([student.pk])[student.pk]
    assert AuditEvent.objects.filter(action="personal_file.received",
                                     object_id=str(student.pk)).count() == 1


def test_hand_over_complete_files_of_leavers(world):
    registrar, prog, grp = world
    student = _enrolled(registrar, prog, grp)
    _complete_file(registrar, student)
    _expel(registrar, student)
    transfer = personal_files.hand_over_to_archive(
        [student], by=registrar, act_number="A-1", handed_on=dt.date(2025, 12, 1),
        received_by="Archivist")
    archived = ArchivedFile.objects.get(student=student)
    assert archived.transfer == transfer and archived.status_at_handover == "expelled"
    assert "application" in archived.documents


def test_hand_over_is_all_or_nothing(world):
    """One active student and one incomplete file in the batch: nothing is archived."""
    registrar, prog, grp = world
    leaver = _enrolled(registrar, prog, grp)
    _complete_file(registrar, leaver)
    _expel(registrar, leaver)
    active = _enrolled(registrar, prog, grp)
    _complete_file(registrar, active)
    incomplete = _enrolled(registrar, prog, grp)
    _expel(registrar, incomplete)
    with pytest.raises(services.OrderRefused) as refused:
        personal_files.hand_over_to_archive(
            [leaver, active, incomplete], by=registrar, act_number="A-2",
            handed_on=dt.date(2025, 12, 1), received_by="Archivist")
    fields = sorted(p.field for p in refused.value.problems)
    assert fields == ["documents", "status"]
    assert not ArchivedFile.objects.exists() and not ArchiveTransfer.objects.exists()


def test_a_file_goes_to_the_archive_once(world):
    registrar, prog, grp = world
    student = _enrolled(registrar, prog, grp)
    _complete_file(registrar, student)
    _expel(registrar, student)
    personal_files.hand_over_to_archive([student], by=registrar, act_number="A-3",
                                        handed_on=dt.date(2025, 12, 1), received_by="X")
    with pytest.raises(services.OrderRefused):
        personal_files.hand_over_to_archive([student], by=registrar, act_number="A-4",
                                            handed_on=dt.date(2025, 12, 2), received_by="X")
    assert ArchiveTransfer.objects.count() == 1


def test_only_the_registrar_hands_over(world):
    registrar, prog, grp = world
    student = _enrolled(registrar, prog, grp)
    dean = factories.dean(prog.department.faculty)
    with pytest.raises(PermissionDenied):
        personal_files.hand_over_to_archive([student], by=dean, act_number="A-5",
                                            handed_on=dt.date(2025, 12, 1), received_by="X")
    with pytest.raises(PermissionDenied):
        personal_files.receive_document(student, PersonalFileDocument.objects.first(), by=dean,
                                        received_on=dt.date(2025, 8, 1))
