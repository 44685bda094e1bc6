#!/usr/bin/env python3
"""Soak: mixed portal traffic at the registration-rush rate for 10 minutes (issue 10).

The claim it checks: the production server takes the mixed traffic of a registration week at
a fixed rate for a long time with no errors and with memory that does not keep growing.

What it does, in order, bounded by --max-seconds:

1. prints the machine (cores, CPU model, PostgreSQL version and settings);
2. creates a fresh PostgreSQL database ``registrar_soak_<timestamp>`` on 127.0.0.1, migrates
   it and seeds it: the registration rush's world (``registration_rush.seed``: students with a
   user, an API token and an approved study plan, sections, an open registration window), and
   for the pages a past term with grades (5 attempts per student, GPA snapshots through
   ``records.gpa.recompute``), a teacher (``tests.factories``) teaching four past sections
   with their R1/R2/exam grade sheets filled in, a registrar, a TOTP device for both, and a
   signed-in portal session for every student, the teacher and the registrar, written
   straight into the session table (staff sessions carry the verified device, as
   ``accounts.second_factor.mark_verified`` leaves them);
3. starts gunicorn with production settings like the rush (its ``Server``; DEBUG=0,
   --workers cores + 1) with the application's log (Django's tracebacks) in a file;
4. drives an open loop: one request every 1/--rate s (default 300/s, the rush target) for
   --duration s (default 600), at most --concurrency in flight (a later arrival waits for a
   free slot: the lag is reported; arrivals still unsent at the end are counted as missed),
   each of a kind drawn by the --mix weights:

   ========== ============================================================ ===============
   register   POST /api/v1/registration/registrations (a planned discipline)  bearer token
   drop       DELETE /api/v1/registration/registrations/<id>                 bearer token
   sections   GET  /api/v1/registration/sections?period_id=[&discipline_id=] bearer token
   mine       GET  /api/v1/registration/registrations?period_id=             bearer token
   dashboard  GET  /ru/               (the student's dashboard)              session
   grades     GET  /ru/my/grades/                                            session
   regpage    GET  /ru/registration/<period>/  (the registration page)       session
   sheet      GET  /ru/sheets/<pk>/   (the teacher's grade sheet)            session + OTP
   teaching   GET  /ru/teaching/      (the teacher's sheets)                 session + OTP
   search     GET  /ru/students/?q=   (the registrar's live search, HTMX)    session + OTP
   card       GET  /ru/students/<pk>/ (the registrar opens a student card)   session + OTP
   ========== ============================================================ ===============

   The client keeps each student's registrations, so a register names a discipline not yet
   held and a drop an active registration (a student has one request in flight at a time;
   after a failed write, ``mine`` re-reads the student's registrations). Expected answers:
   201/200 for register, 200 for everything else; anything else, a connection error or a
   timeout is an error;
   When the server runs with ``autovacuum = off`` (this machine's does), a thread does its
   work in its place: ``VACUUM (ANALYZE)`` of the database every --housekeeping s (60), so
   the planner's figures follow the tables as the rush fills them (``Housekeeper``);
5. every --interval s (default 10) prints one line: requests done per kind, errors, latency
   p50/p95/p99 of the interval, the largest lag behind the schedule, busy cores, the RSS of
   the gunicorn master and of each worker (/proc/<pid>/status VmRSS; workers are the
   master's children), and PostgreSQL's backends for the database;
6. prints the achieved rate against the target, requests, errors and latency percentiles per
   kind, each worker's RSS at the first full interval and at the last, the least-squares
   slope of the workers' total RSS (MB/min) and the verdict: memory is "stable" when the
   growth fitted over the last 80 % of the run is under --max-growth-mb (20 MB) or under
   --max-growth-pct (5 %) of the workers' total at the start of that window; a worker that
   was replaced (crash, timeout) is an error. Then the 5xx tracebacks of the application log;
7. checks the database like the rush (no over-enrolment, enrolled rows == enrolled_count, no
   duplicate active registration) and that every student's active registrations are those
   the client holds;
8. drops the database (unless --keep). Exit status 0 (PASS) only with at least 95 % of the
   target rate achieved, no error, stable memory and a clean database check.

When the mix costs more CPU than the cores have, requests queue: the latencies then include
the wait, and the achieved rate says how far the machine is from the target.

Only 127.0.0.1 is contacted. Run from the repository root on a quiet machine:

    .venv/bin/python bench/soak.py                       # 10 minutes at 300 requests/s, rush mix
    .venv/bin/python bench/soak.py --mix week            # the registration-week mix
    .venv/bin/python bench/soak.py --students 500 --duration 60 --rate 100   # a trial
    .venv/bin/python bench/soak.py --mix register=40,drop=10,sections=20,dashboard=30

It needs ``aiohttp`` in the virtual environment (``.venv/bin/pip install -e '.[bench]'``).
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
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.benchkit import (  # noqa: E402  (after the path is set)
    children_of,
    cpu_busy_jiffies,
    cpu_model,
    log,
    rss_kb,
    usable_cores,
)
from bench.registration_rush import (  # noqa: E402
    REGISTER_PATH,
    BenchTimeout,
    CpuMeter,
    PgTarget,
    Seeded,
    Server,
    arm_deadline,
    create_database,
    drop_database,
    have_aiohttp,
    migrate,
    percentile,
    server_env,
    server_facts,
    setup_django,
    verify,
    wait_quiet,
    warm_up,
)
from bench.registration_rush import seed as seed_rush  # noqa: E402

SECTIONS_PATH = "/api/v1/registration/sections"
LANGUAGE = "ru"
KINDS = ("register", "drop", "sections", "mine", "dashboard", "grades", "regpage", "sheet",
         "teaching", "search", "card")
# Named mixes. "rush": the registration rush itself — students registering and dropping
# through the API and the registration page, reading sections, their registrations, their
# dashboard and grades; staff pages a tenth (teachers' grade sheets, the registrar's search and
# cards). "week": an ordinary day of a registration week, half of it pages, a fifth of it staff
# pages (the default of stop 13; sixty staff page views a second at 300/s).
MIXES = {
    "rush": ("register=30,drop=5,sections=15,mine=10,regpage=15,dashboard=10,grades=5,"
             "sheet=3,teaching=2,search=4,card=1"),
    "week": ("register=20,drop=6,sections=15,mine=8,dashboard=15,grades=8,regpage=8,"
             "sheet=5,teaching=2,search=10,card=3"),
}
DEFAULT_MIX = "rush"
RATE_REACHED = 0.95  # the verdict asks for this share of the target rate
SHEET_SECTIONS, SHEET_STUDENTS, HISTORY_DISCIPLINES = 4, 30, 5


def parse_mix(text: str) -> dict[str, float]:
    """A named mix (MIXES) or weights as ``kind=weight,...``."""
    text = MIXES.get(text, text)
    mix: dict[str, float] = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        name = name.strip()
        if name not in KINDS:
            raise argparse.ArgumentTypeError(f"unknown kind {name!r}; kinds: {', '.join(KINDS)}")
        mix[name] = float(weight)
    if not any(w > 0 for w in mix.values()):
        raise argparse.ArgumentTypeError("the mix needs a positive weight")
    return mix


# --- Seeding: what the pages need on top of the rush's world -------------------------------

@dataclass
class Person:
    """A student as the client knows them."""

    index: int
    student_id: int
    key: str  # API token
    session: str  # portal session key
    planned: list[tuple[int, list[int]]]  # (discipline id, [section ids])
    active: dict[int, int] = field(default_factory=dict)  # discipline id -> registration id
    busy: bool = False  # a write or a re-read is in flight
    dirty: bool = False  # a write failed: re-read before writing again


@dataclass
class World:
    period_id: int
    people: list[Person]
    section_discipline: dict[int, int]
    teacher_session: str
    registrar_session: str
    sheet_ids: list[int]
    queries: list[str]
    seeded: Seeded


def _session_row(user: Any, device: Any = None) -> Any:
    """A signed-in session as the two-step sign-in leaves it (django-otp's device for staff)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from django_otp import DEVICE_ID_SESSION_KEY

    from registrar.accounts import second_factor

    data = {SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "registrar.accounts.backends.AccountBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            second_factor.SESSION_KEY: second_factor.DONE}
    if device is not None:
        data[DEVICE_ID_SESSION_KEY] = device.persistent_id
    return Session(session_key=get_random_string(32, VALID_KEY_CHARS),
                   session_data=SessionStore().encode(data),
                   expire_date=timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE
                                                             + 3600))


def seed_portal(seeded: Seeded, rng: random.Random) -> World:
    """A past term with grades, a teacher with filled-in grade sheets, a registrar, and a
    portal session for everyone; bulk_create for the volume."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.db import connection, transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from registrar.api.models import ApiToken, digest
    from registrar.assessment.models import GradeEntry, GradeSheet, SheetKind, SheetState
    from registrar.curriculum.models import Discipline
    from registrar.institution.models import AcademicGroup, AcademicPeriod, AcademicYear
    from registrar.people.models import Role, Student
    from registrar.policy.values import DEFAULT_VALUES
    from registrar.records import gpa
    from registrar.records.models import Attempt
    from registrar.registration.models import Registration, RegistrationState, Section
    from tests import factories

    User = get_user_model()
    now = timezone.now()
    period = AcademicPeriod.objects.select_related("year").get(pk=seeded.period_id)
    by_digest = {digest(key): i for i, (key, _) in enumerate(seeded.students)}
    owners = dict(ApiToken.objects.filter(key_digest__in=list(by_digest))
                  .values_list("key_digest", "user_id"))
    student_of = dict(Student.objects.filter(user_id__in=list(owners.values()))
                      .values_list("user_id", "pk"))
    index_student = {by_digest[d]: student_of[u] for d, u in owners.items()}
    student_ids = [index_student[i] for i in range(len(seeded.students))]
    # Students are in order of creation; the last student the rush makes is its probe.
    population = [(b.letter, b.points, b.traditional != "fail", b.min_score, b.max_score)
                  for b in DEFAULT_VALUES.grading_scale if b.letter not in ("F", "FX")]

    with transaction.atomic():
        start = period.year.start_year - 1
        year, _ = AcademicYear.objects.get_or_create(
            start_year=start, defaults={"starts_on": dt.date(start, 9, 1),
                                        "ends_on": dt.date(start + 1, 6, 30)})
        past, _ = AcademicPeriod.objects.get_or_create(
            year=year, kind=period.kind, defaults={"starts_on": dt.date(start, 9, 1),
                                                   "ends_on": dt.date(start, 12, 31)})
        history = Discipline.objects.bulk_create([
            Discipline(code=f"SH{k:02d}{rng.randrange(10**6):06d}", credits=5, name_kk=f"Өткен {k}",
                       name_ru=f"Прошлая {k}", name_en=f"Past {k}")
            for k in range(HISTORY_DISCIPLINES)])

        # Grades: five passed attempts per student in the past term, then the GPA snapshots.
        attempts = []
        for student_id in student_ids:
            for disc in history:
                letter, points, passed, low, high = rng.choice(population)
                attempts.append(Attempt(
                    student_id=student_id, discipline=disc, period=past, kind="regular",
                    title_kk=disc.name_kk, title_ru=disc.name_ru, title_en=disc.name_en,
                    credits=disc.credits, final_score=Decimal(rng.randint(low, high)),
                    letter=letter, points=points, passed=passed))
        Attempt.objects.bulk_create(attempts, batch_size=5000)

        # The teacher's past sections, their students and their R1, R2 (locked) and exam
        # (open) sheets with scores.
        teacher_user = factories.user("soak-teacher", role=Role.TEACHER)
        registrar_user = factories.user("soak-registrar", role=Role.REGISTRAR)
        devices = {u.pk: TOTPDevice.objects.create(user=u, name="Authenticator", confirmed=True)
                   for u in (teacher_user, registrar_user)}
        sections = Section.objects.bulk_create([
            Section(period=past, discipline=history[k], code=f"{history[k].code}-01",
                    teacher=teacher_user.staff, language="ru", capacity=SHEET_STUDENTS + 5,
                    enrolled_count=min(SHEET_STUDENTS, len(student_ids)), schedule="Tue 10:00")
            for k in range(SHEET_SECTIONS)])
        registrations, entries, sheets = [], [], []
        for k, section in enumerate(sections):
            members = student_ids[k * SHEET_STUDENTS:(k + 1) * SHEET_STUDENTS] \
                or student_ids[:SHEET_STUDENTS]
            section.enrolled_count = len(members)
            registrations += [Registration(student_id=s, section=section,
                                           discipline_id=section.discipline_id, period=past,
                                           state=RegistrationState.ENROLLED) for s in members]
            for kind, state, deadline, exam_at in (
                    (SheetKind.RATING_1, SheetState.LOCKED, now - dt.timedelta(days=60), None),
                    (SheetKind.RATING_2, SheetState.LOCKED, now - dt.timedelta(days=20), None),
                    (SheetKind.EXAM, SheetState.OPEN, now + dt.timedelta(days=1),
                     now - dt.timedelta(hours=2))):
                sheet = GradeSheet(section=section, kind=kind, state=state,
                                   entry_deadline=deadline, exam_at=exam_at,
                                   submitted_at=deadline if state == SheetState.LOCKED else None,
                                   submitted_by=teacher_user if state == SheetState.LOCKED
                                   else None)
                sheets.append(sheet)
                entries += [(sheet, s) for s in members]
        Section.objects.bulk_update(sections, ["enrolled_count"])
        Registration.objects.bulk_create(registrations)
        GradeSheet.objects.bulk_create(sheets)
        GradeEntry.objects.bulk_create([
            GradeEntry(sheet=sheet, student_id=s,
                       score=Decimal(rng.randint(50, 100)) if sheet.kind != SheetKind.EXAM
                       or rng.random() < 0.7 else None,
                       entered_by=teacher_user, entered_at=now)
            for sheet, s in entries], batch_size=5000)

        # Portal sessions: every student, the teacher and the registrar (both verified).
        users = User.objects.in_bulk([owners[d] for d in owners])
        user_of_student = {s: u for u, s in student_of.items()}
        session_rows = [_session_row(users[user_of_student[s]]) for s in student_ids]
        teacher_row = _session_row(teacher_user, devices[teacher_user.pk])
        registrar_row = _session_row(registrar_user, devices[registrar_user.pk])
        Session.objects.bulk_create([*session_rows, teacher_row, registrar_row],
                                    batch_size=5000)
    gpa.recompute()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    section_discipline = {s: d for _, planned in seeded.students for d, ids in planned
                          for s in ids}
    people = [Person(index=i, student_id=student_ids[i], key=key,
                     session=session_rows[i].session_key, planned=planned)
              for i, (key, planned) in enumerate(seeded.students)]
    # Live-search queries as people type them: a surname prefix, an IIN prefix, a group.
    sample = list(Student.objects.filter(pk__in=rng.sample(student_ids, min(40, len(student_ids))))
                  .values_list("last_name_ru", "iin"))
    groups = list(AcademicGroup.objects.values_list("name", flat=True))
    groups = rng.sample(groups, min(10, len(groups)))
    queries = [name[:rng.randint(4, len(name))].lower() for name, _ in sample]
    queries += [iin[:rng.choice((6, 8, 12))] for _, iin in sample[:20]]
    queries += [g.lower() for g in groups] + ["бенч", "студент1", "щзщзщ"]
    return World(period_id=seeded.period_id, people=people,
                 section_discipline=section_discipline,
                 teacher_session=teacher_row.session_key,
                 registrar_session=registrar_row.session_key,
                 sheet_ids=[s.pk for s in sheets], queries=queries, seeded=seeded)


# --- Server ---------------------------------------------------------------------------------

class SoakServer(Server):
    """The rush's server, with the application's own log (Django's tracebacks go to stderr)
    kept in a file instead of discarded."""

    def start(self) -> None:
        self.app_log_path = self.log_path.with_name("app.log")
        self._app_log = open(self.app_log_path, "wb")  # open for the server's lifetime
        self.proc = subprocess.Popen(self.command(), cwd=REPO,
                                     env=server_env(self.database_url),
                                     stdout=self._app_log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def app_log(self) -> str:
        try:
            return self.app_log_path.read_text(errors="replace")
        except (AttributeError, OSError):
            return ""


def server_failures(text: str, limit: int = 5) -> list[str]:
    """The distinct 5xx tracebacks of the application log (by their last line)."""
    blocks: dict[str, str] = {}
    counts: collections.Counter[str] = collections.Counter()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith(("Internal Server Error", "Service Unavailable")) \
                and "[CRITICAL]" not in line and "[ERROR]" not in line:
            continue  # gunicorn logs a worker timeout or a killed worker at these levels
        block = [line]
        for nxt in lines[i + 1:i + 200]:
            if nxt.startswith(("Internal Server Error", "Not Found:", "Forbidden", "[")) \
                    or re.match(r"^\S+ \S+ \[\d+\]", nxt):
                break
            block.append(nxt)
        tail = block[-1] if len(block) > 1 else line
        counts[tail] += 1
        blocks.setdefault(tail, "\n".join(block[-40:]))
    return [f"({counts[k]}×) {v}" for k, v in list(blocks.items())[:limit]]


# --- Load -----------------------------------------------------------------------------------

@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(
        default_factory=lambda: collections.defaultdict(list))
    statuses: dict[str, collections.Counter] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter))
    errors: collections.Counter = field(default_factory=collections.Counter)  # (kind, what)
    samples: list[str] = field(default_factory=list)
    fallbacks: collections.Counter = field(default_factory=collections.Counter)
    # the current interval
    window: collections.Counter = field(default_factory=collections.Counter)
    window_errors: int = 0
    window_latencies: list[float] = field(default_factory=list)
    window_lag: float = 0.0
    max_lag: float = 0.0
    scheduled: int = 0
    missed: int = 0  # arrivals not sent by the end: the server was saturated
    in_flight: int = 0

    def record(self, kind: str, ms: float, status: int | None, error: str | None,
               body: bytes = b"") -> None:
        self.latencies[kind].append(ms)
        self.window[kind] += 1
        self.window_latencies.append(ms)
        if status is not None:
            self.statuses[kind][status] += 1
        if error is not None:
            self.errors[(kind, error)] += 1
            self.window_errors += 1
            if len(self.samples) < 10:
                self.samples.append(f"{kind}: {error} {body[:300]!r}")

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())


class Traffic:
    """Builds and sends one request of a kind, and keeps the students' registrations."""

    def __init__(self, args: argparse.Namespace, world: World, stats: Stats) -> None:
        self.args, self.world, self.stats = args, world, stats
        self.base = f"http://127.0.0.1:{args.port}"
        self.rng = random.Random(args.seed + 7)
        self.kinds = [k for k, w in args.mix.items() if w > 0]
        self.weights = [args.mix[k] for k in self.kinds]

    # Choosing whom a request is for.
    def _idle(self, want: Any) -> Person | None:
        people = self.world.people
        for _ in range(50):
            p = people[self.rng.randrange(len(people))]
            if not p.busy and not p.dirty and want(p):
                return p
        return None

    def _free(self, p: Person) -> bool:
        return len(p.active) < len(p.planned)

    def choose(self) -> str:
        return self.rng.choices(self.kinds, self.weights)[0]

    async def send(self, session: Any, kind: str) -> None:
        import aiohttp

        rng, w = self.rng, self.world
        person: Person | None = None
        target: Any = None
        if kind in ("register", "drop"):
            first, second = (self._free, lambda p: p.active) if kind == "register" else \
                (lambda p: p.active, self._free)
            person = self._idle(first)
            if person is None:  # everyone is full (or empty): the other write instead
                self.stats.fallbacks[kind] += 1
                kind = "drop" if kind == "register" else "register"
                person = self._idle(second)
            if person is None:
                self.stats.fallbacks["none"] += 1
                return
            if kind == "register":
                target = rng.choice([d for d in person.planned if d[0] not in person.active])
            else:
                target = rng.choice(list(person.active.items()))
        elif kind == "mine":
            dirty = [p for p in rng.sample(w.people, min(20, len(w.people))) if p.dirty
                     and not p.busy]
            person = dirty[0] if dirty else self._idle(lambda p: True)
            if person is None:
                return
        if person is not None:
            person.busy = True
        else:
            person = w.people[rng.randrange(len(w.people))]

        token = {"Authorization": f"Bearer {person.key}"}
        student_cookie = {"Cookie": f"sessionid={person.session}"}
        teacher = {"Cookie": f"sessionid={w.teacher_session}"}
        registrar = {"Cookie": f"sessionid={w.registrar_session}"}
        method, url, headers, body = "GET", "", token, None
        if kind == "register":
            method, url = "POST", self.base + REGISTER_PATH
            body = {"section_id": rng.choice(target[1])}
        elif kind == "drop":
            method, url = "DELETE", f"{self.base}{REGISTER_PATH}/{target[1]}"
        elif kind == "sections":
            url = f"{self.base}{SECTIONS_PATH}?period_id={w.period_id}"
            if rng.random() < 0.5:
                url += f"&discipline_id={rng.choice(person.planned)[0]}"
        elif kind == "mine":
            url = f"{self.base}{REGISTER_PATH}?period_id={w.period_id}"
        elif kind == "dashboard":
            url, headers = f"{self.base}/{LANGUAGE}/", student_cookie
        elif kind == "grades":
            url, headers = f"{self.base}/{LANGUAGE}/my/grades/", student_cookie
        elif kind == "regpage":
            url, headers = f"{self.base}/{LANGUAGE}/registration/{w.period_id}/", student_cookie
        elif kind == "sheet":
            url, headers = f"{self.base}/{LANGUAGE}/sheets/{rng.choice(w.sheet_ids)}/", teacher
        elif kind == "teaching":
            url, headers = f"{self.base}/{LANGUAGE}/teaching/", teacher
        elif kind == "search":
            q = urllib.parse.quote(rng.choice(w.queries))
            url = f"{self.base}/{LANGUAGE}/students/?q={q}"
            headers = {**registrar, "HX-Request": "true"}
        elif kind == "card":
            url = f"{self.base}/{LANGUAGE}/students/{person.student_id}/"
            headers = registrar

        writes = kind in ("register", "drop", "mine")
        start = time.perf_counter()
        try:
            async with session.request(method, url, json=body, headers=headers,
                                       allow_redirects=False) as response:
                payload = await response.read()
                status = response.status
            ms = (time.perf_counter() - start) * 1000
            ok = status in ((200, 201) if kind == "register" else (200,))
            self.stats.record(kind, ms, status, None if ok else f"HTTP {status}", payload)
            if writes:
                self._update(person, kind, target, ok, payload)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            self.stats.record(kind, (time.perf_counter() - start) * 1000, None,
                              type(exc).__name__, str(exc).encode())
            person.dirty = person.dirty or writes
        finally:
            if writes:
                person.busy = False

    def _update(self, person: Person, kind: str, target: Any, ok: bool, payload: bytes) -> None:
        if not ok:
            person.dirty = True
            return
        try:
            data = json.loads(payload)
        except ValueError:
            person.dirty = True
            return
        if kind == "register":
            person.active[target[0]] = data["id"]
        elif kind == "drop":
            person.active.pop(target[0], None)
        else:
            person.active = {self.world.section_discipline[r["section_id"]]: r["id"]
                             for r in data}
            person.dirty = False


async def drive(traffic: Traffic, seconds: float, rate: float,
                on_tick: Any = None) -> float:
    """Open loop: one request every 1/rate s for `seconds`, at most --concurrency in flight
    (an arrival waits for a free slot; what could not be sent by the end is counted as
    missed). Returns the wall time until the last answer."""
    import aiohttp

    args, stats = traffic.args, traffic.stats
    connector = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=args.concurrency,
                                     keepalive_timeout=30)
    timeout = aiohttp.ClientTimeout(total=args.request_timeout)
    slots = asyncio.Semaphore(args.concurrency)
    tasks: set[asyncio.Task] = set()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:

        def done(t: asyncio.Task) -> None:
            tasks.discard(t)
            slots.release()
            stats.in_flight -= 1
            if not t.cancelled() and t.exception() is not None:  # a bug of this client
                stats.errors[("client", repr(t.exception()))] += 1

        t0 = time.perf_counter()
        ticker = asyncio.create_task(on_tick(t0)) if on_tick else None
        n = 0
        while True:
            due = t0 + n / rate
            if due - t0 >= seconds:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await slots.acquire()
            if time.perf_counter() - t0 >= seconds:  # saturated: the rest is never sent
                slots.release()
                stats.missed = int(seconds * rate) - n
                break
            lag = time.perf_counter() - due
            stats.window_lag = max(stats.window_lag, lag)
            stats.max_lag = max(stats.max_lag, lag)
            stats.scheduled += 1
            stats.in_flight += 1
            task = asyncio.create_task(traffic.send(session, traffic.choose()))
            tasks.add(task)
            task.add_done_callback(done)
            n += 1
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        wall = time.perf_counter() - t0
        if ticker is not None:
            ticker.cancel()
            try:
                await ticker
            except asyncio.CancelledError:
                pass
    return wall


# --- Sampling -------------------------------------------------------------------------------

@dataclass
class Sample:
    t: float
    requests: dict[str, int]
    errors: int
    p50: float
    p95: float
    p99: float
    lag: float
    busy_cores: float
    master_kb: int
    workers_kb: dict[int, int]
    backends: int

    @property
    def workers_mb(self) -> float:
        return sum(self.workers_kb.values()) / 1024


class Sampler:
    def __init__(self, args: argparse.Namespace, stats: Stats, master: int,
                 admin: PgTarget, dbname: str) -> None:
        self.args, self.stats, self.master = args, stats, master
        self.admin, self.dbname = admin, dbname
        self.samples: list[Sample] = []
        self.workers_seen: set[int] = set()
        self.conn: Any = None

    def backends(self) -> int:
        try:
            if self.conn is None:
                self.conn = self.admin.connect()
            return self.conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                     [self.dbname]).fetchone()[0]
        except Exception:  # noqa: BLE001 - a figure, not a failure of the run
            self.conn = None
            return -1

    def memory(self) -> tuple[int, dict[int, int]]:
        workers = {}
        for pid in children_of(self.master):
            kb = rss_kb(pid)
            if kb is not None:
                workers[pid] = kb
        return rss_kb(self.master) or 0, workers

    async def run(self, t0: float) -> None:
        interval = self.args.interval
        k = 1
        jiffies, clock = cpu_busy_jiffies(), time.monotonic()
        ticks = os.sysconf("SC_CLK_TCK")
        while True:
            await asyncio.sleep(max(0.0, t0 + k * interval - time.perf_counter()))
            now_j, now_c = cpu_busy_jiffies(), time.monotonic()
            busy = (now_j - jiffies) / ticks / max(now_c - clock, 1e-6)
            jiffies, clock = now_j, now_c
            self.take(time.perf_counter() - t0, busy, await asyncio.to_thread(self.backends))
            k += 1

    def take(self, t: float, busy: float, backends: int, span: float | None = None) -> None:
        s = self.stats
        lat = sorted(s.window_latencies)
        master_kb, workers = self.memory()
        self.workers_seen.update(workers)
        sample = Sample(t=t, requests=dict(s.window), errors=s.window_errors,
                        p50=percentile(lat, 50), p95=percentile(lat, 95),
                        p99=percentile(lat, 99), lag=s.window_lag, busy_cores=busy,
                        master_kb=master_kb, workers_kb=workers, backends=backends)
        self.samples.append(sample)
        s.window, s.window_errors, s.window_latencies, s.window_lag = \
            collections.Counter(), 0, [], 0.0
        done = sum(sample.requests.values())
        kinds = " ".join(f"{k}={sample.requests.get(k, 0)}" for k in KINDS
                         if self.args.mix.get(k))
        log(f"{t:6.0f}s {done / (span or self.args.interval):6.1f}/s err {sample.errors:<3d} "
            f"p50 {sample.p50:6.1f} p95 {sample.p95:6.1f} p99 {sample.p99:7.1f} ms "
            f"lag {sample.lag:5.2f}s cpu {busy:4.2f} pg {backends:<3d} "
            f"rss MB master {master_kb / 1024:5.1f} workers "
            f"[{' '.join(f'{kb / 1024:.0f}' for kb in workers.values())}] "
            f"= {sample.workers_mb:6.1f} | {kinds}")


