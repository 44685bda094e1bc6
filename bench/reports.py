#!/usr/bin/env python3
"""Reports benchmark (issue 7, §12): the exam-session results and the contingent report over
50,000 students. Target: < 5 s each, on SQLite and on PostgreSQL.

What it does:

1. prints the machine (cores, CPU model, load average) and the calibration loop;
2. creates a fresh database — an SQLite file under /tmp by default, or with
   ``--database-url postgres://postgres@127.0.0.1:5432/<name>`` a fresh PostgreSQL database
   (created, and dropped at the end unless --keep) — and migrates it;
3. seeds with ``bulk_create``, the way the applied orders would have left it: one faculty,
   12 programmes (Kazakh, Russian, English × full-time, part-time × 2), 48 groups (intakes
   2023–2026), ``--students`` students (default 50,000) spread over programmes and years 1–4;
   their history as applied orders with one status change per item — enrolment, a promotion
   each 1 July, and in 2026 about 3 % expelled (by reason), 2 % on academic leave, 1 %
   reinstated, 0.5 % back from leave; the autumn 2026 session of the studying students:
   5 disciplines per programme and year, one section each (240 sections), a locked exam
   statement per section with an entry per student (about 1 % absent) and a final result per
   student and section (about 2 % not admitted, the letters drawn from a realistic
   distribution): about 235,000 final results. PostgreSQL: ANALYZE afterwards, as autovacuum
   would;
4. times, each after waiting for a quiet machine, `session_results` (the autumn 2026 term,
   whole university) and `contingent` (on 31 Dec 2026, movement 1 Sep 2025 – 31 Dec 2026),
   cold and then best of ``--repeat``; checks the figures against independent counts; then
   times the XLSX of each (what the export worker does after the query).

    .venv/bin/python bench/reports.py
    .venv/bin/python bench/reports.py --database-url \\
        postgres://postgres@127.0.0.1:5432/registrar_bench_reports
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.benchkit import (  # noqa: E402  (after the path is set)
    calibration_ms,
    cpu_model,
    load_average,
    log,
    prepare_database,
    setup_django,
    usable_cores,
    wait_quiet,
)

TARGET_SECONDS = 5.0
PER_COHORT = 5  # disciplines per programme and year in the session
D = dt.date


def seed(students: int, rng: random.Random) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from registrar.assessment.models import FinalResult, GradeEntry, GradeSheet
    from registrar.contingent.models import Order, OrderItem, StatusChange
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
    from registrar.people.models import RoleAssignment, Student
    from registrar.policy.values import DEFAULT_VALUES
    from registrar.registration.models import Section

    user = get_user_model().objects.create_user("bench-registrar", password="x" * 12)
    RoleAssignment.objects.create(user=user, role="registrar")
    faculty = Faculty.objects.create(code="F", name_kk="Ф", name_ru="Ф", name_en="F")
    departments = [Department.objects.create(faculty=faculty, code=f"D{i}", name_kk=f"К{i}",
                                             name_ru=f"К{i}", name_en=f"D{i}")
                   for i in range(3)]
    programmes = []
    for i, (language, form) in enumerate((lang, form) for lang in ("kk", "ru", "en")
                                         for form in ("full_time", "part_time")
                                         for _ in range(2)):
        programmes.append(Programme.objects.create(
            department=departments[i % 3], code=f"6B{i:05d}", name_kk=f"Б{i}",
            name_ru=f"П{i}", name_en=f"P{i}", degree="bachelor", study_form=form,
            language=language))
    groups = {(p.pk, year): AcademicGroup.objects.create(
        name=f"G{p.pk}-{year}", programme=p, intake_year=2027 - year, language=p.language)
        for p in programmes for year in range(1, 5)}
    for start in range(2022, 2027):
        AcademicYear.objects.create(start_year=start, starts_on=D(start, 9, 1),
                                    ends_on=D(start + 1, 6, 30))
    year_2026 = AcademicYear.objects.get(start_year=2026)
    autumn = AcademicPeriod.objects.create(year=year_2026, kind=PeriodKind.AUTUMN,
                                           starts_on=D(2026, 9, 1), ends_on=D(2026, 12, 31))

    # Students and their histories as applied orders (one change per order item).
    counters: dict[tuple[str, int], int] = {}

    def order(kind: str, year: int) -> Order:
        counters[(kind, year)] = counters.get((kind, year), 0) + 1
        return Order.objects.create(order_type=kind, state="applied", faculty=faculty,
                                    year=year, sequence=counters[(kind, year)],
                                    number=f"{counters[(kind, year)]}-{kind[:3]}/{year}",
                                    signed_on=D(year, 1, 1))

    orders: dict[tuple[str, int], Order] = {}

    def order_for(kind: str, year: int) -> Order:
        if (kind, year) not in orders:
            orders[(kind, year)] = order(kind, year)
        return orders[(kind, year)]

    reasons = ["own_wish", "poor_results", "non_payment", "rule_violation", "non_attendance"]
    studying: list[tuple[int, int, int]] = []  # (student, programme, year)
    items: list[OrderItem] = []
    changes: list[StatusChange] = []

    def change(student: Student, kind: str, on: dt.date, status: str, year: int,
               funding: str, reason: str = "") -> None:
        item = OrderItem(order=order_for(kind, on.year), student=student, effective_date=on,
                         reason=reason)
        items.append(item)
        changes.append(StatusChange(
            student=student, order_item=item, effective_date=on, status=status,
            programme_id=student.programme_id, group_id=student.group_id, year_of_study=year,
            funding=funding))

    chunk = 2000
    with transaction.atomic():
        for first in range(0, students, chunk):
            batch = []
            for n in range(first, min(first + chunk, students)):
                programme = programmes[n % len(programmes)]
                year = 1 + (n // len(programmes)) % 4
                batch.append(Student(
                    iin=f"{20_000_000_000 + n:012d}", birth_date=D(2004, 1, 1),
                    gender="male" if n % 2 else "female",
                    citizenship="KZ" if rng.random() > 0.03 else rng.choice(["RU", "UZ", "KG"]),
                    last_name_ru=f"С{n}", first_name_ru="А", status="active",
                    programme=programme, group=groups[(programme.pk, year)],
                    year_of_study=year,
                    funding="state_grant" if rng.random() < 0.4 else "paid"))
            Student.objects.bulk_create(batch, batch_size=chunk)
            items.clear()
            changes.clear()
            updates = []
            for s in batch:
                # In 2026-27 year y: enrolled on 25 Aug of the intake year, promoted each
                # 1 July since; the other movements come after the last promotion.
                y, intake = s.year_of_study, 2027 - s.year_of_study
                change(s, "enrolment", D(intake, 8, 25), "active", 1, s.funding)
                for k in range(2, y + 1):
                    change(s, "promotion", D(intake + k - 1, 7, 1), "active", k, s.funding)
                roll = rng.random()
                if roll < 0.03:
                    change(s, "expulsion", D(2026, 10, 1), "expelled", y, s.funding,
                           reason=rng.choice(reasons))
                    s.status = "expelled"
                elif roll < 0.05:
                    change(s, "academic_leave", D(2026, 10, 2), "on_leave", y, s.funding)
                    s.status = "on_leave"
                elif roll < 0.06 and y > 1:
                    change(s, "expulsion", D(2026, 7, 5), "expelled", y, s.funding,
                           reason="poor_results")
                    change(s, "reinstatement", D(2026, 8, 20), "active", y, "paid")
                    s.funding = "paid"
                elif roll < 0.065 and y > 1:
                    change(s, "academic_leave", D(2026, 7, 10), "on_leave", y, s.funding)
                    change(s, "return_from_leave", D(2026, 9, 1), "active", y, s.funding)
                if s.status != "active" or s.funding == "paid":
                    updates.append(s)
                if s.status == "active":
                    studying.append((s.pk, s.programme_id, y))
            OrderItem.objects.bulk_create(items, batch_size=5000)
            StatusChange.objects.bulk_create(changes, batch_size=5000)
            Student.objects.bulk_update(updates, ["status", "funding"], batch_size=2000)
            made = min(first + chunk, students)
            if made % 10000 == 0 or made == students:
                sys.stderr.write(f"\r  seeded {made}/{students} students")
                sys.stderr.flush()
    sys.stderr.write("\n")

    # The autumn 2026 session.
    sections = {}
    with transaction.atomic():
        for p in programmes:
            for year in range(1, 5):
                for k in range(PER_COHORT):
                    disc = Discipline.objects.create(
                        code=f"{p.code}-{year}{k}", credits=5, name_kk="П", name_ru="Д",
                        name_en="D", department=p.department)
                    sections[(p.pk, year, k)] = Section.objects.create(
                        period=autumn, discipline=disc, code=f"{disc.code}-01",
                        language=p.language, capacity=5000)
        deadline = dt.datetime(2026, 12, 29, 10, tzinfo=dt.UTC)
        sheets = {key: GradeSheet.objects.create(section=s, kind="exam", state="locked",
                                                 entry_deadline=deadline)
                  for key, s in sections.items()}
        bands = sorted(DEFAULT_VALUES.grading_scale, key=lambda b: -b.min_score)
        weights = [8, 10, 12, 14, 12, 11, 9, 7, 6, 7, 3, 1]
        entries: list[GradeEntry] = []
        results: list[FinalResult] = []
        for student_id, programme_id, year in studying:
            for k in range(PER_COHORT):
                section = sections[(programme_id, year, k)]
                admitted = rng.random() > 0.02
                absent = admitted and rng.random() < 0.01
                if not admitted or absent:
                    band = bands[-1] if not admitted else bands[-2]
                else:
                    band = rng.choices(bands, weights)[0]
                score = Decimal(rng.randint(band.min_score, band.max_score))
                if admitted:
                    entries.append(GradeEntry(sheet=sheets[(programme_id, year, k)],
                                              student_id=student_id,
                                              score=Decimal(0) if absent else score,
                                              absent=absent))
                results.append(FinalResult(
                    section=section, student_id=student_id, r1=Decimal(70),
                    r2=Decimal(70) if admitted else Decimal(40), admission_rating=Decimal(55),
                    admitted=admitted, exam=(Decimal(0) if absent else score)
                    if admitted else None, final_score=score, letter=band.letter,
                    points=band.points, traditional=band.traditional,
                    passed=band.traditional != "fail"))
            if len(results) >= 20000:
                GradeEntry.objects.bulk_create(entries, batch_size=5000)
                FinalResult.objects.bulk_create(results, batch_size=5000)
                entries, results = [], []
        GradeEntry.objects.bulk_create(entries, batch_size=5000)
        FinalResult.objects.bulk_create(results, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"studying": len(studying), "user": user.pk, "period": autumn.pk}


def check(session, contingent) -> None:
    """The report's figures against independent plain counts."""
    from registrar.assessment.models import FinalResult
    from registrar.contingent.models import StatusChange
    from registrar.people.models import Student

    results = FinalResult.objects.filter(section__period=session.period)
    students = results.values("student_id").distinct().count()
    assert session.total.students == students, (session.total.students, students)
    failing = results.filter(passed=False).values("student_id").distinct().count()
    not_sat = students - session.total.sat
    assert session.total.failed == failing - not_sat
    figures = session.total
    assert figures.excellent + figures.good + figures.satisfactory + figures.failed == figures.sat
    # Nothing changed after 31 Dec 2026, so the contingent equals the current fields.
    body = Student.objects.filter(status__in=("active", "on_leave")).count()
    assert contingent.total[0] == body, (contingent.total[0], body)
    moved = StatusChange.objects.filter(
        effective_date__range=(contingent.start, contingent.end),
        order_item__order__order_type__in=("enrolment", "transfer_in")).count()
    assert contingent.movement_total[0] == moved


