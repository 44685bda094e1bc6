"""The registration write path on PostgreSQL as one statement (issue 3's rush), and a
student's own drop, with the promotion from the waitlist it may bring (issue 10's soak).

The happy path of `services.register` — open section, studying student, discipline in the
approved plan, registration or add/drop window open, no active registration of the discipline —
checked, seated (conditional UPDATE), inserted and audited in one data-modifying CTE, with
parameters only. It answers None whenever any condition fails, and the caller then runs the
full service, which gives the reason (or the existing registration of an idempotent repeat).
The conditional UPDATE, the CHECK constraint and the partial unique index guard the seats
exactly as on the ORM path.

The statement starts from a `who` CTE naming the student and the actor. `register_in_one_statement`
builds it from a student already loaded; the API's registration lane (`api/registration_lane.py`)
builds it from the bearer token, so that authentication is part of the same statement.

It runs in autocommit, so the statement is its own transaction: one round trip and one commit.
It is sent with server-side binding and prepared on the connection after its first uses, so
PostgreSQL plans it once per connection rather than on every request.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import get_language

from registrar.people.models import Student
from registrar.sql import cursor as prepared_cursor

from .models import Registration, Section


def student_repr(alias: str) -> str:
    """The name of the student row ``alias`` as `Student.__str__` gives it in the active
    language ("Surname Name Patronymic (IIN)"), for an audit event's object_repr."""
    return f"""
  CASE WHEN %(lang)s = 'en' AND {alias}.last_name_en <> ''
       THEN trim({alias}.last_name_en || ' ' || {alias}.first_name_en)
       WHEN %(lang)s = 'kk' AND {alias}.last_name_kk <> ''
       THEN concat_ws(' ', nullif({alias}.last_name_kk, ''), nullif({alias}.first_name_kk, ''),
                      nullif({alias}.patronymic_kk, ''))
       ELSE concat_ws(' ', nullif({alias}.last_name_ru, ''), nullif({alias}.first_name_ru, ''),
                      nullif({alias}.patronymic_ru, ''))
  END || ' (' || {alias}.iin || ')'
"""


STUDENT_REPR = student_repr("st")

# `who`: one row (student_id, programme_id, actor_id, student_repr) or none.
WHO_BY_STUDENT = f"""
who AS (
  SELECT st.id AS student_id, st.programme_id, %(actor)s::bigint AS actor_id,
         {STUDENT_REPR} AS student_repr
    FROM people_student st
   WHERE st.id = %(student)s AND st.status = 'active'
)"""  # noqa: S608 (constants only; every value is a parameter)

# The registration window or the add/drop period of the student's calendar is open today for
# the term of section `s` (what `services._check_window` asks).
WINDOW_OPEN = """
     AND EXISTS (SELECT 1 FROM curriculum_calendarprogramme cp
                   JOIN curriculum_calendarevent e ON e.calendar_id = cp.calendar_id
                   JOIN institution_academicperiod ap ON ap.id = s.period_id
                  WHERE cp.programme_id = who.programme_id AND cp.year_id = ap.year_id
                    AND e.period_id = s.period_id AND e.kind IN ('registration', 'add_drop')
                    AND %(today)s::date BETWEEN e.starts_on AND e.ends_on)
"""

REGISTER_FROM_WHO = """
, sec AS (
  SELECT s.id, s.discipline_id, s.period_id, s.code, who.student_id
    FROM registration_section s, who
   WHERE s.id = %(section)s AND s.status = 'open'
     AND NOT EXISTS (SELECT 1 FROM registration_registration r
                      WHERE r.student_id = who.student_id AND r.discipline_id = s.discipline_id
                        AND r.period_id = s.period_id AND r.state IN ('enrolled', 'waitlisted'))
     AND EXISTS (SELECT 1 FROM registration_studyplanline l
                   JOIN registration_studyplan p ON p.id = l.plan_id
                  WHERE p.student_id = who.student_id AND p.period_id = s.period_id
                    AND p.state = 'approved' AND l.discipline_id = s.discipline_id)
""" + WINDOW_OPEN + """), seat AS (
  UPDATE registration_section SET enrolled_count = enrolled_count + 1
   WHERE id = (SELECT id FROM sec) AND enrolled_count < capacity
  RETURNING id
), reg AS (
  INSERT INTO registration_registration
         (student_id, section_id, discipline_id, period_id, state, created_at, changed_at)
  SELECT sec.student_id, sec.id, sec.discipline_id, sec.period_id,
         CASE WHEN EXISTS (SELECT 1 FROM seat) THEN 'enrolled' ELSE 'waitlisted' END,
         now(), now()
    FROM sec
  RETURNING id, state, created_at
), aud AS (
  INSERT INTO audit_auditevent (at, actor_id, action, object_type, object_id, object_repr,
                                changes, reason)
  SELECT now(), who.actor_id, 'registration.' || reg.state, 'people.student',
         who.student_id::text, left(who.student_repr, 255),
         jsonb_build_object('section', (SELECT code FROM sec)), ''
    FROM reg, who
)
SELECT reg.id, reg.state, reg.created_at, sec.student_id, sec.id, sec.code,
       CASE WHEN reg.state = 'waitlisted'
            THEN 1 + (SELECT count(*) FROM registration_registration w
                       WHERE w.section_id = sec.id AND w.state = 'waitlisted')
       END
  FROM reg, sec
"""  # noqa: S608 (constants only; every value is a parameter)

