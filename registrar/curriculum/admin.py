"""Admin pages for disciplines, working curricula (§3) and academic calendars (§4).

Saves and deletes are audited like every other admin page, including the rows edited in an
inline (curriculum entries, calendar events and programmes): each leaves its own event.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models as db_models
from django.utils.translation import gettext_lazy as _

from registrar.audit import services
from registrar.audit.admin import AuditedAdmin

from . import models


def _plain(value):
    """A form value the audit log can store: related objects as their text."""
    if isinstance(value, db_models.QuerySet | list | tuple):
        return [str(v) for v in value]
    return value


class CurriculumAdminBase(AuditedAdmin):
    """AuditedAdmin that also records many-to-many values readably and audits inline rows."""

    def save_model(self, request, obj, form, change):
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        changes = {name: _plain(form.cleaned_data.get(name)) for name in form.changed_data}
        services.record(request.user, "admin.changed" if change else "admin.added", obj, changes,
                        reason="admin")

    def save_formset(self, request, form, formset, change):
        saved = {id(obj) for obj in formset.save(commit=False)}
        for obj in formset.deleted_objects:
            services.record(request.user, "admin.deleted", obj, reason="admin")
            obj.delete()
        for row in formset.forms:
            obj = row.instance
            if id(obj) not in saved:
                continue
            adding = obj.pk is None
            obj.save()
            changes = {name: _plain(row.cleaned_data.get(name)) for name in row.changed_data}
            services.record(request.user, "admin.added" if adding else "admin.changed", obj,
                            changes, reason="admin")
        formset.save_m2m()


@admin.register(models.Discipline)
class DisciplineAdmin(CurriculumAdminBase):
    list_display = ("code", "name_ru", "credits", "assessment_form", "department")
    list_filter = ("assessment_form", "department")
    search_fields = ("code", "name_ru", "name_kk", "name_en")
    filter_horizontal = ("prerequisites",)
    autocomplete_fields = ("department",)
    list_select_related = ("department",)


class CurriculumEntryInline(admin.TabularInline):
    model = models.CurriculumEntry
    extra = 0
    autocomplete_fields = ("discipline",)
    ordering = ("semester", "component", "discipline__code")


@admin.register(models.Curriculum)
class CurriculumAdmin(CurriculumAdminBase):
    list_display = ("programme", "intake_year", "approved_on")
    list_filter = ("intake_year", "programme__department__faculty")
    search_fields = ("programme__code", "programme__name_ru", "programme__name_kk",
                     "programme__name_en")
    autocomplete_fields = ("programme",)
    list_select_related = ("programme",)
    inlines = [CurriculumEntryInline]


@admin.register(models.CurriculumEntry)
class CurriculumEntryAdmin(CurriculumAdminBase):
    list_display = ("curriculum", "semester", "discipline", "component", "cycle")
    list_filter = ("component", "cycle", "semester", "curriculum__intake_year")
    search_fields = ("discipline__code", "discipline__name_ru", "curriculum__programme__code")
    autocomplete_fields = ("curriculum", "discipline")
    list_select_related = ("curriculum__programme", "discipline")


class CalendarProgrammeForm(forms.ModelForm):
    """The year of the link is the calendar's (set on save); one calendar per programme and
    year is checked here, since the year is not a field of the form."""

    class Meta:
        model = models.CalendarProgramme
        fields = ("calendar", "programme")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        calendar, programme = cleaned.get("calendar"), cleaned.get("programme")
        if calendar is not None and programme is not None and calendar.year_id is not None:
            taken = (models.CalendarProgramme.objects
                     .filter(programme=programme, year_id=calendar.year_id)
                     .exclude(pk=self.instance.pk))
            if taken.exists():
                raise forms.ValidationError(
                    _("%(programme)s already follows another calendar in %(year)s.")
                    % {"programme": programme.code, "year": calendar.year})
        return cleaned


class CalendarProgrammeFormSet(forms.BaseInlineFormSet):
    """A programme once per calendar among the rows of one submission (the year is the
    calendar's, so the model's unique constraint cannot be checked by the form set)."""

    def clean(self):
        super().clean()
        seen = set()
        for row in self.forms:
            data = getattr(row, "cleaned_data", None) or {}
            programme = data.get("programme")
            if programme is None or data.get("DELETE"):
                continue
            if programme.pk in seen:
                raise forms.ValidationError(_("%(programme)s is listed twice.")
                                            % {"programme": programme.code})
            seen.add(programme.pk)


class CalendarProgrammeInline(admin.TabularInline):
    model = models.CalendarProgramme
    form = CalendarProgrammeForm
    formset = CalendarProgrammeFormSet
    extra = 0
    autocomplete_fields = ("programme",)


class CalendarEventInline(admin.TabularInline):
    model = models.CalendarEvent
    extra = 0


@admin.register(models.AcademicCalendar)
class AcademicCalendarAdmin(CurriculumAdminBase):
    list_display = ("__str__", "year", "name")
    list_filter = ("year",)
    search_fields = ("name",)
    inlines = [CalendarProgrammeInline, CalendarEventInline]


@admin.register(models.CalendarEvent)
class CalendarEventAdmin(CurriculumAdminBase):
    list_display = ("calendar", "period", "kind", "starts_on", "ends_on")
    list_filter = ("kind", "calendar__year")
    list_select_related = ("calendar__year", "period__year")


@admin.register(models.CalendarProgramme)
class CalendarProgrammeAdmin(CurriculumAdminBase):
    form = CalendarProgrammeForm
    list_display = ("calendar", "programme", "year")
    list_filter = ("year",)
    search_fields = ("programme__code", "calendar__name")
    autocomplete_fields = ("calendar", "programme")
    list_select_related = ("calendar__year", "programme", "year")
