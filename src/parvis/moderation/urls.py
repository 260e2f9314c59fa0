from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("signaler/<str:key>/<int:pk>/", views.report, name="report"),
    path("decisions/<int:pk>/", views.statement, name="statement"),
    path("decisions/<int:pk>/recours/", views.appeal, name="appeal"),
    path("mes-decisions/", views.my_decisions, name="mine"),
]
