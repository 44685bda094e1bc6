from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/denials/", views.denials, name="denials"),
    path("audit/disclosures/", views.disclosures, name="disclosures"),
    path("audit/disclosures.xlsx", views.disclosures_xlsx, name="disclosures_xlsx"),
    path("audit/students/<int:student_id>/disclosures/", views.student_disclosures,
         name="student_disclosures"),
    path("audit/students/<int:student_id>/disclosures.xlsx", views.student_disclosures_xlsx,
         name="student_disclosures_xlsx"),
]
