"""Report pages for the registrar and the deans (§7, §12): the academic rating of a group, a
programme or a year of study, the list of debtors, and the grade-change report; each list can be
downloaded as XLSX. A dean sees their own faculty only; everyone else is refused (403).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrar.institution.models import AcademicGroup, AcademicYear, Faculty, Programme
from registrar.people.roles import Scope, scope_of
from registrar.records.selectors import RecordsRefused, academic_rating, debts_list

PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _is_registrar(scope: Scope, user: Any) -> bool:
    return scope.is_registrar or bool(getattr(user, "is_superuser", False))


def report_scope(user: Any) -> Scope:
    """The registrar or a dean; PermissionDenied for anyone else."""
    scope = scope_of(user)
    if not (_is_registrar(scope, user) or scope.dean_faculty_ids):
        raise PermissionDenied
    return scope


def _faculties(scope: Scope, user: Any) -> Any:
    if _is_registrar(scope, user):
        return Faculty.objects.all()
    return Faculty.objects.filter(pk__in=scope.dean_faculty_ids)


def xlsx_response(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                  filename: str) -> HttpResponse:
    """A one-sheet workbook: a bold header row, frozen, then the rows."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Report"
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                      for v in row])
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        letter = column[0].column_letter
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _latest_year() -> AcademicYear | None:
    today = timezone.localdate()
    years = AcademicYear.objects.order_by("-start_year")
    return years.filter(starts_on__lte=today, ends_on__gte=today).first() or years.first()


# --- The index ----------------------------------------------------------------------------

@login_required
def reports_index(request: HttpRequest) -> HttpResponse:
    scope = report_scope(request.user)
    return render(request, "portal/reports/index.html", {
        "is_registrar": _is_registrar(scope, request.user)})


# --- Academic rating (§7) -------------------------------------------------------------------

class RatingForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Rating of"), choices=(
        ("group", gettext_lazy("an academic group")),
        ("programme", gettext_lazy("a programme")),
        ("year", gettext_lazy("a year of study")),
    ))
    group = forms.ModelChoiceField(label=gettext_lazy("Group"), required=False,
                                   queryset=AcademicGroup.objects.none())
    programme = forms.ModelChoiceField(label=gettext_lazy("Programme"), required=False,
                                       queryset=Programme.objects.none())
    year_of_study = forms.IntegerField(label=gettext_lazy("Year of study"), required=False,
                                       min_value=1, max_value=7)
    faculty = forms.ModelChoiceField(label=gettext_lazy("Faculty"), required=False,
                                     queryset=Faculty.objects.none(),
                                     empty_label=gettext_lazy("Whole university"))
    year = forms.ModelChoiceField(label=gettext_lazy("At the end of the academic year"),
                                  queryset=AcademicYear.objects.order_by("-start_year"),
                                  to_field_name="start_year", empty_label=None)
    basis = forms.ChoiceField(label=gettext_lazy("By"), choices=(
        ("cumulative", gettext_lazy("cumulative GPA")),
        ("year", gettext_lazy("the year's GPA")),
    ))

    def __init__(self, *args: Any, scope: Scope, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        faculties = _faculties(scope, user)
        _set_queryset(self, "faculty", faculties)
        _set_queryset(self, "programme", Programme.objects.filter(
            department__faculty__in=faculties))
        _set_queryset(self, "group", AcademicGroup.objects.filter(
            programme__department__faculty__in=faculties).order_by("name"))
        if not _is_registrar(scope, user):
            field = self.fields["faculty"]
            assert isinstance(field, forms.ModelChoiceField)
            field.required, field.empty_label = True, None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = {"group": "group", "programme": "programme", "year": "year_of_study"}
        key = needed.get(data.get("scope", ""))
        if key and data.get(key) in (None, ""):
            self.add_error(key, _("This field is required."))
        return data


@login_required
def rating_report(request: HttpRequest) -> HttpResponse:
    scope = report_scope(request.user)
    data = request.GET.copy() if request.GET else None
    if data is not None and not data.get("year"):
        latest = _latest_year()
        if latest is not None:
            data["year"] = str(latest.start_year)
    if data is not None and not _is_registrar(scope, request.user) and not data.get("faculty"):
        data["faculty"] = str(min(scope.dean_faculty_ids))
    latest = _latest_year()
    form = RatingForm(data, scope=scope, user=request.user,
                      initial={"year": latest.start_year if latest else None,
                               "scope": "group", "basis": "cumulative"})
    rows, error = None, ""
    if data is not None and form.is_valid():
        d = form.cleaned_data
        key = {"group": d["group"], "programme": d["programme"],
               "year": d["year_of_study"]}[d["scope"]]
        try:
            rows = academic_rating(d["scope"], key, d["year"].start_year, by=request.user,
                                   basis=d["basis"],
                                   programme=d["programme"] if d["scope"] == "year" else None,
                                   faculty=d["faculty"] if d["scope"] == "year" else None)
        except RecordsRefused as refused:
            error = refused.message
        if rows is not None and _wants_xlsx(request):
            return xlsx_response(
                _("Academic rating"),
                [_("Rank"), _("Student"), _("IIN"), _("Group"), _("Programme"), _("GPA"),
                 _("Credits earned")],
                ([r.rank or "", r.student.full_name, r.student.iin, str(r.student.group or ""),
                  r.student.programme.code, float(r.display) if r.display is not None else "",
                  r.credits_earned] for r in rows),
                f"rating-{d['scope']}-{d['year'].start_year}.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if rows is not None \
        else None
    return render(request, "portal/reports/rating.html", {
        "form": form, "page": page, "error": error, "query": _query(request)})


# --- Debtors (§7, §12) ----------------------------------------------------------------------

class DebtsForm(forms.Form):
    faculty = forms.ModelChoiceField(label=gettext_lazy("Faculty"), required=False,
                                     queryset=Faculty.objects.none(),
                                     empty_label=gettext_lazy("Whole university"))
    programme = forms.ModelChoiceField(label=gettext_lazy("Programme"), required=False,
                                       queryset=Programme.objects.none(),
                                       empty_label=gettext_lazy("All programmes"))

    def __init__(self, *args: Any, scope: Scope, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        faculties = _faculties(scope, user)
        _set_queryset(self, "faculty", faculties)
        _set_queryset(self, "programme", Programme.objects.filter(
            department__faculty__in=faculties))
        if not _is_registrar(scope, user):
            field = self.fields["faculty"]
            assert isinstance(field, forms.ModelChoiceField)
            field.required, field.empty_label = True, None


@login_required
def debts_report(request: HttpRequest) -> HttpResponse:
    scope = report_scope(request.user)
    data = request.GET.copy()
    if not _is_registrar(scope, request.user) and not data.get("faculty"):
        data["faculty"] = str(min(scope.dean_faculty_ids))
    form = DebtsForm(data, scope=scope, user=request.user)
    rows, error = None, ""
    if form.is_valid():
        try:
            rows = debts_list(form.cleaned_data["faculty"], form.cleaned_data["programme"],
                              by=request.user)
        except RecordsRefused as refused:
            error = refused.message
        if rows is not None and _wants_xlsx(request):
            return xlsx_response(
                _("Debtors"),
                [_("Student"), _("IIN"), _("Group"), _("Programme"), _("Discipline"),
                 _("Credits"), _("Term failed"), _("Letter")],
                ([r.student.full_name, r.student.iin, str(r.student.group or ""),
                  r.student.programme.code, f"{r.discipline.code} {r.discipline.name}",
                  r.credits, str(r.term), r.letter] for r in rows),
                "debtors.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if rows is not None \
        else None
    return render(request, "portal/reports/debts.html", {
        "form": form, "page": page, "error": error, "query": _query(request),
        "students": len({r.student.pk for r in rows}) if rows else 0})
