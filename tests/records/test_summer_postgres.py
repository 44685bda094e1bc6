"""Summer registration under concurrency (§5, §8), on PostgreSQL only: SQLite serialises
writers, so only PostgreSQL shows what concurrent sessions do.

"Limited credits (default 15)" (§8) and "no section may ever exceed capacity" (§5) hold when
requests arrive at the same moment.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from registrar.people.models import Student
from registrar.records import summer
from registrar.records.models import SummerEnrolment
from registrar.registration.models import Section

from .builders import build_world, discipline, enrol

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent sessions need PostgreSQL"),
]

OPEN_DAY = dt.date(2026, 6, 1)


def run_together(target, args_list):
    """Run `target(*args)` in one thread per args, released together; return each result or
    the exception it raised. Every thread closes its own connection."""
    barrier = threading.Barrier(len(args_list))
    results: list = [None] * len(args_list)

    def worker(index, args):
        try:
            barrier.wait(timeout=30)
            results[index] = target(*args)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def register_as(student_id, user_id, section_id):
    student = Student.objects.get(pk=student_id)
    user = get_user_model().objects.get(pk=user_id)
    section = Section.objects.get(pk=section_id)
    return summer.register(student, section, "extra", by=user, today=OPEN_DAY)


def _world():
    w = build_world()
    summer.set_cost_per_credit(w.summer, "10000", by=w.registrar)
    return w


def _section(w, credits, capacity=20):
    subject = discipline(credits)
    return Section.objects.create(period=w.summer, discipline=subject, code=f"{subject.code}-S",
                                  language="ru", capacity=capacity)


def test_concurrent_requests_of_one_student_keep_the_15_credit_limit():
    """§8: three 6-credit registrations of one student at once: 6 + 6 = 12 fit, the third
    would make 18 > 15 and is refused."""
    w = _world()
    (student,) = enrol(w)
    sections = [_section(w, 6) for _ in range(3)]
    results = run_together(register_as, [(student.pk, w.registrar.pk, s.pk) for s in sections])
    kinds = Counter(type(r).__name__ for r in results)
    assert kinds == {"SummerEnrolment": 2, "SummerRefused": 1}
    (refused,) = [r for r in results if isinstance(r, summer.SummerRefused)]
    assert refused.field == "credits"
    assert summer.enrolled_credits(student, w.summer) == 12


def test_a_summer_section_never_exceeds_its_capacity():
    """§5: six students rush a 3-seat summer section: exactly 3 seats are taken."""
    w = _world()
    students = enrol(w, 6)
    section = _section(w, 5, capacity=3)
    results = run_together(register_as, [(s.pk, w.registrar.pk, section.pk) for s in students])
    assert Counter(type(r).__name__ for r in results) == {"SummerEnrolment": 3,
                                                          "SummerRefused": 3}
    assert Section.objects.get(pk=section.pk).enrolled_count == 3
    assert SummerEnrolment.objects.filter(registration__section=section).count() == 3
