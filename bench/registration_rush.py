#!/usr/bin/env python3
"""Registration rush: many students registering for sections at once, over HTTP (issue 3).

What it does, in order, bounded by --max-seconds:

1. prints the machine (cores, CPU model, PostgreSQL version and the settings that matter);
2. creates a fresh PostgreSQL database ``registrar_bench_<timestamp>`` on 127.0.0.1 (or uses
   --database-url), migrates it and seeds it through the Django ORM with ``bulk_create``:
   one faculty/programme, groups, a year with an autumn term, an academic calendar whose
   REGISTRATION window covers today, a pool of disciplines with sections whose capacity is
   somewhat below the demand for some of them, N active students with a user, an API token
   and an approved study plan of --per-student disciplines each;
3. starts gunicorn with production settings (DEBUG=0, PostgreSQL) and waits until it answers;
4. fires the rush: --concurrency concurrent clients (asyncio + aiohttp, keep-alive), each
   taking the next student and posting one registration per planned discipline to
   ``POST /api/v1/registration/registrations``, into a section chosen at random among the
   discipline's sections; prints throughput and latency percentiles;
5. checks the database: enrolled registrations == enrolled_count <= capacity in every section
   (``over-enrolment: 0``), no duplicate active registration per student and discipline;
6. stops the server and runs ``pgbench`` (default TPC-B-like script) on a separate database for
   the same duration, and prints our registrations/s as a ratio of pgbench's TPS;
7. drops the databases it created (unless --keep).

Only 127.0.0.1 is contacted. Run from the repository root:

    .venv/bin/python bench/registration_rush.py --students 5000 --per-student 6

It needs ``aiohttp`` in the virtual environment (``.venv/bin/pip install -e '.[bench]'``) and
``pgbench`` on PATH (Debian: ``postgresql-client``/``postgresql-contrib``).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REGISTER_PATH = "/api/v1/registration/registrations"


class BenchTimeout(Exception):
    """The --max-seconds guard fired."""


def log(message: str = "") -> None:
    print(message, flush=True)


def arm_deadline(max_seconds: int) -> None:
    """`BenchTimeout` in the main thread once --max-seconds have passed."""

    def on_alarm(signum: int, frame: Any) -> None:
        raise BenchTimeout(f"--max-seconds {max_seconds} reached")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(max_seconds)


def have_aiohttp() -> bool:
    """The load client's HTTP library (not a project dependency); says how to get it."""
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        log("aiohttp is needed: .venv/bin/pip install -e '.[bench]'  (aiohttp==3.14.5)")
        return False
    return True


# --- Machine -----------------------------------------------------------------------------

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_busy_jiffies() -> int:
    """Jiffies all CPUs spent not idle (from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields[:8]) - idle


def busy_cores(seconds: float = 2.0) -> float:
    """Average number of busy cores over the next `seconds`."""
    before = cpu_busy_jiffies()
    time.sleep(seconds)
    return (cpu_busy_jiffies() - before) / CLK_TCK / seconds


def wait_quiet(limit: float, threshold: float = 0.25) -> float:
    """Wait up to `limit` seconds for the machine to be idle (other users' jobs would skew
    the figures); return the busy cores measured last."""
    deadline = time.monotonic() + limit
    busy = busy_cores()
    while busy > threshold and time.monotonic() < deadline:
        busy = busy_cores()
    return busy


def _processes(server_pgid: int, dbname: str) -> dict[int, tuple[str, int]]:
    """Every process's category and CPU jiffies so far (utime + stime)."""
    found: dict[int, tuple[str, int]] = {}
    me = os.getpid()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        used = int(fields[11]) + int(fields[12])
        text = cmdline.decode(errors="replace")
        if pid == me:
            kind = "client"
        elif int(fields[2]) == server_pgid:
            kind = "gunicorn"
        elif text.startswith("postgres:") and f" {dbname} " in text:
            kind = "postgres"
        elif text.startswith("postgres:") and not re.search(r"\(\d+\)|\[local\]", text):
            kind = "postgres_background"  # wal writer, checkpointer, ...
        else:
            continue
        found[pid] = (kind, used)
    return found


