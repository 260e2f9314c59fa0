from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("nouvelle/", views.organisation_create, name="create"),
    path("invitations/", views.invitation_list, name="invitations"),
    path("invitations/<int:pk>/accepter/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/refuser/", views.invitation_decline, name="invitation_decline"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/modifier/", views.organisation_edit, name="edit"),
    path("<slug:slug>/membres/", views.organisation_members, name="members"),
    path("<slug:slug>/membres/<int:pk>/role/", views.membership_role, name="membership_role"),
    path(
        "<slug:slug>/membres/<int:pk>/retirer/", views.membership_remove, name="membership_remove"
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/annuler/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("<slug:slug>/quitter/", views.organisation_leave, name="leave"),
]
