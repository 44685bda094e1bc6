"""What every portal page's navigation needs about the signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from registrar.people.roles import scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The user's roles, from the permission scope the views compute anyway (cached on the
    user for the request), so the navigation reads no role table of its own."""
    return {"nav_roles": scope_of(getattr(request, "user", None)).roles}
