"""On PostgreSQL the database refuses to rewrite the access logs even past the ORM, as it does
for audit events (tests/test_database_guards.py)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from registrar.audit.models import AccessDenial, Disclosure
from registrar.audit.services import disclosed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's"),
]


@pytest.mark.parametrize("statement", [
    "UPDATE audit_disclosure SET username = 'someone else'",
    "DELETE FROM audit_disclosure",
    "UPDATE audit_accessdenial SET path = '/'",
    "DELETE FROM audit_accessdenial",
])
def test_raw_sql_cannot_rewrite_the_logs(w, statement):
    disclosed(w.dean, w.student, "card")
    AccessDenial.objects.create(status=403, method="GET", path="/en/audit/denials/")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Disclosure.objects.filter(username=w.dean.username).count() == 1
    assert AccessDenial.objects.filter(path="/en/audit/denials/").count() == 1
