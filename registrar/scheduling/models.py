"""Rooms, the weekly time grid, the class timetable, room bookings and the examination
schedule (§13).

The database keeps what it can check by itself: a room holds at most one class meeting per
slot and week parity (two partial unique indexes, so an odd-week and an even-week meeting may
share a room), an exam sitting puts each room in it once, times are ordered. Clashes that span
rows of other tables (a teacher or a group in two places, a booking over a class) are checked
by the services under a row lock on the room (see `services.py`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registrar.institution.models import TrilingualName


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")


class RoomKind(models.TextChoices):
    LECTURE = "lecture", _("Lecture hall")
    SEMINAR = "seminar", _("Seminar room")
    LAB = "lab", _("Laboratory")
    COMPUTER = "computer", _("Computer class")


class RoomFeature(models.TextChoices):
    PROJECTOR = "projector", _("Projector")
    SOUND = "sound", _("Sound system")
    VIDEO = "video", _("Video conferencing")
    WHITEBOARD = "whiteboard", _("Whiteboard")
    ACCESSIBLE = "accessible", _("Step-free access")


class MeetingKind(models.TextChoices):
    LECTURE = "lecture", _("Lecture")
    PRACTICE = "practice", _("Practice")
    LAB = "lab", _("Laboratory class")


class WeekPattern(models.TextChoices):
    EVERY = "every", _("Every week")
    ODD = "odd", _("Odd weeks")
    EVEN = "even", _("Even weeks")


def pattern_weeks(pattern: str) -> tuple[bool, bool]:
    """(odd weeks, even weeks) a meeting of the pattern takes place in."""
    return pattern in (WeekPattern.EVERY, WeekPattern.ODD), pattern in (WeekPattern.EVERY,
                                                                       WeekPattern.EVEN)


class Building(TrilingualName):
    code = models.CharField(_("code"), max_length=16, unique=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Room(models.Model):
    """A room: its kind and seats decide which classes and exams it can hold.

    `exam_capacity` is the number of seats at examinations (students sit apart), at most the
    `capacity`; 0 means the room is not used for exams.
    """

    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.PROTECT,
                                 related_name="rooms")
    code = models.CharField(_("code"), max_length=24, unique=True, help_text=_("e.g. A-301"))
    kind = models.CharField(_("kind"), max_length=16, choices=RoomKind.choices)
    capacity = models.PositiveSmallIntegerField(_("seats"))
    exam_capacity = models.PositiveSmallIntegerField(_("seats at exams"), default=0)
    features = models.JSONField(_("features"), default=list, blank=True,
                                help_text=_("Equipment: projector, sound, video, whiteboard, "
                                            "accessible."))
    active = models.BooleanField(_("in use"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_has_seats"),
            models.CheckConstraint(condition=Q(exam_capacity__lte=models.F("capacity")),
                                   name="room_exam_seats_within_capacity"),
        ]

    def __str__(self) -> str:
        return self.code

    def has_features(self, wanted: list[str] | tuple[str, ...]) -> bool:
        return set(wanted) <= set(self.features or [])


class TimeSlot(models.Model):
    """One cell of the weekly grid: a pair (a 2-hour class) on a weekday."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    number = models.PositiveSmallIntegerField(_("pair"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["weekday", "number"]
        constraints = [
            models.UniqueConstraint(fields=["weekday", "number"], name="one_slot_per_pair"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="time_slot_times_ordered"),
            models.CheckConstraint(condition=Q(number__gte=1), name="time_slot_pair_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.number} ({self.starts_at:%H:%M}–" \
               f"{self.ends_at:%H:%M})"


class TeacherUnavailability(models.Model):
    """A slot a teacher cannot teach (strict) or would rather not (a preference)."""

    teacher = models.ForeignKey("people.Staff", verbose_name=_("teacher"),
                                on_delete=models.CASCADE, related_name="unavailability")
    slot = models.ForeignKey(TimeSlot, verbose_name=_("time slot"), on_delete=models.CASCADE,
                             related_name="+")
    strict = models.BooleanField(
        _("strict"), default=True,
        help_text=_("Strict: never scheduled then. Otherwise a preference the timetable "
                    "tries to respect."))
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("teacher unavailability")
        verbose_name_plural = _("teacher unavailability")
        ordering = ["teacher", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "slot"], name="unavailability_once"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} — {self.slot}"


class ClassNeed(models.Model):
    """What a section needs each week: so many meetings of a kind in a room of a kind."""

    section = models.ForeignKey("registration.Section", verbose_name=_("section"),
                                on_delete=models.CASCADE, related_name="class_needs")
    kind = models.CharField(_("class kind"), max_length=16, choices=MeetingKind.choices)
    per_week = models.PositiveSmallIntegerField(_("meetings a week"), default=1)
    room_kind = models.CharField(_("room kind"), max_length=16, choices=RoomKind.choices)
    features = models.JSONField(_("required features"), default=list, blank=True)
    week_pattern = models.CharField(_("weeks"), max_length=8, choices=WeekPattern.choices,
                                    default=WeekPattern.EVERY)
    expected_size = models.PositiveSmallIntegerField(
        _("expected size"), null=True, blank=True,
        help_text=_("Empty: the section's capacity."))

    class Meta:
        verbose_name = _("class need")
        verbose_name_plural = _("class needs")
        ordering = ["section", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["section", "kind"], name="one_need_per_class_kind"),
            models.CheckConstraint(condition=Q(per_week__gte=1, per_week__lte=12),
                                   name="class_need_per_week_range"),
        ]

    def __str__(self) -> str:
        return f"{self.section.code} {self.get_kind_display()} ×{self.per_week}"

    @property
    def size(self) -> int:
        return self.expected_size or self.section.capacity


