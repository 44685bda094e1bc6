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
import tempfile
import time
import urllib.parse
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TERMS = 8
PER_TERM = 5
TARGET_SECONDS = 30.0


def log(message: str = "") -> None:
    print(message, flush=True)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def cpu_busy_jiffies() -> int:
    """Jiffies all CPUs spent not idle (from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields[:8]) - idle


def busy_cores(seconds: float = 2.0) -> float:
    """Average number of busy cores over the next `seconds`."""
    ticks = os.sysconf("SC_CLK_TCK")
    before = cpu_busy_jiffies()
    time.sleep(seconds)
    return (cpu_busy_jiffies() - before) / ticks / seconds


def wait_quiet(limit: float, threshold: float = 0.25) -> None:
    """Wait up to `limit` seconds for the machine to be idle: other jobs skew the figures."""
    if limit <= 0:
        return
    deadline = time.monotonic() + limit
    busy = busy_cores()
    while busy > threshold and time.monotonic() < deadline:
        busy = busy_cores()
    log(f"busy cores before measuring: {busy:.2f} (load average {load_average()}); "
        f"calibration loop {calibration_ms():.0f} ms")


def calibration_ms() -> float:
    """CPU milliseconds of a fixed pure-Python loop: a yardstick for this machine's speed at
    the moment (a shared VM's speed drifts by half even when it looks idle; scale the figures
    by it when comparing runs). About 160 ms on an uncontended AMD EPYC core."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        sum(i * i for i in range(3_000_000))
        best = min(best, time.process_time() - started)
    return best * 1000


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# --- A fresh database ----------------------------------------------------------------------

def _pg_connect(url: str, dbname: str = "postgres") -> Any:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    return psycopg.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                           user=urllib.parse.unquote(parts.username or "postgres"),
                           password=urllib.parse.unquote(parts.password or "") or None,
                           dbname=dbname, autocommit=True, connect_timeout=10)


