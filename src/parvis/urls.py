from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from parvis.core import pwa, search_views
from parvis.core import views as core_views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Parvis — moderators' workplace")
admin.site.site_title = _("Parvis administration")
admin.site.index_title = _("Moderation and verification")

handler500 = "parvis.core.errors.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("fil/", core_views.feed, name="feed"),
    path("premiers-pas/masquer/", core_views.checklist_dismiss, name="checklist_dismiss"),
    path("sante/", core_views.health, name="health"),
    path("design/", core_views.design, name="design"),
    # Installable app (core.pwa): favicon, icons, manifest, service worker, offline page
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("apple-touch-icon.png", pwa.apple_touch_icon, name="apple_touch_icon"),
    path("icone-<int:size>.png", pwa.icon, name="app_icon"),
    path(
        "icone-<int:size>-maskable.png", pwa.icon, {"purpose": "maskable"}, name="app_icon_maskable"
    ),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("hors-ligne/", pwa.offline, name="offline"),
    path("recherche/", search_views.search_page, name="search"),
    path("recherche/suggestions/", search_views.suggestions, name="search_suggestions"),
    path("mentions-legales/", core_views.page, {"template": "legal"}, name="legal"),
    path("confidentialite/", core_views.page, {"template": "privacy"}, name="privacy"),
    path(
        "accessibilite/",
        core_views.page,
        {"template": "accessibility"},
        name="accessibility",
    ),
    path("conditions/", core_views.page, {"template": "terms"}, name="terms"),
    path("partager/mastodon/", core_views.share_mastodon, name="share_mastodon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("compte/donnees/", include("parvis.privacy.urls")),
    path("compte/", include("allauth.urls")),
    path("compte/", include("parvis.accounts.urls")),
    path("membres/", include(("parvis.accounts.urls_public", "members"))),
    path("organisations/", include("parvis.organisations.urls")),
    path("annuaire/", include("parvis.directory.urls")),
    path("agenda/", include("parvis.agenda.urls")),
    path("groupes/", include("parvis.groups.urls")),
    path("notifications/", include("parvis.notifications.urls")),
    path("actualites/", include("parvis.news.urls")),
    path("elus/", include("parvis.officials.urls")),
    path("consultations/", include("parvis.consultations.urls")),
    path("questions/", include("parvis.questions.urls")),
    path("signalements/", include("parvis.localreports.urls")),
    path("benevolat/", include("parvis.volunteers.urls")),
    path("moderation/", include("parvis.moderation.urls")),
    path("messages/", include("parvis.conversations.urls")),
    path("", include("parvis.comments.urls")),
    path("", include("parvis.territories.urls")),
    path("api/", include("parvis.api.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    media = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
    for pattern in media:
        pattern.name = "media"  # named: the authorization matrix has a rule for each route
    urlpatterns += media
