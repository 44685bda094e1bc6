"""Schema fuzzing (issue 9): schemathesis reads the OpenAPI document from the Django app over
WSGI and sends every operation generated requests, valid and invalid, as the registrar (the
scores of a sheet as its teacher, "my scores" as a student). No answer may be a server error;
every answer must be one the document declares, with the declared content type and body;
invalid input must be refused with a 4xx, and a 400 or 422 must name the fields at fault.

Bounded and deterministic: at most 20 generated examples per operation (the examples and
fuzzing phases, positive and negative data), derandomized, no example database. Each example
that names objects by id is sent a second time with the ids of real objects of the seeded
world, so the handlers behind the 404 are fuzzed too (each distinct request once: a PDF is
rendered once).
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from registrar.wsgi import application
from tests.api.world import build_world

SCHEMA_URL = "/api/v1/openapi.json"
MAX_EXAMPLES = 20

CONFIG = SchemathesisConfig.from_dict({
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "cache": {"enabled": False},
})
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application, config=CONFIG)


@schemathesis.check
def field_level_problems(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 400 or 422 says which fields are at fault, each with a message."""
    if response.status_code in (400, 422):
        problems = response.json().get("problems")
        if not problems or not all(p.get("field") and p.get("message") for p in problems):
            raise AssertionError(f"{response.status_code} without field-level problems: "
                                 f"{response.text[:300]}")
    return None


CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance,
          field_level_problems]


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """The seeded world, built once for all operations: each test's own changes are rolled
    back by the `db` fixture inside this module-wide transaction, itself rolled back last."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def same_connection() -> Iterator[None]:
    """The requests run in this thread on the test's connection and transaction: keep Django
    from closing it at the start and end of each request (as its test client does)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def _real_ids(w: SimpleNamespace) -> dict[str, int]:
    return {"student_id": w.student.pk, "programme_id": w.programme.pk,
            "curriculum_id": w.curriculum.pk, "sheet_id": w.r1.pk,
            "document_id": w.transcript.pk, "order_id": w.order.pk,
            "registration_id": w.registration.pk, "section_id": w.section.pk,
            "period_id": w.spring.pk, "group_id": w.group.pk, "faculty_id": w.faculty.pk}


def _real(value: Any, ids: dict[str, int]) -> Any:
    """`value` with every integer id it holds replaced by a real object's id."""
    if isinstance(value, dict):
        return {key: ids[key] if key in ids and type(item) is int else _real(item, ids)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_real(item, ids) for item in value]
    return value


_sent: set[str] = set()


def _with_real_ids(case: Any, ids: dict[str, int]) -> Any:
    """The same request naming real objects; None when it names none or was sent before."""
    path, query = _real(case.path_parameters or {}, ids), _real(case.query or {}, ids)
    body = _real(case.body, ids) if isinstance(case.body, dict | list) else case.body
    if (path, query, body) == (case.path_parameters or {}, case.query or {}, case.body):
        return None
    key = repr((case.method, case.path, path, query, body))
    if key in _sent:
        return None
    _sent.add(key)
    return case.operation.Case(path_parameters=path, query=query, body=body,
                               media_type=case.media_type)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_fuzz(case: Any, fuzz_world: SimpleNamespace, db: None,
                  same_connection: None) -> None:
    w = fuzz_world
    role = ("teacher" if case.path.endswith("/scores") else
            "student" if case.path.endswith("/mine") else "registrar")
    headers = {"Authorization": f"Bearer {w.keys[role]}"}
    case.call_and_validate(headers=headers, checks=[*CHECKS, checks.negative_data_rejection])
    real = _with_real_ids(case, _real_ids(w))
    if real is not None:
        real.call_and_validate(headers=headers, checks=CHECKS)
