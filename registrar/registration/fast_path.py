"""The registration write path on PostgreSQL as one statement (issue 3's rush).

The happy path of `services.register` — open section, studying student, discipline in the
approved plan, registration or add/drop window open, no active registration of the discipline —
checked, seated (conditional UPDATE), inserted and audited in one data-modifying CTE, with
parameters only. It answers None whenever any condition fails, and the caller then runs the
full service, which gives the reason (or the existing registration of an idempotent repeat).
The conditional UPDATE, the CHECK constraint and the partial unique index guard the seats
exactly as on the ORM path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction

from registrar.people.models import Student

from .models import Registration, Section

SQL = """
WITH sec AS (
  SELECT s.id, s.discipline_id, s.period_id, s.code
    FROM registration_section s
    JOIN people_student st ON st.id = %(student)s AND st.status = 'active'
   WHERE s.id = %(section)s AND s.status = 'open'
     AND NOT EXISTS (SELECT 1 FROM registration_registration r
                      WHERE r.student_id = %(student)s AND r.discipline_id = s.discipline_id
                        AND r.period_id = s.period_id AND r.state IN ('enrolled', 'waitlisted'))
     AND EXISTS (SELECT 1 FROM registration_studyplanline l
                   JOIN registration_studyplan p ON p.id = l.plan_id
                  WHERE p.student_id = %(student)s AND p.period_id = s.period_id
                    AND p.state = 'approved' AND l.discipline_id = s.discipline_id)
     AND EXISTS (SELECT 1 FROM curriculum_calendarprogramme cp
                   JOIN curriculum_calendarevent e ON e.calendar_id = cp.calendar_id
                   JOIN institution_academicperiod ap ON ap.id = s.period_id
                  WHERE cp.programme_id = st.programme_id AND cp.year_id = ap.year_id
                    AND e.period_id = s.period_id AND e.kind IN ('registration', 'add_drop')
                    AND %(today)s BETWEEN e.starts_on AND e.ends_on)
), seat AS (
  UPDATE registration_section SET enrolled_count = enrolled_count + 1
   WHERE id = (SELECT id FROM sec) AND enrolled_count < capacity
  RETURNING id
), reg AS (
  INSERT INTO registration_registration
         (student_id, section_id, discipline_id, period_id, state, created_at, changed_at)
  SELECT %(student)s, sec.id, sec.discipline_id, sec.period_id,
         CASE WHEN EXISTS (SELECT 1 FROM seat) THEN 'enrolled' ELSE 'waitlisted' END,
         now(), now()
    FROM sec
  RETURNING id, state, created_at
), aud AS (
  INSERT INTO audit_auditevent (at, actor_id, action, object_type, object_id, object_repr,
                                changes, reason)
  SELECT now(), %(actor)s, 'registration.' || reg.state, 'people.student', %(student_text)s,
         %(repr)s, jsonb_build_object('section', (SELECT code FROM sec)), ''
    FROM reg
)
SELECT reg.id, reg.state, reg.created_at FROM reg
"""


def register_in_one_statement(student: Student, section: Section, *, by: Any,
                              today: dt.date) -> Registration | None:
    """The new registration, or None when the full service must decide."""
    if connection.vendor != "postgresql":
        return None
    params = {
        "student": student.pk, "section": section.pk, "today": today,
        "actor": getattr(by, "pk", None), "student_text": str(student.pk),
        "repr": str(student)[:255],
    }
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SQL, params)
            row = cursor.fetchone()
    except IntegrityError:
        return None  # a concurrent request won; the full service returns what it made
    if row is None:
        return None
    registration = Registration(
        pk=row[0], student=student, section=section, discipline_id=section.discipline_id,
        period_id=section.period_id, state=row[1], created_at=row[2], changed_at=row[2])
    registration._state.adding = False
    registration._state.db = connection.alias
    return registration


