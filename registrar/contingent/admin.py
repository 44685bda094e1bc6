"""Admin for orders: drafts are editable; approved and applied orders are read-only here.

Approval and application go through the services (portal actions), never a raw save.
"""

from django.contrib import admin

from registrar.audit.admin import AuditedAdmin

from . import models
from .choices import OrderState


class OrderItemInline(admin.TabularInline):
    model = models.OrderItem
    extra = 0
    autocomplete_fields = ("student", "to_programme", "to_group")
    exclude = ("before", "after")

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.state == OrderState.DRAFT

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission


@admin.register(models.Order)
class OrderAdmin(AuditedAdmin):
    list_display = ("__str__", "order_type", "state", "faculty", "signed_on", "applied_at")
    list_filter = ("order_type", "state", "faculty", "year")
    search_fields = ("number", "title", "items__student__last_name_ru", "items__student__iin")
    inlines = [OrderItemInline]
    readonly_fields = ("state", "year", "sequence", "number", "signed_on", "signatory",
                       "created_by", "approved_by", "approved_at", "applied_by", "applied_at",
                       "cancel_reason")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != OrderState.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state != OrderState.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(models.StatusChange)
class StatusChangeAdmin(AuditedAdmin):
    list_display = ("student", "effective_date", "status", "group", "year_of_study", "funding")
    list_filter = ("status",)
    search_fields = ("student__last_name_ru", "student__iin")
    date_hierarchy = "effective_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.OrderCounter)
class OrderCounterAdmin(AuditedAdmin):
    list_display = ("year", "order_type", "last")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.PersonalFileDocument)
class PersonalFileDocumentAdmin(AuditedAdmin):
    list_display = ("code", "name_ru", "required", "position")


@admin.register(models.PersonalFileEntry)
class PersonalFileEntryAdmin(AuditedAdmin):
    list_display = ("student", "document", "received_on", "received_by")
    search_fields = ("student__last_name_ru", "student__iin")
    autocomplete_fields = ("student",)


class ArchivedFileInline(admin.TabularInline):
    model = models.ArchivedFile
    extra = 0
    readonly_fields = ("student", "status_at_handover", "documents")
    can_delete = False


@admin.register(models.ArchiveTransfer)
class ArchiveTransferAdmin(AuditedAdmin):
    list_display = ("act_number", "handed_on", "handed_by", "received_by")
    inlines = [ArchivedFileInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.ArchivedFile)
class ArchivedFileAdmin(AuditedAdmin):
    list_display = ("student", "transfer", "status_at_handover")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.OrderItem)
class OrderItemAdmin(AuditedAdmin):
    list_display = ("order", "student", "effective_date")
    search_fields = ("student__last_name_ru", "student__iin", "order__number")
    readonly_fields = ("before", "after")
    autocomplete_fields = ("student", "to_programme", "to_group")

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.order.state == "draft"

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.order.state == "draft"
