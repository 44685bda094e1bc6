"""Writing outbox events in the transaction of the change they announce.

The hook is the audit trail. Every service records an `AuditEvent` inside the transaction of
its change (`audit.services.record`), so a `post_save` receiver on `AuditEvent` that turns three
of its actions into outbox events writes them in that same transaction without touching the
services of other apps:

| audit action     | written by                                   | outbox topic              |
|------------------|----------------------------------------------|---------------------------|
| `order.applied`  | `contingent.services.apply_order`            | `student.status_changed`, |
|                  |                                              | one per item that changed |
|                  |                                              | the student's state       |
| `sheet.locked`   | `assessment.services.submit_sheet`           | `grade.locked`            |
| `document.issued`| `documents.services.issue_transcript`,       | `document.issued`         |
|                  | `graduation.diplomas.issue_diploma/_supplement` |                        |

`audit.services.record_many` uses `bulk_create`, which sends no `post_save`; that is why the
per-student `student.changed_by_order` events are not the hook and `order.applied` (saved one
by one, after the order's items hold their before/after states) is.

A rolled-back change rolls back its audit row and so its outbox row. Payloads carry identifiers
and what changed, never an IIN, a birth date or a score: a consumer that needs more asks the
system with its own permissions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from registrar.audit.models import AuditEvent

from .models import OutboxEvent, Topic

# Stable identifiers shared with the OneRoster export (oneroster.py), so a consumer can match
# an event's student or class to the roster it received.
STUDENT_PREFIX = "stu-"
TEACHER_PREFIX = "tea-"
CLASS_PREFIX = "cls-"
TERM_PREFIX = "term-"


def emit(topic: str, aggregate_type: str, aggregate_id: Any,
         payload: dict[str, Any]) -> OutboxEvent:
    """Write one outbox event. Call inside the transaction of the change it announces."""
    return OutboxEvent.objects.create(topic=topic, aggregate_type=aggregate_type,
                                      aggregate_id=str(aggregate_id), payload=payload)


def _order_applied(event: AuditEvent) -> None:
    from registrar.contingent.models import Order

    order = Order.objects.filter(pk=event.object_id).first()
    if order is None:
        return
    items = order.items.order_by("pk").values("student_id", "effective_date", "before", "after")
    rows = []
    for item in items:
        before, after = item["before"] or {}, item["after"] or {}
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if not changed:
            continue
        rows.append(OutboxEvent(
            topic=Topic.STUDENT_STATUS_CHANGED, aggregate_type="people.student",
            aggregate_id=str(item["student_id"]),
            payload={
                "student": {"id": item["student_id"],
                            "sourced_id": f"{STUDENT_PREFIX}{item['student_id']}"},
                "order": {"id": order.pk, "number": order.number, "type": order.order_type,
                          "signed_on": order.signed_on.isoformat() if order.signed_on else None},
                "effective_date": item["effective_date"].isoformat(),
                "changed": changed,
                "before": before,
                "after": after,
            }))
    OutboxEvent.objects.bulk_create(rows)


def _sheet_locked(event: AuditEvent) -> None:
    from registrar.assessment.models import GradeSheet

    sheet = (GradeSheet.objects.select_related("section__discipline", "section__period")
             .filter(pk=event.object_id).first())
    if sheet is None:
        return
    section = sheet.section
    emit(Topic.GRADE_LOCKED, "assessment.gradesheet", sheet.pk, {
        "sheet": {"id": sheet.pk, "kind": sheet.kind,
                  "submitted_at": sheet.submitted_at.isoformat() if sheet.submitted_at
                  else None},
        "section": {"id": section.pk, "code": section.code,
                    "sourced_id": f"{CLASS_PREFIX}{section.pk}"},
        "discipline": {"id": section.discipline_id, "code": section.discipline.code},
        "period": {"id": section.period_id, "sourced_id": f"{TERM_PREFIX}{section.period_id}"},
        "entries": (event.changes or {}).get("entries"),
    })


def _document_issued(event: AuditEvent) -> None:
    from registrar.documents.models import IssuedDocument
    from registrar.documents.printing import verification_url

    code = (event.changes or {}).get("code")
    document = IssuedDocument.objects.filter(code=code).first() if code else None
    if document is None:
        return
    emit(Topic.DOCUMENT_ISSUED, "documents.issueddocument", document.pk, {
        "document": {"id": document.pk, "code": document.code, "kind": document.kind,
                     "language": document.language, "issued_at": document.issued_at.isoformat(),
                     "content_sha256": document.content_sha256,
                     "verification_url": verification_url(document.code, document.language)},
        "student": {"id": document.student_id,
                    "sourced_id": f"{STUDENT_PREFIX}{document.student_id}"},
    })


HANDLERS: dict[str, Callable[[AuditEvent], None]] = {
    "order.applied": _order_applied,
    "sheet.locked": _sheet_locked,
    "document.issued": _document_issued,
}


@receiver(post_save, sender=AuditEvent, dispatch_uid="registrar.interop.outbox")
def _audit_event_saved(sender: Any, instance: AuditEvent, created: bool, raw: bool = False,
                       **kwargs: Any) -> None:
    if not created or raw:
        return
    handler = HANDLERS.get(instance.action)
    if handler is not None:
        handler(instance)
