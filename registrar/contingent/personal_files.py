"""Personal files (the checklist of documents per student) and their hand-over to the archive.

§9: the registrar keeps each student's personal file and hands the files of
graduates and leavers to the archive. A file is handed over once, complete, and
only for a student whose studies have ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.people.choices import FINAL_STATUSES
from registrar.people.models import Student

from .models import ArchivedFile, ArchiveTransfer, PersonalFileDocument, PersonalFileEntry
from .services import OrderRefused, Problem


def checklist(student: Student) -> list[tuple[PersonalFileDocument, PersonalFileEntry | None]]:
    """Every document kind with the student's entry for it, or None if not yet received."""
    entries = {e.document_id: e for e in PersonalFileEntry.objects.filter(student=student)}
    return [(doc, entries.get(doc.pk)) for doc in PersonalFileDocument.objects.all()]


def missing_required(student_ids: Sequence[int]) -> dict[int, list[PersonalFileDocument]]:
    required = list(PersonalFileDocument.objects.filter(required=True))
    have: dict[int, set[int]] = {sid: set() for sid in student_ids}
    for sid, doc_id in PersonalFileEntry.objects.filter(student_id__in=student_ids).values_list(
        "student_id", "document_id"
    ):
        have[sid].add(doc_id)
    return {sid: [d for d in required if d.pk not in got] for sid, got in have.items()}


@transaction.atomic
def receive_document(student: Student, document: PersonalFileDocument, *, by: Any,
                     received_on: dt.date, note: str = "") -> PersonalFileEntry:
    if not by.has_perm("contingent.keep_personal_file"):
        raise PermissionDenied(_("You do not have permission to do this."))
    if ArchivedFile.objects.filter(student=student).exists():
        raise OrderRefused(_("The personal file is already in the archive."))
    entry, created = PersonalFileEntry.objects.get_or_create(
        student=student, document=document,
        defaults={"received_on": received_on, "received_by": by, "note": note},
    )
    if not created:
        raise OrderRefused([Problem(student.full_name, "document",
                                    _("This document is already in the file."))])
    audit.record(by, "personal_file.received", student, {"document": document.code,
                                                          "received_on": received_on})
    return entry


@transaction.atomic
def hand_over_to_archive(students: Sequence[Student], *, by: Any, act_number: str,
                         handed_on: dt.date, received_by: str) -> ArchiveTransfer:
    """Hand complete files of graduates and leavers to the archive, all or none."""
    if not by.has_perm("contingent.archive_files"):
        raise PermissionDenied(_("You do not have permission to do this."))
    if not students:
        raise OrderRefused(_("Choose at least one personal file."))
    if not act_number.strip() or not received_by.strip():
        raise OrderRefused(_("The act number and the archivist's name are required."))
    if ArchiveTransfer.objects.filter(act_number=act_number).exists():
        raise OrderRefused(_("An act with this number already exists."))
    locked = list(Student.objects.select_for_update().filter(pk__in=[s.pk for s in students]))
    archived = set(ArchivedFile.objects.filter(student__in=locked).values_list("student_id",
                                                                               flat=True))
    missing = missing_required([s.pk for s in locked])
    problems = []
    for student in locked:
        if student.status not in FINAL_STATUSES:
            problems.append(Problem(student.full_name, "status", _(
                "Only files of graduates and students who left can go to the archive.")))
        elif student.pk in archived:
            problems.append(Problem(student.full_name, "student",
                                    _("The file is already in the archive.")))
        elif missing[student.pk]:
            problems.append(Problem(student.full_name, "documents", _(
                "The file is incomplete: %(missing)s.")
                % {"missing": ", ".join(d.name for d in missing[student.pk])}))
    if problems:
        raise OrderRefused(problems)
    transfer = ArchiveTransfer.objects.create(act_number=act_number, handed_on=handed_on,
                                              handed_by=by, received_by=received_by)
    documents = _document_codes([s.pk for s in locked])
    ArchivedFile.objects.bulk_create([
        ArchivedFile(transfer=transfer, student=s, status_at_handover=s.status,
                     documents=documents.get(s.pk, []))
        for s in locked
    ])
    audit.record_many(
        audit.event_for(by, "personal_file.archived", s, {"act": act_number})
        for s in locked
    )
    return transfer


def _document_codes(student_ids: list[int]) -> dict[int, list[str]]:
    codes: dict[int, list[str]] = {}
    for sid, code in PersonalFileEntry.objects.filter(student_id__in=student_ids).values_list(
        "student_id", "document__code"
    ).order_by("document__position"):
        codes.setdefault(sid, []).append(code)
    return codes