def prepare_database(url: str | None) -> tuple[str, Any]:
    """The DATABASE_URL to use and a clean-up callable. PostgreSQL: the database named in the
    URL is created (it must not exist yet)."""
    if url is None:
        path = Path(tempfile.gettempdir()) / f"registrar_bench_gpa_{int(time.time())}.sqlite3"
        return f"sqlite:///{path}", lambda: [p.unlink(missing_ok=True) for p in (
            path, Path(f"{path}-wal"), Path(f"{path}-shm"))]
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("--database-url must be a PostgreSQL URL")
    if (parts.hostname or "127.0.0.1") not in LOOPBACK:
        raise SystemExit("refusing to benchmark a database that is not on 127.0.0.1")
    name = parts.path.lstrip("/")
    if not name or name == "postgres":
        raise SystemExit("--database-url must name the fresh database to create")
    with _pg_connect(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with _pg_connect(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registrar.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()


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


# --- PROPOSED for registrar/records/gpa.py --------------------------------------------------
# A faster whole-university `recompute()` giving exactly the rows of the current one (checked
# by --compare). The profile of the current one (SQLite, 50,000 students) shows three costs,
# none of them the database's:
#   - bulk_create(update_conflicts=True) of 400,000 GpaSnapshot instances: model __init__ and
#     per-value preparation (get_db_prep_save) of 3.2M values — 55% of the time; on PostgreSQL
#     even a raw multi-row INSERT ... ON CONFLICT spends ~13 s of client CPU binding 3.2M
#     parameters, where COPY takes 2.8 s;
#   - Django's per-row converters (Decimal, bool) on 2M attempts on SQLite — ~15%;
#   - the O(n^2) GPA: for every term the cumulative and year lists are re-summed through
#     GradedAttempt dataclasses and Decimal arithmetic — ~25%.
# The proposal reads integer columns (points x 100, 0/1 flags: no converter runs), keeps
# running integer sums per student (O(n)), divides once per figure — `decimal` rounds the
# quotient correctly, so Decimal(weighted x 100) / (credits x 100) is the very value
# Decimal(weighted) / credits was — quantizes as before, and writes with one COPY
# (PostgreSQL) or one executemany (SQLite) after deleting the old rows under a table lock.
# The per-student path (`student_ids` given: record_attempt, supersede) is tiny and can keep
# the current upsert.


def _proposed_rows(student_ids: list[int] | None) -> Any:
    from django.db.models import F, IntegerField
    from django.db.models.functions import Cast, Round

    from registrar.records.models import Attempt

    attempts = Attempt.objects.all()
    if student_ids is not None:
        attempts = attempts.filter(student_id__in=student_ids)
    # Integer columns only: no converter runs, the iterator hands back the driver's tuples.
    return attempts.order_by("student_id", "period__starts_on", "period_id").values_list(
        "student_id", "period_id", "period__year_id",
        Cast(Round(F("points") * 100), IntegerField()), "credits",
        Cast("counts_in_gpa", IntegerField()), Cast("passed", IntegerField()),
    ).iterator(chunk_size=5000)


SNAPSHOT_COLUMNS = ("student_id", "period_id", "term_gpa", "term_credits", "year_gpa",
                    "cumulative_gpa", "credits_earned", "computed_at")


def _proposed_write(rows: list[tuple]) -> None:
    """Insert snapshot rows (the table holds none of these students any more)."""
    from django.db import connection

    from registrar.records.models import GpaSnapshot

    qn = connection.ops.quote_name
    table = qn(GpaSnapshot._meta.db_table)
    columns = ", ".join(qn(c) for c in SNAPSHOT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(SNAPSHOT_COLUMNS))
            # Only quoted identifiers are formatted into the SQL; values are parameters.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                               rows)


def proposed_recompute(batch: int = 20000) -> int:
    """Recompute every student's snapshots; returns the count."""
    from itertools import groupby

    from django.db import connection, transaction
    from django.utils import timezone

    from registrar.records.models import GpaSnapshot

    four = Decimal("0.0001")

    def figure(weighted: int, credits: int) -> Decimal | None:
        # == (Decimal(sum of points x credits) / credits).quantize(FOUR), as before
        return None if credits == 0 else (Decimal(weighted) / (credits * 100)).quantize(four)

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Readers go on; another recompute or upsert waits for this one (SQLite: the
            # write transaction already holds the database).
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(GpaSnapshot._meta.db_table)}"
                               " IN SHARE ROW EXCLUSIVE MODE")
        GpaSnapshot.objects.all().delete()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        pending: list[tuple] = []
        total = 0
        for student_id, rows in groupby(_proposed_rows(None), key=lambda r: r[0]):
            cum_w = cum_c = earned = 0
            year_id = None
            year_w = year_c = 0
            for (_s, period_id, term_year), term in groupby(rows, key=lambda r: r[:3]):
                if term_year != year_id:
                    year_id, year_w, year_c = term_year, 0, 0
                term_w = term_c = 0
                for _s2, _p, _y, points_x100, credits, counts, passed in term:
                    if counts and credits > 0:
                        term_w += points_x100 * credits
                        term_c += credits
                    if passed:
                        earned += credits
                year_w += term_w
                year_c += term_c
                cum_w += term_w
                cum_c += term_c
                pending.append((student_id, period_id, figure(term_w, term_c), term_c,
                                figure(year_w, year_c), figure(cum_w, cum_c), earned, now))
            if len(pending) >= batch:
                _proposed_write(pending)
                total += len(pending)
                pending = []
        if pending:
            _proposed_write(pending)
            total += len(pending)
    return total


def snapshot_table() -> list[tuple]:
    from registrar.records.models import GpaSnapshot

    return list(GpaSnapshot.objects.order_by("student_id", "period_id").values_list(
        "student_id", "period_id", "term_gpa", "term_credits", "year_gpa", "cumulative_gpa",
        "credits_earned"))


def timed_recompute(profile: bool, function: Any = None) -> tuple[float, int]:
    from registrar.records import gpa

    function = function or gpa.recompute
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    total = function()
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


def compare(attempts: int, quiet: float) -> None:
    from registrar.records.models import GpaSnapshot

    expected = snapshot_table()
    for label in ("over stored snapshots", "into an empty snapshot table"):
        if label.startswith("into"):
            GpaSnapshot.objects.all().delete()
        wait_quiet(quiet)
        seconds, total = timed_recompute(False, proposed_recompute)
        same = snapshot_table() == expected
        log(f"PROPOSED recompute {label}: {total:,} snapshots in {seconds:.1f} s "
            f"({attempts / seconds:,.0f} attempts/s); rows identical to the current "
            f"recompute(): {'yes' if same else 'NO'}")
        assert same, "the proposed recompute differs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a fresh PostgreSQL database to create")
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true", help="profile the second run")
    parser.add_argument("--compare", action="store_true",
                        help="also time the proposed recompute and check it writes the same "
                             "rows")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--wait-quiet", type=float, default=120, metavar="SECONDS",
                        help="wait up to this long for an idle machine before each measurement")
    args = parser.parse_args()

    log(f"machine: {usable_cores()} cores ({os.cpu_count()} online), {cpu_model()}, "
        f"Python {platform.python_version()}; load average {load_average()}")
    url, cleanup = prepare_database(args.database_url)
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
        if args.compare:
            compare(attempts, args.wait_quiet)
    finally:
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    main()