class Timetable(models.Model):
    """The class timetable of a term: drafted by generation and edits, then published."""

    period = models.OneToOneField("institution.AcademicPeriod", verbose_name=_("term"),
                                  on_delete=models.PROTECT, related_name="timetable")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     verbose_name=_("published by"), on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("class timetable")
        verbose_name_plural = _("class timetables")
        ordering = ["-period__starts_on"]

    def __str__(self) -> str:
        return str(self.period)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class SolveStatus(models.TextChoices):
    OPTIMAL = "optimal", _("Optimal")
    FEASIBLE = "feasible", _("Feasible (time limit reached)")
    INFEASIBLE = "infeasible", _("Infeasible")
    UNKNOWN = "unknown", _("No solution within the time limit")


class TimetableRun(models.Model):
    """One generation of a term's timetable: the record of who ran it and what came out."""

    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("term"),
                               on_delete=models.PROTECT, related_name="timetable_runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   verbose_name=_("started by"), on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    time_limit = models.FloatField(_("time limit (s)"))
    status = models.CharField(_("status"), max_length=16, choices=SolveStatus.choices)
    message = models.TextField(_("message"), blank=True)
    objective = models.IntegerField(_("penalty"), null=True, blank=True)
    solve_seconds = models.FloatField(_("solve time (s)"), default=0)
    meetings = models.PositiveIntegerField(_("meetings"), default=0)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timetable generation")
        verbose_name_plural = _("timetable generations")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period} {self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class ClassMeeting(models.Model):
    """One weekly class of a section: a slot, a room and the weeks it happens in.

    `odd_weeks`/`even_weeks` restate `week_pattern` (checked by the database) so that two
    partial unique indexes keep a room to one meeting per slot and week parity.
    `locked` meetings were placed by hand; generation keeps them where they are.
    """

    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("term"),
                               on_delete=models.PROTECT, related_name="class_meetings")
    section = models.ForeignKey("registration.Section", verbose_name=_("section"),
                                on_delete=models.CASCADE, related_name="meetings")
    need = models.ForeignKey(ClassNeed, verbose_name=_("class need"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="meetings")
    kind = models.CharField(_("class kind"), max_length=16, choices=MeetingKind.choices)
    slot = models.ForeignKey(TimeSlot, verbose_name=_("time slot"), on_delete=models.PROTECT,
                             related_name="meetings")
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT,
                             related_name="meetings")
    week_pattern = models.CharField(_("weeks"), max_length=8, choices=WeekPattern.choices,
                                    default=WeekPattern.EVERY)
    odd_weeks = models.BooleanField(default=True, editable=False)
    even_weeks = models.BooleanField(default=True, editable=False)
    locked = models.BooleanField(_("placed by hand"), default=False)
    run = models.ForeignKey(TimetableRun, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("class meeting")
        verbose_name_plural = _("class meetings")
        ordering = ["period", "slot__weekday", "slot__number", "room__code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "slot", "room"],
                                    condition=Q(odd_weeks=True),
                                    name="room_once_per_slot_in_odd_weeks"),
            models.UniqueConstraint(fields=["period", "slot", "room"],
                                    condition=Q(even_weeks=True),
                                    name="room_once_per_slot_in_even_weeks"),
            models.CheckConstraint(
                condition=(Q(week_pattern="every", odd_weeks=True, even_weeks=True)
                           | Q(week_pattern="odd", odd_weeks=True, even_weeks=False)
                           | Q(week_pattern="even", odd_weeks=False, even_weeks=True)),
                name="meeting_weeks_match_pattern"),
        ]
        indexes = [models.Index(fields=["period", "slot"])]

    def __str__(self) -> str:
        return f"{self.section.code} {self.get_kind_display()} {self.slot} {self.room}"

    def save(self, *args, **kwargs):
        self.odd_weeks, self.even_weeks = pattern_weeks(self.week_pattern)
        if self.section_id and not self.period_id:
            self.period_id = self.section.period_id
        super().save(*args, **kwargs)


