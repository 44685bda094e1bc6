"""Permissions on curricula (django-rules): only the registrar's office imports and edits them."""

from __future__ import annotations

import rules

from registrar.people.permissions import is_registrar

rules.add_perm("curriculum.import_curriculum", is_registrar)
rules.add_perm("curriculum.change_curriculum", is_registrar)
