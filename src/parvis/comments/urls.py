from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("commentaires/<str:target>/nouveau/", views.comment_create, name="create"),
    path("commentaires/<int:pk>/", views.comment_goto, name="goto"),
    path("commentaires/<int:pk>/modifier/", views.comment_edit, name="edit"),
    path("commentaires/<int:pk>/supprimer/", views.comment_delete, name="delete"),
    path("reactions/<str:target>/", views.reactions, name="reactions"),
    path("reactions/<str:target>/reagir/", views.react, name="react"),
]
