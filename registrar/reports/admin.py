from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are made by the report pages and run by the worker."""

    list_display = ("id", "report", "export_format", "user", "state", "done", "total",
                    "created_at", "finished_at")
    list_filter = ("report", "state", "export_format")
    readonly_fields = ("user", "report", "export_format", "params", "language", "state", "done",
                       "total", "filename", "error", "created_at", "started_at", "finished_at")
    exclude = ("content",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
