from django.contrib import admin

from registrar.audit.admin import AuditedAdmin

from . import models


@admin.register(models.Faculty)
class FacultyAdmin(AuditedAdmin):
    list_display = ("code", "name_ru", "name_kk", "name_en")
    search_fields = ("code", "name_ru", "name_kk", "name_en")


@admin.register(models.Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "name_ru", "faculty")
    list_filter = ("faculty",)
    search_fields = ("code", "name_ru", "name_kk", "name_en")


@admin.register(models.Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ("code", "name_ru", "degree", "study_form", "language", "department")
    list_filter = ("degree", "study_form", "language", "department__faculty")
    search_fields = ("code", "name_ru", "name_kk", "name_en")


class AcademicPeriodInline(admin.TabularInline):
    model = models.AcademicPeriod
    extra = 0


@admin.register(models.AcademicYear)
class AcademicYearAdmin(AuditedAdmin):
    list_display = ("__str__", "starts_on", "ends_on")
    inlines = [AcademicPeriodInline]


@admin.register(models.AcademicPeriod)
class AcademicPeriodAdmin(AuditedAdmin):
    list_display = ("__str__", "kind", "starts_on", "ends_on")
    list_filter = ("kind", "year")


@admin.register(models.AcademicGroup)
class AcademicGroupAdmin(AuditedAdmin):
    list_display = ("name", "programme", "intake_year", "language", "curator")
    list_filter = ("intake_year", "language", "programme__department__faculty")
    search_fields = ("name",)
    autocomplete_fields = ("curator",)
