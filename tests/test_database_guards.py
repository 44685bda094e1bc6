"""On PostgreSQL, the database refuses to rewrite history even past the ORM (§6/§9 integrity):
audit events, the status history and applied orders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from registrar.audit.models import AuditEvent
from registrar.contingent import services
from registrar.contingent.choices import OrderType
from registrar.contingent.models import OrderItem, StatusChange
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's"),
]


def _applied_order():
    registrar = factories.registrar()
    prog = factories.programme()
    student = factories.student(prog)
    order = services.create_order(by=registrar, order_type=OrderType.ENROLMENT,
                                  faculty=prog.department.faculty)
    services.add_item(order, by=registrar, student=student, effective_date=dt.date(2025, 9, 1),
                      to_group=factories.group(prog), to_funding="paid")
    services.approve_order(order, by=registrar)
    return services.apply_order(order, by=registrar)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET reason = 'x'",
    "DELETE FROM audit_auditevent",
    "UPDATE contingent_statuschange SET status = 'expelled'",
    "DELETE FROM contingent_statuschange",
    "UPDATE contingent_order SET title = 'rewritten'",
    "UPDATE contingent_orderitem SET basis = 'rewritten'",
    "DELETE FROM contingent_orderitem",
])
def test_raw_sql_cannot_rewrite_history(statement):
    _applied_order()
    assert AuditEvent.objects.exists() and StatusChange.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert OrderItem.objects.filter(basis="rewritten").count() == 0
