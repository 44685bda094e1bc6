"""The registration rush's lane: a student registering themself with a bearer token, in one
statement that authenticates, checks, seats, inserts and audits (issue 3); and dropping
their own registration the same way when no one waits for the seat (issue 10).

The token's checks are those of `auth.TokenAuth` (known digest, not revoked, active user), and
the permission is `registration.register_student` for oneself (the token's user is the
student's user), so the statement answers exactly what the full path would answer on the happy
path. Anything else — an unknown or revoked token, a registrar acting for a student, a refusal,
a repeat — makes the statement return nothing, and the endpoint then authenticates and runs the
full service, which decides and explains.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone

from registrar.registration import fast_path

from .models import ApiToken, digest

WHO_BY_TOKEN = f"""
who AS (
  SELECT st.id AS student_id, st.programme_id, u.id AS actor_id,
         {fast_path.STUDENT_REPR} AS student_repr
    FROM {ApiToken._meta.db_table} t
    JOIN {get_user_model()._meta.db_table} u ON u.id = t.user_id AND u.is_active
    JOIN people_student st ON st.user_id = u.id AND st.status = 'active'
   WHERE t.key_digest = %(digest)s AND t.revoked_at IS NULL
)"""  # noqa: S608 (constants only; every value is a parameter)

SQL = "WITH" + WHO_BY_TOKEN + fast_path.REGISTER_FROM_WHO
DROP_SQL = "WITH" + WHO_BY_TOKEN + fast_path.DROP_FROM_WHO


def bearer_key(request: HttpRequest) -> str | None:
    """The key as `TokenAuth` reads it (ninja's HttpBearer: everything after "Bearer ")."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        return None
    return key


def register_by_token(request: HttpRequest, section_id: int) -> fast_path.Registered | None:
    """The registration made, or None when the full path must authenticate and decide."""
    key = bearer_key(request)
    if key is None:
        return None
    return fast_path.execute(SQL, {"digest": digest(key), "section": section_id,
                                   "today": timezone.localdate()})


def drop_by_token(request: HttpRequest, registration_id: int) -> fast_path.Dropped | None:
    """A student dropping their own registration with a bearer token, when no one waits for
    the seat: the registration dropped, or None when the full path must authenticate and
    decide (another's registration, an inactive one, a closed window, a promotion due)."""
    key = bearer_key(request)
    if key is None:
        return None
    row = fast_path.run(DROP_SQL, {"digest": digest(key), "registration": registration_id,
                                   "today": timezone.localdate()})
    return fast_path.Dropped(*row) if row is not None else None
