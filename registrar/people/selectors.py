"""Read queries for people: the student search (§1).

`search_students` narrows a queryset of students (already limited to what the user may see,
e.g. by `contingent.selectors.students_visible_to`) by a typed query; see people/search.py for
how names are normalised. `search_page` adds the order and the pagination the portal uses.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Value, Window
from django.db.models.functions import Coalesce

from .models import Student
from .search import query_terms

PAGE_SIZE = 50
IIN_LENGTH = 12
# What a page of results reads of each student, as a plain row: the columns the list shows,
# and the group's name as `group_name` (no other related row).
LIST_FIELDS = ("pk", *Student.NAME_FIELDS, "iin", "status", "group_id", "year_of_study",
               "funding")


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
    """One page of the matching students, by Russian surname and given name, as rows of
    `LIST_FIELDS` and the group's name as `group_name` (dicts, not instances: the live search
    runs on every keystroke, and making fifty model instances costs more than reading them).

    Without a query the name index gives the first page at once. With one, the order is by
    an expression the name index cannot serve, so the database filters first and sorts the
    few matches: walking the name index and testing every student until 50 match costs a
    full pass in random order when a name is rare (4× slower on SQLite at 50,000).

    With a query, every match is read for the sort anyway, so the number found comes with
    the rows (a window count) instead of from a COUNT query of its own (issue 10: the live
    search runs on every keystroke); a page past the end falls back on the paginator, which
    counts and gives the last page. Without one, a window count would read every student
    where the index gives 50: the paginator counts."""
    terms = query_terms(text or "")
    if terms:
        order: tuple[Any, ...] = (Coalesce("last_name_ru", Value("")),
                                  Coalesce("first_name_ru", Value("")), "pk")
    else:
        order = ("last_name_ru", "first_name_ru", "pk")
    found = search_students(students, text).select_related(None).order_by(*order)
    group_name = F("group__name")
    paginator = Paginator(found.values(*LIST_FIELDS, group_name=group_name), per_page)
    number = _page_number(page)
    if not terms or number is None:
        return paginator.get_page(page)
    bottom = (number - 1) * per_page
    rows = list(found.annotate(found=Window(Count("pk")))
                .values(*LIST_FIELDS, "found", group_name=group_name)[bottom:bottom + per_page])
    if not rows and number > 1:
        return paginator.get_page(page)
    paginator.count = rows[0]["found"] if rows else 0
    return Page(rows, number, paginator)


def _page_number(page: int | str | None) -> int | None:
    """The page asked for, read as `Paginator.get_page` reads it before it knows the count:
    1 when it is not a whole number, None when it is below 1 (the last page is meant)."""
    if page is None:
        return 1
    try:
        number = int(page)
    except ValueError:
        return 1
    return number if number >= 1 else None
