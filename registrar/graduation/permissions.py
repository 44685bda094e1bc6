"""Who may see and act on final attestation and graduation (django-rules).

The registrar keeps commissions and results, drafts graduation orders and issues diplomas and
supplements. A dean sees the commissions, results, theses register and graduation preview of
their own faculty (the object of a faculty-scoped permission is the `Faculty`; None means
university-wide, which is the registrar's). Students and teachers see nothing here.
Loaded by `GraduationConfig.ready()`; the services import it too.
"""

from __future__ import annotations

import rules

from registrar.people.permissions import is_dean, is_registrar
from registrar.people.roles import scope_of


@rules.predicate
def is_dean_of_faculty(user, faculty) -> bool:
    return faculty is not None and scope_of(user).is_dean_of(getattr(faculty, "pk", faculty))


# Pages at all (no object): the registrar and deans.
rules.add_perm("graduation.use", is_registrar | is_dean)
# Object: Faculty (None: the whole university).
rules.add_perm("graduation.view_faculty", is_registrar | is_dean_of_faculty)
# The registrar's work.
rules.add_perm("graduation.manage_attestation", is_registrar)
rules.add_perm("graduation.draft_order", is_registrar)
rules.add_perm("graduation.issue_diploma", is_registrar)
