"""Who may unlock sign-ins and reset second factors in the admin: the registrar.

Deleting an axes access attempt lifts its lockout; deleting a TOTP device lets a
member of staff who lost their phone sign in with the password alone and enrol again.
Superusers may do both anyway.
"""

from __future__ import annotations

import rules

from registrar.people.permissions import is_registrar

for perm in ("axes", "axes.view_accessattempt", "axes.delete_accessattempt",
             "axes.view_accesslog", "axes.view_accessfailurelog",
             "otp_totp", "otp_totp.view_totpdevice", "otp_totp.delete_totpdevice"):
    rules.add_perm(perm, is_registrar)
