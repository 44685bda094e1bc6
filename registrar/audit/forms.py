"""Filters of the registrar's access-log pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import AccessDenial, Disclosure


class _Period(forms.Form):
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.CharField(label=_("User name"), max_length=150, required=False)

    def _common(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        data = self.cleaned_data
        since: dt.date | None = data.get("since")
        until: dt.date | None = data.get("until")
        if since:
            rows = rows.filter(at__date__gte=since)
        if until:
            rows = rows.filter(at__date__lte=until)
        if data.get("user"):
            rows = rows.filter(username__icontains=data["user"].strip())
        return rows


class DenialFilterForm(_Period):
    status = forms.TypedChoiceField(label=_("Answer"), required=False, coerce=int,
                                    empty_value=None,
                                    choices=[("", _("All")), (403, _("403 refused")),
                                             (404, _("404 not found or outside scope"))])
    path = forms.CharField(label=_("Address contains"), max_length=200, required=False)

    def apply(self, rows: QuerySet[AccessDenial]) -> QuerySet[AccessDenial]:
        if not self.is_valid():
            return rows
        rows = self._common(rows)
        if self.cleaned_data.get("status"):
            rows = rows.filter(status=self.cleaned_data["status"])
        if self.cleaned_data.get("path"):
            rows = rows.filter(path__icontains=self.cleaned_data["path"].strip())
        return rows


class DisclosureFilterForm(_Period):
    q = forms.CharField(label=_("Student (surname or IIN)"), max_length=100, required=False)
    what = forms.ChoiceField(label=_("What"), required=False,
                             choices=[("", _("All")), *Disclosure.What.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All")), *Disclosure.Channel.choices])

    def __init__(self, *args: Any, per_student: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if per_student:
            del self.fields["q"]

    def apply(self, rows: QuerySet[Disclosure]) -> QuerySet[Disclosure]:
        if not self.is_valid():
            return rows
        rows = self._common(rows)
        data = self.cleaned_data
        text = (data.get("q") or "").strip()
        if text:
            rows = rows.filter(Q(student__iin=text) | Q(student__last_name_ru__icontains=text)
                               | Q(student__last_name_kk__icontains=text)
                               | Q(student__last_name_en__icontains=text))
        if data.get("what"):
            rows = rows.filter(what=data["what"])
        if data.get("channel"):
            rows = rows.filter(channel=data["channel"])
        return rows
