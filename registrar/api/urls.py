"""The versioned REST API (django-ninja); its OpenAPI schema is at /api/v1/openapi.json and
its browsable documentation at /api/v1/docs.

Every error answer has the body ``{"detail": ..., "problems": [{"field", "message"}]}``:
400 for a body that is not JSON, 401 without valid credentials, 403 for an action the caller
may not take, 404 for an object outside the caller's scope (its existence is not disclosed),
409 for a refusal of the rules, 422 for input that does not validate, naming each field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .auth import AUTH
from .common import refusal
from .documents import router as documents_router
from .grades import router as grades_router
from .orders import router as orders_router
from .programmes import curricula_router
from .programmes import router as programmes_router
from .records import router as records_router
from .registration import router as registration_router
from .students import router as students_router

DESCRIPTION = """\
The Registrar's API for integrations and clients. Authenticate with a bearer token
(`Authorization: Bearer <key>`; `manage.py create_api_token <username> --name <integration>`
issues one) or the portal's session. Every call sees and may do exactly what its user sees
and may do in the portal. Lists take `page` and `page_size` (at most 200) and answer
`{"items": [...], "count": n}`. Errors answer `{"detail": ..., "problems": [{"field",
"message"}]}`.
"""

api = NinjaAPI(title="Registrar API", version="1", description=DESCRIPTION, auth=AUTH,
               urls_namespace="api-1")
api.add_router("/students", students_router)
api.add_router("/programmes", programmes_router)
api.add_router("/curricula", curricula_router)
api.add_router("/registration", registration_router)
api.add_router("/grades", grades_router)
api.add_router("/records", records_router)
api.add_router("/documents", documents_router)
api.add_router("/orders", orders_router)

# Where a value was read from: the first element of a validation error's location.
SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


def field_of(error: dict[str, Any]) -> str:
    """The field an error of validation names, dotted: ``rows.0.score``, ``page``.

    A location reads ``(source, [parameter,] field, ...)``; the body's parameter name
    (``payload``) is dropped so the field is named as it is in the request."""
    location = [str(part) for part in error.get("loc", ())]
    if location and location[0] in SOURCES:
        source, location = location[0], location[1:]
        if source == "body" and len(location) > 1:
            location = location[1:]
    return ".".join(location) or "body"


@api.exception_handler(ValidationError)
def validation_failed(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [(field_of(error), error.get("msg", _("This value is not valid.")))
                for error in exc.errors if isinstance(error, dict)]
    return api.create_response(
        request, refusal(_("The request is not valid."), problems), status=422)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, refusal(_("Authentication credentials are missing or not valid.")),
        status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    problems = [("body", exc.message)] if exc.status_code == 400 else []
    detail = _("The request body is not valid JSON.") if exc.status_code == 400 else exc.message
    return api.create_response(request, refusal(detail, problems), status=exc.status_code)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, refusal(_("You do not have permission to do this.")), status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, refusal(_("Not found.")), status=404)
