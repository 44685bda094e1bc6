from django.contrib import admin, messages

from . import services
from .models import IssuedDocument


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are issued by the service. The one change allowed is revocation:
    type the reason on a valid document and save (the service records who and when)."""

    list_display = ("code", "kind", "student", "language", "issued_at", "issued_by",
                    "revoked_at")
    list_filter = ("kind", "language", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("code", "student__last_name_ru", "student__last_name_kk",
                     "student__last_name_en", "student__iin")
    date_hierarchy = "issued_at"
    list_select_related = ("student", "issued_by")
    fields = ("code", "kind", "student", "language", "issued_at", "issued_by",
              "content_sha256", "content", "revoked_at", "revoked_by", "revoke_reason")

    def get_readonly_fields(self, request, obj=None):
        frozen = [f for f in self.fields if f != "revoke_reason"]
        if obj is None or obj.is_revoked or not request.user.has_perm(
                "documents.revoke_issueddocument", obj):
            return [*frozen, "revoke_reason"]
        return frozen

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The change form is where a registrar revokes; everything else there is read-only.
        return request.user.has_perm("documents.revoke_issueddocument", obj) or (
            request.user.is_superuser)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("revoke_reason", "")
        if change and "revoke_reason" in form.changed_data and reason:
            try:
                services.revoke(obj, by=request.user, reason=reason)
            except services.DocumentRefused as exc:
                self.message_user(request, str(exc), messages.ERROR)
        # Nothing else on the form can change: the model refuses it anyway.

    def save_related(self, request, form, formsets, change):
        pass

    def get_list_display_links(self, request, list_display):
        return ("code",)
