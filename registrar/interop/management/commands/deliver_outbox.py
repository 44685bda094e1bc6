"""manage.py deliver_outbox [--loop] [--interval SECONDS]: POST outbox events to webhooks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from registrar.interop import webhooks


class Command(BaseCommand):
    help = ("Deliver outbox events to the webhook subscriptions (signed, retried with backoff). "
            "One pass by default (for cron); --loop keeps running next to the server.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep delivering until stopped")
        parser.add_argument("--interval", type=float, default=5.0,
                            help="seconds between passes with --loop (default 5)")
        parser.add_argument("--limit", type=int, default=webhooks.BATCH,
                            help="deliveries attempted per pass")

    def handle(self, *args: Any, loop: bool, interval: float, limit: int,
               **options: Any) -> None:
        while True:
            stats = webhooks.deliver(limit=limit)
            if stats.scheduled or stats.delivered or stats.failed or options["verbosity"] > 1:
                self.stdout.write(
                    f"scheduled {stats.scheduled}, delivered {stats.delivered}, "
                    f"failed {stats.failed} (given up {stats.given_up}), "
                    f"events finished {stats.finished_events}")
            if not loop:
                return
            time.sleep(max(interval, 0.5))
