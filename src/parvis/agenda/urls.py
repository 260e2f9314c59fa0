from django.urls import path

from . import views

app_name = "agenda"

urlpatterns = [
    path("", views.upcoming, name="index"),
    path("<int:pk>-<slug:slug>/", views.event_detail, name="event"),
]
