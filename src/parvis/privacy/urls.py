from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.data_home, name="home"),
    path("archives/<uuid:public_id>/", views.export_download, name="download"),
    path("supprimer-mon-compte/", views.account_delete, name="delete"),
    path("compte-supprime/", views.account_deleted, name="deleted"),
]
