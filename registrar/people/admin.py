from django.contrib import admin

from registrar.audit.admin import AuditedAdmin

from . import models


@admin.register(models.Staff)
class StaffAdmin(AuditedAdmin):
    list_display = ("__str__", "position", "department", "user")
    list_filter = ("department__faculty",)
    search_fields = ("last_name_ru", "first_name_ru", "last_name_kk", "last_name_en", "email")
    autocomplete_fields = ("user",)


@admin.register(models.Student)
class StudentAdmin(AuditedAdmin):
    """Academic fields are read-only: only applied orders change them (§9)."""

    list_display = ("__str__", "status", "programme", "group", "year_of_study", "funding")
    list_filter = ("status", "funding", "year_of_study", "gender",
                   "programme__department__faculty")
    search_fields = ("iin", "last_name_ru", "first_name_ru", "last_name_kk", "first_name_kk",
                     "last_name_en", "first_name_en", "group__name")
    readonly_fields = ("status", "group", "year_of_study", "funding", "created_at")
    autocomplete_fields = ("advisor", "user")
    list_select_related = ("programme", "group")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != models.StudentStatus.APPLICANT:
            fields += ["programme", *models.Student.NAME_FIELDS]
        return fields


@admin.register(models.RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ("user", "role", "faculty")
    list_filter = ("role", "faculty")
    search_fields = ("user__username", "user__last_name")
    autocomplete_fields = ("user",)
