"""The one form of the second factor: a six-digit code from an authenticator app."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

_CODE = re.compile(r"\d{6}")


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from the authenticator app"),
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 7,
            "autofocus": True, "size": 8,
        }),
    )

    def clean_otp_token(self) -> str:
        # Apps show the code as "123 456"; people type it that way too.
        code = re.sub(r"\s", "", self.cleaned_data["otp_token"])
        if not _CODE.fullmatch(code):
            raise forms.ValidationError(_("Enter the six digits shown by your authenticator app."))
        return code
