from collections.abc import Iterable
from typing import Any

from .models import Notification


def notify(users: Iterable[Any], subject: str, body: str = "") -> int:
    """Queue a notification for each user that exists (students without accounts are skipped)."""
    rows = [Notification(user=u, subject=subject, body=body) for u in users if u is not None]
    Notification.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
