"""Export jobs: a report written to XLSX or PDF in the background, with its progress (§12).

A job is queued by the page, claimed and run by the `run_exports` worker (see jobs.py), and
its file is kept in the row until the requester downloads it. The row is the queue: no broker.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    SESSION = "session", _("Exam session results")
    CONTINGENT = "contingent", _("Contingent and movement")
    DEBTORS = "debtors", _("Debtors")
    HONOURS = "honours", _("Honours candidates")
    DISTRIBUTION = "distribution", _("Grade distribution")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                             on_delete=models.CASCADE, related_name="export_jobs")
    report = models.CharField(_("report"), max_length=16, choices=ReportKind.choices)
    export_format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ru")
    state = models.CharField(_("state"), max_length=8, choices=JobState.choices,
                             default=JobState.QUEUED)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    total = models.PositiveIntegerField(_("steps in all"), default=0)
    filename = models.CharField(_("file name"), max_length=120, blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "id"], name="export_job_queue")]
        constraints = [
            models.CheckConstraint(condition=models.Q(done__lte=models.F("total")),
                                   name="export_job_progress_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.get_report_display()} {self.export_format} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        """Progress as a whole percentage for the progress bar."""
        if self.state == JobState.DONE:
            return 100
        return (100 * self.done // self.total) if self.total else 0
