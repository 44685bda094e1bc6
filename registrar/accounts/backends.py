"""Password sign-in and the signed-in user of each request.

Two departures from Django's ModelBackend, both for the cost of every portal page:

- the user of a session is loaded with their student and staff rows in one query (the
  permission scope needs both, so `people.roles.scope_of` asks for them on every page);
- Django's model permissions (the auth_permission tables) count only for staff accounts, the
  ones that may enter the admin, where those permissions govern what they may change. Everyone
  else's rights come from their roles through the rules in each app's `permissions.py`, so
  for them the permission tables are not read (two queries a page saved, and no second source
  of rights that the registrar's role assignments would not show).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        User = get_user_model()
        try:
            user = User._default_manager.select_related("student", "staff").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not _may_hold_model_permissions(user_obj):
            return set()
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not _may_hold_model_permissions(user_obj):
            return set()
        return super().get_group_permissions(user_obj, obj)


def _may_hold_model_permissions(user: Any) -> bool:
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))
