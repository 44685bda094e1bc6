"""URLs of issued documents; included under i18n_patterns at the root:

    path("", include("registrar.documents.urls")),

Public (no sign-in): verify/ and verify/<code>/. Signed-in: documents/...
"""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("documents/mine/", views.my_documents, name="mine"),
    path("documents/students/<int:student_id>/", views.student_documents,
         name="student_documents"),
    path("documents/students/<int:student_id>/issue/", views.issue, name="issue"),
    path("documents/<int:pk>/pdf/", views.download_pdf, name="download_pdf"),
    path("documents/<int:pk>/xlsx/", views.download_xlsx, name="download_xlsx"),
]
