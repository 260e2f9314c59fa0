from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("parametres/", views.account_settings, name="settings"),
]
