from django.contrib import admin

from . import services
from .models import AccessDenial, AuditEvent, Disclosure


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


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessDenial)
class AccessDenialAdmin(_ReadOnly):
    list_display = ("at", "username", "status", "method", "path", "ip_address", "reason")
    list_filter = ("status", "method")
    search_fields = ("username", "path", "view", "ip_address")
    date_hierarchy = "at"


@admin.register(Disclosure)
class DisclosureAdmin(_ReadOnly):
    list_display = ("at", "username", "student", "what", "channel", "detail", "ip_address")
    list_filter = ("what", "channel")
    search_fields = ("username", "detail", "student__iin", "student__last_name_ru")
    date_hierarchy = "at"
    list_select_related = ("student",)
    raw_id_fields = ("student", "user")
