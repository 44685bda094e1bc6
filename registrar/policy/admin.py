from django.contrib import admin

from registrar.audit.admin import AuditedAdmin

from .models import AcademicPolicy


@admin.register(AcademicPolicy)
class AcademicPolicyAdmin(AuditedAdmin):
    list_display = ("__str__", "approved_by_council_on")
