from django.contrib import admin

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    """Grades change only through the assessment services, which keep the history."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GradeEntryInline(admin.TabularInline):
    model = models.GradeEntry
    extra = 0
    fields = ("student", "score", "parts", "absent", "absence_share", "cheating", "entered_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.GradeSheet)
class GradeSheetAdmin(ReadOnlyAdmin):
    list_display = ("section", "kind", "state", "entry_deadline", "submitted_at")
    list_filter = ("kind", "state", "section__period")
    search_fields = ("section__code", "section__discipline__code")
    inlines = [GradeEntryInline]


@admin.register(models.GradeEntry)
class GradeEntryAdmin(ReadOnlyAdmin):
    list_display = ("sheet", "student", "score", "absent")
    search_fields = ("student__last_name_ru", "student__iin", "sheet__section__code")


@admin.register(models.GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    list_display = ("changed_at", "entry", "kind", "old_score", "new_score", "minutes_number",
                    "changed_by")
    list_filter = ("kind",)
    search_fields = ("entry__student__last_name_ru", "minutes_number", "reason")


@admin.register(models.ReopenRequest)
class ReopenRequestAdmin(ReadOnlyAdmin):
    list_display = ("sheet", "requested_by", "requested_at", "state", "open_until")
    list_filter = ("state",)


@admin.register(models.FinalResult)
class FinalResultAdmin(ReadOnlyAdmin):
    list_display = ("section", "student", "admission_rating", "exam", "final_score", "letter",
                    "passed")
    list_filter = ("letter", "passed", "section__period")
    search_fields = ("student__last_name_ru", "student__iin", "section__code")
