#!/usr/bin/env python3
"""Transcript printing benchmark (issue 5).

What it does:

1. prints the machine (cores, CPU model) and the database;
2. creates a fresh database — an SQLite file under /tmp by default, or with
   ``--database-url postgres://postgres@127.0.0.1:5432/<name>`` a fresh PostgreSQL database
   (created, and dropped at the end unless --keep) — and migrates it;
3. seeds through the ORM in bulk: one programme, 8 terms (4 academic years), 40 disciplines,
   a registrar, and ``--batch`` + 1 students with 40 attempts each (5 per term, one FX with
   its resit), then the GPA snapshots via ``registrar.records.gpa.recompute``;
4. issues one transcript and renders its PDF ``--runs`` times (after one warm-up render):
   median and p95 (target: median < 300 ms);
5. issues and prints ``--batch`` transcripts through the batch command's function
   (``registrar.documents.batch.issue_batch``, PDFs to a temporary folder, ``--jobs``
   printing processes): total time and documents per second.

Run from the repository root:

    .venv/bin/python bench/transcripts.py
    .venv/bin/python bench/transcripts.py --database-url postgres://postgres@127.0.0.1:5432/x
    .venv/bin/python bench/transcripts.py --sample /tmp/transcript.pdf --batch 0
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.benchkit import (  # noqa: E402  (after the path is set)
    calibration_ms,
    cpu_model,
    load_average,
    log,
    migrate,
    prepare_database,
    setup_django,
    usable_cores,
    wait_quiet,
)

ATTEMPTS_PER_TERM = 5
TERMS = 8


# --- Seeding --------------------------------------------------------------------------------

def seed(students: int, rng: random.Random) -> dict[str, Any]:
    """One programme, 8 terms, 40 disciplines, a registrar and `students` students with 40
    attempts each (bulk), then their GPA snapshots."""
    from django.contrib.auth import get_user_model

    from registrar.curriculum.models import Discipline
    from registrar.institution.models import (
        AcademicGroup,
        AcademicPeriod,
        AcademicYear,
        Department,
        Faculty,
        PeriodKind,
        Programme,
    )
    from registrar.people.models import Role, RoleAssignment, Student
    from registrar.policy.grading import band_for
    from registrar.policy.values import DEFAULT_VALUES
    from registrar.records import gpa
    from registrar.records.models import Attempt, AttemptKind

    faculty = Faculty.objects.create(code="IT", name_kk="Ақпараттық технологиялар факультеті",
                                     name_ru="Факультет информационных технологий",
                                     name_en="Faculty of Information Technology")
    department = Department.objects.create(faculty=faculty, code="CS",
                                           name_kk="Информатика кафедрасы",
                                           name_ru="Кафедра информатики",
                                           name_en="Department of Computer Science")
    programme = Programme.objects.create(
        department=department, code="6B06101", name_kk="Ақпараттық жүйелер",
        name_ru="Информационные системы", name_en="Information Systems", degree="bachelor",
        study_form="full_time", language="ru", duration_years=4, total_credits=240)
    group = AcademicGroup.objects.create(name="IS-21-1", programme=programme, intake_year=2021,
                                         language="ru")
    periods = []
    for start in range(2021, 2025):
        year = AcademicYear.objects.create(start_year=start, starts_on=dt.date(start, 9, 1),
                                           ends_on=dt.date(start + 1, 6, 30))
        periods.append(AcademicPeriod.objects.create(
            year=year, kind=PeriodKind.AUTUMN, starts_on=dt.date(start, 9, 1),
            ends_on=dt.date(start, 12, 31)))
        periods.append(AcademicPeriod.objects.create(
            year=year, kind=PeriodKind.SPRING, starts_on=dt.date(start + 1, 1, 12),
            ends_on=dt.date(start + 1, 5, 31)))
    subjects = [
        ("Математический анализ", "Математикалық талдау", "Calculus"),
        ("Линейная алгебра", "Сызықтық алгебра", "Linear Algebra"),
        ("Программирование на Python", "Python тілінде бағдарламалау", "Programming in Python"),
        ("Базы данных", "Деректер қоры", "Databases"),
        ("Компьютерные сети", "Компьютерлік желілер", "Computer Networks"),
        ("Операционные системы", "Операциялық жүйелер", "Operating Systems"),
        ("Алгоритмы и структуры данных", "Алгоритмдер және деректер құрылымы",
         "Algorithms and Data Structures"),
        ("Современная история Казахстана", "Қазақстанның қазіргі заман тарихы",
         "Modern History of Kazakhstan"),
    ]
    disciplines = Discipline.objects.bulk_create([
        Discipline(code=f"{'ABCDEFGH'[i % 8]}{'XYZ'[i % 3]}{1000 + i:04d}",
                   credits=(5, 5, 4, 6, 3)[i % 5],
                   name_ru=f"{subjects[i % 8][0]} {i // 8 + 1}",
                   name_kk=f"{subjects[i % 8][1]} {i // 8 + 1}",
                   name_en=f"{subjects[i % 8][2]} {i // 8 + 1}")
        for i in range(TERMS * ATTEMPTS_PER_TERM)])
    User = get_user_model()
    registrar = User.objects.create_user("bench_registrar", password=None)
    RoleAssignment.objects.create(user=registrar, role=Role.REGISTRAR)

    scale = DEFAULT_VALUES.grading_scale
    made = Student.objects.bulk_create([
        Student(iin=f"{10_000_000_000 + n:012d}", birth_date=dt.date(2003, 1 + n % 12,
                                                                       1 + n % 28),
                gender="female" if n % 2 else "male", last_name_ru=f"Студентова{n}",
                first_name_ru="Айгерим", patronymic_ru="Сериковна", last_name_kk=f"Студентова{n}",
                first_name_kk="Айгерім", last_name_en=f"Studentova{n}", first_name_en="Aigerim",
                status="active", programme=programme, group=group, year_of_study=4)
        for n in range(students)], batch_size=2000)

    def attempt(student: Any, disc: Any, period: Any, score: int,
                kind: str = AttemptKind.REGULAR, counts: bool = True) -> Any:
        band = band_for(score, scale)
        return Attempt(student=student, discipline=disc, period=period, kind=kind,
                       title_ru=disc.name_ru, title_kk=disc.name_kk, title_en=disc.name_en,
                       credits=disc.credits,
                       final_score=Decimal(score) + (Decimal("0.40") if score < 100 else 0),
                       letter=band.letter, points=band.points,
                       passed=band.traditional != "fail", counts_in_gpa=counts)

    chunk: list[Any] = []
    for student in made:
        for t, period in enumerate(periods):
            for k in range(ATTEMPTS_PER_TERM):
                disc = disciplines[t * ATTEMPTS_PER_TERM + k]
                if t == 2 and k == 0:  # an FX, superseded by its resit in the same term
                    chunk.append(attempt(student, disc, period, 40, counts=False))
                    chunk.append(attempt(student, disc, period, 78, AttemptKind.RESIT))
                    continue
                chunk.append(attempt(student, disc, period, rng.randint(62, 100)))
        if len(chunk) >= 20000:
            Attempt.objects.bulk_create(chunk, batch_size=5000)
            chunk = []
    if chunk:
        Attempt.objects.bulk_create(chunk, batch_size=5000)
    gpa.recompute([s.pk for s in made])
    return {"registrar": registrar, "students": made, "group": group}


# --- Measuring ----------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a fresh PostgreSQL database to create")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=1, help="printing processes in the batch")
    parser.add_argument("--language", default="ru", choices=["kk", "ru", "en"])
    parser.add_argument("--sample", help="also write the measured PDF here")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--wait-quiet", type=float, default=120, metavar="SECONDS",
                        help="wait up to this long for an idle machine before each measurement")
    args = parser.parse_args()

    log(f"machine: {usable_cores()} cores ({os.cpu_count()} online), {cpu_model()}, "
        f"Python {platform.python_version()}; load average {load_average()}")
    url, cleanup = prepare_database(args.database_url, "transcripts")
    try:
        setup_django(url)
        from django.db import connection

        log(f"database: {connection.vendor} {url.rsplit('@', 1)[-1]}")
        started = time.perf_counter()
        migrate()
        rng = random.Random(2026)
        world = seed(args.batch + 1, rng)
        log(f"seeded {args.batch + 1} students x {TERMS * ATTEMPTS_PER_TERM + 1} attempts "
            f"over {TERMS} terms in {time.perf_counter() - started:.1f} s")
        run(world, args)
    finally:
        if not args.keep:
            cleanup()


def run(world: dict[str, Any], args: argparse.Namespace) -> None:
    import weasyprint

    from registrar.documents import services
    from registrar.documents.batch import ProgressBar, issue_batch

    registrar, students = world["registrar"], world["students"]
    one, rest = students[0], students[1:]

    timings = []
    for _ in range(5):
        t = time.perf_counter()
        document = services.issue_transcript(one, by=registrar, language=args.language)
        timings.append(time.perf_counter() - t)
    rows = sum(len(term["rows"]) for term in document.content["terms"])
    log(f"issue (snapshot + insert + audit), {rows} rows / {len(document.content['terms'])} "
        f"terms: median {statistics.median(timings) * 1000:.1f} ms")

    from registrar.documents.printing import document_html

    t = time.perf_counter()
    pdf = services.render_pdf(document)  # warm-up: fonts, templates, imports
    cold = time.perf_counter() - t
    timings, cpu, html_cpu = [], [], []
    wait_quiet(args.wait_quiet)
    for _ in range(args.runs):
        t, c = time.perf_counter(), time.process_time()
        pdf = services.render_pdf(document)
        timings.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    for _ in range(10):
        c = time.process_time()
        document_html(document)
        html_cpu.append(time.process_time() - c)
    median = statistics.median(timings) * 1000
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    log(f"render_pdf (WeasyPrint {weasyprint.__version__}), {len(pdf) // 1024} KiB, "
        f"{pages} pages: first {cold * 1000:.0f} ms; over {args.runs} runs median "
        f"{median:.0f} ms, p95 {percentile(timings, 0.95) * 1000:.0f} ms, "
        f"min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
        f"[target median < 300 ms: {'met' if median < 300 else 'NOT met'}]")
    log(f"  CPU time per render: median {statistics.median(cpu) * 1000:.0f} ms, p95 "
        f"{percentile(cpu, 0.95) * 1000:.0f} ms (of which HTML + QR code "
        f"{statistics.median(html_cpu) * 1000:.0f} ms); after: load average {load_average()}, "
        f"calibration loop {calibration_ms():.0f} ms")
    t = time.perf_counter()
    for _ in range(10):
        services.transcript_xlsx(document)
    log(f"transcript_xlsx: {(time.perf_counter() - t) * 100:.0f} ms each")
    if args.sample:
        Path(args.sample).write_bytes(pdf)
        log(f"sample PDF written to {args.sample} (code {document.code})")

    if not rest:
        return
    wait_quiet(args.wait_quiet)
    with tempfile.TemporaryDirectory(prefix="registrar_transcripts_") as out:
        bar = ProgressBar(len(rest), sys.stderr)
        result = issue_batch(rest, by=registrar, language=args.language, out_dir=out,
                             jobs=args.jobs, progress=bar)
        bar.close()
        size = sum(f.stat().st_size for f in Path(out).rglob("*.pdf"))
        log(f"batch of {len(rest)} (issue + render + write, {args.jobs} printing "
            f"process{'es' if args.jobs > 1 else ''}): {len(result.issued)} issued, "
            f"{len(result.files)} PDFs ({size / 2**20:.1f} MiB), {len(result.refused)} refused, "
            f"total {result.seconds:.1f} s, {result.rate:.2f} docs/s")


if __name__ == "__main__":
    main()