class CpuMeter:
    """CPU used during an interval by the server, PostgreSQL's backends for our database,
    PostgreSQL's shared background processes and this client; 'other' is the rest of the
    machine. Sampled every second, so backends that come and go (CONN_MAX_AGE) are counted."""

    KINDS = ("gunicorn", "postgres", "postgres_background", "client")

    def __init__(self, server_pgid: int, dbname: str):
        self.server_pgid, self.dbname = server_pgid, dbname
        self.first: dict[int, int] = {}
        self.last: dict[int, tuple[str, int]] = {}
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for pid, (kind, used) in _processes(self.server_pgid, self.dbname).items():
            self.first.setdefault(pid, 0)  # a process born during the interval started at 0
            self.last[pid] = (kind, used)

    def _run(self) -> None:
        while not self.stop_event.wait(1.0):
            self._sample()

    def start(self) -> None:
        self.total0 = cpu_busy_jiffies()
        self.first = {pid: used for pid, (_, used) in
                      _processes(self.server_pgid, self.dbname).items()}
        self.thread.start()

    def stop(self) -> dict[str, float]:
        """Seconds of CPU by category, and 'total' and 'other'."""
        self.stop_event.set()
        self.thread.join()
        self._sample()
        used = {kind: 0.0 for kind in self.KINDS}
        for pid, (kind, jiffies) in self.last.items():
            used[kind] += (jiffies - self.first.get(pid, 0)) / CLK_TCK
        used["total"] = (cpu_busy_jiffies() - self.total0) / CLK_TCK
        used["other"] = max(0.0, used["total"] - sum(used[k] for k in self.KINDS))
        return used


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# --- PostgreSQL administration -----------------------------------------------------------

@dataclass
class PgTarget:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    @classmethod
    def from_url(cls, url: str) -> PgTarget:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
            raise SystemExit(f"--database-url must be a PostgreSQL URL, got {parts.scheme!r}")
        host = parts.hostname or "127.0.0.1"
        if host not in LOOPBACK:
            raise SystemExit(f"refusing to benchmark a database on {host}: only 127.0.0.1")
        return cls(host=host, port=parts.port or 5432, user=urllib.parse.unquote(
            parts.username or "postgres"), password=urllib.parse.unquote(parts.password or ""),
            dbname=parts.path.lstrip("/") or "postgres")

    def url(self, dbname: str | None = None) -> str:
        auth = urllib.parse.quote(self.user)
        if self.password:
            auth += ":" + urllib.parse.quote(self.password)
        return f"postgres://{auth}@{self.host}:{self.port}/{dbname or self.dbname}"

    def connect(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, user=self.user,
                               password=self.password or None, dbname=dbname, autocommit=True,
                               connect_timeout=10)

    def libpq_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def create_database(target: PgTarget, name: str) -> None:
    with target.connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(target: PgTarget, name: str) -> None:
    with target.connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_facts(target: PgTarget) -> dict[str, str]:
    names = ["server_version", "max_connections", "shared_buffers", "synchronous_commit",
             "fsync", "wal_level", "effective_io_concurrency", "autovacuum"]
    facts: dict[str, str] = {}
    with target.connect() as conn:
        for name in names:
            facts[name] = conn.execute(f"SHOW {name}").fetchone()[0]
    return facts


# --- Django: migrate and seed --------------------------------------------------------------

