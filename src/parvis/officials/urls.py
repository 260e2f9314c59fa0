from django.urls import path

from . import views

app_name = "officials"

urlpatterns = [
    path("", views.official_list_view, name="list"),
    path("<int:pk>/", views.official_detail, name="detail"),
]
