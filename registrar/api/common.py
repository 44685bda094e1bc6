"""What every router of the API shares: the error body, the documented error answers, one
pagination for every list, and bounded text for filters.

Every error answer has the same body, ``{"detail": ..., "problems": [{"field", "message"}]}``;
``problems`` names the fields at fault (422, 409) and is empty otherwise (401, 403, 404).
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.params.functions import Path as PathParam
from ninja.params.functions import Query as QueryParam
from pydantic import StringConstraints

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
# A page beyond any list; keeps the offset far from the databases' integer limits.
MAX_PAGE = 100_000

# An object's id: a positive 64-bit integer, the range of the databases' id columns (a larger
# number would overflow them in a query).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
QueryId = Annotated[int, QueryParam(ge=1, le=MAX_ID)]
OptionalQueryId = Annotated[int | None, QueryParam(ge=1, le=MAX_ID)]

# Free text in a filter: bounded, and without NUL (PostgreSQL refuses it in a string).
FilterText = Annotated[str, StringConstraints(max_length=100, pattern=r"^[^\x00]*$")]


class Problem(Schema):
    field: str
    message: str


class Refusal(Schema):
    detail: str
    problems: list[Problem]


def refusal(detail: Any, problems: list[tuple[str, Any]] | None = None) -> dict[str, Any]:
    """An error body: the detail and the fields at fault (messages may be lazy strings)."""
    return {"detail": str(detail),
            "problems": [{"field": f, "message": str(m)} for f, m in problems or []]}


# The error answers an operation documents besides its success (every operation may answer
# 401, 403, 404 and 422); `WRITE_ERRORS` adds 400 (an unreadable body) and 409 (a refusal).
READ_ERRORS: dict[int, Any] = {401: Refusal, 403: Refusal, 404: Refusal, 422: Refusal}
WRITE_ERRORS: dict[int, Any] = {400: Refusal, **READ_ERRORS, 409: Refusal}


def answers(ok: Any, status: int = 200, *, write: bool = False) -> dict[int, Any]:
    """The `response=` of an operation: its success schema and the documented errors."""
    return {status: ok, **(WRITE_ERRORS if write else READ_ERRORS)}


class Pagination(PageNumberPagination):
    """Every list of the API: ``?page=1&page_size=50`` (at most 200 a page); the answer is
    ``{"items": [...], "count": <all matching>}``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE,
                               description=f"Items per page, at most {MAX_PAGE_SIZE}.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)