class RoomBooking(models.Model):
    """A room taken on a date for something other than the timetable: a consultation, a
    defence, a meeting. Refused when it overlaps a class, an exam or another booking."""

    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT,
                             related_name="bookings")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    purpose = models.CharField(_("purpose"), max_length=255)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("booked by"),
                                  on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        ordering = ["date", "starts_at", "room__code"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="booking_times_ordered"),
        ]
        indexes = [models.Index(fields=["room", "date"])]

    def __str__(self) -> str:
        return f"{self.room} {self.date:%d.%m.%Y} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def active(self) -> bool:
        return self.cancelled_at is None


def default_sitting_starts() -> str:
    return "09:00,14:00"


class ExamSession(models.Model):
    """The examination session of a term: its dates and the rules of spreading exams."""

    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("term"),
                               on_delete=models.PROTECT, related_name="exam_sessions")
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    sitting_starts = models.CharField(
        _("exam start times"), max_length=64, default=default_sitting_starts,
        help_text=_("Times of day an exam may start, separated by commas, e.g. 09:00,14:00."))
    sitting_minutes = models.PositiveSmallIntegerField(_("exam length (minutes)"), default=120)
    saturdays = models.BooleanField(_("exams on Saturdays"), default=True)
    max_per_day = models.PositiveSmallIntegerField(_("at most exams a day per student"),
                                                   default=1)
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"), default=0,
        help_text=_("With the next field: at most so many exams per student in any window of "
                    "this many consecutive days; 0: no window rule."))
    max_per_window = models.PositiveSmallIntegerField(_("at most exams in the window"),
                                                      default=0)
    min_gap_days = models.PositiveSmallIntegerField(
        _("wished gap (days)"), default=2,
        help_text=_("Exams of one student closer than this are penalised, not forbidden."))
    discipline_together = models.BooleanField(
        _("one sitting time per discipline"), default=False,
        help_text=_("All sections of a discipline sit the exam at the same time."))
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    schedule_details = models.JSONField(_("last scheduling"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     verbose_name=_("published by"), on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("examination session")
        verbose_name_plural = _("examination sessions")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="exam_session_dates_ordered"),
            models.CheckConstraint(condition=Q(max_per_day__gte=1),
                                   name="exam_session_max_per_day_positive"),
            models.CheckConstraint(condition=Q(sitting_minutes__gte=15),
                                   name="exam_session_sitting_length"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def start_times(self) -> list[dt.time]:
        """The parsed `sitting_starts`, sorted; raises ValueError on a bad time."""
        times = set()
        for part in (self.sitting_starts or "").split(","):
            part = part.strip()
            if part:
                times.add(dt.datetime.strptime(part, "%H:%M").time())
        return sorted(times)

    def days(self) -> list[dt.date]:
        """The session's exam days: every day from the first to the last but Sundays (and
        Saturdays unless allowed)."""
        out, day = [], self.starts_on
        while day <= self.ends_on:
            if day.isoweekday() < 6 or (day.isoweekday() == 6 and self.saturdays):
                out.append(day)
            day += dt.timedelta(days=1)
        return out


class ExamSitting(models.Model):
    """The exam of a section in a session: when, how many students, and in which rooms."""

    session = models.ForeignKey(ExamSession, verbose_name=_("examination session"),
                                on_delete=models.CASCADE, related_name="sittings")
    section = models.ForeignKey("registration.Section", verbose_name=_("section"),
                                on_delete=models.PROTECT, related_name="exam_sittings")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    size = models.PositiveSmallIntegerField(_("students"))
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("exam sitting")
        verbose_name_plural = _("exam sittings")
        ordering = ["date", "starts_at", "section__code"]
        constraints = [
            models.UniqueConstraint(fields=["session", "section"], name="one_sitting_per_section"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="sitting_times_ordered"),
        ]
        indexes = [models.Index(fields=["date", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.section.code} {self.date:%d.%m.%Y} {self.starts_at:%H:%M}"


class ExamSittingRoom(models.Model):
    """Seats of one room given to a sitting; a large exam is split over several rooms."""

    sitting = models.ForeignKey(ExamSitting, verbose_name=_("exam sitting"),
                                on_delete=models.CASCADE, related_name="rooms")
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT,
                             related_name="exam_sittings")
    seats = models.PositiveSmallIntegerField(_("seats"))

    class Meta:
        verbose_name = _("room of an exam sitting")
        verbose_name_plural = _("rooms of exam sittings")
        ordering = ["sitting", "room__code"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "room"], name="room_once_per_sitting"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="sitting_room_has_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.sitting} {self.room} ({self.seats})"
