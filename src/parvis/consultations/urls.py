from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_index, name="index"),
    path("nouvelle/", views.consultation_create, name="create"),
    path("mes-consultations/", views.consultations_managed, name="managed"),
    path("<int:pk>-<slug:slug>/", views.consultation_detail, name="detail"),
    path("<int:pk>-<slug:slug>/repondre/", views.consultation_answer, name="answer"),
    path("<int:pk>-<slug:slug>/resultats/", views.consultation_results, name="results"),
    path("<int:pk>-<slug:slug>/export.csv", views.consultation_export, name="export"),
    path("<int:pk>-<slug:slug>/modifier/", views.consultation_edit, name="edit"),
    path("<int:pk>-<slug:slug>/publier/", views.consultation_publish, name="publish"),
    path("<int:pk>-<slug:slug>/conclusion/", views.consultation_conclude, name="conclude"),
]
