from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("parametres/", views.account_settings, name="settings"),
    path("profil/", views.profile_edit, name="profile_edit"),
    path("mandats/", views.mandate_list, name="mandates"),
    path("mandats/<int:pk>/retirer/", views.mandate_withdraw, name="mandate_withdraw"),
    path("mandats/<int:pk>/renvoyer/", views.mandate_resubmit, name="mandate_resubmit"),
    path("jetons/", views.token_list, name="tokens"),
    path("jetons/nouveau/", views.token_created, name="token_created"),
    path("jetons/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
]
