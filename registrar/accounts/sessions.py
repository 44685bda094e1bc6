"""The session store: Django's database sessions, read with one plain statement.

Every signed-in request reads its session row; through the ORM the lookup is compiled anew
each time, which costs more CPU than the query itself. The statement is prepared on
PostgreSQL (`registrar.sql.cursor`). Writing, expiry, cycling the key on
sign-in and flushing on sign-out are Django's own (``SESSION_ENGINE``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.utils import timezone

from registrar.sql import cursor as prepared_cursor

_SQL = (
    f"SELECT session_data FROM {Session._meta.db_table}"  # noqa: S608 (constants only)
    " WHERE session_key = %s AND expire_date > %s"
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        # As Django's: the live row for the key, or None (and the key forgotten).
        if self.session_key is None:
            return None
        alias = router.db_for_read(Session)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with (prepared_cursor() if alias == DEFAULT_DB_ALIAS else connection.cursor()) as cursor:
            cursor.execute(_SQL, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return Session.from_db(alias, ["session_key", "session_data"],
                               (self.session_key, row[0]))
