"""manage.py import_curriculum FILE --programme CODE --intake-year YYYY --user USERNAME (§3).

Imports the working curriculum of a programme for an intake year from XLSX/CSV, all or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registrar.curriculum.imports import ImportFailed, import_curriculum
from registrar.institution.models import Programme


class Command(BaseCommand):
    help = ("Import the working curriculum of a programme for an intake year from an XLSX or "
            "CSV file, all or nothing; an existing curriculum is replaced. The file format is "
            "described in registrar/curriculum/imports.py.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .xlsx or .csv file")
        parser.add_argument("--programme", required=True,
                            help="code of the educational programme, e.g. 6B06101")
        parser.add_argument("--intake-year", required=True, type=int,
                            help="the year the students of this curriculum entered, e.g. 2025")
        parser.add_argument("--user", required=True,
                            help="username of the registrar doing the import (for the audit)")

    def handle(self, *args: Any, file: str, programme: str, intake_year: int, user: str,
               **options: Any) -> None:
        User = get_user_model()
        try:
            actor = User._default_manager.get_by_natural_key(user)
        except User.DoesNotExist:
            raise CommandError(_("There is no user “%(name)s”.") % {"name": user}) from None
        found = Programme.objects.filter(code=programme).first()
        if found is None:
            raise CommandError(_("There is no programme with code “%(code)s”.")
                               % {"code": programme})
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s")
                               % {"file": file, "reason": exc.strerror}) from None
        try:
            curriculum = import_curriculum(by=actor, programme=found, intake_year=intake_year,
                                           file_name=path.name, content=content)
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("Permission denied.")) from None
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(_("row %(row)d, column %(column)s: %(reason)s") % {
                    "row": error.row, "column": error.column or "-", "reason": error.message})
            raise CommandError(_("%(count)d error(s) found; nothing was imported.")
                               % {"count": len(exc.errors)}) from None
        self.stdout.write(self.style.SUCCESS(
            _("Imported the curriculum %(curriculum)s: %(count)d discipline(s).")
            % {"curriculum": curriculum, "count": curriculum.entries.count()}))
