"""Registration endpoints: sections with live seats, my registrations, register, drop, swap."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Router, Schema, Status
from pydantic import BaseModel

from registrar.people.models import PersonName, Student
from registrar.people.roles import scope_of
from registrar.registration import services
from registrar.registration.models import (
    ACTIVE_STATES,
    Registration,
    RegistrationState,
    Section,
)
from registrar.registration.selectors import with_waitlist_position
from registrar.sql import Statement

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


# The two lists a student polls during registration answer plain pydantic models built from
# ``values_list`` rows: ninja's ``Schema`` re-reads every field of every item through its
# Django getter on output, which cost more than the query (issue 10's soak).
class SectionOut(BaseModel):
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


class RegistrationOut(BaseModel):
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


_SECTION_COLUMNS = ("id", "code", "discipline_id", "discipline__code", "language", "capacity",
                    "enrolled_count", "schedule", "status", "teacher_id",
                    *PersonName.name_columns("teacher__"))


def _sections(**filters: Any) -> Statement:
    return Statement(lambda **values: Section.objects.filter(**values)
                     .order_by("discipline__code", "code").values_list(*_SECTION_COLUMNS)[:500],
                     **{name: int for name in filters})


# The students' polling reads, compiled once (registrar.sql.Statement).
_PERIOD_SECTIONS = _sections(period_id=int)
_DISCIPLINE_SECTIONS = _sections(period_id=int, discipline_id=int)
_HELD = Statement(lambda student, period: Registration.objects.filter(
    student_id=student, period_id=period, state__in=ACTIVE_STATES,
).values_list("id", "section_id", "section__code", "state"), student=int, period=int)


def _section_out(row: dict[str, Any], language: str | None) -> SectionOut:
    capacity, enrolled = row["capacity"], row["enrolled_count"]
    return SectionOut(
        id=row["id"], code=row["code"], discipline_id=row["discipline_id"],
        discipline_code=row["discipline__code"],
        teacher=("" if row["teacher_id"] is None
                 else PersonName.name_from(row, "teacher__", language)),
        language=row["language"], capacity=capacity, enrolled=enrolled,
        seats_left=max(capacity - enrolled, 0), schedule=row["schedule"], status=row["status"],
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
    rows = (_PERIOD_SECTIONS.rows(period_id=period_id) if discipline_id is None else
            _DISCIPLINE_SECTIONS.rows(period_id=period_id, discipline_id=discipline_id))
    language = get_language()
    return [_section_out(row, language) for row in rows]


@router.get("/registrations", response={200: list[RegistrationOut], **READ_ERRORS})
def my_registrations(request: HttpRequest, period_id: QueryId,
                     student_id: OptionalQueryId = None):
    student = _student_for(request, student_id)
    rows = [tuple(row.values()) for row in _HELD.rows(student=student.pk, period=period_id)]
    # Places in line in a second query, only when something is waitlisted (seldom).
    waiting = [pk for pk, _, _, state in rows if state == RegistrationState.WAITLISTED]
    positions = dict(with_waitlist_position(Registration.objects.filter(pk__in=waiting))
                     .values_list("pk", "waitlist_position")  # type: ignore[misc]  # annotated
                     ) if waiting else {}
    return [RegistrationOut(id=pk, student_id=student.pk, section_id=section_id,
                            section_code=code, state=state, waitlist_position=positions.get(pk))
            for pk, section_id, code, state in rows]


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
                                                             200: RegistrationOut},
               auth=None, openapi_extra=SECURITY_SCHEMA)
def drop(request: HttpRequest, registration_id: PathId):
    # As for `register`: a student's own drop with nothing to promote is one statement.
    dropped = registration_lane.drop_by_token(request, registration_id)
    if dropped is not None:
        return Status(200, RegistrationOut(
            id=dropped.registration_id, student_id=dropped.student_id,
            section_id=dropped.section_id, section_code=dropped.section_code,
            state=RegistrationState.DROPPED, waitlist_position=None))
    authenticate(request)
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
