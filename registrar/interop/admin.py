"""Admin of the outbox (read-only) and of webhook subscriptions (the registrar's)."""

from __future__ import annotations

from django.contrib import admin

from .models import OutboxEvent, WebhookDelivery, WebhookSubscription


def _registrar(request) -> bool:
    return bool(request.user.is_superuser or request.user.has_perm("interop.export_roster"))


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return _registrar(request)

    def has_module_permission(self, request):
        return _registrar(request)


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    can_delete = False
    fields = ("subscription", "state", "attempts", "last_status", "last_error",
              "next_attempt_at", "delivered_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_at", "topic", "aggregate_type", "aggregate_id",
                    "delivered_at", "attempts")
    list_filter = ("topic", ("delivered_at", admin.EmptyFieldListFilter))
    search_fields = ("aggregate_id",)
    date_hierarchy = "occurred_at"
    inlines = [DeliveryInline]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("event", "subscription", "state", "attempts", "last_status",
                    "next_attempt_at", "delivered_at")
    list_filter = ("state", "subscription")
    list_select_related = ("event", "subscription")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "topics", "active", "created_at")
    list_filter = ("active",)
    fields = ("name", "url", "topics", "active", "secret")

    def has_module_permission(self, request):
        return _registrar(request)

    def has_view_permission(self, request, obj=None):
        return _registrar(request)

    def has_add_permission(self, request):
        return _registrar(request)

    def has_change_permission(self, request, obj=None):
        return _registrar(request)

    def has_delete_permission(self, request, obj=None):
        return _registrar(request)
