"""Password sign-in and the signed-in user of each request.

Two departures from Django's ModelBackend, both for the cost of every portal page:

- the user of a session is loaded with their student and staff rows in one plain statement
  and their roles in another (`accounts.loading`; the permission scope and the navigation
  need all of them on every page);
- Django's model permissions (the auth_permission tables) count only for staff accounts, the
  ones that may enter the admin, where those permissions govern what they may change. Everyone
  else's rights come from their roles through the rules in each app's `permissions.py`, so
  for them the permission tables are not read (two queries a page saved, and no second source
  of rights that the registrar's role assignments would not show).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .loading import user_by_id


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

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
