"""Who may see and act on academic records (django-rules).

The registrar sees every list and runs every batch operation (promotion orders, summer
semester sections and tariffs). A dean previews the lists of their own faculty only: the
object of a faculty-scoped permission is the `Faculty` (None means university-wide, which is
the registrar's). A student registers themself for the summer semester.

Loaded by `RecordsConfig.ready()`; the service modules of this app also import it, so the rules
exist wherever the services are used.
"""

from __future__ import annotations

import rules

from registrar.people.permissions import is_dean_of_student, is_registrar, is_the_student
from registrar.people.roles import scope_of


@rules.predicate
def is_dean_of_faculty(user, faculty) -> bool:
    return faculty is not None and scope_of(user).is_dean_of(getattr(faculty, "pk", faculty))


# Faculty-scoped previews and lists (object: Faculty or None).
rules.add_perm("records.view_debts", is_registrar | is_dean_of_faculty)
rules.add_perm("records.view_rating", is_registrar | is_dean_of_faculty)
rules.add_perm("records.preview_promotion", is_registrar | is_dean_of_faculty)
# Batch operations.
rules.add_perm("records.run_promotion", is_registrar)
rules.add_perm("records.manage_summer", is_registrar)
# Object: Student.
rules.add_perm("records.view_difference", is_registrar | is_dean_of_student)
rules.add_perm("records.register_summer", is_registrar | is_the_student)
rules.add_perm("records.recognise_credit", is_registrar)
