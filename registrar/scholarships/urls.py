"""URLs of scholarships and vacant-grant competitions; included under i18n_patterns at the root:

    path("", include("registrar.scholarships.urls")),
"""

from django.urls import path

from . import views

app_name = "scholarships"

urlpatterns = [
    path("scholarships/", views.round_list, name="round_list"),
    path("scholarships/<int:pk>/", views.round_detail, name="round_detail"),
    path("scholarships/<int:pk>/compute/", views.round_compute, name="round_compute"),
    path("scholarships/<int:pk>/draft-order/", views.round_draft_order,
         name="round_draft_order"),
    path("scholarships/<int:pk>/list.xlsx", views.round_xlsx, name="round_xlsx"),
    path("scholarships/<int:pk>/statement/<str:language>/", views.round_pdf, name="round_pdf"),
    path("grant-competitions/", views.competition_list, name="competition_list"),
    path("grant-competitions/<int:pk>/", views.competition_detail, name="competition_detail"),
    path("grant-competitions/<int:pk>/rank/", views.competition_rank, name="competition_rank"),
    path("grant-competitions/<int:pk>/draft-order/", views.competition_draft_order,
         name="competition_draft_order"),
]
