#!/usr/bin/env python3
"""Student search benchmark: the portal's search over 50,000 students (§1).

What it does:

1. prints the machine (cores, CPU model, load average);
2. creates a fresh database — an SQLite file under /tmp by default, or with
   ``--database-url postgres://postgres@127.0.0.1:5432/<name>`` a fresh PostgreSQL database
   (created, and dropped at the end unless --keep) — and migrates it;
3. seeds with ``bulk_create`` (the Student queryset fills the search keys): 4 faculties,
   24 programmes, a group per 25 students (Latin names such as ``IS-23-1`` and Cyrillic ones
   such as ``ИС-23-1``), ``--students`` students (default 50,000) with random Kazakh and
   Russian names in the three scripts (the demo's name lists) and valid IINs; a registrar and
   the dean of one faculty; PostgreSQL: ANALYZE afterwards, as autovacuum would;
4. times 20 typical queries — a lower-case Cyrillic surname prefix, a given name and a
   surname, a Kazakh spelling typed for a Russian one, a Latin name, an IIN prefix and a whole
   IIN, a group, a single letter (the widest), nothing found, no query at all — each
   ``--repeat`` times (default 5) through
   a. the selector: ``people.selectors.search_page`` over
      ``contingent.selectors.students_visible_to(registrar)`` (the page's rows and the count);
   b. the view: ``GET /ru/students/?q=…`` as the HTMX live search sends it (the results
      table), through the whole middleware stack with Django's test client, as the registrar;
   c. the same view as the dean (their faculty only).
   It prints per query the median ms and the number found, then per path the median of the
   queries' medians and the maximum of all runs. Target: every run under 1,000 ms.

    .venv/bin/python bench/student_search.py
    .venv/bin/python bench/student_search.py --database-url \\
        postgres://postgres@127.0.0.1:5432/registrar_bench_search
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

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

TARGET_MS = 1000.0
GROUP_SIZE = 25
FACULTIES = ("IT", "EC", "PH", "HU")
PROGRAMMES = (("IS", "ИС"), ("CS", "ВТ"), ("SE", "ПИ"), ("MA", "МА"), ("EC", "ЭК"),
              ("FN", "ФН"))


# --- Seeding --------------------------------------------------------------------------------

def seed(students: int, rng: random.Random) -> dict[str, Any]:
    from django.db import connection, transaction

    from registrar.demo import names
    from registrar.institution.models import AcademicGroup, Department, Faculty, Programme
    from registrar.people import iin as iin_rules
    from registrar.people.models import Role, RoleAssignment, Student
    from tests import factories

    with transaction.atomic():
        programmes = []
        for f, code in enumerate(FACULTIES):
            faculty = Faculty.objects.create(code=code, name_kk=code, name_ru=code, name_en=code)
            for d in range(2):
                department = Department.objects.create(
                    faculty=faculty, code=f"{code}{d}", name_kk=f"К{d}", name_ru=f"К{d}",
                    name_en=f"D{d}")
                for p in range(3):
                    latin, cyrillic = PROGRAMMES[(d * 3 + p) % len(PROGRAMMES)]
                    language = "ru" if p % 2 == 0 else "kk"
                    programmes.append((Programme.objects.create(
                        department=department, code=f"6B{f}{d}{p:03d}", name_kk=latin,
                        name_ru=cyrillic, name_en=latin, degree="bachelor",
                        study_form="full_time", language=language),
                        f"{latin}{f}{d}" if language == "kk" else f"{cyrillic}{f}{d}"))
        groups: list[AcademicGroup] = []
        per_programme = -(-students // (GROUP_SIZE * len(programmes)))
        for programme, abbr in programmes:
            for k in range(per_programme):
                intake = 2022 + k % 4
                groups.append(AcademicGroup(
                    name=f"{abbr}-{intake % 100}-{k // 4 + 1}", programme=programme,
                    intake_year=intake, language=programme.language))
        groups = AcademicGroup.objects.bulk_create(groups, batch_size=2000)
        rows, serial, used = [], 0, set()
        for n in range(students):
            group = groups[n // GROUP_SIZE % len(groups)]
            sex = "female" if rng.random() < 0.5 else "male"
            born = dt.date(2001 + rng.randrange(6), 1 + rng.randrange(12), 1 + rng.randrange(28))
            iin = None
            while iin is None or iin in used:
                serial += 1
                iin = iin_rules.make(born, sex, serial)
            used.add(iin)
            rows.append(Student(
                iin=iin, birth_date=born, gender=sex, status="active",
                programme_id=group.programme_id, group=group,
                year_of_study=2026 - group.intake_year,
                **names.person(rng, kazakh=rng.random() < 0.7, sex=sex)))
        made = Student.objects.bulk_create(rows, batch_size=2000)
        registrar = factories.user("bench_registrar", role=Role.REGISTRAR)
        dean = factories.user("bench_dean")
        RoleAssignment.objects.create(user=dean, role=Role.DEAN,
                                      faculty=Faculty.objects.get(code=FACULTIES[0]))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"registrar": registrar, "dean": dean, "students": made, "groups": groups}


def queries(world: dict[str, Any], rng: random.Random) -> list[tuple[str, str]]:
    """20 (label, query) pairs taken from the seeded students."""
    from registrar.people.models import Student

    sample: list[Student] = rng.sample(world["students"], 12)
    kazakh = [s for s in world["students"][:2000] if s.last_name_kk != s.last_name_ru
              and any(c in s.first_name_kk for c in "әғқңөұүһі")]
    k = kazakh[0]
    latin_group = next(g for g in world["groups"] if g.name.isascii())
    cyrillic_group = next(g for g in world["groups"] if not g.name.isascii())
    return [
        ("surname prefix, lower case", sample[0].last_name_ru[:4].lower()),
        ("surname prefix, lower case", sample[1].last_name_ru[:5].lower()),
        ("whole surname, lower case", sample[2].last_name_ru.lower()),
        ("given name + surname", f"{sample[3].first_name_ru} {sample[3].last_name_ru}".lower()),
        ("surname + given name prefix",
         f"{sample[4].last_name_ru[:5]} {sample[4].first_name_ru[:3]}".lower()),
        ("patronymic", sample[5].patronymic_ru.lower()),
        ("Kazakh spelling of a name", k.first_name_kk.lower()),
        ("Russian spelling, Kazakh name", k.last_name_ru[:4].upper()),
        ("Latin surname", sample[6].last_name_en),
        ("Latin prefix, lower case", sample[7].last_name_en[:4].lower()),
        ("Latin given name + surname", f"{sample[8].first_name_en} {sample[8].last_name_en}"),
        ("IIN prefix (birth date)", sample[9].iin[:6]),
        ("IIN prefix (8 digits)", sample[10].iin[:8]),
        ("whole IIN", sample[11].iin),
        ("group, Latin, lower case", latin_group.name.lower()),
        ("group, Cyrillic, lower case", cyrillic_group.name.lower()),
        ("group + surname", f"{cyrillic_group.name} {sample[0].last_name_ru[:2]}".lower()),
        ("one letter (widest)", "а"),
        ("nothing found", "щзщзщ"),
        ("no query (first page)", ""),
    ]


# --- Timing ---------------------------------------------------------------------------------

def time_ms(action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def run(world: dict[str, Any], pairs: list[tuple[str, str]], repeat: int) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from registrar.contingent.selectors import students_visible_to
    from registrar.people.selectors import search_page

    registrar, dean = world["registrar"], world["dean"]

    def selector(text: str) -> int:
        page = search_page(students_visible_to(registrar), text, 1)
        list(page.object_list)
        return page.paginator.count

    clients = {}
    for role, user in (("registrar", registrar), ("dean", dean)):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        clients[role] = client
    with translation.override("ru"):
        url = reverse("portal:student_list")

    def view(role: str) -> Any:
        def call(text: str) -> int:
            response = clients[role].get(url, {"q": text}, HTTP_HX_REQUEST="true")
            assert response.status_code == 200, response.status_code
            assert b"<html" not in response.content  # the results table only
            return -1
        return call

    paths = (("selector (registrar)", selector), ("view, HTMX (registrar)", view("registrar")),
             ("view, HTMX (dean)", view("dean")))
    summary = []
    for path_label, call in paths:
        log(f"\n{path_label}: median of {repeat} runs per query")
        medians, every = [], []
        for label, text in pairs:
            runs = []
            found = 0
            for _ in range(repeat):
                ms, found = time_ms(lambda call=call, text=text: call(text))
                runs.append(ms)
            every.extend(runs)
            medians.append(statistics.median(runs))
            shown = f"{found:6,} found" if found >= 0 else " " * 12
            log(f"  {statistics.median(runs):7.1f} ms  max {max(runs):7.1f}  "
                f"{shown}  {label}: {text!r}")
        summary.append((path_label, statistics.median(medians), max(every)))
    log("\nsummary (20 queries):")
    for path_label, median, worst in summary:
        log(f"  {path_label:24} median {median:6.1f} ms, max {worst:7.1f} ms "
            f"[target < {TARGET_MS:.0f} ms: {'met' if worst < TARGET_MS else 'NOT met'}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a fresh PostgreSQL database to create")
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--wait-quiet", type=float, default=60, metavar="SECONDS",
                        help="wait up to this long for an idle machine before measuring")
    args = parser.parse_args()

    log(f"machine: {usable_cores()} cores ({os.cpu_count()} online), {cpu_model()}, "
        f"Python {platform.python_version()}; load average {load_average()}")
    url, cleanup = prepare_database(args.database_url, "search")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = "
                               "'people_student_search_key_trgm'")
                trigram = "with" if cursor.fetchone()[0] else "WITHOUT"
            version += f", {trigram} the trigram index"
        else:
            import sqlite3

            version = sqlite3.sqlite_version
        log(f"database: {connection.vendor} {version} {url.rsplit('@', 1)[-1]}")
        rng = random.Random(2026)
        started = time.perf_counter()
        world = seed(args.students, rng)
        log(f"seeded {args.students:,} students in {len(world['groups']):,} groups in "
            f"{time.perf_counter() - started:.1f} s")
        pairs = queries(world, rng)
        wait_quiet(args.wait_quiet)
        run(world, pairs, args.repeat)
    finally:
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    main()
