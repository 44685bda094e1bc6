from django.contrib import admin

from .models import AcademicDebt, Attempt, GpaSnapshot, SummerEnrolment, SummerTariff


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Read-only: attempts are written by the assessment services, never by hand."""

    list_display = ("student", "title_en", "period", "kind", "letter", "points", "passed")
    list_filter = ("kind", "passed", "period")
    search_fields = ("student__last_name_ru", "student__iin", "discipline__code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AcademicDebt)
class AcademicDebtAdmin(admin.ModelAdmin):
    list_display = ("student", "discipline", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("student__last_name_ru", "student__iin", "discipline__code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GpaSnapshot)
class GpaSnapshotAdmin(_ReadOnly):
    list_display = ("student", "period", "term_gpa", "year_gpa", "cumulative_gpa",
                    "credits_earned")
    search_fields = ("student__last_name_ru", "student__iin")


@admin.register(SummerTariff)
class SummerTariffAdmin(_ReadOnly):
    list_display = ("period", "cost_per_credit", "set_by", "set_at")


@admin.register(SummerEnrolment)
class SummerEnrolmentAdmin(_ReadOnly):
    list_display = ("student", "discipline", "period", "reason", "credits", "cost_per_credit",
                    "amount", "state")
    list_filter = ("reason", "state")
    search_fields = ("student__last_name_ru", "student__iin")
