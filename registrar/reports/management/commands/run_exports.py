"""The export worker: runs the queued report exports (see registrar/reports/jobs.py).

    manage.py run_exports            # run next to the server; polls every second
    manage.py run_exports --once     # run what is waiting, then exit (cron, tests)
"""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand

from registrar.reports import jobs


class Command(BaseCommand):
    help = "Run the queued report exports (XLSX/PDF) and record their progress."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true",
                            help="run the waiting jobs, then exit")
        parser.add_argument("--sleep", type=float, default=1.0,
                            help="seconds between two looks at an empty queue")
        parser.add_argument("--max-jobs", type=int, default=None,
                            help="exit after running this many jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = {"now": False}

        def stop(signum: int, frame: Any) -> None:
            stopping["now"] = True  # finish the running job, then leave

        if not options["once"]:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        ran = jobs.work(once=options["once"], sleep=options["sleep"],
                        max_jobs=options["max_jobs"], stop=lambda: stopping["now"])
        if options["verbosity"] > 0:
            self.stdout.write(f"run_exports: {ran} job(s) run")
