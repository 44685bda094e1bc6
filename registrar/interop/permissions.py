"""Who may use the interoperability pages and services (django-rules).

The registrar exports the OneRoster roster of a term (it carries every enrolled student's name
and e-mail) and manages webhook subscriptions in the admin. LMS results are uploaded by the
registrar or a teacher; each score is then entered as the uploader, so the statements' own rule
applies on top: only the section's teacher enters scores on an open sheet. Transcript XML is
downloaded by whoever may download the issued document (`documents.selectors`).
Loaded by `InteropConfig.ready()`; the services import it too.
"""

from __future__ import annotations

import rules

from registrar.people.models import Role
from registrar.people.permissions import is_registrar
from registrar.people.roles import scope_of


@rules.predicate
def is_teacher(user) -> bool:
    scope = scope_of(user)
    return Role.TEACHER in scope.roles and scope.staff_id is not None


rules.add_perm("interop.export_roster", is_registrar)
rules.add_perm("interop.import_results", is_registrar | is_teacher)
rules.add_perm("interop.use", is_registrar | is_teacher)
