from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from registrar.accounts import views as accounts_views
from registrar.api.urls import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    # Two-step sign-in: the password here, then the code at accounts:verify when owed.
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The portal first: its pages are the most requested, and a path is tried against every
    # pattern before the one that matches (no path of the portal is another app's).
    path("", include("registrar.portal.urls")),
    path("", include("registrar.accounts.urls")),
    path("", include("registrar.documents.urls")),
    path("", include("registrar.blanks.urls")),
    path("", include("registrar.graduation.urls")),
    path("", include("registrar.interop.urls")),
    path("", include("registrar.scholarships.urls")),
    path("", include("registrar.reports.urls")),
    path("", include("registrar.scheduling.urls")),
    path("", include("registrar.audit.urls")),
    prefix_default_language=True,
)
