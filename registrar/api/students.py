"""Students (§1): the list within the caller's scope, with filters and the portal's search, and
one student's record. A student sees only themself, an advisor their advisees, a dean the
students of their faculty, the registrar everyone; any other student is not found (404)."""


import datetime as dt
from typing import Any

from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from registrar.audit.models import Disclosure
from registrar.audit.services import disclosed
from registrar.contingent.selectors import students_visible_to
from registrar.people.choices import Funding, StudentStatus
from registrar.people.models import Student
from registrar.people.search import query_terms
from registrar.people.selectors import search_students

from .common import FilterText, Id, Pagination, PathId, answers

router = Router(tags=["students"])


class StudentOut(Schema):
    id: int
    iin: str
    full_name: str = Field(description="In the language of the request.")
    last_name_ru: str
    first_name_ru: str
    patronymic_ru: str
    last_name_kk: str
    first_name_kk: str
    patronymic_kk: str
    last_name_en: str
    first_name_en: str
    birth_date: dt.date
    gender: str
    citizenship: str
    email: str
    phone: str
    status: StudentStatus
    programme_id: int
    programme_code: str = Field(alias="programme.code")
    faculty_id: int
    group_id: int | None
    group: str | None
    year_of_study: int
    funding: Funding
    advisor_id: int | None

    @staticmethod
    def resolve_group(student: Student) -> str | None:
        return student.group.name if student.group is not None else None


class StudentFilter(Schema):
    q: FilterText | None = Field(
        None, description="Words that begin the student's names (any script), IIN or group.")
    group_id: Id | None = None
    programme_id: Id | None = None
    faculty_id: Id | None = None
    status: StudentStatus | None = None
    year_of_study: int | None = Field(None, ge=0, le=7)


@router.get("", response=answers(list[StudentOut]), summary="Students in my scope")
@paginate(Pagination)
def list_students(request: HttpRequest, filters: Query[StudentFilter]) -> Any:
    students = students_visible_to(request.user)
    if filters.group_id is not None:
        students = students.filter(group_id=filters.group_id)
    if filters.programme_id is not None:
        students = students.filter(programme_id=filters.programme_id)
    if filters.faculty_id is not None:
        students = students.filter(programme__department__faculty_id=filters.faculty_id)
    if filters.status is not None:
        students = students.filter(status=filters.status)
    if filters.year_of_study is not None:
        students = students.filter(year_of_study=filters.year_of_study)
    if filters.q and query_terms(filters.q):
        # As the portal's search: filter first, then sort the few matches.
        students = search_students(students, filters.q).order_by(
            Coalesce("last_name_ru", Value("")), Coalesce("first_name_ru", Value("")), "pk")
    else:
        students = students.order_by("last_name_ru", "first_name_ru", "pk")
    return students


@router.get("/{student_id}", response=answers(StudentOut), summary="One student")
def get_student(request: HttpRequest, student_id: PathId) -> Any:
    student = get_object_or_404(students_visible_to(request.user), pk=student_id)
    disclosed(request.user, student, Disclosure.What.CARD, request)
    return student
