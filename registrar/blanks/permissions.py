"""Who may handle strict accountability forms (django-rules).

Only the registrar's office receives batches, issues forms, signs receipts and writes forms
off, and prints receipts and acts. A dean may look at the inventory (and export it); nobody
else sees anything here. Loaded by `BlanksConfig.ready()`; the services import it too.
"""

from __future__ import annotations

import rules

from registrar.people.permissions import is_dean, is_registrar

rules.add_perm("blanks.view_inventory", is_registrar | is_dean)
rules.add_perm("blanks.receive_batch", is_registrar)
rules.add_perm("blanks.issue_form", is_registrar)
rules.add_perm("blanks.spoil_form", is_registrar)
rules.add_perm("blanks.sign_receipt", is_registrar)
rules.add_perm("blanks.print_receipt", is_registrar)
rules.add_perm("blanks.print_act", is_registrar)
