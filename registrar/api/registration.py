"""Registration endpoints: sections with live seats, my registrations, register, drop, swap."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from registrar.people.models import Student
from registrar.people.roles import scope_of
from registrar.registration import services
from registrar.registration.models import ACTIVE_STATES, Registration, Section

from . import registration_lane
from .auth import SECURITY_SCHEMA, authenticate
from .common import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    OptionalQueryId,
    PathId,
    Problem,
    QueryId,
    Refusal,
)

router = Router(tags=["registration"])


class SectionOut(Schema):
    id: int
    code: str
    discipline_id: int
    discipline_code: str
    teacher: str
    language: str
    capacity: int
    enrolled: int
    seats_left: int
    schedule: str
    status: str


class RegistrationOut(Schema):
    id: int
    student_id: int
    section_id: int
    section_code: str
    state: str
    waitlist_position: int | None


class RegisterIn(Schema):
    section_id: Id
    student_id: Id | None = None


class SwapIn(Schema):
    section_id: Id


def _section_out(s: Section) -> SectionOut:
    return SectionOut(
        id=s.pk, code=s.code, discipline_id=s.discipline_id, discipline_code=s.discipline.code,
        teacher=str(s.teacher) if s.teacher else "", language=s.language, capacity=s.capacity,
        enrolled=s.enrolled_count, seats_left=s.seats_left, schedule=s.schedule, status=s.status,
    )


def _registration_out(r: Registration) -> RegistrationOut:
    return RegistrationOut(
        id=r.pk, student_id=r.student_id, section_id=r.section_id, section_code=r.section.code,
        state=r.state, waitlist_position=services.waitlist_position(r),
    )


def _refusal(exc: services.RegistrationRefused) -> Refusal:
    return Refusal(detail=str(exc),
                   problems=[Problem(field=p.field, message=p.message) for p in exc.problems])


def _student_for(request: HttpRequest, student_id: int | None) -> Student:
    """The acting student: oneself, or (for the registrar) the student named."""
    scope = scope_of(request.user)
    if student_id is None:
        if scope.student_id is None:
            raise PermissionDenied
        student = request.user.student  # type: ignore[union-attr]  # loaded with the token
    else:
        student = get_object_or_404(Student, pk=student_id)
    if not request.user.has_perm("registration.register_student", student):
        raise PermissionDenied
    return student


@router.get("/sections", response={200: list[SectionOut], **READ_ERRORS})
def list_sections(request: HttpRequest, period_id: QueryId,
                  discipline_id: OptionalQueryId = None):
    sections = Section.objects.filter(period_id=period_id).select_related("discipline",
                                                                          "teacher")
    if discipline_id is not None:
        sections = sections.filter(discipline_id=discipline_id)
    return [_section_out(s) for s in sections.order_by("discipline__code", "code")[:500]]


@router.get("/registrations", response={200: list[RegistrationOut], **READ_ERRORS})
def my_registrations(request: HttpRequest, period_id: QueryId,
                     student_id: OptionalQueryId = None):
    student = _student_for(request, student_id)
    registrations = Registration.objects.filter(
        student=student, period_id=period_id, state__in=ACTIVE_STATES
    ).select_related("section")
    return [_registration_out(r) for r in registrations]


@router.post("/registrations", response={**WRITE_ERRORS, 200: RegistrationOut,
                                         201: RegistrationOut},
             auth=None, openapi_extra=SECURITY_SCHEMA)
def register(request: HttpRequest, payload: RegisterIn):
    # A student's own registration on the happy path is one statement that authenticates too
    # (the rush); everything else authenticates here and takes the full service.
    if payload.student_id is None:
        made = registration_lane.register_by_token(request, payload.section_id)
        if made is not None:
            return Status(201, RegistrationOut(
                id=made.registration_id, student_id=made.student_id, section_id=made.section_id,
                section_code=made.section_code, state=made.state,
                waitlist_position=made.waitlist_position))
    authenticate(request)
    student = _student_for(request, payload.student_id)
    section = get_object_or_404(Section.objects.select_related("period", "discipline"),
                                pk=payload.section_id)
    try:
        registration, created = services.register_detailed(student, section, by=request.user)
    except services.RegistrationRefused as exc:
        return Status(409, _refusal(exc))
    return Status(201 if created else 200, _registration_out(registration))


def _own_registration(request: HttpRequest, registration_id: int) -> Registration:
    registration = get_object_or_404(
        Registration.objects.select_related("section", "student"), pk=registration_id)
    if not request.user.has_perm("registration.register_student", registration.student):
        # Do not reveal another student's registration.
        from django.http import Http404

        raise Http404
    return registration


@router.delete("/registrations/{registration_id}", response={**WRITE_ERRORS,
                                                             200: RegistrationOut})
def drop(request: HttpRequest, registration_id: PathId):
    registration = _own_registration(request, registration_id)
    try:
        registration = services.drop(registration, by=request.user)
    except services.RegistrationRefused as exc:
        return Status(409, _refusal(exc))
    return Status(200, _registration_out(registration))


@router.post("/registrations/{registration_id}/swap", response={**WRITE_ERRORS,
                                                                200: RegistrationOut})
def swap(request: HttpRequest, registration_id: PathId, payload: SwapIn):
    registration = _own_registration(request, registration_id)
    section = get_object_or_404(Section.objects.select_related("period"), pk=payload.section_id)
    try:
        new = services.swap(registration, section, by=request.user)
    except services.RegistrationRefused as exc:
        return Status(409, _refusal(exc))
    return Status(200, _registration_out(new))
