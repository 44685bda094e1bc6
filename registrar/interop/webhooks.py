"""Pushing outbox events to webhook subscribers, signed, with retries and backoff.

`deliver(now=...)` (run by `manage.py deliver_outbox`, once or in a loop):

1. `schedule`: every event not yet finished gets one `WebhookDelivery` per active subscription
   that wants its topic and existed when the event occurred; an event nobody wants is finished
   at once.
2. Due deliveries are claimed (their next attempt pushed a lease ahead, under a row lock that
   skips rows another worker holds), then POSTed outside any transaction: the JSON envelope
   (`OutboxEvent.envelope`) with the headers

       X-Registrar-Event: grade.locked
       X-Registrar-Delivery: <delivery id>
       X-Registrar-Timestamp: <unix seconds>
       X-Registrar-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body, keyed by the
                              subscription's secret>

   A 2xx answer delivers it; anything else (an error status, a redirect, a network error, a
   timeout) is retried after `backoff(attempts)` — 30 s, 1 min, 2 min, … capped at 6 h — and
   given up after `MAX_ATTEMPTS`.
3. An event is finished (`delivered_at`) once none of its deliveries is pending.

Receivers verify with `verify_signature` (or its few lines in any language, docs/interop.md),
reject timestamps older than a few minutes, and de-duplicate by event id: delivery is at least
once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import DeliveryState, OutboxEvent, WebhookDelivery, WebhookSubscription

SIGNATURE_HEADER = "X-Registrar-Signature"
TIMESTAMP_HEADER = "X-Registrar-Timestamp"
EVENT_HEADER = "X-Registrar-Event"
DELIVERY_HEADER = "X-Registrar-Delivery"
USER_AGENT = "Registrar-Webhooks/1"

MAX_ATTEMPTS = 8
BASE_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=5)
TIMEOUT_SECONDS = 10
BATCH = 200

# (url, body, headers, timeout) -> HTTP status; raises OSError for network failures.
Sender = Callable[[str, bytes, Mapping[str, str], float], int]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body,
                      hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s doubling, at most 6 hours."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: Any, msg: Any, headers: Any,
                         newurl: Any) -> None:
        return None  # a redirect is answered as a failure: a POST is never re-sent elsewhere


_opener = urllib.request.build_opener(_NoRedirects)


def http_post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=dict(headers))
    try:
        with _opener.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def body_of(event: OutboxEvent) -> bytes:
    return json.dumps(event.envelope(), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


@dataclass
class DeliveryStats:
    scheduled: int = 0
    delivered: int = 0
    failed: int = 0  # attempts that failed (and will be retried or were given up)
    given_up: int = 0
    finished_events: int = 0


def schedule(now: dt.datetime, stats: DeliveryStats) -> list[int]:
    """Create the missing deliveries of the oldest unfinished events; their ids."""
    subscriptions = list(WebhookSubscription.objects.filter(active=True))
    events = list(OutboxEvent.objects.pending().order_by("pk")[:BATCH * 5])
    if not events:
        return []
    existing = set(WebhookDelivery.objects.filter(event__in=events)
                   .values_list("event_id", "subscription_id"))
    rows = [WebhookDelivery(event=event, subscription=sub, next_attempt_at=now)
            for event in events for sub in subscriptions
            if sub.wants(event.topic) and sub.created_at <= event.occurred_at
            and (event.pk, sub.pk) not in existing]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    stats.scheduled += len(rows)
    return [event.pk for event in events]


def _claim(now: dt.datetime, limit: int) -> list[WebhookDelivery]:
    with transaction.atomic():
        due = list(WebhookDelivery.objects.select_for_update(skip_locked=True)
                   .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
                   .order_by("next_attempt_at", "pk")[:limit])
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in due]).update(
            next_attempt_at=now + LEASE)
    return list(WebhookDelivery.objects.filter(pk__in=[d.pk for d in due])
                .select_related("event", "subscription").order_by("pk"))


def _attempt(delivery: WebhookDelivery, sender: Sender, stats: DeliveryStats) -> None:
    event, subscription = delivery.event, delivery.subscription
    body = body_of(event)
    timestamp = str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event.topic,
        DELIVERY_HEADER: str(delivery.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
    }
    status: int | None = None
    error = ""
    try:
        status = sender(subscription.url, body, headers, TIMEOUT_SECONDS)
    except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections
        error = f"{type(exc).__name__}: {exc}"[:1000]
    done = timezone.now()
    delivery.attempts += 1
    delivery.last_status = status
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.last_error = (
            DeliveryState.DELIVERED, done, "")
        stats.delivered += 1
    else:
        delivery.last_error = error or f"HTTP {status}"
        stats.failed += 1
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.state = DeliveryState.FAILED
            stats.given_up += 1
        else:
            delivery.next_attempt_at = done + backoff(delivery.attempts)
    delivery.save(update_fields=["attempts", "last_status", "state", "delivered_at",
                                 "last_error", "next_attempt_at"])
    OutboxEvent.objects.filter(pk=event.pk).update(
        attempts=F("attempts") + 1,
        last_error=delivery.last_error if delivery.state != DeliveryState.DELIVERED
        else F("last_error"))


def finish(event_ids: list[int], now: dt.datetime, stats: DeliveryStats) -> None:
    """Of the scheduled events, those without a pending delivery are finished (including the
    events no subscription wants)."""
    pending = WebhookDelivery.objects.filter(state=DeliveryState.PENDING).values("event_id")
    stats.finished_events += (OutboxEvent.objects.pending().filter(pk__in=event_ids)
                              .exclude(pk__in=pending).update(delivered_at=now))


def deliver(*, now: dt.datetime | None = None, limit: int = BATCH,
            sender: Sender | None = None) -> DeliveryStats:
    """One pass: schedule, attempt what is due, finish events. Safe to run in parallel."""
    now = now or timezone.now()
    stats = DeliveryStats()
    event_ids = schedule(now, stats)
    for delivery in _claim(now, limit):
        _attempt(delivery, sender or http_post, stats)
    finish(event_ids, now, stats)
    return stats
