"""Export jobs: queue a report export, run it in the worker with its progress, hand out the file.

Why not django-tasks
--------------------
django-tasks 0.12.0 (the backport of Django 6's ``django.tasks``) ships only the Immediate and
Dummy backends; its database backend and ``db_worker`` command moved to a separate package,
``django-tasks-db``. The export needs a row of its own anyway (who asked, the parameters, the
progress done/total, the file, the error) that the page polls and the download checks, so that
row is the queue: `request_export` inserts it, the ``run_exports`` command claims the oldest
waiting row and runs it (`run_job`), writing the progress into it as it goes. No broker, no
second package, the same code on SQLite and PostgreSQL.

Claiming is a conditional ``UPDATE … WHERE state = 'queued'``: of several workers exactly one
changes the row and runs it. A job left *running* by a worker that died is queued again by
`requeue_stale` when the next worker starts (after `STALE_AFTER` without progress).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import exports, presenters
from .models import ExportFormat, ExportJob, JobState, ReportKind

log = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=30)
PROGRESS_INTERVAL = 0.5  # seconds between two progress writes


def request_export(user: Any, kind: str, export_format: str, params: presenters.Params, *,
                   language: str | None = None) -> ExportJob:
    """Queue an export of a report for `user` (who must be allowed to see it).

    With ``REPORTS_EXPORTS_INLINE = True`` in the settings (a demo without a worker) the job
    runs at once, inside the request."""
    if kind not in ReportKind.values or export_format not in ExportFormat.values:
        raise ValueError(f"unknown report or format: {kind} {export_format}")
    presenters.check_scope(user, params)
    job = ExportJob.objects.create(
        user=user, report=kind, export_format=export_format, params=params.as_json(),
        language=(language or translation.get_language() or settings.LANGUAGE_CODE)[:8])
    if getattr(settings, "REPORTS_EXPORTS_INLINE", False):
        run_job(job)
        job.refresh_from_db()
    return job


def claim_next() -> ExportJob | None:
    """The oldest waiting job, now marked running by this worker (None when none waits)."""
    for pk in ExportJob.objects.filter(state=JobState.QUEUED).order_by("id").values_list(
            "pk", flat=True)[:10]:
        claimed = ExportJob.objects.filter(pk=pk, state=JobState.QUEUED).update(
            state=JobState.RUNNING, started_at=timezone.now(), done=0, total=0)
        if claimed:
            return ExportJob.objects.get(pk=pk)
    return None


def requeue_stale(now: dt.datetime | None = None) -> int:
    """Queue again the jobs a dead worker left running."""
    now = now or timezone.now()
    return ExportJob.objects.filter(
        state=JobState.RUNNING, started_at__lt=now - STALE_AFTER).update(
        state=JobState.QUEUED, started_at=None, done=0, total=0)


class _Progress:
    """Writes done/total into the job row, at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, job: ExportJob, offset: int) -> None:
        self.job, self.offset, self.last = job, offset, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        # Step 1 (the query) is done before the writer starts; the last step is saving.
        ExportJob.objects.filter(pk=self.job.pk).update(done=self.offset + done,
                                                        total=self.offset + total + 1)


def run_job(job: ExportJob) -> ExportJob:
    """Run one claimed job to the end: DONE with the file and done = total, or FAILED with
    the error. Runs with the requester's permissions, in the job's language."""
    ExportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=job.started_at or timezone.now(), done=0, total=1)
    try:
        user = get_user_model().objects.get(pk=job.user_id)
        with translation.override(job.language):
            report = presenters.build_report(job.report, presenters.Params.from_json(job.params),
                                             user)
            ExportJob.objects.filter(pk=job.pk).update(done=1, total=2)
            progress = _Progress(job, offset=1)
            if job.export_format == ExportFormat.XLSX:
                content = exports.xlsx(report, progress)
            else:
                content = exports.pdf(report, progress)
            name = exports.filename(job.report, job.export_format)
    except PermissionDenied:
        _fail(job, _("You may no longer see this report."))
    except Exception as exc:  # noqa: BLE001  (any failure is recorded for the requester)
        log.exception("export job %s failed", job.pk)
        _fail(job, f"{type(exc).__name__}: {exc}")
    else:
        total = ExportJob.objects.values_list("total", flat=True).get(pk=job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=JobState.DONE, content=content, filename=name, done=total,
            finished_at=timezone.now(), error="")
    job.refresh_from_db()
    return job


def _fail(job: ExportJob, message: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=message[:2000],
                                               finished_at=timezone.now())


def work(*, once: bool = False, sleep: float = 1.0, max_jobs: int | None = None,
         stop: Any = None) -> int:
    """The worker loop of ``manage.py run_exports``: run waiting jobs one by one; with
    `once`, stop when none is left. Returns the number of jobs run."""
    requeue_stale()
    ran = 0
    while max_jobs is None or ran < max_jobs:
        if stop is not None and stop():
            break
        if not connection.in_atomic_block:  # (a test's transaction is not a stale connection)
            close_old_connections()
        job = claim_next()
        if job is None:
            if once:
                break
            time.sleep(sleep)
            continue
        run_job(job)
        ran += 1
    return ran


def visible_jobs(user: Any) -> Any:
    """The jobs a user sees: their own; the registrar sees everyone's."""
    jobs = ExportJob.objects.defer("content").select_related("user")
    if user.has_perm("reports.view_faculty", None):  # university-wide: the registrar
        return jobs
    return jobs.filter(user=user)
