"""Shared pieces of the benchmark scripts: the machine they run on and a fresh database.

A benchmark prints the machine (cores, CPU model, load), waits for the machine to be quiet
before each measurement, and measures a fresh database it creates and drops itself.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


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


def prepare_database(url: str | None, tag: str) -> tuple[str, Any]:
    """The DATABASE_URL to use and a clean-up callable. PostgreSQL: the database named in the
    URL is created (it must not exist: the figures are for a fresh database)."""
    if url is None:
        path = Path(tempfile.gettempdir()) / f"registrar_bench_{tag}_{int(time.time())}.sqlite3"
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


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- Processes -----------------------------------------------------------------------------

def rss_kb(pid: int) -> int | None:
    """Resident memory of a process in kB (VmRSS of /proc/<pid>/status); None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def children_of(ppid: int) -> list[int]:
    """Pids whose parent is `ppid` (the 4th field of /proc/<pid>/stat), sorted."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == ppid:
            found.append(int(entry.name))
    return sorted(found)
