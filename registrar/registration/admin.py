from django.contrib import admin

from registrar.audit.admin import AuditedAdmin

from . import models


@admin.register(models.Section)
class SectionAdmin(AuditedAdmin):
    list_display = ("code", "discipline", "period", "teacher", "language", "capacity",
                    "enrolled_count", "status")
    list_filter = ("period", "status", "language")
    search_fields = ("code", "discipline__code", "discipline__name_ru")
    autocomplete_fields = ("discipline", "teacher")
    filter_horizontal = ("groups",)
    readonly_fields = ("enrolled_count",)


class StudyPlanLineInline(admin.TabularInline):
    model = models.StudyPlanLine
    extra = 0
    autocomplete_fields = ("discipline",)


@admin.register(models.StudyPlan)
class StudyPlanAdmin(AuditedAdmin):
    list_display = ("student", "period", "semester", "state")
    list_filter = ("state", "period")
    search_fields = ("student__last_name_ru", "student__iin")
    autocomplete_fields = ("student",)
    inlines = [StudyPlanLineInline]
    readonly_fields = ("submitted_at", "advisor_approved_by", "advisor_approved_at",
                       "dean_approved_by", "dean_approved_at")


@admin.register(models.StudyPlanLine)
class StudyPlanLineAdmin(AuditedAdmin):
    list_display = ("plan", "discipline", "component", "credits")
    search_fields = ("plan__student__last_name_ru", "discipline__code")


@admin.register(models.Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only: seats change only through the registration services."""

    list_display = ("student", "section", "state", "created_at")
    list_filter = ("state", "period")
    search_fields = ("student__last_name_ru", "student__iin", "section__code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
