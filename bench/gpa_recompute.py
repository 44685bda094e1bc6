#!/usr/bin/env python3
"""GPA recompute benchmark: `registrar.records.gpa.recompute()` over the whole university.

What it does:

1. prints the machine (cores, CPU model, load average);
2. creates a fresh database — an SQLite file under /tmp by default, or with
   ``--database-url postgres://postgres@127.0.0.1:5432/<name>`` a fresh PostgreSQL database
   (created, and dropped at the end unless --keep) — and migrates it;
3. seeds with ``bulk_create``: one programme, 8 terms (4 academic years), 40 disciplines,
   ``--students`` students (default 50,000) with 40 attempts each (5 per term; about 4% failed,
   half of the FX superseded: not counted in GPA);
   PostgreSQL: ANALYZE afterwards, as autovacuum would;
4. times ``recompute()`` twice — into an empty snapshot table, then again over the stored
   snapshots (delete + insert, the steady state) — and checks the snapshot count
   (students x 8) and one student's figures against a hand computation.
   Target: < 30 s on SQLite and on PostgreSQL.

``--profile`` prints where the second run spends its time (cProfile, top functions).

    .venv/bin/python bench/gpa_recompute.py
    .venv/bin/python bench/gpa_recompute.py --database-url \\
        postgres://postgres@127.0.0.1:5432/registrar_bench_gpa
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.benchkit import (  # noqa: E402  (after the path is set)
    cpu_model,
    load_average,
    log,
    prepare_database,
    setup_django,
    usable_cores,
    wait_quiet,
)

TERMS = 8
PER_TERM = 5
TARGET_SECONDS = 30.0


# --- Seeding --------------------------------------------------------------------------------

def seed(students: int, rng: random.Random) -> None:
    from django.db import connection, transaction

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
    from registrar.people.models import Student
    from registrar.policy.values import DEFAULT_VALUES
    from registrar.records.models import Attempt

    faculty = Faculty.objects.create(code="F", name_kk="Ф", name_ru="Ф", name_en="F")
    department = Department.objects.create(faculty=faculty, code="D", name_kk="К",
                                           name_ru="К", name_en="D")
    programme = Programme.objects.create(
        department=department, code="6B06101", name_kk="АЖ", name_ru="ИС", name_en="IS",
        degree="bachelor", study_form="full_time", language="ru")
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
    disciplines = Discipline.objects.bulk_create([
        Discipline(code=f"D{i:03d}", credits=(5, 5, 4, 6, 3)[i % 5], name_kk=f"П{i}",
                   name_ru=f"Д{i}", name_en=f"D{i}") for i in range(TERMS * PER_TERM)])
    bands = [(b.letter, b.points, b.traditional != "fail", b.min_score, b.max_score)
             for b in DEFAULT_VALUES.grading_scale]
    # Mostly passing grades, about 4% failed.
    weights = {"A": 8, "A-": 10, "B+": 12, "B": 14, "B-": 12, "C+": 11, "C": 9, "C-": 7,
               "D+": 6, "D": 7, "FX": 3, "F": 1}
    population = [b for b in bands for _ in range(weights.get(b[0], 1))]
    slots = [(periods[t].pk, disciplines[t * PER_TERM + k]) for t in range(TERMS)
             for k in range(PER_TERM)]

    chunk = 1000  # students per round trip of attempts (40,000 attempts)
    with transaction.atomic():
        for first in range(0, students, chunk):
            made = Student.objects.bulk_create([
                Student(iin=f"{10_000_000_000 + n:012d}", birth_date=dt.date(2003, 1, 1),
                        gender="male", last_name_ru=f"С{n}", first_name_ru="А",
                        status="active", programme=programme, group=group,
                        year_of_study=4)
                for n in range(first, min(first + chunk, students))], batch_size=chunk)
            attempts = []
            for student in made:
                for period_id, disc in slots:
                    letter, points, passed, low, high = rng.choice(population)
                    attempts.append(Attempt(
                        student_id=student.pk, discipline_id=disc.pk, period_id=period_id,
                        kind="regular", title_kk=disc.name_kk, title_ru=disc.name_ru,
                        title_en=disc.name_en, credits=disc.credits,
                        final_score=Decimal(rng.randint(low, high)), letter=letter,
                        points=points, passed=passed,
                        # half the FX superseded by a resit: kept, not counted in GPA
                        counts_in_gpa=not (letter == "FX" and rng.random() < 0.5)))
            Attempt.objects.bulk_create(attempts, batch_size=5000)
            done = min(first + chunk, students)
            if done % 10000 == 0 or done == students:
                sys.stderr.write(f"\r  seeded {done}/{students} students")
                sys.stderr.flush()
    sys.stderr.write("\n")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def check(students: int) -> None:
    """Counts and one student's figures recomputed by hand from the attempts."""
    from registrar.records.models import Attempt, GpaSnapshot

    count = GpaSnapshot.objects.count()
    assert count == students * TERMS, f"{count} snapshots, expected {students * TERMS}"
    sample = GpaSnapshot.objects.order_by("?").select_related("period").first()
    assert sample is not None
    rows = list(Attempt.objects.filter(student_id=sample.student_id,
                                       period__starts_on__lte=sample.period.starts_on)
                .values_list("points", "credits", "passed", "counts_in_gpa"))
    weighted = sum((p * c for p, c, _, counts in rows if counts), Decimal(0))
    credits = sum(c for _, c, _, counts in rows if counts)
    exact = (weighted / credits).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    assert abs(sample.cumulative_gpa - exact) <= Decimal("0.0001"), (sample.cumulative_gpa,
                                                                      exact)
    assert sample.credits_earned == sum(c for _, c, passed, _ in rows if passed)


def timed_recompute(profile: bool) -> tuple[float, int]:
    from registrar.records import gpa

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    total = gpa.recompute()
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        log(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        log(out.getvalue())
    return seconds, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a fresh PostgreSQL database to create")
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true", help="profile the second run")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--wait-quiet", type=float, default=120, metavar="SECONDS",
                        help="wait up to this long for an idle machine before each measurement")
    args = parser.parse_args()

    log(f"machine: {usable_cores()} cores ({os.cpu_count()} online), {cpu_model()}, "
        f"Python {platform.python_version()}; load average {load_average()}")
    url, cleanup = prepare_database(args.database_url, "gpa")
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        version = ""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = " " + cursor.fetchone()[0]
        else:
            import sqlite3

            version = " " + sqlite3.sqlite_version
        log(f"database: {connection.vendor}{version} {url.rsplit('@', 1)[-1]}")
        started = time.perf_counter()
        seed(args.students, random.Random(2026))
        attempts = args.students * TERMS * PER_TERM
        log(f"seeded {args.students:,} students x {TERMS * PER_TERM} attempts = {attempts:,} "
            f"attempts in {time.perf_counter() - started:.1f} s")
        for label, profile in (("into an empty snapshot table", False),
                               ("over stored snapshots (delete + insert)", args.profile)):
            wait_quiet(args.wait_quiet)
            seconds, total = timed_recompute(profile)
            check(args.students)
            log(f"recompute() {label}: {total:,} snapshots from {attempts:,} attempts in "
                f"{seconds:.1f} s ({attempts / seconds:,.0f} attempts/s) "
                f"[target < {TARGET_SECONDS:.0f} s: "
                f"{'met' if seconds < TARGET_SECONDS else 'NOT met'}]")
    finally:
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    main()
