"""FranceConnect's URLs, under allauth's ``compte/`` (allauth includes each provider's)."""

from django.urls import path

from . import provider, views

urlpatterns = [
    path("franceconnect/connexion/", provider.login, name="franceconnect_login"),
    path("franceconnect/retour/", provider.callback, name="franceconnect_callback"),
    path("franceconnect/lier/", views.link, name="franceconnect_link"),
    path(
        "franceconnect/deconnexion/",
        views.logout_callback,
        name="franceconnect_logout_callback",
    ),
]
