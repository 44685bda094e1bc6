from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/code/", views.verify, name="verify"),
    path("security/", views.security, name="security"),
    path("security/remove/", views.remove, name="remove"),
]
