"""Pages of scheduling (§13): the office's term and session pages, week grids per group,
teacher and room with their PDF and XLSX, hand edits with live conflicts, bookings, and each
student's and teacher's own timetable and exams.

The registrar builds and publishes; a dean sees their faculty's groups, teachers and exams
(drafts too) and every room's week; teachers and students see only their own, and only once
published. An object outside the user's scope is answered 404, an action they may not take
403. The services check the permissions again.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from registrar.institution.models import AcademicGroup, AcademicPeriod
from registrar.people.models import Staff, Student
from registrar.people.roles import scope_of

from . import documents, exams, selectors, services, spreadsheets
from .models import (
    ClassMeeting,
    ExamSession,
    Room,
    RoomBooking,
    RoomKind,
    TimeSlot,
    TimetableRun,
    WeekPattern,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Forms ---------------------------------------------------------------------------------------

class GenerateForm(forms.Form):
    time_limit = forms.FloatField(label=gettext_lazy("Time limit (seconds)"), min_value=1,
                                  max_value=600, initial=30)
    seed = forms.IntegerField(label=gettext_lazy("Random seed"), min_value=0, initial=0,
                              required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class MeetingForm(forms.Form):
    slot = forms.ModelChoiceField(label=gettext_lazy("Time slot"), queryset=TimeSlot.objects.all())
    room = forms.ModelChoiceField(label=gettext_lazy("Room"),
                                  queryset=Room.objects.filter(active=True))
    week_pattern = forms.ChoiceField(label=gettext_lazy("Weeks"), choices=WeekPattern.choices)
    keep = forms.BooleanField(label=gettext_lazy("Keep it here when the timetable is "
                                                 "generated again"), required=False, initial=True)


class FreeRoomForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    starts_at = forms.TimeField(label=gettext_lazy("From"), widget=TIME)
    ends_at = forms.TimeField(label=gettext_lazy("Until"), widget=TIME)
    seats = forms.IntegerField(label=gettext_lazy("Seats at least"), min_value=0, initial=0,
                               required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False,
                             choices=[("", gettext_lazy("Any"))] + list(RoomKind.choices))

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            raise forms.ValidationError(_("The booking must end after it starts."))
        return data


class BookingForm(forms.Form):
    room = forms.ModelChoiceField(label=gettext_lazy("Room"),
                                  queryset=Room.objects.filter(active=True))
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    starts_at = forms.TimeField(label=gettext_lazy("From"), widget=TIME)
    ends_at = forms.TimeField(label=gettext_lazy("Until"), widget=TIME)
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=255)


class SessionForm(forms.ModelForm):
    class Meta:
        model = ExamSession
        fields = ["period", "name", "starts_on", "ends_on", "sitting_starts", "sitting_minutes",
                  "saturdays", "max_per_day", "window_days", "max_per_window", "min_gap_days",
                  "discipline_together"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean_sitting_starts(self) -> str:
        value = self.cleaned_data["sitting_starts"]
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not parts or not all(re.fullmatch(r"\d{1,2}:\d{2}", p) for p in parts):
            raise forms.ValidationError(_("The exam start times must be like 09:00,14:00."))
        try:
            [dt.datetime.strptime(p, "%H:%M") for p in parts]
        except ValueError:
            raise forms.ValidationError(_("The exam start times must be like 09:00,14:00.")
                                        ) from None
        return ",".join(parts)


class ScheduleForm(forms.Form):
    time_limit = forms.FloatField(label=gettext_lazy("Time limit (seconds)"), min_value=1,
                                  max_value=600, initial=60)
    seed = forms.IntegerField(label=gettext_lazy("Random seed"), min_value=0, initial=0,
                              required=False)


# Helpers -------------------------------------------------------------------------------------

def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _visible(request: HttpRequest, perm: str, obj: Any) -> None:
    """Objects outside the user's scope are not disclosed: 404."""
    if not request.user.has_perm(perm, obj):
        raise Http404


