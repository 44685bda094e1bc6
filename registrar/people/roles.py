"""Who a user is, for permission checks: roles and their scopes.

The result is cached on the user object for the length of a request; it
depends on nothing but the user, so the cache cannot answer for another argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .models import Role, RoleAssignment


@dataclass(frozen=True)
class Scope:
    roles: frozenset[str] = frozenset()
    dean_faculty_ids: frozenset[int] = field(default_factory=frozenset)
    staff_id: int | None = None
    student_id: int | None = None

    @property
    def is_registrar(self) -> bool:
        return Role.REGISTRAR in self.roles

    def is_dean_of(self, faculty_id: int | None) -> bool:
        return faculty_id is not None and faculty_id in self.dean_faculty_ids


_CACHE_ATTR = "_registrar_scope"


def scope_of(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    assignments = list(RoleAssignment.objects.filter(user=user).values_list("role", "faculty_id"))
    return remember_scope(user, assignments)


def remember_scope(user: Any, assignments: Sequence[tuple[str, int | None]]) -> Scope:
    """`scope_of` from the user's role assignments already read, cached on the user (the API's
    token lookup reads them together with the user)."""
    roles = {role for role, _ in assignments}
    staff_id = user.staff.pk if _has(user, "staff") else None
    student_id = user.student.pk if _has(user, "student") else None
    if student_id:
        roles.add(Role.STUDENT)
    scope = Scope(
        roles=frozenset(roles),
        dean_faculty_ids=frozenset(f for r, f in assignments if r == Role.DEAN and f),
        staff_id=staff_id,
        student_id=student_id,
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _has(user: Any, relation: str) -> bool:
    try:
        getattr(user, relation)
    except Exception:  # RelatedObjectDoesNotExist
        return False
    return True


def forget_scope(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
