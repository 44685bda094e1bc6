"""manage.py create_api_token USERNAME --name INTEGRATION: issue an API token for a user.

The key is printed once and never stored (only its SHA-256 is); the token acts as the user,
with exactly the user's roles and scope. Revoke it in Admin → API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from registrar.api.models import ApiToken
from registrar.audit import services as audit


class Command(BaseCommand):
    help = ("Issue an API token acting as the given user; the key is printed once. "
            "Use it as `Authorization: Bearer <key>`.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the user the token acts as")
        parser.add_argument("--name", required=True,
                            help="what the token is for, e.g. the integration's name")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        name = name.strip()
        if not name:
            raise CommandError(_("Give the token a name (what it is for)."))
        if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
            raise CommandError(_("The name is too long (at most 100 characters)."))
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(_("There is no user “%(name)s”.") % {"name": username}) from None
        if not user.is_active:
            raise CommandError(_("The user “%(name)s” is not active.") % {"name": username})
        with transaction.atomic():
            token, key = ApiToken.issue(user, name)
            audit.record(None, "api_token.issued", token, {"user": username, "name": name,
                                                          "prefix": token.prefix})
        self.stderr.write(_("Token “%(name)s” for %(user)s issued; the key is shown only "
                            "once:") % {"name": name, "user": username})
        self.stdout.write(key)
