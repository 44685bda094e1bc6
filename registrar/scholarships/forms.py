from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registrar.contingent.choices import ScholarshipKind
from registrar.institution.models import AcademicPeriod, PeriodKind

from .models import AWARD_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Session (term)"),
                                    queryset=AcademicPeriod.objects.none())
    faculty: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Faculty"), queryset=None, required=False, empty_label=_("Whole university"))
    payment_starts_on = forms.DateField(label=_("Payment starts on"), widget=DATE)
    months = forms.IntegerField(label=_("Months paid"), min_value=1, max_value=12)

    def __init__(self, *args: Any, faculties: Any, allow_university: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = AcademicPeriod.objects.exclude(  # type: ignore[attr-defined]
            kind=PeriodKind.SUMMER).select_related("year").order_by("-starts_on")
        self.fields["faculty"].queryset = faculties  # type: ignore[attr-defined]
        if not allow_university:  # a dean chooses one of their faculties
            self.fields["faculty"].required = True
            self.fields["faculty"].empty_label = None  # type: ignore[attr-defined]


class CompetitionForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Session (term)"),
                                    queryset=AcademicPeriod.objects.none())
    programme: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Programme"),
                                                               queryset=None)
    year_of_study = forms.IntegerField(label=_("Year of study"), min_value=1, max_value=7,
                                       required=False,
                                       help_text=_("Empty: every year of the programme."))
    grants = forms.IntegerField(label=_("Vacant state grants"), min_value=1, max_value=1000)

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = AcademicPeriod.objects.select_related(  # type: ignore[attr-defined]
            "year").order_by("-starts_on")
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]


class EffectiveDateForm(forms.Form):
    effective_date = forms.DateField(label=_("Effective date"), widget=DATE)


class FilterForm(forms.Form):
    faculty: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Faculty"), queryset=None, required=False, empty_label=_("All"))
    programme: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All"))
    kind = forms.ChoiceField(label=_("Scholarship"), required=False)

    def __init__(self, *args: Any, faculties: Any, programmes: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["faculty"].queryset = faculties  # type: ignore[attr-defined]
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("All"))] + [  # type: ignore[attr-defined]
            (k.value, ScholarshipKind(k).label) for k in AWARD_KINDS]