def _language(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", "") or "ru")[:2]


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _refused(request: HttpRequest, exc: services.SchedulingRefused) -> None:
    messages.error(request, exc.message)
    for problem in exc.problems:
        messages.error(request, problem)


def _safe(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text, flags=re.ASCII).strip("-") or "timetable"


# Overview ------------------------------------------------------------------------------------

@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("scheduling.use"):
        return redirect("scheduling:mine")
    periods = AcademicPeriod.objects.select_related("year", "timetable").order_by("-starts_on")
    return render(request, "scheduling/index.html", {
        "periods": periods,
        "current": selectors.current_period(),
        "sessions": selectors.sessions_for(request.user)[:10],
        "slots": TimeSlot.objects.count(),
        "rooms": Room.objects.filter(active=True).count(),
        "can_manage": request.user.has_perm("scheduling.manage"),
    })


@login_required
@require_POST
def create_grid(request: HttpRequest) -> HttpResponse:
    _require(request, "scheduling.manage")
    added = services.create_standard_grid(by=request.user)
    messages.success(request, _("%(count)d time slots added.") % {"count": added})
    return redirect("scheduling:index")


@login_required
@require_GET
def term(request: HttpRequest, period_id: int) -> HttpResponse:
    _require(request, "scheduling.use")
    period = get_object_or_404(AcademicPeriod.objects.select_related("year"), pk=period_id)
    can_manage = request.user.has_perm("scheduling.manage")
    runs = TimetableRun.objects.filter(period=period).select_related("started_by")[:10]
    return render(request, "scheduling/term.html", {
        "period": period,
        "timetable": selectors.timetable_of(period),
        "runs": runs,
        "meetings": ClassMeeting.objects.filter(period=period).count(),
        "clashes": selectors.period_clashes(period) if can_manage else [],
        "booking_clashes": selectors.booking_clashes(period) if can_manage else [],
        "groups": selectors.groups_for(request.user, period),
        "teachers": selectors.teachers_for(request.user, period),
        "rooms": selectors.rooms(active_only=True),
        "can_manage": can_manage,
        "generate_form": GenerateForm(),
        "withdraw_form": WithdrawForm(),
    })


@login_required
@require_POST
def generate(request: HttpRequest, period_id: int) -> HttpResponse:
    _require(request, "scheduling.manage")
    period = get_object_or_404(AcademicPeriod, pk=period_id)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a time limit between 1 and 600 seconds."))
        return redirect("scheduling:term", period_id=period.pk)
    try:
        run = services.generate_timetable(period, by=request.user,
                                          time_limit=form.cleaned_data["time_limit"],
                                          seed=form.cleaned_data.get("seed") or 0)
    except services.SchedulingRefused as exc:
        _refused(request, exc)
    else:
        if run.status in ("optimal", "feasible"):
            messages.success(request, _("The timetable is generated: %(count)d classes, "
                                        "penalty %(penalty)s, %(seconds)s s.")
                             % {"count": run.meetings, "penalty": run.objective,
                                "seconds": f"{run.solve_seconds:.1f}"})
        else:
            messages.error(request, run.message)
            for problem in run.details.get("problems", []):
                messages.error(request, problem)
    return redirect("scheduling:term", period_id=period.pk)


@login_required
@require_POST
def publish(request: HttpRequest, period_id: int) -> HttpResponse:
    _require(request, "scheduling.manage")
    period = get_object_or_404(AcademicPeriod, pk=period_id)
    try:
        services.publish_timetable(period, by=request.user)
    except services.SchedulingRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The timetable is published to students and teachers."))
    return redirect("scheduling:term", period_id=period.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, period_id: int) -> HttpResponse:
    _require(request, "scheduling.manage")
    period = get_object_or_404(AcademicPeriod, pk=period_id)
    try:
        services.withdraw_timetable(period, by=request.user,
                                    reason=request.POST.get("reason", ""))
    except services.SchedulingRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The timetable is withdrawn."))
    return redirect("scheduling:term", period_id=period.pk)


# Week grids ----------------------------------------------------------------------------------

def _published_or_office(request: HttpRequest, period: AcademicPeriod) -> bool:
    return request.user.has_perm("scheduling.view_drafts") or selectors.is_published(period)


def _grid_page(request: HttpRequest, period: AcademicPeriod, title: str, view: str,
               items: Any, export_base: str, fmt: str) -> HttpResponse:
    if fmt not in ("", "pdf", "xlsx"):
        raise Http404
    shown = _published_or_office(request, period)
    grid = selectors.week_grid(items if shown else [], view)
    if fmt == "pdf":
        if not shown:
            raise Http404
        body = documents.timetable_pdf(title, period, grid, view, _language(request))
        return _attachment(body, "application/pdf", f"{_safe(title)}.pdf")
    if fmt == "xlsx":
        if not shown:
            raise Http404
        body = spreadsheets.timetable_xlsx(title, period, grid, view, _language(request))
        return _attachment(body, XLSX, f"{_safe(title)}.xlsx")
    return render(request, "scheduling/grid.html", {
        "period": period, "title": title, "grid": grid, "view": view, "shown": shown,
        "published": selectors.is_published(period), "export_base": export_base,
        "can_manage": request.user.has_perm("scheduling.manage"),
    })


@login_required
@require_GET
def group_grid(request: HttpRequest, period_id: int, group_id: int, fmt: str = "") -> HttpResponse:
    period = get_object_or_404(AcademicPeriod, pk=period_id)
    group = get_object_or_404(AcademicGroup.objects.select_related("programme__department"),
                              pk=group_id)
    _visible(request, "scheduling.view_group", group)
    title = _("Group %(name)s") % {"name": group.name}
    return _grid_page(request, period, title, "group",
                      selectors.meetings_of_group(period, group),
                      reverse("scheduling:group", args=[period.pk, group.pk]), fmt)


@login_required
@require_GET
def teacher_grid(request: HttpRequest, period_id: int, staff_id: int, fmt: str = ""
                 ) -> HttpResponse:
    period = get_object_or_404(AcademicPeriod, pk=period_id)
    staff = get_object_or_404(Staff.objects.select_related("department"), pk=staff_id)
    _visible(request, "scheduling.view_teacher", staff)
    title = _("Teacher %(name)s") % {"name": staff.full_name}
    return _grid_page(request, period, title, "teacher",
                      selectors.meetings_of_teacher(period, staff),
                      reverse("scheduling:teacher", args=[period.pk, staff.pk]), fmt)


@login_required
@require_GET
def room_grid(request: HttpRequest, period_id: int, room_id: int, fmt: str = "") -> HttpResponse:
    _require(request, "scheduling.view_room")
    period = get_object_or_404(AcademicPeriod, pk=period_id)
    room = get_object_or_404(Room, pk=room_id)
    title = _("Room %(code)s") % {"code": room.code}
    return _grid_page(request, period, title, "room", selectors.meetings_of_room(period, room),
                      reverse("scheduling:room", args=[period.pk, room.pk]), fmt)


def _period_from(request: HttpRequest) -> AcademicPeriod | None:
    raw = request.GET.get("period", "")
    if raw.isdigit():
        return AcademicPeriod.objects.filter(pk=int(raw)).first()
    return selectors.current_period()


@login_required
@require_GET
def mine(request: HttpRequest, fmt: str = "") -> HttpResponse:
    """A student's or teacher's own timetable and exams, once published."""
    scope = scope_of(request.user)
    period = _period_from(request)
    published = period is not None and selectors.is_published(period)
    student = Student.objects.filter(pk=scope.student_id).first() if scope.student_id else None
    staff = Staff.objects.filter(pk=scope.staff_id).first() if scope.staff_id else None
    items: list[ClassMeeting] = []
    if period is not None and published:
        if student is not None:
            items.extend(selectors.meetings_of_student(period, student))
        if staff is not None:
            items.extend(selectors.meetings_of_teacher(period, staff))
    if fmt not in ("", "pdf", "xlsx"):
        raise Http404
    view = "student" if student is not None else "teacher"
    grid = selectors.week_grid(items, view)
    title = (student.full_name if student else staff.full_name if staff
             else request.user.get_username())
    if fmt and period is not None and published:
        if fmt == "pdf":
            return _attachment(documents.timetable_pdf(title, period, grid, view,
                                                       _language(request)),
                               "application/pdf", "timetable.pdf")
        return _attachment(spreadsheets.timetable_xlsx(title, period, grid, view,
                                                       _language(request)),
                           XLSX, "timetable.xlsx")
    if fmt:
        raise Http404
    sittings: list[dict[str, Any]] = []
    if student is not None:
        for sitting in selectors.student_sittings(student):
            sittings.append({"sitting": sitting, "room": exams.seat_of(sitting, student)})
    if staff is not None:
        for sitting in selectors.teacher_sittings(staff):
            sittings.append({"sitting": sitting, "room": None})
    sittings.sort(key=lambda row: (row["sitting"].date, row["sitting"].starts_at))
    return render(request, "scheduling/mine.html", {
        "period": period, "published": published, "grid": grid, "sittings": sittings,
        "periods": AcademicPeriod.objects.select_related("year").order_by("-starts_on"),
        "is_student": student is not None, "is_teacher": staff is not None,
    })


# Hand edits ----------------------------------------------------------------------------------

def _meeting(pk: int) -> ClassMeeting:
    return get_object_or_404(ClassMeeting.objects.select_related(
        "section", "section__teacher", "section__discipline", "need", "slot", "room", "period"),
        pk=pk)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "scheduling.manage")
    meeting = _meeting(pk)
    form = MeetingForm(request.POST or None, initial={
        "slot": meeting.slot_id, "room": meeting.room_id, "week_pattern": meeting.week_pattern,
        "keep": True})
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.move_meeting(meeting, slot=data["slot"], room=data["room"],
                                  week_pattern=data["week_pattern"], keep=data["keep"],
                                  by=request.user)
        except services.SchedulingRefused as exc:
            form.add_error(None, exc.message)
            problems = exc.problems
        else:
            messages.success(request, _("The class is moved."))
            return redirect("scheduling:term", period_id=meeting.period_id)
    conflicts = services.edit_conflicts(meeting, meeting.slot, meeting.room)
    return render(request, "scheduling/meeting_edit.html", {
        "meeting": meeting, "form": form, "conflicts": conflicts, "problems": problems})


