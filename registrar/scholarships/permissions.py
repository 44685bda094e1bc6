"""Who may see and act on scholarship rounds and grant competitions (django-rules).

The registrar sees and runs everything. A dean sees and runs the rounds of their own faculty and
the competitions of its programmes; university-wide rounds are the registrar's. The object of
`*_round` permissions is the round (or, to create one, the faculty, None meaning the whole
university); of `*_competition` the competition (or, to create one, the programme).
Loaded by `ScholarshipsConfig.ready()`; the services import it too.
"""

from __future__ import annotations

from typing import Any

import rules

from registrar.institution.models import Faculty, Programme
from registrar.people.permissions import is_dean, is_registrar
from registrar.people.roles import scope_of

from .models import GrantCompetition, ScholarshipRound


def _faculty_id(obj: Any) -> int | None:
    if isinstance(obj, ScholarshipRound):
        return obj.faculty_id
    if isinstance(obj, GrantCompetition):
        return obj.programme.department.faculty_id
    if isinstance(obj, Programme):
        return obj.department.faculty_id
    if isinstance(obj, Faculty):
        return obj.pk
    return None


@rules.predicate
def is_dean_of_scope(user, obj) -> bool:
    return scope_of(user).is_dean_of(_faculty_id(obj))


rules.add_perm("scholarships.view_lists", is_registrar | is_dean)
rules.add_perm("scholarships.view_round", is_registrar | is_dean_of_scope)
rules.add_perm("scholarships.manage_round", is_registrar | is_dean_of_scope)
rules.add_perm("scholarships.view_competition", is_registrar | is_dean_of_scope)
rules.add_perm("scholarships.manage_competition", is_registrar | is_dean_of_scope)
