"""Forms of the portal. They collect input; the services decide and refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registrar.contingent.choices import (
    ExpulsionReason,
    LeaveKind,
    OrderType,
    ScholarshipKind,
)
from registrar.institution.models import AcademicGroup, Faculty, Programme
from registrar.people.choices import Funding


class DateInput(forms.DateInput):
    input_type = "date"


class OrderForm(forms.Form):
    order_type = forms.ChoiceField(label=_("Type"), choices=OrderType.choices)
    faculty = forms.ModelChoiceField(label=_("Faculty"), queryset=Faculty.objects.none(),
                                     required=False, empty_label=_("University-wide"))
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    basis = forms.CharField(label=_("Basis"), widget=forms.Textarea(attrs={"rows": 2}),
                            required=False)

    def __init__(self, *args, faculties=None, allow_university_wide=True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["faculty"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = faculties if faculties is not None else Faculty.objects.all()
        if not allow_university_wide:
            field.required = True
            field.empty_label = None


class OrderItemForm(forms.Form):
    student_iin = forms.CharField(label=_("Student IIN"), max_length=12)
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput)
    basis = forms.CharField(label=_("Basis document"), max_length=255, required=False)
    to_programme = forms.ModelChoiceField(label=_("To programme"), required=False,
                                          queryset=Programme.objects.all())
    to_group = forms.ModelChoiceField(label=_("To group"), required=False,
                                      queryset=AcademicGroup.objects.all())
    to_year_of_study = forms.IntegerField(label=_("To year of study"), required=False,
                                          min_value=1, max_value=7)
    to_funding = forms.ChoiceField(label=_("Funding"), required=False,
                                   choices=[("", "—"), *Funding.choices])
    reason = forms.ChoiceField(label=_("Reason for expulsion"), required=False,
                               choices=[("", "—"), *ExpulsionReason.choices])
    leave_kind = forms.ChoiceField(label=_("Kind of leave"), required=False,
                                   choices=[("", "—"), *LeaveKind.choices])
    leave_until = forms.DateField(label=_("Leave until"), required=False, widget=DateInput)
    new_last_name_ru = forms.CharField(label=_("New surname (Russian)"), required=False)
    new_last_name_kk = forms.CharField(label=_("New surname (Kazakh)"), required=False)
    new_last_name_en = forms.CharField(label=_("New surname (Latin)"), required=False)
    scholarship_kind = forms.ChoiceField(label=_("Scholarship"), required=False,
                                         choices=[("", "—"), *ScholarshipKind.choices])
    amount = forms.DecimalField(label=_("Monthly amount"), required=False, max_digits=12,
                                decimal_places=2, min_value=0)
    override_reason = forms.CharField(label=_("Override reason (outside transfer windows)"),
                                      required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def item_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            key: data[key]
            for key in ("basis", "to_programme", "to_group", "to_year_of_study", "to_funding",
                        "reason", "leave_kind", "leave_until", "scholarship_kind", "amount",
                        "override_reason")
            if data.get(key) not in (None, "")
        }
        names = {
            f"last_name_{lang}": data[f"new_last_name_{lang}"]
            for lang in ("ru", "kk", "en") if data.get(f"new_last_name_{lang}")
        }
        if names:
            fields["new_names"] = names
        return fields


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancellation"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class StudentSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, IIN or group"), required=False, max_length=100)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class ArchiveForm(forms.Form):
    act_number = forms.CharField(label=_("Act number"), max_length=32)
    handed_on = forms.DateField(label=_("Handed over on"), widget=DateInput)
    received_by = forms.CharField(label=_("Received by (archivist)"), max_length=255)
