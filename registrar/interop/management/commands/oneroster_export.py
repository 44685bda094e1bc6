"""manage.py oneroster_export --period ID --out FILE.zip: the OneRoster 1.2 roster of a term."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registrar.institution.models import AcademicPeriod, Language
from registrar.interop import oneroster


class Command(BaseCommand):
    help = ("Export a term as a OneRoster 1.2 CSV bulk ZIP for an LMS (no IIN unless "
            "--include-iin). See docs/interop.md.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", type=int, required=True, help="id of the AcademicPeriod")
        parser.add_argument("--out", required=True, help="the ZIP file to write")
        parser.add_argument("--language", default="ru", choices=Language.values,
                            help="language of names and titles (default ru)")
        parser.add_argument("--include-iin", action="store_true",
                            help="put each student's IIN in the OneRoster identifier column")
        parser.add_argument("--by", default="",
                            help="username recorded in the audit (checked for the permission)")

    def handle(self, *args: Any, period: int, out: str, language: str, include_iin: bool,
               by: str, **options: Any) -> None:
        term = AcademicPeriod.objects.filter(pk=period).select_related("year").first()
        if term is None:
            raise CommandError(_("There is no term with id %(id)s.") % {"id": period})
        actor = None
        if by:
            User = get_user_model()
            try:
                actor = User._default_manager.get_by_natural_key(by)
            except User.DoesNotExist:
                raise CommandError(_("There is no user “%(name)s”.") % {"name": by}) from None
        try:
            body = oneroster.export_period(term, by=actor, include_iin=include_iin,
                                           language=language)
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("Permission denied.")) from None
        try:
            Path(out).write_bytes(body)
        except OSError as exc:
            raise CommandError(_("Cannot write %(file)s: %(reason)s")
                               % {"file": out, "reason": exc.strerror}) from None
        self.stdout.write(self.style.SUCCESS(
            _("Wrote the OneRoster roster of %(term)s to %(file)s.") % {"term": term, "file": out}))
