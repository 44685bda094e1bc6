"""Object-level permission predicates for people (django-rules).

A student sees only their own record; an advisor their advisees; a dean the
students of their faculty; the registrar everyone.
"""

from __future__ import annotations

import rules

from .roles import scope_of


@rules.predicate
def is_registrar(user) -> bool:
    return scope_of(user).is_registrar


@rules.predicate
def is_dean(user) -> bool:
    return bool(scope_of(user).dean_faculty_ids)


@rules.predicate
def is_staff_member(user) -> bool:
    return scope_of(user).staff_id is not None


@rules.predicate
def is_dean_of_student(user, student) -> bool:
    return student is not None and scope_of(user).is_dean_of(
        student.programme.department.faculty_id
    )


@rules.predicate
def is_advisor_of(user, student) -> bool:
    staff_id = scope_of(user).staff_id
    return student is not None and staff_id is not None and student.advisor_id == staff_id


@rules.predicate
def is_the_student(user, student) -> bool:
    return student is not None and scope_of(user).student_id == student.pk


can_view_student = is_registrar | is_dean_of_student | is_advisor_of | is_the_student
can_change_student = is_registrar

rules.add_perm("people.view_student", can_view_student)
rules.add_perm("people.change_student", can_change_student)
rules.add_perm("people.add_student", is_registrar)
rules.add_perm("people.import_students", is_registrar)
