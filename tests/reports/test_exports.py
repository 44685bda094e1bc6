"""XLSX and PDF exports, and the background export jobs with their progress (§12)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from registrar.people.models import RoleAssignment
from registrar.reports import exports, jobs, presenters, selectors
from registrar.reports.models import ExportJob, JobState
from tests import factories


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def rows_of(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- XLSX ---------------------------------------------------------------------------------

def test_session_xlsx_has_headings_rows_and_totals(session_world):
    w = session_world
    report = presenters.present_session(selectors.session_results(w.autumn, by=w.registrar))
    seen: list[tuple[int, int]] = []
    book = workbook(exports.xlsx(report, lambda done, total: seen.append((done, total))))
    assert len(book.sheetnames) == 4  # the main table and three subtotal tables
    sheet = book[book.sheetnames[0]]
    rows = rows_of(sheet)
    assert rows[0][0] == "Exam session results: 2026-2027 Autumn semester"
    assert ["Term", "2026-2027 Autumn semester"] == rows[2][:2]
    heading = next(i for i, r in enumerate(rows) if r[0] == "Programme")
    # Two heading rows: groups over the bands and the percentages (merged), then labels.
    assert rows[heading][4:7] == ["Students", "Admitted", "Sat"]
    assert rows[heading][7] == "Students who sat, by their lowest grade"
    assert rows[heading + 1][7:11] == ["Excellent only (A, A-)", "Good and excellent",
                                       "With satisfactory grades", "With failures"]
    assert rows[heading + 1][11:13] == ["Absolute", "Quality"]
    assert any(str(rng).startswith("H") for rng in sheet.merged_cells.ranges)
    p, q, total = rows[heading + 2], rows[heading + 3], rows[heading + 4]
    assert p[0] == str(w.programme) and p[1:4] == [1, "Russian", "Full-time"]
    assert p[4:] == [6, 6, 5, 1, 1, 1, 2, 60, 40]
    assert q[4:] == [2, 2, 2, 1, 1, 0, 0, 100, 100]
    assert total[0] == "Total" and total[4:] == [8, 8, 7, 2, 2, 1, 2, 71.4, 57.1]
    assert sheet.cell(heading + 5, 12).number_format == "0.0"
    assert sheet.cell(heading + 5, 1).font.bold
    assert sheet.freeze_panes == f"A{heading + 3}"
    assert seen[-1][0] == seen[-1][1] == report.row_count


def test_debtors_xlsx_download(client, session_world):
    w = session_world
    client.force_login(w.dean)
    response = client.get(reverse("reports:download", args=["debtors", "xlsx"]),
                          {"faculty": w.faculty.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="debtors-')
    rows = rows_of(workbook(response.content).active)
    heading = next(i for i, r in enumerate(rows) if r[0] == "Group")
    assert [r[1].split()[0] for r in rows[heading + 1:heading + 3]] == ["Fedorov", "Yesenov"]
    assert [r[4] for r in rows[heading + 1:heading + 3]] == ["PHY1102", "MAT1101"]
    assert rows[heading + 3][0] == "Total" and rows[heading + 3][6] == 10
    other = client.get(reverse("reports:download", args=["debtors", "xlsx"]),
                       {"faculty": w.other_faculty.pk})
    assert other.status_code == 404


def test_big_reports_are_not_downloaded_at_once(client, session_world):
    client.force_login(session_world.registrar)
    response = client.get(reverse("reports:download", args=["session", "xlsx"]))
    assert response.status_code == 404


# --- PDF ----------------------------------------------------------------------------------

def test_distribution_pdf_renders_with_the_chart(client, session_world):
    w = session_world
    client.force_login(w.registrar)
    response = client.get(reverse("reports:download", args=["distribution", "pdf"]),
                          {"period": w.autumn.pk})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Grade distribution" in text and "MAT1101" in text and "75.0" in text
    html = exports.html(presenters.present_distribution(
        selectors.grade_distribution(w.autumn, by=w.registrar)))
    assert html.count("<svg") == 3


def test_honours_and_contingent_pdfs(contingent_world, session_world):
    w = session_world
    honours = exports.pdf(presenters.present_honours(
        selectors.honours_candidates(dt.date(2027, 1, 5), by=w.registrar)))
    assert "Honours candidates" in pdf_text(honours) and "Aliev" in pdf_text(honours)
    c = contingent_world
    report = presenters.present_contingent(selectors.contingent(
        dt.date(2026, 3, 15), dt.date(2025, 9, 1), dt.date(2026, 8, 31), faculty=c.faculty,
        by=c.registrar))
    text = pdf_text(exports.pdf(report))
    assert "Contingent report" in text and "Poor academic results" in text


# --- Background export jobs ---------------------------------------------------------------

def _post_export(client, kind, fmt, **data):
    return client.post(reverse("reports:export", args=[kind, fmt]), data)


def test_export_job_runs_to_done_with_progress_equal_to_total(client, session_world):
    w = session_world
    client.force_login(w.dean)
    response = _post_export(client, "session", "xlsx", faculty=w.faculty.pk,
                            period=w.autumn.pk)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:job",
                                                                   args=[job.pk])
    assert (job.user, job.report, job.export_format, job.state) == (w.dean, "session", "xlsx",
                                                                     JobState.QUEUED)
    assert job.params == {"faculty": w.faculty.pk, "period": w.autumn.pk,
                          "grouping": "discipline"}
    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "Waiting for the export worker" in page

    call_command("run_exports", "--once", verbosity=0)

    job.refresh_from_db()
    assert job.state == JobState.DONE and job.error == ""
    assert job.total > 2 and job.done == job.total and job.percent == 100
    assert job.started_at <= job.finished_at
    fragment = client.get(reverse("reports:job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment  # done: the polling stops
    assert reverse("reports:job_file", args=[job.pk]) in fragment
    download = client.get(reverse("reports:job_file", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == exports.XLSX_TYPE
    rows = rows_of(workbook(download.content).worksheets[0])
    assert [r for r in rows if r[0] == "Total"][0][4:] == [8, 8, 7, 2, 2, 1, 2, 71.4, 57.1]


def test_progress_is_written_while_the_job_runs(contingent_world, monkeypatch):
    """The job row's done/total as the worker writes them (one write per table of the
    workbook here): done ≤ total, never going back, ending at done = total."""
    w = contingent_world
    job = jobs.request_export(w.registrar, "contingent", "xlsx",
                              presenters.Params(on="2026-03-15", start="2025-09-01",
                                                end="2026-08-31"))
    seen: list[tuple[int, int]] = []
    write = jobs._Progress.__call__

    def recording(self, done, total):
        write(self, done, total)
        seen.append(ExportJob.objects.values_list("done", "total").get(pk=self.job.pk))

    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0)
    monkeypatch.setattr(jobs._Progress, "__call__", recording)
    finished = jobs.run_job(jobs.claim_next())
    assert finished == job and finished.state == JobState.DONE
    assert len(seen) >= 7 and all(d < t for d, t in seen)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert finished.done == finished.total == seen[-1][1]
    assert workbook(bytes(finished.content)).sheetnames[0].startswith("Students on")


def test_only_the_requester_or_the_registrar_may_see_a_job(client, session_world):
    w = session_world
    job = jobs.request_export(w.dean, "session", "pdf",
                              presenters.Params(faculty=w.faculty.pk, period=w.autumn.pk))
    jobs.work(once=True)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    file_url = reverse("reports:job_file", args=[job.pk])
    second_dean = factories.dean(w.faculty)
    for user, status in ((w.dean, 200), (w.registrar, 200), (second_dean, 404),
                         (w.other_dean, 404), (w.teacher, 404)):
        client.force_login(user)
        assert client.get(file_url).status_code == status, user
        assert client.get(reverse("reports:job", args=[job.pk])).status_code == status
    client.force_login(w.dean)
    assert client.get(file_url).content.startswith(b"%PDF")
    client.force_login(w.registrar)
    assert f'href="{reverse("reports:job", args=[job.pk])}"' in client.get(
        reverse("reports:jobs")).content.decode()
    client.force_login(second_dean)
    assert f'href="{reverse("reports:job", args=[job.pk])}"' not in client.get(
        reverse("reports:jobs")).content.decode()


def test_export_of_another_faculty_is_refused(client, session_world):
    w = session_world
    client.force_login(w.dean)
    response = _post_export(client, "session", "xlsx", faculty=w.other_faculty.pk,
                            period=w.autumn.pk)
    assert response.status_code == 404 and not ExportJob.objects.exists()
    client.force_login(w.teacher)
    assert _post_export(client, "contingent", "xlsx").status_code == 403
    with pytest.raises(Exception, match="permission"):
        jobs.request_export(w.other_dean, "session", "xlsx",
                            presenters.Params(faculty=w.faculty.pk, period=w.autumn.pk))


def test_a_dean_who_lost_the_faculty_gets_a_failed_job(session_world):
    w = session_world
    job = jobs.request_export(w.dean, "session", "xlsx",
                              presenters.Params(faculty=w.faculty.pk, period=w.autumn.pk))
    RoleAssignment.objects.filter(user=w.dean).delete()
    jobs.work(once=True)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "no longer" in job.error and job.content is None


def test_inline_exports_for_a_demo_without_a_worker(client, session_world, settings):
    settings.REPORTS_EXPORTS_INLINE = True
    w = session_world
    client.force_login(w.registrar)
    _post_export(client, "contingent", "xlsx", on="2027-01-01", start="2026-09-01",
                 end="2026-12-31")
    job = ExportJob.objects.get()
    assert job.state == JobState.DONE and job.done == job.total


def test_one_claim_per_job_and_stale_jobs_are_queued_again(session_world):
    w = session_world
    job = jobs.request_export(w.registrar, "session", "xlsx",
                              presenters.Params(period=w.autumn.pk))
    first, second = jobs.claim_next(), jobs.claim_next()
    assert first == job and second is None
    assert jobs.requeue_stale() == 0
    later = timezone.now() + jobs.STALE_AFTER + dt.timedelta(minutes=1)
    assert jobs.requeue_stale(now=later) == 1
    assert jobs.claim_next() == job


def test_failed_report_records_the_error(session_world):
    w = session_world
    job = jobs.request_export(w.registrar, "session", "xlsx", presenters.Params(period=0))
    jobs.work(once=True)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error


def test_decimal_percentages_stay_exact_in_xlsx(session_world):
    w = session_world
    report = presenters.present_session(selectors.session_results(w.autumn, by=w.registrar))
    assert report.tables[0].totals[-2:] == [Decimal("71.4"), Decimal("57.1")]