class Housekeeper:
    """What PostgreSQL's autovacuum does, for a server that runs without it.

    A registration rush rewrites the same rows all the time (a section's seat count, the
    registrations): production PostgreSQL runs autovacuum, which keeps the planner's figures
    of each table current (ANALYZE) and reclaims dead row versions (VACUUM). Some servers
    (this machine's, for the test suite's speed) run with ``autovacuum = off``; there the
    planner keeps the figures of the freshly seeded, nearly empty tables, and after a few
    minutes of the rush picks a plan for a table of 120 rows that has 30,000 (a student's
    registrations read through the term's index: 12 ms instead of 0.1). So when the server's
    autovacuum is off, this thread runs ``VACUUM (ANALYZE)`` on the soak's database every
    ``--housekeeping`` seconds (60, autovacuum's default pause between rounds) while the
    traffic runs; its CPU is PostgreSQL's and is counted with it."""

    def __init__(self, admin: PgTarget, dbname: str, every: float) -> None:
        self.admin, self.dbname, self.every = admin, dbname, every
        self.rounds: list[float] = []  # seconds each round took
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def needed(admin: PgTarget) -> bool:
        with admin.connect() as conn:
            return conn.execute("SHOW autovacuum").fetchone()[0] != "on"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="housekeeper", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with self.admin.connect(self.dbname) as conn:  # autocommit: VACUUM needs it
            while not self._stop.wait(self.every):
                t = time.monotonic()
                conn.execute("VACUUM (ANALYZE)")
                self.rounds.append(time.monotonic() - t)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=120)


