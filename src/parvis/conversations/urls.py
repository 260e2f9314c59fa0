from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("nouveau/", views.compose, name="compose"),
    path("association/<slug:slug>/", views.contact_organisation, name="organisation"),
    path("elu/<int:pk>/", views.contact_official, name="official"),
    path("evenement/<int:pk>/", views.contact_participants, name="event"),
    path("reglages/", views.settings_page, name="settings"),
    path("bloquer/<int:pk>/", views.block, name="block"),
    path("debloquer/<int:pk>/", views.unblock, name="unblock"),
    path("<int:pk>/", views.conversation_detail, name="detail"),
    path("<int:pk>/quitter/", views.leave, name="leave"),
    path("<int:pk>/images/<int:message_pk>/", views.attachment, name="attachment"),
]
