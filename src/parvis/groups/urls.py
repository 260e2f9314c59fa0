from django.urls import path

from . import views

app_name = "groups"

GROUP = "<slug:slug>/"
MANAGE = GROUP + "gestion/"
THREAD = GROUP + "discussions/<int:pk>/"
MESSAGE = THREAD + "messages/<int:message>/"

urlpatterns = [
    path("", views.group_list, name="index"),
    path("nouveau/", views.group_create, name="create"),
    path("invitations/", views.my_invitations, name="invitations"),
    path("recherche/", views.search_all, name="search"),
    path("publier/", views.compose, name="compose"),
    # A group's page, settings, members and search
    path(GROUP, views.group_detail, name="detail"),
    path(GROUP + "modifier/", views.group_edit, name="edit"),
    path(GROUP + "membres/", views.group_member_list, name="members"),
    path(GROUP + "recherche/", views.group_search, name="group_search"),
    # Joining and leaving
    path(GROUP + "rejoindre/", views.group_join, name="join"),
    path(GROUP + "demander/", views.group_request, name="request"),
    path(GROUP + "demande/retirer/", views.group_request_withdraw, name="request_withdraw"),
    path(GROUP + "invitation/", views.group_invitation_answer, name="invitation_answer"),
    path(GROUP + "quitter/", views.group_leave, name="leave"),
    # Managing members (group moderators)
    path(MANAGE, views.group_manage, name="manage"),
    path(MANAGE + "demandes/<int:request_id>/", views.request_decide, name="request_decide"),
    path(MANAGE + "inviter/", views.member_invite, name="invite"),
    path(
        MANAGE + "invitations/<int:invitation_id>/retirer/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(MANAGE + "membres/<int:user_id>/role/", views.member_role, name="member_role"),
    path(MANAGE + "membres/<int:user_id>/retirer/", views.member_remove, name="member_remove"),
    path(MANAGE + "membres/<int:user_id>/bannir/", views.member_ban, name="member_ban"),
    path(MANAGE + "bannis/<int:ban_id>/lever/", views.ban_lift, name="ban_lift"),
    path(MANAGE + "transferer/", views.ownership_transfer, name="transfer"),
    # Discussions
    path(GROUP + "discussions/nouvelle/", views.thread_create, name="thread_create"),
    path(THREAD, views.thread_detail, name="thread"),
    path(THREAD + "repondre/", views.thread_reply, name="reply"),
    path(THREAD + "epingler/", views.thread_pin, name="thread_pin"),
    path(THREAD + "verrouiller/", views.thread_lock, name="thread_lock"),
    path(THREAD + "deplacer/", views.thread_move, name="thread_move"),
    path(THREAD + "supprimer/", views.thread_delete, name="thread_delete"),
    path(MESSAGE, views.message_permalink, name="message"),
    path(MESSAGE + "modifier/", views.message_edit, name="message_edit"),
    path(MESSAGE + "supprimer/", views.message_delete, name="message_delete"),
    path(MESSAGE + "historique/", views.message_history, name="message_history"),
]
