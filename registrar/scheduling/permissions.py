"""Who may see and change timetables, rooms, bookings and exam schedules (django-rules).

The registrar's office builds everything: the grid, rooms, class needs, the generated
timetable and hand edits, bookings, exam sessions, and publishes. A dean sees (drafts included)
the timetables of their faculty's groups and teachers, every room's week and the exam schedule
of their faculty. A teacher sees their own timetable and exams, a student their own, both only
once published. Loaded by `SchedulingConfig.ready()`; the services import it too.
"""

from __future__ import annotations

import rules

from registrar.people.permissions import is_dean, is_registrar
from registrar.people.roles import scope_of


@rules.predicate
def is_dean_of_group(user, group) -> bool:
    return group is not None and scope_of(user).is_dean_of(
        group.programme.department.faculty_id)


@rules.predicate
def is_in_group(user, group) -> bool:
    student_id = scope_of(user).student_id
    return group is not None and student_id is not None and \
        group.students.filter(pk=student_id).exists()


@rules.predicate
def is_dean_of_teacher(user, staff) -> bool:
    return staff is not None and staff.department_id is not None and \
        scope_of(user).is_dean_of(staff.department.faculty_id)


@rules.predicate
def is_the_teacher(user, staff) -> bool:
    return staff is not None and scope_of(user).staff_id == staff.pk


# The office pages (rooms, the lists of groups and teachers, sessions): registrar and deans.
rules.add_perm("scheduling.use", is_registrar | is_dean)
# Drafts (unpublished timetables and exam schedules) are the office's and the deans'.
rules.add_perm("scheduling.view_drafts", is_registrar | is_dean)
# Objects: AcademicGroup, Staff, Room.
rules.add_perm("scheduling.view_group", is_registrar | is_dean_of_group | is_in_group)
rules.add_perm("scheduling.view_teacher", is_registrar | is_dean_of_teacher | is_the_teacher)
rules.add_perm("scheduling.view_room", is_registrar | is_dean)
# The registrar's work.
rules.add_perm("scheduling.manage", is_registrar)
rules.add_perm("scheduling.book_room", is_registrar)
