"""Forms of the graduation pages. They collect input; the services decide and refuse."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrar.institution.models import AcademicYear, Faculty, Language, Programme
from registrar.people.models import Student
from registrar.policy.selectors import academic_start_year, policy_on

from .models import AttestationKind, MemberRole


class DateInput(forms.DateInput):
    input_type = "date"


def current_start_year() -> int:
    return academic_start_year(timezone.localdate())


def year_choices() -> list[tuple[int, str]]:
    years = list(AcademicYear.objects.order_by("-start_year").values_list("start_year",
                                                                           flat=True))
    current = current_start_year()
    if current not in years:
        years.insert(0, current)
    return [(y, f"{y}-{y + 1}") for y in years]


class CommissionForm(forms.Form):
    year = forms.ModelChoiceField(label=_("Academic year"), queryset=AcademicYear.objects.all())
    faculty = forms.ModelChoiceField(label=_("Faculty"), queryset=Faculty.objects.all())
    programmes = forms.ModelMultipleChoiceField(
        label=_("Educational programmes"), queryset=Programme.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 8}))
    chair_name = forms.CharField(label=_("Chair"), max_length=255)
    chair_position = forms.CharField(label=_("Chair's position"), max_length=255,
                                     required=False)
    order_reference = forms.CharField(label=_("Appointed by order"), max_length=120,
                                      help_text=_("Number and date, e.g. № 12-П of 10.01.2026"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["programmes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Programme.objects.select_related("department__faculty").order_by(
            "code")


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    position = forms.CharField(label=_("Position"), max_length=255, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices,
                             initial=MemberRole.MEMBER)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttestationKind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    title_kk = forms.CharField(label=_("Title (Kazakh)"), max_length=255, required=False)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=255, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=255, required=False)
    credits = forms.IntegerField(label=_("Credits"), min_value=0, max_value=60, initial=0)


def student_label(student: Student) -> str:
    group = student.group.name if student.group is not None else "—"
    return f"{student.full_name} ({group})"


class ResultForm(forms.Form):
    student = forms.ModelChoiceField(label=_("Student"), queryset=Student.objects.none())
    score = forms.DecimalField(label=_("Score (0–100)"), min_value=0, max_value=100,
                               max_digits=5, decimal_places=2)
    protocol_number = forms.CharField(label=_("Protocol number"), max_length=32)
    thesis_title_kk = forms.CharField(label=_("Thesis title (Kazakh)"), max_length=500,
                                      required=False)
    thesis_title_ru = forms.CharField(label=_("Thesis title (Russian)"), max_length=500,
                                      required=False)
    thesis_title_en = forms.CharField(label=_("Thesis title (English)"), max_length=500,
                                      required=False)
    thesis_language = forms.ChoiceField(label=_("Language of the thesis"),
                                        choices=[("", "—"), *Language.choices], required=False)
    supervisor = forms.CharField(label=_("Supervisor"), max_length=255, required=False)
    reviewer = forms.CharField(label=_("Reviewer"), max_length=255, required=False)
    reason = forms.CharField(label=_("Reason for a correction"), max_length=500,
                             required=False,
                             help_text=_("Only when correcting a result already recorded."))

    def __init__(self, *args, students=None, thesis: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["student"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = students if students is not None else Student.objects.none()
        field.label_from_instance = student_label  # type: ignore[assignment,method-assign]
        if not thesis:
            for name in ("thesis_title_kk", "thesis_title_ru", "thesis_title_en",
                         "thesis_language", "supervisor", "reviewer"):
                del self.fields[name]


class PreviewForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, choices=())
    programme = forms.ModelChoiceField(label=_("Educational programme"),
                                       queryset=Programme.objects.none(), required=False,
                                       empty_label=_("All of the faculty"))
    faculty = forms.ModelChoiceField(label=_("Faculty"), queryset=Faculty.objects.none(),
                                     required=False)

    def __init__(self, *args, programmes=None, faculties=None, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = year_choices()
        year.initial = current_start_year()
        programme = self.fields["programme"]
        faculty = self.fields["faculty"]
        assert isinstance(programme, forms.ModelChoiceField)
        assert isinstance(faculty, forms.ModelChoiceField)
        programme.queryset = programmes if programmes is not None else Programme.objects.none()
        faculty.queryset = faculties if faculties is not None else Faculty.objects.none()

    def clean(self):
        data = super().clean() or {}
        if not data.get("programme") and not data.get("faculty"):
            raise forms.ValidationError(_("Choose a programme or a faculty."))
        return data


class DraftOrderForm(PreviewForm):
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput)
    students = forms.TypedMultipleChoiceField(label=_("Students"), coerce=int, required=False,
                                              choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data.getlist("students") if hasattr(self.data, "getlist") else []
        students = self.fields["students"]
        assert isinstance(students, forms.TypedMultipleChoiceField)
        students.choices = [(v, v) for v in raw]


class IssueForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the verification page"),
                                 choices=Language.choices)


class ThesesFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, choices=(),
                                  required=False, empty_value=None)
    faculty = forms.ModelChoiceField(label=_("Faculty"), queryset=Faculty.objects.none(),
                                     required=False, empty_label=_("All"))
    programme = forms.ModelChoiceField(label=_("Educational programme"),
                                       queryset=Programme.objects.none(), required=False,
                                       empty_label=_("All"))
    letter = forms.ChoiceField(label=_("Letter"), required=False, choices=())
    q = forms.CharField(label=_("Title, student, supervisor or reviewer"), max_length=100,
                        required=False)

    def __init__(self, *args, programmes=None, faculties=None, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [("", _("All")), *year_choices()]
        letter = self.fields["letter"]
        assert isinstance(letter, forms.ChoiceField)
        scale = policy_on(timezone.localdate()).grading_scale
        letter.choices = [("", _("All")), *[(b.letter, b.letter) for b in scale]]
        programme = self.fields["programme"]
        faculty = self.fields["faculty"]
        assert isinstance(programme, forms.ModelChoiceField)
        assert isinstance(faculty, forms.ModelChoiceField)
        programme.queryset = programmes if programmes is not None else Programme.objects.none()
        faculty.queryset = faculties if faculties is not None else Faculty.objects.none()
