"""Read-only admin pages of the blank-form books: batches, forms, acts and receipt counters.

Forms are received, issued and written off only through the registrar's pages (the services),
which check permissions and write the audit trail; the admin shows the books and changes
nothing (the models and, on PostgreSQL, triggers refuse edits anyway)."""

from django.contrib import admin

from .models import Batch, BlankForm, ReceiptCounter, SpoilAct


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ("form_type", "series", "first_number", "last_number", "quantity",
                    "received_on", "supplier", "invoice", "received_by")
    list_filter = ("form_type", "received_on")
    search_fields = ("series", "supplier", "invoice")
    list_select_related = ("received_by",)


@admin.register(BlankForm)
class BlankFormAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "form_type", "state", "issued_to", "issued_at", "receipt_number",
                    "receipt_signed_on", "document_code", "spoil_act")
    list_filter = ("form_type", "state")
    search_fields = ("series", "receipt_number", "document_code", "issued_to__iin",
                     "issued_to__last_name_ru", "issued_to__last_name_kk",
                     "issued_to__last_name_en")
    list_select_related = ("issued_to", "spoil_act")
    raw_id_fields = ("issued_to",)


@admin.register(SpoilAct)
class SpoilActAdmin(ReadOnlyAdmin):
    list_display = ("number", "drawn_up_on", "drawn_up_by", "reason")
    search_fields = ("number", "reason")
    list_select_related = ("drawn_up_by",)


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(ReadOnlyAdmin):
    list_display = ("year", "last")
