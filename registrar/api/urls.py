"""The versioned REST API (django-ninja); its OpenAPI schema is at /api/v1/openapi.json."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI

from .auth import AUTH
from .registration import router as registration_router

api = NinjaAPI(title="Registrar API", version="1", auth=AUTH, urls_namespace="api-1")
api.add_router("/registration", registration_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "Permission denied."}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)
