"""Fault injection for the fault tests: a function that raises on its n-th call, a count of
every table's rows (the "no partial state" check), and threads started together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from django.db import connection


class Crash(Exception):
    """The failure injected in the middle of an operation."""


def crash_on_call(monkeypatch: pytest.MonkeyPatch, module: ModuleType | type, name: str,
                  *, call: int = 1) -> dict[str, int]:
    """Replace `module.name` by a wrapper that raises Crash on its `call`-th call (the calls
    before it run the real function, so the operation is well under way)."""
    original: Callable[..., Any] = getattr(module, name)
    seen = {"calls": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        seen["calls"] += 1
        if seen["calls"] == call:
            raise Crash(f"injected failure in {name}, call {call}")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return seen


def table_counts() -> dict[str, int]:
    """The number of rows of every table of the database."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = {}
        for name in names:
            cursor.execute(f"SELECT count(*) FROM {quote(name)}")  # noqa: S608 - table names
            counts[name] = cursor.fetchone()[0]
    return counts


def run_together(target: Callable[..., Any], args_list: list[tuple[Any, ...]]) -> list[Any]:
    """Run `target(*args)` in one thread (one database connection) per args, started together;
    return each result or the exception it raised."""
    barrier = threading.Barrier(len(args_list))
    results: list[Any] = [None] * len(args_list)

    def worker(index: int, args: tuple[Any, ...]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = target(*args)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="row locks and separate connections need PostgreSQL")
