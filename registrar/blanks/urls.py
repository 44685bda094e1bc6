"""URLs of strict accountability forms; included under i18n_patterns at the root:

    path("", include("registrar.blanks.urls")),
"""

from django.urls import path

from . import views

app_name = "blanks"

urlpatterns = [
    path("blanks/", views.inventory, name="inventory"),
    path("blanks/inventory.xlsx", views.inventory_xlsx, name="inventory_xlsx"),
    path("blanks/receive/", views.receive, name="receive"),
    path("blanks/forms/", views.form_list, name="form_list"),
    path("blanks/forms/<int:pk>/", views.form_detail, name="form_detail"),
    path("blanks/forms/<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("blanks/forms/<int:pk>/receipt-signed/", views.sign_receipt, name="sign_receipt"),
    path("blanks/students/<int:student_id>/issue/", views.issue, name="issue"),
    path("blanks/spoil/", views.spoil, name="spoil"),
    path("blanks/acts/", views.act_list, name="act_list"),
    path("blanks/acts/<int:pk>/pdf/", views.act_pdf, name="act_pdf"),
]
