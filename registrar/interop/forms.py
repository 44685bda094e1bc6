"""Forms of the interoperability pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrar.institution.models import AcademicPeriod, Language

from . import oneroster

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ExportForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Term"), queryset=AcademicPeriod.objects.none())
    language = forms.ChoiceField(label=_("Language of names and titles"),
                                 choices=Language.choices, initial="ru")
    include_iin = forms.BooleanField(
        label=_("Include each student's IIN (as the OneRoster identifier)"), required=False,
        help_text=_("Off by default: the LMS does not need the IIN. Turn it on only when the "
                    "LMS contract requires it."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AcademicPeriod.objects.select_related("year").order_by("-starts_on")
        if not self.is_bound and "period" not in self.initial:
            # The term under way (the latest one that has started).
            self.initial["period"] = field.queryset.filter(
                starts_on__lte=timezone.localdate()).values_list("pk", flat=True).first()


class ResultsUploadForm(forms.Form):
    file = forms.FileField(label=_("OneRoster results (ZIP with lineItems.csv and results.csv)"))
    mapping = forms.CharField(
        label=_("Line items of the statements (optional)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "li-101=rating_1\nli-102=exam"}),
        help_text=_("One “line item sourcedId = rating_1, rating_2 or exam” per line. Without "
                    "it a line item's category or title decides (R1, R2, Exam…)."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean_mapping(self) -> dict[str, str]:
        try:
            return oneroster.parse_mapping(self.cleaned_data.get("mapping", ""))
        except oneroster.ResultsImportFailed as failed:
            raise forms.ValidationError([p.message for p in failed.problems]) from None