SQL = "WITH" + WHO_BY_STUDENT + REGISTER_FROM_WHO

# `services.drop` for a student's own active registration: the registration becomes dropped
# (only if it is still in the state read, so a concurrent drop or promotion makes this return
# nothing), and the seat an enrolled one frees goes to the first in line (`services.
# _free_seat_and_promote`: earlier `created_at`, then the lower id; locked, so two drops at
# once promote two students, the second skipping the row the first took) or, when no one
# waits, back to the section; each change audited as the service audits it. (The service's
# "a seat under the capacity" always holds here: the enrolled count never exceeds it.)
DROP_FROM_WHO = """
, reg AS (
  SELECT r.id, r.section_id, r.state AS was, s.code, who.student_id
    FROM registration_registration r
    JOIN registration_section s ON s.id = r.section_id
    JOIN who ON who.student_id = r.student_id
   WHERE r.id = %(registration)s AND r.state IN ('enrolled', 'waitlisted')
""" + WINDOW_OPEN + """
), dropped AS (
  UPDATE registration_registration r SET state = 'dropped', changed_at = statement_timestamp()
    FROM reg
   WHERE r.id = reg.id AND r.state = reg.was
  RETURNING r.id
), first_in_line AS (
  SELECT w.id
    FROM registration_registration w, reg, dropped
   WHERE reg.was = 'enrolled'
     AND w.section_id = reg.section_id AND w.state = 'waitlisted'
   ORDER BY w.created_at, w.id
   LIMIT 1
   FOR UPDATE OF w
), promoted AS (
  UPDATE registration_registration r SET state = 'enrolled', changed_at = statement_timestamp()
    FROM first_in_line
   WHERE r.id = first_in_line.id AND r.state = 'waitlisted'
  RETURNING r.student_id, r.section_id
), seat AS (
  UPDATE registration_section s SET enrolled_count = enrolled_count - 1
    FROM reg, dropped
   WHERE s.id = reg.section_id AND reg.was = 'enrolled'
     AND NOT EXISTS (SELECT 1 FROM promoted)
  RETURNING s.id
), aud AS (
  INSERT INTO audit_auditevent (at, actor_id, action, object_type, object_id, object_repr,
                                changes, reason)
  SELECT now(), who.actor_id, 'registration.dropped', 'people.student',
         who.student_id::text, left(who.student_repr, 255),
         jsonb_build_object('section', reg.code), ''
    FROM dropped, reg, who
  UNION ALL
  SELECT now(), NULL, 'registration.promoted', 'people.student',
         promoted.student_id::text, left(""" + student_repr("pst") + """, 255),
         jsonb_build_object('section', promoted.section_id), 'waitlist'
    FROM promoted JOIN people_student pst ON pst.id = promoted.student_id
)
SELECT dropped.id, reg.student_id, reg.section_id, reg.code FROM dropped, reg
"""  # noqa: S608 (constants only; every value is a parameter)


@dataclass(frozen=True)
class Registered:
    """What the statement made: enough to answer the client without another query."""

    registration_id: int
    state: str
    created_at: dt.datetime
    student_id: int
    section_id: int
    section_code: str
    # 1 for the first in line (rows committed before this statement); None when enrolled.
    waitlist_position: int | None


@dataclass(frozen=True)
class Dropped:
    """What a drop statement changed."""

    registration_id: int
    student_id: int
    section_id: int
    section_code: str


def run(sql: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
    """Run one of these statements; its row, or None when it changed nothing (a condition
    failed, or a concurrent request won the unique index)."""
    if connection.vendor != "postgresql":
        return None
    params = {"lang": (get_language() or "ru")[:2], **params}
    # In autocommit the statement is its own transaction (one round trip, one commit); inside
    # the caller's transaction it takes a savepoint, so a failure does not poison that one.
    own_transaction = nullcontext() if connection.get_autocommit() else transaction.atomic()
    try:
        with own_transaction, prepared_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    except IntegrityError:
        return None  # a concurrent request won; the full service returns what it made


def execute(sql: str, params: dict[str, Any]) -> Registered | None:
    """Run a registration statement built on REGISTER_FROM_WHO."""
    row = run(sql, params)
    return Registered(*row) if row is not None else None


def register_in_one_statement(student: Student, section: Section, *, by: Any,
                              today: dt.date) -> Registration | None:
    """The new registration, or None when the full service must decide."""
    made = execute(SQL, {"student": student.pk, "section": section.pk, "today": today,
                         "actor": getattr(by, "pk", None)})
    if made is None:
        return None
    registration = Registration(
        pk=made.registration_id, student=student, section=section,
        discipline_id=section.discipline_id, period_id=section.period_id, state=made.state,
        created_at=made.created_at, changed_at=made.created_at)
    registration._state.adding = False
    registration._state.db = connection.alias
    return registration