def timed(label: str, call, repeat: int, wait: float):
    wait_quiet(wait)
    started = time.perf_counter()
    value = call()
    cold = time.perf_counter() - started
    best = cold
    for _ in range(repeat):
        started = time.perf_counter()
        value = call()
        best = min(best, time.perf_counter() - started)
    verdict = "met" if best < TARGET_SECONDS else "NOT met"
    log(f"{label}: cold {cold:.2f} s, best of {repeat} {best:.2f} s "
        f"[target < {TARGET_SECONDS:.0f} s: {verdict}]")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a fresh PostgreSQL database to create")
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--wait-quiet", type=float, default=60, metavar="SECONDS",
                        help="wait up to this long for an idle machine before each measurement")
    args = parser.parse_args()

    log(f"machine: {usable_cores()} cores ({os.cpu_count()} online), {cpu_model()}, "
        f"Python {platform.python_version()}; load average {load_average()}; "
        f"calibration loop {calibration_ms():.0f} ms")
    url, cleanup = prepare_database(args.database_url, "reports")
    try:
        setup_django(url)
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = " " + cursor.fetchone()[0]
        else:
            import sqlite3

            version = " " + sqlite3.sqlite_version
        log(f"database: {connection.vendor}{version} {url.rsplit('@', 1)[-1]}")
        started = time.perf_counter()
        seeded = seed(args.students, random.Random(2026))
        from registrar.assessment.models import FinalResult
        from registrar.contingent.models import StatusChange
        from registrar.institution.models import AcademicPeriod
        from registrar.reports import exports, presenters, selectors

        log(f"seeded {args.students:,} students ({seeded['studying']:,} studying), "
            f"{StatusChange.objects.count():,} status changes, "
            f"{FinalResult.objects.count():,} final results in "
            f"{time.perf_counter() - started:.1f} s")
        user = get_user_model().objects.get(pk=seeded["user"])
        period = AcademicPeriod.objects.select_related("year").get(pk=seeded["period"])
        session = timed("session_results (autumn 2026, whole university)",
                        lambda: selectors.session_results(period, by=user),
                        args.repeat, args.wait_quiet)
        contingent = timed(
            "contingent (on 31.12.2026, movement 01.09.2025-31.12.2026)",
            lambda: selectors.contingent(D(2026, 12, 31), D(2025, 9, 1), D(2026, 12, 31),
                                         by=user),
            args.repeat, args.wait_quiet)
        check(session, contingent)
        t = session.total
        log(f"  session: {len(session.rows)} rows; students {t.students:,}, sat {t.sat:,}, "
            f"absolute {t.absolute} %, quality {t.quality} %")
        log(f"  contingent: {len(contingent.rows)} rows, {contingent.total[0]:,} students; "
            f"movement {len(contingent.movement)} rows")
        for label, present, value in (("session", presenters.present_session, session),
                                      ("contingent", presenters.present_contingent,
                                       contingent)):
            started = time.perf_counter()
            size = len(exports.xlsx(present(value)))  # type: ignore[operator]
            log(f"  XLSX of the {label} report: {size:,} bytes in "
                f"{time.perf_counter() - started:.2f} s (after the query)")
    finally:
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    main()