def least_squares(xs: list[float], ys: list[float]) -> float:
    """The slope of the least-squares line through the points (0 for fewer than 2)."""
    if len(xs) < 2:
        return 0.0
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def memory_verdict(samples: list[Sample], wall: float, max_mb: float, max_pct: float
                   ) -> dict[str, Any]:
    xs = [s.t for s in samples]
    ys = [s.workers_mb for s in samples]
    window = [(x, y) for x, y in zip(xs, ys, strict=True) if x >= 0.2 * wall]
    slope_all = least_squares(xs, ys) * 60
    wx, wy = [x for x, _ in window], [y for _, y in window]
    slope = least_squares(wx, wy) * 60
    if len(window) >= 2:
        span = (wx[-1] - wx[0]) / 60
        mean_x, mean_y = sum(wx) / len(wx), sum(wy) / len(wy)
        start = mean_y + slope / 60 * (wx[0] - mean_x)
        growth = slope * span
    else:
        start, growth = (wy[0] if wy else 0.0), 0.0
    pct = 100 * growth / start if start else 0.0
    stable = len(window) >= 2 and (growth < max_mb or pct < max_pct)
    return {"slope_mb_per_min_all": round(slope_all, 3),
            "slope_mb_per_min_last80": round(slope, 3), "growth_mb_last80": round(growth, 1),
            "growth_pct_last80": round(pct, 2), "workers_mb_at_window_start": round(start, 1),
            "points": len(window), "stable": stable}


