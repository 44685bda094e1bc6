from django.contrib import admin

from . import services
from .models import AuditEvent


class AuditedAdmin(admin.ModelAdmin):
    """An admin whose saves and deletes leave audit events (who, when, what; why = 'admin')."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = {name: form.cleaned_data.get(name) for name in form.changed_data}
        services.record(request.user, "admin.changed" if change else "admin.added", obj, changes,
                        reason="admin")

    def delete_model(self, request, obj):
        services.record(request.user, "admin.deleted", obj, reason="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        services.record_many(
            services.event_for(request.user, "admin.deleted", obj, reason="admin")
            for obj in queryset
        )
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_repr", "reason")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "object_id", "reason")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
