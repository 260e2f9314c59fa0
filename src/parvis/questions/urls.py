from django.urls import path

from . import views

app_name = "questions"

urlpatterns = [
    path("", views.question_index, name="index"),
    path("regles/", views.question_rules, name="rules"),
    path("poser/", views.question_ask, name="ask"),
    path("mes-questions/", views.questions_mine, name="mine"),
    path("sans-reponse/", views.questions_unanswered, name="unanswered"),
    path("<int:pk>-<slug:slug>/", views.question_detail, name="detail"),
    path("<int:pk>-<slug:slug>/soutenir/", views.question_support, name="support"),
    path("<int:pk>-<slug:slug>/suivre/", views.question_follow, name="follow"),
    path("<int:pk>-<slug:slug>/repondre/", views.question_answer, name="answer"),
    path("<int:pk>-<slug:slug>/clore/", views.question_close, name="close"),
]
