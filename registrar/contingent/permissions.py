"""Who may see and act on orders (django-rules).

The registrar sees, drafts and applies every order; a dean sees, drafts and
approves orders of their own faculty only. University-wide orders (no faculty)
are the registrar's.
"""

from __future__ import annotations

import rules

from registrar.people.permissions import is_registrar
from registrar.people.roles import scope_of


@rules.predicate
def is_dean_of_order(user, order) -> bool:
    return order is not None and scope_of(user).is_dean_of(order.faculty_id)


@rules.predicate
def is_dean(user) -> bool:
    return bool(scope_of(user).dean_faculty_ids)


rules.add_perm("contingent.view_order", is_registrar | is_dean_of_order)
rules.add_perm("contingent.add_order", is_registrar | is_dean)
rules.add_perm("contingent.change_order", is_registrar | is_dean_of_order)
rules.add_perm("contingent.approve_order", is_registrar | is_dean_of_order)
rules.add_perm("contingent.apply_order", is_registrar)
rules.add_perm("contingent.archive_files", is_registrar)
rules.add_perm("contingent.keep_personal_file", is_registrar)
