"""Who may enter, submit, reopen and change grades (django-rules)."""

from __future__ import annotations

import rules

from registrar.people.permissions import is_registrar
from registrar.people.roles import scope_of


@rules.predicate
def teaches_sheet(user, sheet) -> bool:
    staff_id = scope_of(user).staff_id
    return sheet is not None and staff_id is not None and sheet.section.teacher_id == staff_id


@rules.predicate
def dean_of_sheet(user, sheet) -> bool:
    if sheet is None:
        return False
    faculty_id = sheet.section.discipline.department.faculty_id if (
        sheet.section.discipline.department_id) else None
    if faculty_id is not None and scope_of(user).is_dean_of(faculty_id):
        return True
    # A dean also governs sheets where students of their faculty are graded.
    return bool(scope_of(user).dean_faculty_ids) and sheet.entries.filter(
        student__programme__department__faculty_id__in=scope_of(user).dean_faculty_ids
    ).exists()


rules.add_perm("assessment.view_gradesheet", is_registrar | teaches_sheet | dean_of_sheet)
rules.add_perm("assessment.enter_grades", teaches_sheet)
rules.add_perm("assessment.request_reopen", teaches_sheet)
rules.add_perm("assessment.approve_reopen", dean_of_sheet)
rules.add_perm("assessment.change_locked_grade", is_registrar)
rules.add_perm("assessment.manage_sheets", is_registrar)