def server_env(database_url: str) -> dict[str, str]:
    """The production-like environment of the server (and of the in-process seeding)."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "registrar.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    })
    return env


def setup_django(database_url: str) -> None:
    os.environ.update(server_env(database_url))
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    # skip_checks: the benchmark measures the registration path; a system check failing in
    # some unrelated admin module that is being edited must not stop it.
    call_command("migrate", interactive=False, verbosity=0, skip_checks=True)


@dataclass
class Seeded:
    period_id: int
    # per student: (api key, [(discipline id, [section ids])...])
    students: list[tuple[str, list[tuple[int, list[int]]]]]
    sections: int
    disciplines: int
    capacity: int
    demand: int
    probe_key: str = ""
    probe_sections: list[int] = field(default_factory=list)


def _unique_iins(count: int, rng: random.Random) -> list[str]:
    from registrar.people import iin as iin_rules

    made: set[str] = set()
    out: list[str] = []
    serial = 0
    day = 0
    while len(out) < count:
        birth = dt.date(2006, 1, 1) + dt.timedelta(days=day % 730)
        iin = iin_rules.make(birth, "male" if serial % 2 else "female", serial)
        serial += 1
        if serial % 9000 == 0:
            day += 1
        if iin and iin not in made:
            made.add(iin)
            out.append(iin)
    rng.shuffle(out)
    return out


def seed(args: argparse.Namespace, rng: random.Random) -> Seeded:
    """Everything the rush needs, with bulk_create. Students are created ACTIVE directly
    (bypassing enrolment orders and the status history): fine for a benchmark of
    registration, which only reads the current status."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from registrar.api.models import ApiToken, digest
    from registrar.curriculum.models import (
        AcademicCalendar,
        CalendarEvent,
        CalendarEventKind,
        CalendarProgramme,
        Discipline,
    )
    from registrar.institution.models import (
        AcademicGroup,
        AcademicPeriod,
        AcademicYear,
        Department,
        Faculty,
        PeriodKind,
        Programme,
    )
    from registrar.people.models import Student, StudentStatus
    from registrar.registration.models import (
        PlanState,
        Section,
        SectionStatus,
        StudyPlan,
        StudyPlanLine,
    )

    User = get_user_model()
    tag = secrets.token_hex(3).upper()  # lets --database-url point at a non-empty database
    today = timezone.localdate()
    start_year = today.year if today.month >= 8 else today.year - 1
    n, per = args.students, args.per_student
    pool = args.disciplines
    if per > pool:
        raise SystemExit("--per-student cannot exceed --disciplines")
    batch = 1000

    with transaction.atomic():
        faculty = Faculty.objects.create(code=f"BF{tag}", name_kk="Бенч", name_ru="Бенч",
                                         name_en="Bench")
        department = Department.objects.create(faculty=faculty, code=f"BD{tag}",
                                               name_kk="Бенч", name_ru="Бенч", name_en="Bench")
        programme = Programme.objects.create(
            code=f"6B{tag}", department=department, degree="bachelor", study_form="full_time",
            language="ru", duration_years=4, total_credits=240,
            name_kk="Бенч бағдарлама", name_ru="Бенч программа", name_en="Bench programme")
        year, _ = AcademicYear.objects.get_or_create(
            start_year=start_year, defaults={"starts_on": dt.date(start_year, 9, 1),
                                             "ends_on": dt.date(start_year + 1, 6, 30)})
        period, _ = AcademicPeriod.objects.get_or_create(
            year=year, kind=PeriodKind.AUTUMN,
            defaults={"starts_on": dt.date(start_year, 9, 1),
                      "ends_on": dt.date(start_year, 12, 31)})
        calendar = AcademicCalendar.objects.create(year=year, name=f"Bench {tag}")
        CalendarProgramme.objects.create(calendar=calendar, programme=programme, year=year)
        CalendarEvent.objects.create(calendar=calendar, period=period,
                                     kind=CalendarEventKind.REGISTRATION,
                                     starts_on=today - dt.timedelta(days=3),
                                     ends_on=today + dt.timedelta(days=14))

        group_size = 25
        groups = AcademicGroup.objects.bulk_create([
            AcademicGroup(name=f"B{tag}-{k:04d}", programme=programme, intake_year=start_year,
                          language="ru")
            for k in range((n + group_size - 1) // group_size)
        ])

        disciplines = Discipline.objects.bulk_create([
            Discipline(code=f"BN{tag}{k:03d}", credits=5, lecture_hours=30, practice_hours=15,
                       independent_hours=105, name_kk=f"Пән {k}", name_ru=f"Дисциплина {k}",
                       name_en=f"Discipline {k}")
            for k in range(pool)
        ])
        # Two probe disciplines (one section each) for the in-process query count; not in the
        # rush, so they do not disturb its figures.
        probes = Discipline.objects.bulk_create([
            Discipline(code=f"BP{tag}{k}", credits=5, name_kk="Проба", name_ru="Проба",
                       name_en="Probe") for k in range(2)
        ])

        # Each student plans `per` distinct disciplines from the pool.
        plans = [rng.sample(range(pool), per) for _ in range(n)]
        demand = collections.Counter(d for plan in plans for d in plan)

        # Sections: the discipline's total capacity is demand × a factor drawn from
        # [low, high]; below 1 the discipline is over-subscribed (waitlists), and even above 1
        # students choosing sections at random fill some sections and leave others open.
        low, high = args.capacity_ratio
        section_rows: list[Section] = []
        for k, disc in enumerate(disciplines):
            total = max(1, round(demand[k] * rng.uniform(low, high)))
            count = args.sections_per_discipline
            weights = [rng.uniform(0.7, 1.3) for _ in range(count)]
            caps = [max(1, round(total * w / sum(weights))) for w in weights]
            for j, cap in enumerate(caps):
                section_rows.append(Section(
                    period=period, discipline=disc, code=f"{disc.code}-{j + 1:02d}",
                    language="ru", capacity=min(cap, 32767), status=SectionStatus.OPEN,
                    schedule=f"Mon {9 + j % 8:02d}:00"))
        probe_sections = [Section(period=period, discipline=p, code=f"{p.code}-01",
                                  language="ru", capacity=10, status=SectionStatus.OPEN)
                          for p in probes]
        sections = Section.objects.bulk_create(section_rows + probe_sections)
        by_discipline: dict[int, list[int]] = collections.defaultdict(list)
        for s in sections:
            by_discipline[s.discipline_id].append(s.pk)

        # Users, students, tokens and plans (one extra probe student at the end).
        iins = _unique_iins(n + 1, rng)
        users = User.objects.bulk_create([
            User(username=f"bench-{tag.lower()}-{i}", password="!bench-unusable",  # noqa: S106
                 is_active=True)
            for i in range(n + 1)
        ], batch_size=batch)
        students = Student.objects.bulk_create([
            Student(iin=iins[i], birth_date=dt.date(2006, 1, 1), gender="male",
                    last_name_ru=f"Студент{i}", first_name_ru="Бенч",
                    last_name_en=f"Student{i}", first_name_en="Bench",
                    status=StudentStatus.ACTIVE, programme=programme,
                    group=groups[min(i, n - 1) // group_size], year_of_study=1,
                    funding="paid", user=users[i])
            for i in range(n + 1)
        ], batch_size=batch)
        keys = [secrets.token_urlsafe(32) for _ in range(n + 1)]
        ApiToken.objects.bulk_create([
            ApiToken(user=users[i], name="bench", key_digest=digest(keys[i]), prefix=keys[i][:8])
            for i in range(n + 1)
        ], batch_size=batch)
        now = timezone.now()
        study_plans = StudyPlan.objects.bulk_create([
            StudyPlan(student=students[i], period=period, semester=1, state=PlanState.APPROVED,
                      submitted_at=now, advisor_approved_at=now, dean_approved_at=now)
            for i in range(n + 1)
        ], batch_size=batch)
        lines = [StudyPlanLine(plan=study_plans[i], discipline=disciplines[d],
                               component="compulsory", credits=5)
                 for i in range(n) for d in plans[i]]
        lines += [StudyPlanLine(plan=study_plans[n], discipline=p, component="compulsory",
                                credits=5) for p in probes]
        StudyPlanLine.objects.bulk_create(lines, batch_size=5000)

    with_sections = [
        (keys[i], [(disciplines[d].pk, by_discipline[disciplines[d].pk]) for d in plans[i]])
        for i in range(n)
    ]
    return Seeded(
        period_id=period.pk, students=with_sections, sections=len(section_rows),
        disciplines=pool, capacity=sum(s.capacity for s in section_rows),
        demand=n * per, probe_key=keys[n],
        probe_sections=[by_discipline[p.pk][0] for p in probes],
    )


def count_queries(seeded: Seeded) -> list[int]:
    """Queries of one registration request, in process through the test client (the probe
    student registers for the two probe sections: the first request is cold)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = []
    for section_id in seeded.probe_sections:
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(REGISTER_PATH, {"section_id": section_id},
                                   content_type="application/json",
                                   headers={"Authorization": f"Bearer {seeded.probe_key}"})
        if response.status_code not in (200, 201):
            raise RuntimeError(f"probe registration failed: {response.status_code} "
                               f"{response.content[:300]!r}")
        counts.append(len(ctx.captured_queries))
    return counts


# --- Server ------------------------------------------------------------------------------

class Server:
    def __init__(self, args: argparse.Namespace, database_url: str, logdir: Path):
        self.args = args
        self.database_url = database_url
        self.log_path = logdir / "gunicorn.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        a = self.args
        cmd = [sys.executable, "-m", "gunicorn", a.wsgi,
               "-w", str(a.workers), "-b", f"127.0.0.1:{a.port}",
               "--backlog", "2048", "--timeout", "60", "--graceful-timeout", "5",
               "--log-level", "warning", "--error-logfile", str(self.log_path)]
        worker_class = a.worker_class or ("gthread" if a.threads > 1 else "sync")
        cmd += ["-k", worker_class]
        if worker_class == "gthread":
            cmd += ["--threads", str(a.threads), "--keep-alive", "10"]
        return cmd

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command(), cwd=REPO,
                                     env=server_env(self.database_url),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        url = f"http://127.0.0.1:{self.args.port}{REGISTER_PATH}?period_id=0"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log_tail())
            try:
                urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
                return
            except urllib.error.HTTPError:
                return  # 401 without a token: the application answers
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time:\n" + self.log_tail())

    def pids(self) -> list[int]:
        if self.proc is None:
            return []
        out = subprocess.run(["pgrep", "-g", str(self.proc.pid)], capture_output=True,
                             text=True).stdout
        return [int(p) for p in out.split()]

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=5)


# --- Load --------------------------------------------------------------------------------

@dataclass
class RushResult:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    states: collections.Counter = field(default_factory=collections.Counter)
    refusals: collections.Counter = field(default_factory=collections.Counter)
    errors: collections.Counter = field(default_factory=collections.Counter)
    error_samples: list[str] = field(default_factory=list)
    per_second: collections.Counter = field(default_factory=collections.Counter)
    wall: float = 0.0
    students_done: int = 0
    students_skipped: int = 0
    stopped_early: bool = False

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.errors.values())

    @property
    def successes(self) -> int:
        return self.states["enrolled"] + self.states["waitlisted"]


async def warm_up(args: argparse.Namespace, seeded: Seeded) -> None:
    """A few harmless reads so every worker has imported and compiled everything."""
    import aiohttp

    url = f"http://127.0.0.1:{args.port}{REGISTER_PATH}"
    headers = {"Authorization": f"Bearer {seeded.probe_key}"}
    n = max(20, 4 * args.workers * max(args.threads, 1))
    async with aiohttp.ClientSession() as session:
        async def one() -> None:
            async with session.get(url, params={"period_id": seeded.period_id},
                                   headers=headers) as response:
                await response.read()
        await asyncio.gather(*(one() for _ in range(n)))


async def rush(args: argparse.Namespace, seeded: Seeded, deadline: float) -> RushResult:
    import aiohttp

    result = RushResult()
    url = f"http://127.0.0.1:{args.port}{REGISTER_PATH}"
    order = list(range(len(seeded.students)))
    random.Random(args.seed + 1).shuffle(order)
    queue: collections.deque[int] = collections.deque(order)
    connector = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=args.concurrency,
                                     keepalive_timeout=30)
    timeout = aiohttp.ClientTimeout(total=args.request_timeout)
    t0 = time.perf_counter()
    pace = 1.0 / args.rate if args.rate else 0.0
    slot = 0

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal slot
        while queue:
            if time.monotonic() >= deadline:
                result.stopped_early = True
                return
            index = queue.popleft()
            key, planned = seeded.students[index]
            chooser = random.Random(args.seed * 1_000_003 + index)
            headers = {"Authorization": f"Bearer {key}"}
            for _discipline_id, section_ids in planned:
                body = {"section_id": chooser.choice(section_ids)}
                if pace:  # open loop: one request every 1/rate s across all clients
                    slot += 1
                    delay = t0 + slot * pace - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                start = time.perf_counter()
                try:
                    async with session.post(url, json=body, headers=headers) as response:
                        payload = await response.read()
                        status = response.status
                except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                    elapsed = (time.perf_counter() - start) * 1000
                    result.latencies_ms.append(elapsed)
                    result.errors[type(exc).__name__] += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(f"{type(exc).__name__}: {exc}")
                    continue
                end = time.perf_counter()
                result.latencies_ms.append((end - start) * 1000)
                result.statuses[status] += 1
                if status in (200, 201):
                    try:
                        state = json.loads(payload).get("state", "?")
                    except ValueError:
                        state = "?"
                    result.states[state] += 1
                    result.per_second[int(end - t0)] += 1
                elif status == 409:
                    try:
                        problems = json.loads(payload).get("problems") or [{}]
                        reason = f"{problems[0].get('field', '?')}: {problems[0].get('message')}"
                    except ValueError:
                        reason = "?"
                    result.refusals[reason[:100]] += 1
                else:
                    result.errors[f"HTTP {status}"] += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(f"HTTP {status}: {payload[:200]!r}")
            result.students_done += 1

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(client(session) for _ in range(args.concurrency)))
    result.wall = time.perf_counter() - t0
    result.students_skipped = len(queue)
    return result


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), int(-(-p * len(sorted_values) // 100))))
    return sorted_values[rank - 1]


# --- Verification ------------------------------------------------------------------------

def verify(period_id: int) -> dict[str, int]:
    from django.db import connection

    from registrar.audit.models import AuditEvent
    from registrar.registration.models import Registration, Section

    section_t, registration_t = Section._meta.db_table, Registration._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT s.id, s.capacity, s.enrolled_count,
                   COUNT(r.id) FILTER (WHERE r.state = 'enrolled'),
                   COUNT(r.id) FILTER (WHERE r.state = 'waitlisted')
              FROM {section_t} s LEFT JOIN {registration_t} r ON r.section_id = s.id
             WHERE s.period_id = %s
             GROUP BY s.id""", [period_id])  # noqa: S608 - table names from the models
        rows = cursor.fetchall()
        cursor.execute(f"""
            SELECT COUNT(*) FROM (
                SELECT student_id, discipline_id, period_id FROM {registration_t}
                 WHERE state IN ('enrolled', 'waitlisted') AND period_id = %s
                 GROUP BY student_id, discipline_id, period_id HAVING COUNT(*) > 1) d
            """, [period_id])  # noqa: S608
        duplicates = cursor.fetchone()[0]
    return {
        "sections": len(rows),
        "full_sections": sum(1 for _, cap, count, _, _ in rows if count >= cap),
        "over_enrolment": sum(max(0, enrolled - cap) + max(0, count - cap)
                              for _, cap, count, enrolled, _ in rows),
        "count_mismatches": sum(1 for _, _, count, enrolled, _ in rows if count != enrolled),
        # A waitlist while seats are free would be a lost seat (nothing is dropped in the rush).
        "waitlist_with_free_seats": sum(1 for _, cap, count, _, waiting in rows
                                        if waiting and count < cap),
        "duplicates": duplicates,
        "enrolled": sum(r[3] for r in rows),
        "waitlisted": sum(r[4] for r in rows),
        "audit_events": AuditEvent.objects.filter(action__startswith="registration.").count(),
    }


# --- pgbench -----------------------------------------------------------------------------

def run_pgbench(target: PgTarget, name: str, clients: int, seconds: int, scale: int
                ) -> tuple[float, str]:
    base = ["-h", target.host, "-p", str(target.port), "-U", target.user]
    env = target.libpq_env()
    subprocess.run(["pgbench", "-i", "-q", "-s", str(scale), *base, name], check=True,
                   env=env, capture_output=True, timeout=300)
    cmd = ["pgbench", "-c", str(clients), "-j", "2", "-T", str(seconds), "-n", *base, name]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed: {done.stderr[-500:]}")
    found = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", done.stdout)
    if found is None:
        found = re.search(r"tps = ([0-9.]+)", done.stdout)
    if found is None:
        raise RuntimeError(f"no tps in pgbench output: {done.stdout[-500:]}")
    latency = re.search(r"latency average = ([0-9.]+ ms)", done.stdout)
    return float(found.group(1)), latency.group(1) if latency else "?"


# --- Main --------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cores = usable_cores()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--students", type=int, default=5000)
    p.add_argument("--per-student", type=int, default=6, help="registrations per student")
    p.add_argument("--disciplines", type=int, default=18, help="size of the discipline pool")
    p.add_argument("--sections-per-discipline", type=int, default=6)
    p.add_argument("--capacity-ratio", type=lambda s: tuple(float(x) for x in s.split(",")),
                   default=(0.8, 1.15),
                   help="a discipline's seats ÷ its demand is drawn from LOW,HIGH")
    p.add_argument("--concurrency", type=int, default=64, help="concurrent HTTP clients")
    p.add_argument("--rate", type=float, default=0.0,
                   help="open loop: send at most this many requests/s in all (0 = as fast as "
                        "the server answers)")
    # As gunicorn.conf.py (production): cores + 1 processes of 4 threads (gthread, keep-alive).
    # The application is CPU-bound and shares the cores with PostgreSQL and the load client,
    # so more processes only add switching (docs/performance.md).
    p.add_argument("--workers", type=int, default=cores + 1, help="gunicorn processes")
    p.add_argument("--threads", type=int, default=4,
                   help="threads per gunicorn process (>1 uses the gthread worker)")
    p.add_argument("--worker-class", choices=["sync", "gthread"], default=None,
                   help="default: sync, or gthread when --threads > 1")
    p.add_argument("--wsgi", default="registrar.wsgi:application",
                   help="the WSGI application gunicorn serves (to measure a variant of the "
                        "hot path kept outside the repository, importable through PYTHONPATH)")
    p.add_argument("--database-url", default=None,
                   help="use this PostgreSQL database (on 127.0.0.1) instead of a fresh one; "
                        "it is migrated and seeded, never dropped")
    p.add_argument("--keep", action="store_true", help="keep the databases this run created")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--request-timeout", type=float, default=30.0)
    p.add_argument("--pgbench-scale", type=int, default=10)
    p.add_argument("--pgbench-seconds", type=int, default=0,
                   help="pgbench duration (default: as long as the rush, at least 10 s)")
    p.add_argument("--no-pgbench", action="store_true")
    p.add_argument("--max-seconds", type=int, default=600, help="hard bound on the whole run")
    p.add_argument("--wait-quiet", type=float, default=60,
                   help="wait up to this many seconds for the CPUs to be idle before the rush")
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    hard_deadline = started + args.max_seconds
    arm_deadline(args.max_seconds)
    if not have_aiohttp():
        return 2
    if not args.no_pgbench and shutil.which("pgbench") is None:
        log("pgbench is not on PATH (apt-get install postgresql-client); or pass --no-pgbench")
        return 2

    stamp = dt.datetime.now().strftime("%Y%m%d_%H%M%S")
    admin = PgTarget.from_url(args.database_url or "postgres://postgres@127.0.0.1:5432/postgres")
    created: list[str] = []
    if args.database_url:
        database_url = args.database_url
    else:
        name = f"registrar_bench_{stamp}"
        database_url = admin.url(name)
    dbname = urllib.parse.urlsplit(database_url).path.lstrip("/")

    figures: dict[str, Any] = {"command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])}
    facts = server_facts(admin)
    log("== Machine")
    log(f"cores (usable): {usable_cores()}   nproc: {os.cpu_count()}   CPU: {cpu_model()}")
    log(f"PostgreSQL {facts['server_version']} at {admin.host}:{admin.port}  "
        + "  ".join(f"{k}={v}" for k, v in facts.items() if k != "server_version"))
    log(f"Python {platform.python_version()}   gunicorn -w {args.workers} "
        f"--threads {args.threads}   clients {args.concurrency}"
        + (f"   rate {args.rate:g}/s" if args.rate else "   (closed loop)"))
    log(f"busy cores now (other processes): {busy_cores(1.0):.2f}   load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    figures["machine"] = {"cores": usable_cores(), "cpu": cpu_model(), "postgres": facts}

    server: Server | None = None
    logdir = Path(tempfile.mkdtemp(prefix="registrar-bench-"))
    status = 1
    try:
        if not args.database_url:
            create_database(admin, name)
            created.append(name)
        t = time.monotonic()
        setup_django(database_url)
        import django

        log(f"Django {django.get_version()}   database {dbname}")
        migrate()
        log(f"\n== Seed\nmigrated in {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        rng = random.Random(args.seed)
        seeded = seed(args, rng)
        log(f"seeded {args.students} students × {args.per_student} planned disciplines "
            f"({seeded.demand} registrations wanted) from a pool of {seeded.disciplines}, "
            f"{seeded.sections} sections, {seeded.capacity} seats "
            f"({seeded.capacity / seeded.demand:.0%} of demand) in "
            f"{time.monotonic() - t:.1f} s")
        queries = count_queries(seeded)
        log(f"queries per registration request (in-process probe, cold then warm): "
            f"{queries[0]}, {queries[1]}")
        figures["queries_per_request"] = queries[-1]
        from django.db import connections

        connections.close_all()

        log("\n== Server")
        server = Server(args, database_url, logdir)
        log(" ".join(server.command()[1:]))
        server.start()
        server.wait_ready()
        asyncio.run(warm_up(args, seeded))
        log(f"answering; processes {server.pids()}")

        log("\n== Rush")
        if args.wait_quiet:
            busy = wait_quiet(args.wait_quiet)
            log(f"busy cores before the rush (other processes): {busy:.2f}"
                + ("   WARNING: the machine is not idle; figures will be low" if busy > 0.25
                   else ""))
        # Leave time for verification and a pgbench run as long as the rush.
        budget = hard_deadline - time.monotonic() - 45
        if not args.no_pgbench:
            budget = budget - args.pgbench_seconds - 20 if args.pgbench_seconds else budget / 2
        assert server.proc is not None
        meter = CpuMeter(server.proc.pid, dbname)
        meter.start()
        result = asyncio.run(rush(args, seeded, time.monotonic() + max(budget, 5)))
        used = meter.stop()
        server_log = server.log_tail()
        server.stop()

        lat = sorted(result.latencies_ms)
        rate = result.successes / result.wall if result.wall else 0.0
        p = {q: percentile(lat, q) for q in (50, 95, 99)}
        log(f"total requests        {result.requests}")
        log(f"successful            {result.successes}  (enrolled {result.states['enrolled']}, "
            f"waitlisted {result.states['waitlisted']})   "
            f"HTTP {dict(sorted(result.statuses.items()))}")
        log(f"refusals (409)        {sum(result.refusals.values())}"
            + "".join(f"\n    {c:6d}  {r}" for r, c in result.refusals.most_common(5)))
        log(f"errors                {sum(result.errors.values())}"
            + (f"  {dict(result.errors)}" if result.errors else "")
            + "".join(f"\n    {s}" for s in result.error_samples))
        if result.stopped_early:
            log(f"STOPPED EARLY by the time budget: {result.students_skipped} students not served")
        log(f"wall time             {result.wall:.1f} s")
        log(f"registrations/s       {rate:.1f}")
        log(f"latency ms            p50 {p[50]:.1f}   p95 {p[95]:.1f}   p99 {p[99]:.1f}   "
            f"max {lat[-1] if lat else float('nan'):.1f}   mean "
            f"{sum(lat) / len(lat) if lat else float('nan'):.1f}")
        if result.per_second:
            buckets = [result.per_second[s] for s in range(int(result.wall))]
            if buckets:
                log(f"per-second successes  min {min(buckets)}  median "
                    f"{sorted(buckets)[len(buckets) // 2]}  max {max(buckets)}")
        wall = result.wall or 1.0
        log("CPU during the rush   (average busy cores; " + f"{usable_cores()} in all)  "
            + "  ".join(f"{k} {v / wall:.2f}" for k, v in used.items()))
        if result.successes:
            per = {k: used[k] * 1000 / result.successes
                   for k in ("gunicorn", "postgres", "postgres_background", "client")}
            server_ms = per["gunicorn"] + per["postgres"] + per["postgres_background"]
            log("CPU per registration  " + "  ".join(f"{k} {v:.2f} ms" for k, v in per.items())
                + f"   → server side {server_ms:.2f} ms: at most "
                  f"{usable_cores() * 1000 / server_ms:.0f}/s if the cores did nothing else")
            figures["cpu_ms_per_registration"] = {k: round(v, 2) for k, v in per.items()}
        figures["cpu_busy_cores"] = {k: round(v / wall, 2) for k, v in used.items()}
        if result.errors and server_log:
            log("gunicorn log (tail):\n" + server_log)
        figures["rush"] = {
            "requests": result.requests, "successes": result.successes,
            "enrolled": result.states["enrolled"], "waitlisted": result.states["waitlisted"],
            "refusals": sum(result.refusals.values()), "errors": sum(result.errors.values()),
            "wall_s": round(result.wall, 2), "registrations_per_s": round(rate, 1),
            "p50_ms": round(p[50], 1), "p95_ms": round(p[95], 1), "p99_ms": round(p[99], 1),
            "max_ms": round(lat[-1], 1) if lat else None, "stopped_early": result.stopped_early,
            "workers": args.workers, "threads": args.threads, "concurrency": args.concurrency,
        }

        log("\n== Database check")
        checked = verify(seeded.period_id)
        log(f"over-enrolment: {checked['over_enrolment']}")
        log(f"duplicates (student, discipline, term, active): {checked['duplicates']}")
        log(f"sections where enrolled rows != enrolled_count: {checked['count_mismatches']}")
        log(f"sections with a waitlist but free seats: {checked['waitlist_with_free_seats']}")
        log(f"full sections: {checked['full_sections']} of {checked['sections']}   "
            f"enrolled rows {checked['enrolled']} (client saw "
            f"{result.states['enrolled'] + 2}, incl. 2 probe)   waitlisted rows "
            f"{checked['waitlisted']} (client saw {result.states['waitlisted']})   "
            f"registration audit events {checked['audit_events']}")
        figures["check"] = checked
        connections.close_all()
        ok = (checked["over_enrolment"] == 0 and checked["duplicates"] == 0
              and checked["count_mismatches"] == 0)

        if not args.no_pgbench:
            log("\n== pgbench")
            remaining = int(hard_deadline - time.monotonic() - 30)
            seconds = args.pgbench_seconds or max(10, round(result.wall))
            if seconds > remaining:
                log(f"(time budget: pgbench runs {remaining} s instead of {seconds} s)")
                seconds = max(remaining, 5)
            clients = min(args.concurrency, 32)
            bench_db = f"registrar_pgbench_{stamp}"
            create_database(admin, bench_db)
            created.append(bench_db)
            tps, latency = run_pgbench(admin, bench_db, clients, seconds, args.pgbench_scale)
            log(f"mode: built-in TPC-B-like script (pgbench default, read-write), "
                f"-i -s {args.pgbench_scale}, -c {clients} -j 2 -T {seconds}")
            log(f"pgbench TPS           {tps:.1f}   (latency average {latency})")
            log(f"ratio                 {rate / tps:.3f}  (our registrations/s ÷ pgbench TPS)")
            figures["pgbench"] = {"mode": "tpcb-like", "scale": args.pgbench_scale,
                                  "clients": clients, "seconds": seconds, "tps": round(tps, 1),
                                  "ratio": round(rate / tps, 3)}
        status = 0 if ok and not result.errors else 1
    except BenchTimeout as exc:
        log(f"\nABORTED: {exc}")
        status = 3
    finally:
        signal.alarm(0)
        if server is not None:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        if args.keep:
            if created:
                log(f"\nkept databases: {', '.join(created)}")
        else:
            for db in created:
                try:
                    drop_database(admin, db)
                except Exception as exc:  # noqa: BLE001
                    log(f"could not drop {db}: {exc}")
        shutil.rmtree(logdir, ignore_errors=True)
        log(f"\ntotal run time {time.monotonic() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return status


if __name__ == "__main__":
    sys.exit(main())
