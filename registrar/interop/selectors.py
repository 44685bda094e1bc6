"""Read queries of the interoperability app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from registrar.documents.models import RECORD_KINDS, IssuedDocument
from registrar.documents.selectors import documents_visible_to

from .models import OutboxEvent

MAX_PAGE = 500


def transcripts_visible_to(user: Any) -> QuerySet[IssuedDocument]:
    """The transcripts and academic certificates a user may download (the documents app's own
    rule: the registrar all, a dean their faculty's, a student their own), newest first."""
    return documents_visible_to(user).filter(kind__in=RECORD_KINDS).order_by("-issued_at", "-id")


def events_after(after_id: int = 0, *, limit: int = 100,
                 topics: Iterable[str] | None = None) -> list[OutboxEvent]:
    """Events with an id above `after_id`, oldest first: the page a pull consumer reads next
    (`GET /api/v1/events?after=<id>`); it keeps the last id it saw as its cursor. Ids only grow,
    and an event is visible only once its transaction committed."""
    events = OutboxEvent.objects.filter(pk__gt=max(int(after_id), 0))
    if topics:
        events = events.filter(topic__in=list(topics))
    return list(events.order_by("pk")[:max(1, min(int(limit), MAX_PAGE))])
