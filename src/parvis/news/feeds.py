"""RSS 2.0 and Atom subscriptions (``django.contrib.syndication``): the posts for the whole
département, and the posts that concern the residents of one commune.

The same selectors as the pages (``feed_posts``), the latest ``MAX_ITEMS`` live posts, newest
first; scheduled, expired and unpublished posts never appear, nor posts hidden by moderation
(``selectors.public_posts``). Each feed runs a fixed number of queries whatever the number of
posts.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from parvis.core.richtext import render_markdown
from parvis.core.siteurl import site_request
from parvis.territories.models import Territory, TerritoryKind

from .selectors import feed_posts

MAX_ITEMS = 50


class DepartementFeed(Feed):
    """/actualites/flux.rss: the posts for the whole département."""

    def get_feed(self, obj, request):
        # Links on the configured site, never on the request's Host (core.siteurl).
        return super().get_feed(obj, site_request(request))

    def title(self):
        return _("%(site)s — information for the whole département") % {
            "site": settings.PARVIS_SITE_NAME
        }

    def link(self):
        return reverse("news:index")

    def description(self):
        return _("The targeted information published on %(site)s for the whole département.") % {
            "site": settings.PARVIS_SITE_NAME
        }

    def items(self):
        return feed_posts(AnonymousUser(), with_audience=False)[:MAX_ITEMS]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return render_markdown(post.body)

    def item_link(self, post):
        return post.get_absolute_url()

    def item_guid(self, post):
        return f"post-{post.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, post):
        return post.publish_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_author_name(self, post):
        return post.publisher_name

    def item_categories(self, post):
        return [post.category.name]


class DepartementAtomFeed(DepartementFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()


class CommuneFeed(DepartementFeed):
    """/actualites/communes/<INSEE code>.rss: what concerns the residents of a commune (the
    commune, its intercommunality, its arrondissement and the whole département)."""

    def get_object(self, request, insee):
        return get_object_or_404(Territory, kind=TerritoryKind.COMMUNE, code=insee)

    def title(self, commune):
        return _("%(site)s — information for %(commune)s") % {
            "site": settings.PARVIS_SITE_NAME,
            "commune": commune.name,
        }

    def link(self, commune):
        return reverse("news:index") + f"?commune={commune.code}"

    def description(self, commune):
        return _(
            "The targeted information published on %(site)s for the residents of %(commune)s."
        ) % {"site": settings.PARVIS_SITE_NAME, "commune": commune.name}

    def items(self, commune):
        return feed_posts(AnonymousUser(), commune=commune, with_audience=False)[:MAX_ITEMS]


class CommuneAtomFeed(CommuneFeed):
    feed_type = Atom1Feed

    def subtitle(self, commune):
        return self.description(commune)
