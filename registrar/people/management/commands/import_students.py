"""manage.py import_students FILE --user USERNAME: import applicants from CSV/XLSX (§9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registrar.people.imports import ImportFailed, import_students


class Command(BaseCommand):
    help = ("Import students as applicants from a CSV or XLSX file, all or nothing. "
            "The file format is described in registrar/people/imports.py.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument("--user", required=True,
                            help="username of the registrar doing the import (for the audit)")

    def handle(self, *args: Any, file: str, user: str, **options: Any) -> None:
        User = get_user_model()
        try:
            actor = User._default_manager.get_by_natural_key(user)
        except User.DoesNotExist:
            raise CommandError(_("There is no user “%(name)s”.") % {"name": user}) from None
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s")
                               % {"file": file, "reason": exc.strerror}) from None
        try:
            students = import_students(by=actor, file_name=path.name, content=content)
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("Permission denied.")) from None
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(_("row %(row)d, column %(column)s: %(reason)s") % {
                    "row": error.row, "column": error.column or "-", "reason": error.message})
            raise CommandError(_("%(count)d error(s) found; nothing was imported.")
                               % {"count": len(exc.errors)}) from None
        self.stdout.write(self.style.SUCCESS(
            _("Imported %(count)d student(s) as applicants.") % {"count": len(students)}))