# --- Database check -------------------------------------------------------------------------

def check_client_view(world: World) -> dict[str, int]:
    """Every student's active registrations in the database against the client's record
    (students whose last write failed are left out: the client does not know its outcome)."""
    from registrar.registration.models import ACTIVE_STATES, Registration

    held: dict[int, dict[int, int]] = collections.defaultdict(dict)
    for student_id, discipline_id, pk in Registration.objects.filter(
            period_id=world.period_id, state__in=ACTIVE_STATES).values_list(
            "student_id", "discipline_id", "pk"):
        held[student_id][discipline_id] = pk
    known = [p for p in world.people if not p.dirty]
    return {"students_checked": len(known),
            "students_unknown": len(world.people) - len(known),
            "mismatches": sum(1 for p in known if held.get(p.student_id, {}) != p.active),
            "active_registrations": sum(len(v) for v in held.values())}


# --- Main -----------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cores = usable_cores()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--rate", type=float, default=300.0,
                   help="requests/s in all (open loop; the rush target)")
    p.add_argument("--duration", type=float, default=600.0, help="seconds of traffic")
    p.add_argument("--concurrency", type=int, default=128,
                   help="cap on requests in flight (a later arrival waits for a free slot)")
    p.add_argument("--mix", type=parse_mix, default=DEFAULT_MIX,
                   help=f"a named mix ({', '.join(MIXES)}; default {DEFAULT_MIX}) or weights "
                        f"of the kinds of request ({', '.join(KINDS)})")
    p.add_argument("--interval", type=float, default=10.0, help="seconds between samples")
    p.add_argument("--warm-up", type=float, default=5.0,
                   help="seconds of the mix at a tenth of the rate before measuring")
    p.add_argument("--max-growth-mb", type=float, default=20.0,
                   help="stable: fitted growth of the workers' RSS over the last 80 %% below "
                        "this, or below --max-growth-pct")
    p.add_argument("--max-growth-pct", type=float, default=5.0)
    p.add_argument("--students", type=int, default=5000)
    p.add_argument("--per-student", type=int, default=6, help="planned disciplines per student")
    p.add_argument("--disciplines", type=int, default=18, help="size of the discipline pool")
    p.add_argument("--sections-per-discipline", type=int, default=6)
    p.add_argument("--capacity-ratio", type=lambda s: tuple(float(x) for x in s.split(",")),
                   default=(0.8, 1.15),
                   help="a discipline's seats ÷ its demand is drawn from LOW,HIGH")
    p.add_argument("--workers", type=int, default=cores + 1, help="gunicorn processes")
    p.add_argument("--threads", type=int, default=4,
                   help="threads per gunicorn process (>1 uses the gthread worker)")
    p.add_argument("--worker-class", choices=["sync", "gthread"], default=None)
    p.add_argument("--wsgi", default="registrar.wsgi:application")
    p.add_argument("--port", type=int, default=8766)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--request-timeout", type=float, default=30.0)
    p.add_argument("--wait-quiet", type=float, default=30,
                   help="wait up to this many seconds for the CPUs to be idle first")
    p.add_argument("--housekeeping", type=float, default=60.0,
                   help="when the server runs with autovacuum off, VACUUM (ANALYZE) the "
                        "database every this many seconds during the soak (0: never)")
    p.add_argument("--keep", action="store_true", help="keep the database")
    p.add_argument("--max-seconds", type=int, default=1500, help="hard bound on the whole run")
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = p.parse_args(argv)
    args.mix = {k: args.mix.get(k, 0.0) for k in KINDS}
    return args


