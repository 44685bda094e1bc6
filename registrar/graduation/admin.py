from django.contrib import admin

from registrar.audit.admin import AuditedAdmin

from .models import AttestationCommission, AttestationEvent, AttestationResult, CommissionMember


class MemberInline(admin.TabularInline):
    model = CommissionMember
    extra = 0


@admin.register(AttestationCommission)
class AttestationCommissionAdmin(AuditedAdmin):
    list_display = ("year", "faculty", "chair_name", "order_reference")
    list_filter = ("year", "faculty")
    search_fields = ("chair_name", "order_reference")
    filter_horizontal = ("programmes",)
    inlines = [MemberInline]


@admin.register(CommissionMember)
class CommissionMemberAdmin(AuditedAdmin):
    list_display = ("name", "position", "role", "commission")
    search_fields = ("name",)


@admin.register(AttestationEvent)
class AttestationEventAdmin(AuditedAdmin):
    list_display = ("held_on", "kind", "commission", "credits")
    list_filter = ("kind", "commission__year")


@admin.register(AttestationResult)
class AttestationResultAdmin(admin.ModelAdmin):
    """Read-only: results are recorded (and corrected, with a reason) by the service, which
    derives the letter from the policy's grading scale."""

    list_display = ("student", "event", "score", "letter", "protocol_number", "supervisor")
    list_filter = ("event__kind", "letter", "event__commission__year")
    search_fields = ("student__last_name_ru", "student__iin", "thesis_title_ru",
                     "thesis_title_en", "supervisor")
    list_select_related = ("student", "event")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
