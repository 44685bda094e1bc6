"""Issue (and print) transcripts for a programme or a group.

    manage.py issue_transcripts --group CS-23-1 --language ru --user registrar --out var/print
    manage.py issue_transcripts --programme 6B06101 --kind academic_certificate --jobs 2 \\
        --out var/print

Every document is issued by the named user (whose permissions apply, as on the web page) and
printed to OUT/<group>/<surname>-<code>.pdf. Students who cannot receive the document are
listed with the reason at the end; the others are issued regardless.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from registrar.institution.models import AcademicGroup, Language, Programme
from registrar.people.choices import StudentStatus
from registrar.people.models import Student

from ...batch import ProgressBar, issue_batch
from ...models import DocumentKind


class Command(BaseCommand):
    help = "Issue transcripts (or academic certificates) for a programme or a group."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--programme", help="programme code, e.g. 6B06101")
        which.add_argument("--group", help="academic group name, e.g. CS-23-1")
        parser.add_argument("--language", default="ru", choices=Language.values)
        parser.add_argument("--kind", default=DocumentKind.TRANSCRIPT,
                            choices=DocumentKind.values)
        parser.add_argument("--user", default="registrar",
                            help="username of the issuer (default: registrar)")
        parser.add_argument("--out", help="folder for the PDFs (not printed when omitted)")
        parser.add_argument("--all-statuses", action="store_true",
                            help="include students who are not studying (default: only "
                                 "studying students; certificates: only those who left)")
        parser.add_argument("--jobs", type=int, default=1,
                            help="processes printing PDFs in parallel (default 1)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"no user {options['user']!r}") from exc
        students = Student.objects.select_related("programme", "group").order_by(
            "group__name", "last_name_ru", "first_name_ru", "pk")
        if options["programme"]:
            if not Programme.objects.filter(code=options["programme"]).exists():
                raise CommandError(f"no programme {options['programme']!r}")
            students = students.filter(programme__code=options["programme"])
        else:
            if not AcademicGroup.objects.filter(name=options["group"]).exists():
                raise CommandError(f"no group {options['group']!r}")
            students = students.filter(group__name=options["group"])
        if not options["all_statuses"]:
            if options["kind"] == DocumentKind.ACADEMIC_CERTIFICATE:
                students = students.filter(status__in=[StudentStatus.EXPELLED,
                                                       StudentStatus.TRANSFERRED_OUT])
            else:
                students = students.filter(status=StudentStatus.ACTIVE)
        chosen = list(students)
        if not chosen:
            self.stdout.write("No students to issue documents to.")
            return
        out = Path(options["out"]) if options["out"] else None
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
        bar = None if options["no_progress"] else ProgressBar(len(chosen), sys.stderr)
        result = issue_batch(chosen, by=user, language=options["language"],
                             kind=options["kind"], out_dir=out, jobs=max(1, options["jobs"]),
                             progress=bar)
        if bar is not None:
            bar.close()
        self.stdout.write(
            f"Issued {len(result.issued)} of {len(chosen)} in {result.seconds:.1f} s "
            f"({result.rate:.1f}/s)" + (f"; PDFs in {out}" if out is not None else "") + ".")
        for student, reason in result.refused:
            self.stderr.write(f"  refused: {student.full_name_in(options['language'])} "
                              f"({student.iin}): {reason}")