def report(args: argparse.Namespace, stats: Stats, sampler: Sampler, wall: float,
           figures: dict[str, Any]) -> bool:
    """The end-of-run figures; True when there was no error and memory is stable."""
    done = stats.requests
    achieved = done / wall if wall else 0.0
    errors = sum(stats.errors.values())
    log(f"rate                  {achieved:.1f}/s achieved, {args.rate:g}/s target "
        f"({achieved / args.rate:.1%}); {done} requests in {wall:.1f} s; largest lag behind "
        f"the schedule {stats.max_lag:.2f} s; {stats.missed} arrivals not sent (saturated)")
    log(f"errors                {errors}" + "".join(
        f"\n    {c:6d}  {k}: {what}" for (k, what), c in stats.errors.most_common(10)))
    for sample in stats.samples[:5]:
        log(f"    sample: {sample}")
    if stats.fallbacks:
        log(f"writes turned the other way (everyone full/empty): {dict(stats.fallbacks)}")
    log(f"{'kind':10s} {'requests':>9s} {'p50':>7s} {'p95':>7s} {'p99':>7s} {'max':>8s} ms  "
        "statuses")
    per_kind = {}
    for kind in KINDS:
        lat = sorted(stats.latencies.get(kind, []))
        if not lat:
            continue
        q = {n: percentile(lat, n) for n in (50, 95, 99)}
        log(f"{kind:10s} {len(lat):9d} {q[50]:7.1f} {q[95]:7.1f} {q[99]:7.1f} {lat[-1]:8.1f}    "
            f"{dict(sorted(stats.statuses[kind].items()))}")
        per_kind[kind] = {"requests": len(lat), "p50_ms": round(q[50], 1),
                          "p95_ms": round(q[95], 1), "p99_ms": round(q[99], 1),
                          "max_ms": round(lat[-1], 1),
                          "errors": sum(c for (k, _), c in stats.errors.items() if k == kind)}
    all_lat = sorted(x for v in stats.latencies.values() for x in v)
    log(f"{'all':10s} {len(all_lat):9d} {percentile(all_lat, 50):7.1f} "
        f"{percentile(all_lat, 95):7.1f} {percentile(all_lat, 99):7.1f}")

    samples = sampler.samples
    full = [s for s in samples if s.t >= args.interval - 0.5]
    replaced = sorted(sampler.workers_seen - set(samples[-1].workers_kb)) if samples else []
    verdict = memory_verdict(full, wall, args.max_growth_mb, args.max_growth_pct)
    if full:
        first, last = full[0], full[-1]
        log(f"memory (RSS MB)       at {first.t:.0f} s → at {last.t:.0f} s")
        log(f"    master            {first.master_kb / 1024:7.1f} → {last.master_kb / 1024:7.1f}")
        for pid in sorted(set(first.workers_kb) | set(last.workers_kb)):
            a, b = first.workers_kb.get(pid), last.workers_kb.get(pid)
            log(f"    worker {pid:<10d} {a / 1024 if a else float('nan'):7.1f} → "
                f"{b / 1024 if b else float('nan'):7.1f}")
        log(f"    workers in all    {first.workers_mb:7.1f} → {last.workers_mb:7.1f}")
        log(f"slope of the workers' RSS: {verdict['slope_mb_per_min_all']:+.2f} MB/min over the "
            f"run, {verdict['slope_mb_per_min_last80']:+.2f} MB/min over the last 80 % "
            f"(fitted growth {verdict['growth_mb_last80']:+.1f} MB, "
            f"{verdict['growth_pct_last80']:+.1f} % of {verdict['workers_mb_at_window_start']:.0f}"
            f" MB)")
        log(f"memory: {'stable' if verdict['stable'] else 'NOT STABLE'} (threshold: fitted growth "
            f"over the last 80 % under {args.max_growth_mb:g} MB or under "
            f"{args.max_growth_pct:g} %)")
        figures["memory"] = {
            "first": {"t": round(first.t), "master_mb": round(first.master_kb / 1024, 1),
                      "workers_mb": {str(k): round(v / 1024, 1)
                                     for k, v in first.workers_kb.items()}},
            "last": {"t": round(last.t), "master_mb": round(last.master_kb / 1024, 1),
                     "workers_mb": {str(k): round(v / 1024, 1)
                                    for k, v in last.workers_kb.items()}},
            **verdict}
    if replaced:
        log(f"WORKERS REPLACED during the run (crash or timeout): {replaced}")
    figures["soak"] = {
        "target_rate": args.rate, "achieved_rate": round(achieved, 1), "requests": done,
        "wall_s": round(wall, 1), "errors": errors, "max_lag_s": round(stats.max_lag, 2),
        "missed_arrivals": stats.missed,
        "workers": args.workers, "concurrency": args.concurrency, "mix": args.mix,
        "per_kind": per_kind, "workers_replaced": replaced,
        "p50_ms": round(percentile(all_lat, 50), 1), "p95_ms": round(percentile(all_lat, 95), 1),
        "p99_ms": round(percentile(all_lat, 99), 1)}
    figures["intervals"] = [
        {"t": round(s.t, 1), "requests": s.requests, "errors": s.errors, "p50_ms": round(s.p50, 1),
         "p95_ms": round(s.p95, 1), "p99_ms": round(s.p99, 1), "lag_s": round(s.lag, 2),
         "busy_cores": round(s.busy_cores, 2), "pg_backends": s.backends,
         "master_mb": round(s.master_kb / 1024, 1),
         "workers_mb": [round(v / 1024, 1) for v in s.workers_kb.values()]} for s in samples]
    figures["soak"]["rate_reached"] = achieved >= RATE_REACHED * args.rate
    return errors == 0 and not replaced and bool(verdict.get("stable"))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    hard_deadline = started + args.max_seconds
    arm_deadline(args.max_seconds)
    if not have_aiohttp():
        return 2

    admin = PgTarget.from_url("postgres://postgres@127.0.0.1:5432/postgres")
    dbname = f"registrar_soak_{dt.datetime.now().strftime('%Y%m%d_%H%M%S')}"
    database_url = admin.url(dbname)
    figures: dict[str, Any] = {"command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])}
    facts = server_facts(admin)
    log("== Machine")
    log(f"cores (usable): {usable_cores()}   CPU: {cpu_model()}   Python "
        f"{platform.python_version()}")
    log(f"PostgreSQL {facts['server_version']}  "
        + "  ".join(f"{k}={v}" for k, v in facts.items() if k != "server_version"))
    log(f"gunicorn -w {args.workers} --threads {args.threads}; rate {args.rate:g}/s for "
        f"{args.duration:g} s, at most {args.concurrency} in flight; mix "
        + ",".join(f"{k}={w:g}" for k, w in args.mix.items() if w))
    figures["machine"] = {"cores": usable_cores(), "cpu": cpu_model(), "postgres": facts}

    server: SoakServer | None = None
    logdir = Path(tempfile.mkdtemp(prefix="registrar-soak-"))
    created = False
    status = 1
    try:
        create_database(admin, dbname)
        created = True
        t = time.monotonic()
        setup_django(database_url)
        migrate()
        log(f"\n== Seed\ndatabase {dbname} migrated in {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        rng = random.Random(args.seed)
        seeded = seed_rush(args, rng)
        world = seed_portal(seeded, rng)
        log(f"seeded {args.students} students × {args.per_student} planned disciplines, "
            f"{seeded.sections} sections ({seeded.capacity / seeded.demand:.0%} of demand), "
            f"a past term with {HISTORY_DISCIPLINES} grades each and GPA, "
            f"{len(world.sheet_ids)} grade sheets of a teacher, a registrar, "
            f"{len(world.people) + 2} sessions in {time.monotonic() - t:.1f} s")
        from django.db import connections

        connections.close_all()

        log("\n== Server")
        server = SoakServer(args, database_url, logdir)
        log(" ".join(server.command()[1:]))
        server.start()
        server.wait_ready()
        asyncio.run(warm_up(args, seeded))
        stats = Stats()
        traffic = Traffic(args, world, stats)
        if args.warm_up > 0:
            asyncio.run(drive(traffic, args.warm_up, max(args.rate / 10, 5)))
            log(f"warm-up: {stats.requests} requests of the mix, "
                f"{sum(stats.errors.values())} errors"
                + "".join(f"\n    {s}" for s in stats.samples[:5]))
        assert server.proc is not None
        log(f"answering; master {server.proc.pid}, workers {children_of(server.proc.pid)}")
        if args.wait_quiet:
            busy = wait_quiet(args.wait_quiet)
            log(f"busy cores before the soak (other processes): {busy:.2f}"
                + ("   WARNING: the machine is not idle" if busy > 0.25 else ""))

        log("\n== Soak")
        # The warm-up's figures are not the soak's; its registrations stay in the client.
        stats = Stats()
        traffic.stats = stats
        seconds = min(args.duration, hard_deadline - time.monotonic() - 90)
        if seconds < args.duration:
            log(f"(time budget: {seconds:.0f} s of traffic instead of {args.duration:g} s)")
        sampler = Sampler(args, stats, server.proc.pid, admin, dbname)
        housekeeper = None
        if args.housekeeping > 0 and Housekeeper.needed(admin):
            housekeeper = Housekeeper(admin, dbname, args.housekeeping)
            log(f"the server runs with autovacuum off: VACUUM (ANALYZE) every "
                f"{args.housekeeping:g} s in its place (see Housekeeper)")
        meter = CpuMeter(server.proc.pid, dbname)
        meter.start()
        if housekeeper is not None:
            housekeeper.start()
        wall = asyncio.run(drive(traffic, max(seconds, args.interval), args.rate, sampler.run))
        if housekeeper is not None:
            housekeeper.stop()
            rounds = housekeeper.rounds
            log(f"housekeeping: {len(rounds)} rounds of VACUUM (ANALYZE), "
                f"{sum(rounds) / max(len(rounds), 1):.1f} s each on average")
            figures["housekeeping_rounds"] = [round(r, 2) for r in rounds]
        used = meter.stop()
        if stats.window:  # the last, partial interval
            sampler.take(wall, 0.0, sampler.backends(), span=wall % args.interval or None)
        app_log = server.app_log()
        gunicorn_log = server.log_tail(200)
        server.stop()

        log("\n== Figures")
        ok = report(args, stats, sampler, wall, figures)
        log(f"CPU during the soak    (average busy cores; {usable_cores()} in all)  "
            + "  ".join(f"{k} {v / wall:.2f}" for k, v in used.items()))
        if stats.requests:
            server_ms = sum(used[k] for k in ("gunicorn", "postgres", "postgres_background"))
            server_ms *= 1000 / stats.requests
            log(f"server CPU per request of the mix: {server_ms:.1f} ms → at most "
                f"{usable_cores() * 1000 / server_ms:.0f} requests/s if the cores did nothing "
                "else")
            figures["server_cpu_ms_per_request"] = round(server_ms, 2)
        figures["cpu_busy_cores"] = {k: round(v / wall, 2) for k, v in used.items()}
        failures = server_failures(app_log + "\n" + gunicorn_log)
        if failures:
            log("\nserver errors (application and gunicorn logs):")
            for text in failures:
                log(text)
        figures["server_errors"] = failures

        log("\n== Database check")
        checked = verify(world.period_id)
        client = check_client_view(world)
        log(f"over-enrolment: {checked['over_enrolment']}")
        log(f"duplicates (student, discipline, term, active): {checked['duplicates']}")
        log(f"sections where enrolled rows != enrolled_count: {checked['count_mismatches']}")
        log(f"sections with a waitlist but free seats: {checked['waitlist_with_free_seats']}")
        log(f"enrolled rows {checked['enrolled']}, waitlisted {checked['waitlisted']}, "
            f"registration audit events {checked['audit_events']}")
        log(f"students whose registrations differ from the client's: {client['mismatches']} "
            f"of {client['students_checked']} ({client['students_unknown']} unknown after "
            "a failed write)")
        figures["check"] = {**checked, "client": client}
        connections.close_all()
        if sampler.conn is not None:
            sampler.conn.close()
        clean = (checked["over_enrolment"] == 0 and checked["duplicates"] == 0
                 and checked["count_mismatches"] == 0 and client["mismatches"] == 0)
        reached = figures["soak"]["rate_reached"]
        log(f"\nverdict: {'PASS' if ok and clean and reached else 'FAIL'} (rate "
            f"{figures['soak']['achieved_rate']:g}/s of {args.rate:g}/s"
            f"{'' if reached else f' < {RATE_REACHED:.0%}'}, errors "
            f"{figures['soak']['errors']}, memory "
            f"{'stable' if figures.get('memory', {}).get('stable') else 'not stable'}, "
            f"database {'clean' if clean else 'NOT CLEAN'})")
        status = 0 if ok and clean and figures["soak"]["rate_reached"] else 1
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
        if created and args.keep:
            log(f"\nkept database: {dbname}")
        elif created:
            try:
                drop_database(admin, dbname)
            except Exception as exc:  # noqa: BLE001
                log(f"could not drop {dbname}: {exc}")
        shutil.rmtree(logdir, ignore_errors=True)
        log(f"\ntotal run time {time.monotonic() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return status


if __name__ == "__main__":
    sys.exit(main())
