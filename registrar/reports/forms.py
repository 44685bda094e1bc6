"""The filters of the report pages (GET forms) and their parameters (presenters.Params).

The faculty is not a form field: the view resolves it first (a dean is kept to their own
faculty; another faculty is answered with 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registrar.institution.models import AcademicPeriod
from registrar.policy.selectors import academic_start_year

from . import selectors
from .models import ReportKind
from .presenters import Params


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _periods() -> Any:
    return AcademicPeriod.objects.select_related("year").order_by("-starts_on")


class ReportForm(forms.Form):
    def params(self, faculty_id: int | None) -> Params:
        raise NotImplementedError


class TermForm(ReportForm):
    period = forms.ModelChoiceField(label=_("Term"), queryset=AcademicPeriod.objects.none(),
                                    required=False, empty_label=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = _periods()  # type: ignore[attr-defined]
        default = selectors.default_period()
        if default is not None:
            self.fields["period"].initial = default.pk

    def chosen_period(self) -> AcademicPeriod | None:
        return self.cleaned_data.get("period") or selectors.default_period()

    def params(self, faculty_id: int | None) -> Params:
        period = self.chosen_period()
        return Params(faculty=faculty_id, period=period.pk if period else None)


class DistributionForm(TermForm):
    grouping = forms.ChoiceField(label=_("Per"), required=False, choices=[
        ("discipline", _("discipline")), ("teacher", _("teacher"))])

    def params(self, faculty_id: int | None) -> Params:
        period = self.chosen_period()
        return Params(faculty=faculty_id, period=period.pk if period else None,
                      grouping=self.cleaned_data.get("grouping") or "discipline")


class ContingentForm(ReportForm):
    on = forms.DateField(label=_("Contingent on"), required=False, widget=DateInput())
    start = forms.DateField(label=_("Movement from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("to"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = dt.date.today()
        self.fields["on"].initial = today
        self.fields["start"].initial = dt.date(academic_start_year(today), 9, 1)
        self.fields["end"].initial = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("start") or self.fields["start"].initial
        end = data.get("end") or self.fields["end"].initial
        if start > end:
            raise forms.ValidationError(_("The movement period ends before it starts."))
        return data

    def params(self, faculty_id: int | None) -> Params:
        data = self.cleaned_data

        def day(name: str) -> str:
            return (data.get(name) or self.fields[name].initial).isoformat()

        return Params(faculty=faculty_id, on=day("on"), start=day("start"), end=day("end"))


class DebtorsForm(ReportForm):
    period = forms.ModelChoiceField(label=_("Failed in the term"),
                                    queryset=AcademicPeriod.objects.none(), required=False,
                                    empty_label=_("Any term"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = _periods()  # type: ignore[attr-defined]

    def params(self, faculty_id: int | None) -> Params:
        period = self.cleaned_data.get("period")
        return Params(faculty=faculty_id, period=period.pk if period else None)


class HonoursForm(ReportForm):
    on = forms.DateField(label=_("On"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = dt.date.today()

    def params(self, faculty_id: int | None) -> Params:
        on = self.cleaned_data.get("on") or self.fields["on"].initial
        return Params(faculty=faculty_id, on=on.isoformat())


FORMS: dict[str, type[ReportForm]] = {
    ReportKind.SESSION: TermForm,
    ReportKind.CONTINGENT: ContingentForm,
    ReportKind.DEBTORS: DebtorsForm,
    ReportKind.HONOURS: HonoursForm,
    ReportKind.DISTRIBUTION: DistributionForm,
}
