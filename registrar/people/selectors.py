"""Read queries for people: the student search (§1).

`search_students` narrows a queryset of students (already limited to what the user may see,
e.g. by `contingent.selectors.students_visible_to`) by a typed query; see people/search.py for
how names are normalised. `search_page` adds the order and the pagination the portal uses.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce

from .models import Student
from .search import query_terms

PAGE_SIZE = 50
IIN_LENGTH = 12


def search_students(students: QuerySet[Student], text: str) -> QuerySet[Student]:
    """The students matching a query: every word of it must begin a word of the student's
    names (any script, any case, Kazakh or Russian spelling, Latin transliteration), IIN or
    group. A query of digits only is an IIN or its beginning, answered from the IIN index."""
    terms = query_terms(text or "")
    if not terms:
        return students
    if len(terms) == 1 and terms[0].isdigit():
        digits = terms[0]
        if len(digits) >= IIN_LENGTH:
            return students.filter(iin=digits)
        # A range on the indexed column: "0503" ≤ iin < "0503:" (":" follows "9").
        return students.filter(iin__gte=digits, iin__lt=digits + ":")
    condition = Q()
    for term in terms:
        condition &= Q(search_key__contains=f" {term}")
    return students.filter(condition)


def search_page(students: QuerySet[Student], text: str, page: int | str | None = 1,
                per_page: int = PAGE_SIZE) -> Page:
    """One page of the matching students, by Russian surname and given name.

    Without a query the name index gives the first page at once. With one, the order is by
    an expression the name index cannot serve, so the database filters first and sorts the
    few matches: walking the name index and testing every student until 50 match costs a
    full pass in random order when a name is rare (4× slower on SQLite at 50,000)."""
    if query_terms(text or ""):
        order: tuple[Any, ...] = (Coalesce("last_name_ru", Value("")),
                                  Coalesce("first_name_ru", Value("")), "pk")
    else:
        order = ("last_name_ru", "first_name_ru", "pk")
    found = search_students(students, text).order_by(*order)
    return Paginator(found, per_page).get_page(page)
