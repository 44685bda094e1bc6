"""Who may read the access logs (django-rules): the registrar's office only.

Deans, advisors, teachers and students may not, not even for their own faculty: the logs say
who looked at whom, which is the registrar's to oversee. (Superusers pass every permission.)
"""

from __future__ import annotations

import rules

from registrar.people.permissions import is_registrar

# The access-denial log and the disclosure log, for every student or one.
rules.add_perm("audit.view_access_logs", is_registrar)
