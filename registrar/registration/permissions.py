"""Who may see and change study plans and registrations (django-rules)."""

from __future__ import annotations

import rules

from registrar.people.permissions import is_advisor_of, is_dean_of_student, is_registrar
from registrar.people.roles import scope_of


@rules.predicate
def owns_plan(user, plan) -> bool:
    return plan is not None and scope_of(user).student_id == plan.student_id


@rules.predicate
def advises_plan(user, plan) -> bool:
    return plan is not None and is_advisor_of(user, plan.student)


@rules.predicate
def dean_of_plan(user, plan) -> bool:
    return plan is not None and is_dean_of_student(user, plan.student)


@rules.predicate
def is_teacher_of_section(user, section) -> bool:
    staff_id = scope_of(user).staff_id
    return section is not None and staff_id is not None and section.teacher_id == staff_id


rules.add_perm("registration.view_studyplan",
               is_registrar | owns_plan | advises_plan | dean_of_plan)
rules.add_perm("registration.change_studyplan", is_registrar | owns_plan)
rules.add_perm("registration.advisor_approve_studyplan", is_registrar | advises_plan)
rules.add_perm("registration.dean_approve_studyplan", is_registrar | dean_of_plan)
# A student registers themself; the registrar may act for any student (object = student).
rules.add_perm("registration.register_student",
               is_registrar | rules.predicate(lambda u, s: s is not None
                                              and scope_of(u).student_id == s.pk))
rules.add_perm("registration.view_section_roster", is_registrar | is_teacher_of_section)
rules.add_perm("registration.manage_sections", is_registrar)
