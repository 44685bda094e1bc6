"""Webhook delivery to a local HTTP server: signature, retries with backoff, giving up."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from registrar.documents import services as documents
from registrar.interop import webhooks
from registrar.interop.models import (
    DeliveryState,
    OutboxEvent,
    Topic,
    WebhookDelivery,
    WebhookSubscription,
)


class Receiver:
    """An HTTP server on 127.0.0.1 that records POSTs and answers the statuses it is given."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": self.rfile.read(length)})
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/registrar"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def subscription(db, receiver):
    return WebhookSubscription.objects.create(name="Library", url=receiver.url,
                                              topics=[Topic.DOCUMENT_ISSUED])


def test_an_event_is_posted_with_a_valid_signature(dw, receiver, subscription):
    document = documents.issue_transcript(dw.student, by=dw.registrar, language="ru")
    event = OutboxEvent.objects.get()
    stats = webhooks.deliver()
    assert (stats.scheduled, stats.delivered, stats.failed, stats.finished_events) == (1, 1, 0, 1)
    [request] = receiver.requests
    headers = request["headers"]
    assert request["path"] == "/hooks/registrar"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Registrar-Event"] == "document.issued"
    assert webhooks.verify_signature(subscription.secret, headers["X-Registrar-Timestamp"],
                                     request["body"], headers["X-Registrar-Signature"])
    assert not webhooks.verify_signature("another secret", headers["X-Registrar-Timestamp"],
                                         request["body"], headers["X-Registrar-Signature"])
    assert not webhooks.verify_signature(subscription.secret, headers["X-Registrar-Timestamp"],
                                         request["body"] + b" ", headers["X-Registrar-Signature"])
    body = json.loads(request["body"])
    assert body == json.loads(json.dumps(event.envelope()))
    assert body["payload"]["document"]["code"] == document.code
    event.refresh_from_db()
    assert event.delivered_at is not None and event.attempts == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (
        DeliveryState.DELIVERED, 1, 204)
    assert webhooks.deliver().delivered == 0  # at most once per run: nothing left to send


def test_a_failure_is_retried_with_backoff(dw, receiver, subscription):
    documents.issue_transcript(dw.student, by=dw.registrar, language="ru")
    receiver.statuses = [503]
    start = timezone.now()
    stats = webhooks.deliver(now=start)
    assert (stats.delivered, stats.failed) == (0, 1)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (
        DeliveryState.PENDING, 1, 503)
    assert delivery.last_error == "HTTP 503"
    wait = delivery.next_attempt_at - start
    assert dt.timedelta(seconds=29) < wait < dt.timedelta(seconds=40)
    event = OutboxEvent.objects.get()
    assert event.delivered_at is None and event.last_error == "HTTP 503"

    assert webhooks.deliver(now=start + dt.timedelta(seconds=10)).delivered == 0  # not yet due
    assert len(receiver.requests) == 1
    stats = webhooks.deliver(now=start + dt.timedelta(minutes=1))
    assert stats.delivered == 1 and len(receiver.requests) == 2
    # The retry is signed afresh and carries the same event.
    first, second = receiver.requests
    assert json.loads(first["body"]) == json.loads(second["body"])
    assert webhooks.verify_signature(subscription.secret,
                                     second["headers"]["X-Registrar-Timestamp"], second["body"],
                                     second["headers"]["X-Registrar-Signature"])
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 2)
    assert OutboxEvent.objects.get().delivered_at is not None


def test_backoff_doubles_up_to_six_hours():
    assert [webhooks.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert webhooks.backoff(30) == dt.timedelta(hours=6)


def test_an_unreachable_receiver_is_given_up_after_the_last_attempt(dw, subscription):
    documents.issue_transcript(dw.student, by=dw.registrar, language="ru")

    def refused(url, body, headers, timeout):
        raise ConnectionRefusedError(111, "Connection refused")

    moment = timezone.now()
    for _ in range(webhooks.MAX_ATTEMPTS):
        moment += dt.timedelta(days=1)
        webhooks.deliver(now=moment, sender=refused)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, webhooks.MAX_ATTEMPTS)
    assert "Connection refused" in delivery.last_error
    event = OutboxEvent.objects.get()
    assert event.delivered_at is not None and event.attempts == webhooks.MAX_ATTEMPTS
    assert webhooks.deliver(now=moment + dt.timedelta(days=1), sender=refused).failed == 0


def test_subscriptions_get_only_their_topics_and_later_events(dw, receiver, subscription):
    WebhookSubscription.objects.create(name="LMS", url=receiver.url, topics=[Topic.GRADE_LOCKED])
    WebhookSubscription.objects.create(name="Off", url=receiver.url,
                                       topics=[Topic.DOCUMENT_ISSUED], active=False)
    documents.issue_transcript(dw.student, by=dw.registrar, language="ru")
    late = WebhookSubscription.objects.create(name="Late", url=receiver.url,
                                              topics=[Topic.DOCUMENT_ISSUED])
    WebhookSubscription.objects.filter(pk=late.pk).update(
        created_at=OutboxEvent.objects.get().occurred_at + dt.timedelta(seconds=1))
    webhooks.deliver()
    assert [r["headers"]["X-Registrar-Event"] for r in receiver.requests] == ["document.issued"]
    assert list(WebhookDelivery.objects.values_list("subscription__name", flat=True)) == [
        "Library"]


def test_an_event_nobody_wants_is_finished_at_once(dw, receiver):
    documents.issue_transcript(dw.student, by=dw.registrar, language="ru")
    stats = webhooks.deliver()
    assert (stats.scheduled, stats.finished_events) == (0, 1)
    assert receiver.requests == []


def test_a_redirect_is_a_failure(dw, receiver, subscription):
    documents.issue_transcript(dw.student, by=dw.registrar, language="ru")
    receiver.statuses = [307]
    assert webhooks.deliver().failed == 1
    assert WebhookDelivery.objects.get().last_status == 307


def test_the_command_delivers(dw, receiver, subscription, capsys):
    documents.issue_transcript(dw.student, by=dw.registrar, language="en")
    call_command("deliver_outbox")
    assert "delivered 1" in capsys.readouterr().out
    assert len(receiver.requests) == 1
