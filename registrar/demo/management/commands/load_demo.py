"""`manage.py load_demo [--students N] [--seed S] [--if-empty]`: build the demo university."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registrar.contingent.selectors import status_mismatches
from registrar.demo import builder
from registrar.institution.models import Faculty
from registrar.people.models import Student


class Command(BaseCommand):
    help = (
        "Build a believable demo university (faculties, programmes, groups, staff, students "
        "and several years of orders applied through the order services) in an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--students", type=int, default=3000,
                            help="number of students (default 3000; 50000 for benchmarks)")
        parser.add_argument("--seed", type=int, default=2026,
                            help="random seed; the same seed builds the same university")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing (successfully) if the database already has data")

    def handle(self, *args: Any, **options: Any) -> None:
        students: int = options["students"]
        if students < 1:
            raise CommandError("--students must be at least 1.")
        if Faculty.objects.exists() or Student.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already has data; load_demo left it unchanged.")
                return
            raise CommandError(
                "The database already has data (faculties or students). load_demo only fills "
                "an empty database: use a fresh one (e.g. DATABASE_URL=sqlite:////tmp/demo.sqlite3 "
                "and migrate), or pass --if-empty to skip quietly."
            )
        from django.contrib.auth import get_user_model

        taken = sorted(get_user_model().objects.filter(
            username__in=[u for u in builder.DEMO_USERNAMES if u != "admin"]
        ).values_list("username", flat=True))
        if taken:
            raise CommandError(f"Demo user names already exist: {', '.join(taken)}.")

        self.stdout.write(f"Building the demo university: {students:,} students, "
                          f"seed {options['seed']} ...")
        result = builder.build(students=students, seed=options["seed"], log=self.stdout.write)
        self.stdout.write(f"Built in {result.seconds:.1f} s "
                          f"({students / result.seconds:,.0f} students/s): "
                          f"{result.orders:,} orders with {result.items:,} items.")

        checked = time.perf_counter()
        mismatches = status_mismatches()
        self.stdout.write(f"Status check (status derived from applied orders = stored status): "
                          f"{len(mismatches)} mismatches "
                          f"({time.perf_counter() - checked:.1f} s).")
        if mismatches:
            for row in mismatches[:20]:
                self.stderr.write(f"  student {row[0]}: {row[1]} stored {row[2]!r}, "
                                  f"derived {row[3]!r}")
            raise CommandError("The demo data disagrees with its orders; see above.")
        self._print_summary(builder.summary())

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"Demo accounts (password for all: {builder.PASSWORD}):"))
        for username in result.usernames:
            self.stdout.write(f"  {username}")
        if "admin" not in result.usernames:
            self.stdout.write("  (an account 'admin' existed already and was left unchanged)")

    def _print_summary(self, summary: dict[str, Any]) -> None:
        self.stdout.write(
            f"Faculties {summary['faculties']}, departments {summary['departments']}, "
            f"programmes {summary['programmes']}, groups {summary['groups']}, "
            f"staff {summary['staff']:,}, students {summary['students']:,}."
        )
        self.stdout.write("Students by status:")
        for status, count in sorted(summary["students_by_status"].items()):
            self.stdout.write(f"  {status:<16} {count:>7,}")
        self.stdout.write(f"Orders by type and state ({summary['order_items']:,} items):")
        for (order_type, state), count in sorted(summary["orders"].items()):
            self.stdout.write(f"  {order_type:<20} {state:<10} {count:>5}")
