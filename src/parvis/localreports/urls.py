from django.urls import path

from . import views

app_name = "localreports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("nouveau/", views.report_create, name="create"),
    path("a-traiter/", views.report_queue, name="queue"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/soutenir/", views.report_support, name="support"),
    path("<int:pk>/suivi/", views.report_triage, name="triage"),
]
