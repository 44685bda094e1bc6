"""manage.py oneroster_import_results --file FILE.zip --by USERNAME [--map LI=rating_1 ...]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registrar.interop import oneroster


class Command(BaseCommand):
    help = ("Enter an LMS gradebook's OneRoster results (lineItems.csv + results.csv in a ZIP) "
            "on the rating statements, as the given user, all or nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", required=True, help="the OneRoster ZIP")
        parser.add_argument("--by", required=True,
                            help="username who enters the scores (the section's teacher)")
        parser.add_argument("--map", dest="mapping", action="append", default=[],
                            metavar="LINEITEM=COMPONENT",
                            help="map a line item to rating_1, rating_2 or exam (repeatable)")

    def handle(self, *args: Any, file: str, by: str, mapping: list[str],
               **options: Any) -> None:
        User = get_user_model()
        try:
            actor = User._default_manager.get_by_natural_key(by)
        except User.DoesNotExist:
            raise CommandError(_("There is no user “%(name)s”.") % {"name": by}) from None
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s")
                               % {"file": file, "reason": exc.strerror}) from None
        try:
            pairs = oneroster.parse_mapping("\n".join(mapping))
            report = oneroster.import_results(content, by=actor, mapping=pairs)
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("Permission denied.")) from None
        except oneroster.ResultsImportFailed as failed:
            for problem in failed.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("%(count)d error(s) found; nothing was imported.")
                               % {"count": len(failed.problems)}) from None
        self.stdout.write(self.style.SUCCESS(
            _("%(entered)d scores entered, %(unchanged)d already equal, %(skipped)d results "
              "skipped.") % {"entered": report.entered, "unchanged": report.unchanged,
                             "skipped": report.skipped}))
        for title in report.ignored_line_items:
            self.stdout.write(_("Ignored line item (not R1, R2 or the exam): %(title)s")
                              % {"title": title})
