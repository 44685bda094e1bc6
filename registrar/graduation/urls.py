"""URLs of final attestation and graduation; included under i18n_patterns at the root:

    path("", include("registrar.graduation.urls")),
"""

from django.urls import path

from . import views

app_name = "graduation"

urlpatterns = [
    path("graduation/", views.index, name="index"),
    path("graduation/commissions/", views.commissions, name="commissions"),
    path("graduation/commissions/new/", views.commission_create, name="commission_create"),
    path("graduation/commissions/<int:pk>/", views.commission_detail, name="commission"),
    path("graduation/commissions/<int:pk>/members/", views.member_add, name="member_add"),
    path("graduation/commissions/<int:pk>/members/<int:member_pk>/remove/",
         views.member_remove, name="member_remove"),
    path("graduation/commissions/<int:pk>/events/", views.event_add, name="event_add"),
    path("graduation/events/<int:pk>/", views.event_detail, name="event"),
    path("graduation/events/<int:pk>/results/", views.result_record, name="result_record"),
    path("graduation/theses/", views.theses, name="theses"),
    path("graduation/theses.xlsx", views.theses_xlsx, name="theses_xlsx"),
    path("graduation/preview/", views.preview, name="preview"),
    path("graduation/preview/draft/", views.preview_draft, name="preview_draft"),
    path("graduation/students/<int:student_id>/", views.student_diploma, name="student"),
    path("graduation/students/<int:student_id>/issue/<str:kind>/", views.issue, name="issue"),
    path("graduation/documents/<int:pk>/pdf/", views.download_pdf, name="download_pdf"),
]
