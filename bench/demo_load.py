"""Time `manage.py load_demo` into fresh SQLite files under /tmp.

    python bench/demo_load.py            # 3,000 students
    python bench/demo_load.py --big      # 3,000 and 50,000 students
    python bench/demo_load.py --students 10000 --keep

Each run migrates a new database file (not timed), then times the command (which includes
its own status check); it prints seconds and students per second.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(students: int, seed: int, keep: bool) -> float:
    handle, name = tempfile.mkstemp(prefix=f"demo{students}-", suffix=".sqlite3", dir="/tmp")
    os.close(handle)
    path = Path(name)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    try:
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT,
                       check=True)
        started = time.perf_counter()
        subprocess.run([*manage, "load_demo", "--students", str(students), "--seed", str(seed)],
                       env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
    finally:
        if not keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(f"load_demo --students {students:>6,}: {seconds:7.1f} s  "
          f"{students / seconds:7.0f} students/s" + (f"  ({path})" if keep else ""),
          flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also 50,000 students")
    parser.add_argument("--students", type=int, action="append",
                        help="student counts to time (repeatable; default 3000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database files")
    args = parser.parse_args()
    counts = args.students or [3000]
    if args.big:
        counts.append(50000)
    for students in counts:
        run(students, args.seed, args.keep)


if __name__ == "__main__":
    main()
