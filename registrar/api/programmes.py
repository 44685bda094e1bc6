"""Educational programmes and their working curricula (§2, §3): reference data that every
signed-in user reads, as in the portal. Curricula list their disciplines by semester."""


import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from registrar.curriculum.models import AssessmentForm, Component, Curriculum, Cycle
from registrar.institution.models import Degree, Language, Programme, StudyForm

from .common import FilterText, Id, Pagination, PathId, answers

router = Router(tags=["programmes"])
curricula_router = Router(tags=["curricula"])


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str = Field(description="In the language of the request.")
    name_kk: str
    name_ru: str
    name_en: str
    degree: Degree
    study_form: StudyForm
    language: Language
    duration_years: int
    total_credits: int
    department_id: int
    faculty_id: int = Field(alias="department.faculty_id")
    faculty_code: str = Field(alias="department.faculty.code")


class ProgrammeFilter(Schema):
    q: FilterText | None = Field(None, description="Part of the code or of a name.")
    faculty_id: Id | None = None
    department_id: Id | None = None
    degree: Degree | None = None
    study_form: StudyForm | None = None
    language: Language | None = None


class CurriculumOut(Schema):
    id: int
    programme_id: int
    programme_code: str = Field(alias="programme.code")
    intake_year: int
    approved_on: dt.date | None


class CurriculumEntryOut(Schema):
    discipline_id: int
    code: str = Field(alias="discipline.code")
    name: str = Field(alias="discipline.name", description="In the language of the request.")
    credits: int = Field(alias="discipline.credits")
    assessment_form: AssessmentForm = Field(alias="discipline.assessment_form")
    semester: int
    component: Component
    cycle: Cycle


class CurriculumDetailOut(CurriculumOut):
    entries: list[CurriculumEntryOut]

    @staticmethod
    def resolve_entries(curriculum: Curriculum) -> Any:
        return curriculum.entries.select_related("discipline").order_by(
            "semester", "component", "discipline__code")


class CurriculumFilter(Schema):
    programme_id: Id | None = None
    intake_year: int | None = Field(None, ge=1900, le=2200)


def _programmes() -> Any:
    return Programme.objects.select_related("department__faculty")


@router.get("", response=answers(list[ProgrammeOut]), summary="Educational programmes")
@paginate(Pagination)
def list_programmes(request: HttpRequest, filters: Query[ProgrammeFilter]) -> Any:
    programmes = _programmes()
    if filters.q:
        programmes = programmes.filter(
            Q(code__icontains=filters.q) | Q(name_ru__icontains=filters.q)
            | Q(name_kk__icontains=filters.q) | Q(name_en__icontains=filters.q))
    if filters.faculty_id is not None:
        programmes = programmes.filter(department__faculty_id=filters.faculty_id)
    if filters.department_id is not None:
        programmes = programmes.filter(department_id=filters.department_id)
    for name in ("degree", "study_form", "language"):
        value = getattr(filters, name)
        if value is not None:
            programmes = programmes.filter(**{name: value})
    return programmes.order_by("code", "pk")


@router.get("/{programme_id}", response=answers(ProgrammeOut), summary="One programme")
def get_programme(request: HttpRequest, programme_id: PathId) -> Any:
    return get_object_or_404(_programmes(), pk=programme_id)


@curricula_router.get("", response=answers(list[CurriculumOut]), summary="Working curricula")
@paginate(Pagination)
def list_curricula(request: HttpRequest, filters: Query[CurriculumFilter]) -> Any:
    curricula = Curriculum.objects.select_related("programme")
    if filters.programme_id is not None:
        curricula = curricula.filter(programme_id=filters.programme_id)
    if filters.intake_year is not None:
        curricula = curricula.filter(intake_year=filters.intake_year)
    return curricula.order_by("programme__code", "-intake_year", "pk")


@curricula_router.get("/{curriculum_id}", response=answers(CurriculumDetailOut),
                      summary="One working curriculum with its disciplines")
def get_curriculum(request: HttpRequest, curriculum_id: PathId) -> Any:
    return get_object_or_404(Curriculum.objects.select_related("programme"), pk=curriculum_id)
