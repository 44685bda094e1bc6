"""Admin pages of scheduling: the registrar keeps buildings, rooms, the time grid, teachers'
unavailability and sections' class needs here. Timetables, meetings, bookings, runs and exam
sittings are made through the portal's pages (the services check the rules and write the
audit), so the admin shows them read-only."""

from django.contrib import admin

from .models import (
    Building,
    ClassMeeting,
    ClassNeed,
    ExamSession,
    ExamSitting,
    ExamSittingRoom,
    Room,
    RoomBooking,
    TeacherUnavailability,
    TimeSlot,
    Timetable,
    TimetableRun,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ("code", "kind", "capacity", "exam_capacity", "features", "active")


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "address")
    search_fields = ("code", "name_ru", "name_kk", "name_en")
    inlines = [RoomInline]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("code", "building", "kind", "capacity", "exam_capacity", "active")
    list_filter = ("kind", "active", "building")
    search_fields = ("code", "note")
    list_select_related = ("building",)


@admin.register(TimeSlot)
class TimeSlotAdmin(admin.ModelAdmin):
    list_display = ("weekday", "number", "starts_at", "ends_at")
    list_filter = ("weekday",)


@admin.register(TeacherUnavailability)
class TeacherUnavailabilityAdmin(admin.ModelAdmin):
    list_display = ("teacher", "slot", "strict", "reason")
    list_filter = ("strict", "slot__weekday")
    search_fields = ("teacher__last_name_ru", "teacher__last_name_kk", "teacher__last_name_en")
    autocomplete_fields = ("teacher",)
    list_select_related = ("teacher", "slot")


@admin.register(ClassNeed)
class ClassNeedAdmin(admin.ModelAdmin):
    list_display = ("section", "kind", "per_week", "room_kind", "week_pattern", "expected_size")
    list_filter = ("kind", "room_kind", "week_pattern", "section__period")
    search_fields = ("section__code", "section__discipline__code")
    raw_id_fields = ("section",)
    list_select_related = ("section", "section__discipline")


@admin.register(Timetable)
class TimetableAdmin(ReadOnlyAdmin):
    list_display = ("period", "published_at", "published_by")


@admin.register(TimetableRun)
class TimetableRunAdmin(ReadOnlyAdmin):
    list_display = ("period", "started_at", "started_by", "status", "meetings", "objective",
                    "solve_seconds")
    list_filter = ("status", "period")


@admin.register(ClassMeeting)
class ClassMeetingAdmin(ReadOnlyAdmin):
    list_display = ("section", "kind", "slot", "room", "week_pattern", "locked")
    list_filter = ("period", "kind", "week_pattern", "locked", "slot__weekday")
    search_fields = ("section__code", "room__code")
    list_select_related = ("section", "section__discipline", "slot", "room")


@admin.register(RoomBooking)
class RoomBookingAdmin(ReadOnlyAdmin):
    list_display = ("room", "date", "starts_at", "ends_at", "purpose", "booked_by",
                    "cancelled_at")
    list_filter = ("date",)
    search_fields = ("room__code", "purpose")
    list_select_related = ("room", "booked_by")


@admin.register(ExamSession)
class ExamSessionAdmin(admin.ModelAdmin):
    list_display = ("name", "period", "starts_on", "ends_on", "max_per_day", "scheduled_at",
                    "published_at")
    list_filter = ("period",)
    readonly_fields = ("scheduled_at", "schedule_details", "published_at", "published_by")

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published


class ExamSittingRoomInline(admin.TabularInline):
    model = ExamSittingRoom
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ExamSitting)
class ExamSittingAdmin(ReadOnlyAdmin):
    list_display = ("section", "session", "date", "starts_at", "ends_at", "size", "published")
    list_filter = ("session", "published", "date")
    search_fields = ("section__code",)
    list_select_related = ("section", "section__discipline", "session")
    inlines = [ExamSittingRoomInline]
