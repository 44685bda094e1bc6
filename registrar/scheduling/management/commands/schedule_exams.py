"""manage.py schedule_exams --session ID [--time-limit 60] [--seed 0] [--user USERNAME]:
schedule an examination session's exams and save the sittings (§13)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registrar.scheduling.exams import schedule_session
from registrar.scheduling.models import ExamSession
from registrar.scheduling.services import SchedulingRefused


class Command(BaseCommand):
    help = ("Schedule the exams of an examination session with the exam solver and save the "
            "sittings (not published). Without --user it runs as the system.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--session", type=int, required=True, help="the session's id")
        parser.add_argument("--time-limit", type=float, default=60.0,
                            help="seconds the solver may take (default 60)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--user", default="",
                            help="username of the registrar scheduling (for the audit)")

    def handle(self, *args: Any, session: int, time_limit: float, seed: int, user: str,
               **options: Any) -> None:
        try:
            exam_session = ExamSession.objects.get(pk=session)
        except ExamSession.DoesNotExist:
            raise CommandError(_("There is no examination session %(id)s.")
                               % {"id": session}) from None
        actor = None
        if user:
            User = get_user_model()
            try:
                actor = User._default_manager.get_by_natural_key(user)
            except User.DoesNotExist:
                raise CommandError(_("There is no user “%(name)s”.") % {"name": user}) from None
        try:
            result = schedule_session(exam_session, by=actor, time_limit=time_limit, seed=seed,
                                      system=actor is None)
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("Permission denied.")) from None
        except SchedulingRefused as exc:
            raise CommandError(exc.message) from None
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.feasible:
            raise CommandError(result.message)
        self.stdout.write(self.style.SUCCESS(
            _("%(message)s Penalty %(cost)s, %(seconds)s s.")
            % {"message": result.message, "cost": result.cost,
               "seconds": f"{result.seconds:.1f}"}))
