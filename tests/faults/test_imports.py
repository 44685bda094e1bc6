"""Faults during a student import (issue 10, §9): the file is imported whole or not at all, even
when the process fails after the students were inserted."""

from __future__ import annotations

import datetime as dt

import pytest

from registrar.people import imports
from registrar.people.models import Student
from tests import factories
from tests.people.test_import import as_csv, row

from .helpers import Crash, crash_on_call, table_counts

# A failure injected in a service: the test's own transaction is enough to see what the
# service's transaction (a savepoint here) left behind. The concurrent tests commit for real.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "call"), [("event_for", 1), ("event_for", 7),
                                            ("record_many", 1)])
def test_a_crash_during_an_import_writes_nothing(monkeypatch, name, call):
    prog = factories.programme()
    reg = factories.registrar()
    content = as_csv([row(prog, born=dt.date(2005, 1, 1) + dt.timedelta(days=i))
                      for i in range(12)])
    counts = table_counts()
    crash_on_call(monkeypatch, imports, name, call=call)

    with pytest.raises(Crash):
        imports.import_students(by=reg, file_name="intake.csv", content=content)

    assert table_counts() == counts
    assert not Student.objects.filter(programme=prog).exists()
    monkeypatch.undo()
    assert len(imports.import_students(by=reg, file_name="intake.csv", content=content)) == 12