@login_required
@require_GET
def meeting_conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTMX fragment listing what the chosen slot, room and weeks would break."""
    _require(request, "scheduling.manage")
    meeting = _meeting(pk)
    form = MeetingForm(request.GET)
    conflicts: list[selectors.Conflict] = []
    chosen = False
    if form.is_valid():
        chosen = True
        conflicts = services.edit_conflicts(meeting, form.cleaned_data["slot"],
                                            form.cleaned_data["room"],
                                            form.cleaned_data["week_pattern"])
    return render(request, "scheduling/_conflicts.html", {
        "conflicts": conflicts, "chosen": chosen})


# Rooms and bookings --------------------------------------------------------------------------

@login_required
@require_GET
def room_list(request: HttpRequest) -> HttpResponse:
    _require(request, "scheduling.view_room")
    form = FreeRoomForm(request.GET or None)
    free: list[Room] | None = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        free = selectors.free_rooms(data["date"], data["starts_at"], data["ends_at"],
                                    seats=data.get("seats") or 0, kind=data.get("kind") or "")
    return render(request, "scheduling/rooms.html", {
        "rooms": selectors.rooms(), "form": form, "free": free,
        "period": selectors.current_period(),
        "can_book": request.user.has_perm("scheduling.book_room"),
    })


@login_required
def booking_list(request: HttpRequest) -> HttpResponse:
    _require(request, "scheduling.book_room")
    initial = {k: request.GET.get(k) for k in ("room", "date", "starts_at", "ends_at")
               if request.GET.get(k)}
    form = BookingForm(request.POST or None, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.book_room(data["room"], day=data["date"],
                                         starts_at=data["starts_at"], ends_at=data["ends_at"],
                                         purpose=data["purpose"], by=request.user)
        except services.SchedulingRefused as exc:
            form.add_error(None, exc.message)
            problems = exc.problems
        else:
            messages.success(request, _("Room %(room)s is booked.") % {"room": booking.room})
            return redirect("scheduling:bookings")
    upcoming = selectors.bookings(upcoming_from=timezone.localdate())
    return render(request, "scheduling/bookings.html", {
        "form": form, "problems": problems, "bookings": upcoming[:200]})


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "scheduling.book_room")
    booking = get_object_or_404(RoomBooking, pk=pk)
    try:
        services.cancel_booking(booking, by=request.user)
    except services.SchedulingRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The booking is cancelled."))
    return redirect("scheduling:bookings")


# Examination sessions ------------------------------------------------------------------------

@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    _require(request, "scheduling.use")
    form = SessionForm(request.POST or None) if request.user.has_perm("scheduling.manage") \
        else None
    if request.method == "POST":
        _require(request, "scheduling.manage")
        assert form is not None
        if form.is_valid():
            data = dict(form.cleaned_data)
            period, name = data.pop("period"), data.pop("name")
            starts_on, ends_on = data.pop("starts_on"), data.pop("ends_on")
            try:
                session = exams.create_session(period=period, name=name, starts_on=starts_on,
                                               ends_on=ends_on, by=request.user, **data)
            except services.SchedulingRefused as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The session is created."))
                return redirect("scheduling:session", pk=session.pk)
    return render(request, "scheduling/sessions.html", {
        "sessions": selectors.sessions_for(request.user), "form": form})


def _session_sittings(request: HttpRequest, session: ExamSession) -> list[Any]:
    return list(selectors.sittings_for(request.user, session))


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int, fmt: str = "") -> HttpResponse:
    _require(request, "scheduling.use")
    session = get_object_or_404(ExamSession.objects.select_related("period", "period__year"),
                                pk=pk)
    sittings = _session_sittings(request, session)
    if fmt == "pdf":
        return _attachment(documents.sittings_pdf(session, sittings, _language(request)),
                           "application/pdf", f"exams-{session.pk}.pdf")
    if fmt == "xlsx":
        return _attachment(spreadsheets.sittings_xlsx(session, sittings, _language(request)),
                           XLSX, f"exams-{session.pk}.xlsx")
    if fmt:
        raise Http404
    can_manage = request.user.has_perm("scheduling.manage")
    return render(request, "scheduling/session.html", {
        "session": session, "sittings": sittings, "can_manage": can_manage,
        "details": session.schedule_details or {},
        "problems": exams.verify_session(session) if can_manage and sittings else [],
        "schedule_form": ScheduleForm(), "withdraw_form": WithdrawForm(),
    })


@login_required
@require_POST
def session_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "scheduling.manage")
    session = get_object_or_404(ExamSession, pk=pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a time limit between 1 and 600 seconds."))
        return redirect("scheduling:session", pk=session.pk)
    try:
        result = exams.schedule_session(session, by=request.user,
                                        time_limit=form.cleaned_data["time_limit"],
                                        seed=form.cleaned_data.get("seed") or 0)
    except services.SchedulingRefused as exc:
        _refused(request, exc)
    else:
        if result.feasible:
            messages.success(request, result.message)
        else:
            messages.error(request, result.message)
            for problem in result.problems[:20]:
                messages.error(request, problem)
    return redirect("scheduling:session", pk=session.pk)


@login_required
@require_POST
def session_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "scheduling.manage")
    session = get_object_or_404(ExamSession, pk=pk)
    try:
        exams.publish_session(session, by=request.user)
    except services.SchedulingRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The exam schedule is published to students and "
                                    "teachers."))
    return redirect("scheduling:session", pk=session.pk)


@login_required
@require_POST
def session_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "scheduling.manage")
    session = get_object_or_404(ExamSession, pk=pk)
    try:
        exams.withdraw_session(session, by=request.user, reason=request.POST.get("reason", ""))
    except services.SchedulingRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The exam schedule is withdrawn."))
    return redirect("scheduling:session", pk=session.pk)

