from django.contrib import admin

from .models import AcademicPolicy


@admin.register(AcademicPolicy)
class AcademicPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "approved_by_council_on")
