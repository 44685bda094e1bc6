"""Who may see the reports (§12) (django-rules).

The registrar sees every report for the whole university or any faculty; a dean sees the
reports of their own faculty only. The object of the faculty-scoped permission is the
`Faculty` (None means the whole university, which is the registrar's). Students, teachers and
advisors see no report. An export job is downloaded by the user who asked for it, or by the
registrar.

Loaded by `ReportsConfig.ready()`; the selectors import it as well.
"""

from __future__ import annotations

import rules

from registrar.people.permissions import is_dean, is_registrar
from registrar.people.roles import scope_of


@rules.predicate
def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


@rules.predicate
def is_dean_of_faculty(user, faculty) -> bool:
    return faculty is not None and scope_of(user).is_dean_of(getattr(faculty, "pk", faculty))


@rules.predicate
def is_requester(user, job) -> bool:
    return job is not None and getattr(user, "pk", None) == job.user_id


university_wide = is_registrar | is_superuser

# Any report at all (the page opens; the faculty is checked next).
rules.add_perm("reports.view_reports", university_wide | is_dean)
# The reports of a faculty (object: Faculty, or None for the whole university).
rules.add_perm("reports.view_faculty", university_wide | is_dean_of_faculty)
# An export job's file (object: ExportJob).
rules.add_perm("reports.download_export", university_wide | is_requester)
