"""URLs of the interoperability pages; included under i18n_patterns at the root:

    path("", include("registrar.interop.urls")),
"""

from django.urls import path

from . import views

app_name = "interop"

urlpatterns = [
    path("interop/", views.index, name="index"),
    path("interop/oneroster/export/", views.export_roster, name="export"),
    path("interop/oneroster/results/", views.import_results, name="import_results"),
    path("interop/transcripts/", views.transcripts, name="transcripts"),
    path("interop/transcripts/<int:pk>/elmo.xml", views.transcript_elmo, name="elmo"),
    path("interop/transcripts/<int:pk>/pesc.xml", views.transcript_pesc, name="pesc"),
]
