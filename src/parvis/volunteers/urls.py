from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("", views.call_index, name="index"),
    path("nouveau/", views.call_create, name="create"),
    path("mes-inscriptions/", views.my_signups_view, name="mine"),
    path("mes-competences/", views.skills_edit, name="skills"),
    path("<int:pk>-<slug:slug>/", views.call_detail, name="detail"),
    path("<int:pk>-<slug:slug>/inscription/", views.signup, name="signup"),
    path("<int:pk>-<slug:slug>/benevoles/", views.call_volunteers, name="volunteers"),
    path("<int:pk>-<slug:slug>/benevoles.csv", views.call_export, name="export"),
    path("<int:pk>-<slug:slug>/clore/", views.call_close, name="close"),
]
