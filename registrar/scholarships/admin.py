"""Admin: rounds and competitions are read here; they change through the services (portal)."""

from django.contrib import admin

from registrar.audit.admin import AuditedAdmin

from .models import CompetitionEntry, GrantCompetition, ScholarshipAward, ScholarshipRound


class _ReadOnly(AuditedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AwardInline(admin.TabularInline):
    model = ScholarshipAward
    extra = 0
    fields = ("student", "kind", "monthly_amount", "year_of_study", "programme")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ScholarshipRound)
class ScholarshipRoundAdmin(_ReadOnly):
    list_display = ("__str__", "payment_starts_on", "months", "state", "order", "computed_at")
    list_filter = ("state", "faculty")
    inlines = [AwardInline]


@admin.register(ScholarshipAward)
class ScholarshipAwardAdmin(_ReadOnly):
    list_display = ("student", "round", "kind", "monthly_amount", "year_of_study")
    list_filter = ("kind",)
    search_fields = ("student__last_name_ru", "student__iin")


@admin.register(GrantCompetition)
class GrantCompetitionAdmin(_ReadOnly):
    list_display = ("__str__", "grants", "state", "order", "ranked_at")
    list_filter = ("state",)


@admin.register(CompetitionEntry)
class CompetitionEntryAdmin(_ReadOnly):
    list_display = ("competition", "position", "student", "gpa", "all_excellent", "awarded")
    list_filter = ("awarded",)
    search_fields = ("student__last_name_ru", "student__iin")
