"""URLs of the reports (§12); included under i18n_patterns at the root:

    path("", include("registrar.reports.urls")),

Everything lives under statistics/ (portal already has reports/grade-changes/).
"""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("statistics/", views.index, name="index"),
    path("statistics/exports/", views.job_list, name="jobs"),
    path("statistics/exports/<int:pk>/", views.job_detail, name="job"),
    path("statistics/exports/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("statistics/exports/<int:pk>/file/", views.job_file, name="job_file"),
    path("statistics/<str:kind>/", views.report_page, name="report"),
    path("statistics/<str:kind>/export/<str:export_format>/", views.export, name="export"),
    path("statistics/<str:kind>/download/<str:export_format>/", views.download,
         name="download"),
]
