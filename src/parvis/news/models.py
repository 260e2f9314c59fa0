"""Targeted information ("Actualités"): posts by institutions, verified officials and verified
associations, aimed at territories, and the follows that widen a member's feed.

A ``Post`` is published in the name of an organisation (an institution or a verified
association whose manager or editor wrote it) or, when ``organisation`` is empty, of its author
as a verified elected official. Its ``audience`` is a set of territories (communes, EPCI,
arrondissements); empty means the whole département. A published post is *live* from its
``publish_at`` (which may be in the future: a scheduled post) until its optional ``expires_at``
(the end of display); see ``selectors.live_filter``.

A ``Follow`` ties a member to one territory, one organisation, one member (an elected official,
or any member who allows it), one group or one discussion (exactly one, a database constraint);
the posts of what a member follows join their feed, the activity of the members, groups and
discussions they follow their home page.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from parvis.core.pictures import PictureField
from parvis.core.slugs import title_slug

DEFAULT_SLUG = "actualite"


#: The names of the categories created by the migrations, for the translation catalogues
#: (the names are French data; ``Category.display_name`` translates them).
CATEGORY_NAMES = [
    pgettext_lazy("news category", "Vie locale"),
    pgettext_lazy("news category", "Travaux et voirie"),
    pgettext_lazy("news category", "Démarches et services"),
    pgettext_lazy("news category", "Transports et mobilité"),
    pgettext_lazy("news category", "Environnement et déchets"),
    pgettext_lazy("news category", "Santé et solidarité"),
    pgettext_lazy("news category", "Éducation et jeunesse"),
    pgettext_lazy("news category", "Culture et sport"),
    pgettext_lazy("news category", "Sécurité et alertes"),
    pgettext_lazy("news category", "Vie démocratique"),
    pgettext_lazy("news category", "Vie associative"),
]


class Category(models.Model):
    """A category of posts (roadworks, local life...), managed by administrators."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered to publishers"), default=True)

    class Meta:
        verbose_name = _("post category")
        verbose_name_plural = _("post categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The name in the reader's language: the categories the platform ships are
        translated (``CATEGORY_NAMES``); those administrators add show as typed."""
        return pgettext("news category", self.name)


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    UNPUBLISHED = "unpublished", _("unpublished")


def image_upload_to(instance, filename):
    return f"news/{secrets.token_hex(16)}.jpg"


class Post(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    body = models.TextField(_("text"), max_length=20000, help_text=_("Markdown is accepted."))
    image = PictureField(_("image"), upload_to=image_upload_to, blank=True, kind="cover")
    image_alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("published by (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        help_text=_("Empty: the author publishes as an elected official."),
    )
    audience = models.ManyToManyField(
        "territories.Territory",
        verbose_name=_("target territories"),
        blank=True,
        related_name="targeted_posts",
        help_text=_("None: the whole département."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("A date to come schedules the post."),
    )
    expires_at = models.DateTimeField(
        _("end of display"), null=True, blank=True, help_text=_("Empty: shown without limit.")
    )
    moderation_reason = models.TextField(
        _("reason for unpublishing (moderator)"),
        blank=True,
        help_text=_("Set when a moderator unpublished the post; sent to its author."),
    )
    unpublished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unpublished by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unpublished_at = models.DateTimeField(_("unpublished at"), null=True, blank=True)
    announced_at = models.DateTimeField(
        _("announced at"),
        null=True,
        blank=True,
        help_text=_("When the members it concerns were notified (once, when it went live)."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-publish_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "publish_at"]),
            models.Index(fields=["organisation", "status", "publish_at"]),
            models.Index(fields=["author", "status", "publish_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PostStatus.PUBLISHED) | Q(publish_at__isnull=False),
                name="post_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(expires_at__gt=F("publish_at")),
                name="post_expires_after_publication",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = title_slug(self.title, default=DEFAULT_SLUG)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:detail", kwargs={"pk": self.pk, "slug": self.slug or DEFAULT_SLUG})

    def is_live(self, now=None):
        """Published, its publication date reached and its end of display not yet."""
        now = now or timezone.now()
        return (
            self.status == PostStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def is_scheduled(self):
        return (
            self.status == PostStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_moderated(self):
        """Unpublished by a moderator: only a moderator may publish it again."""
        return self.status == PostStatus.UNPUBLISHED and bool(self.moderation_reason)

    @property
    def publisher_name(self):
        if self.organisation_id:
            return self.organisation.name
        return self.author.get_full_name()


#: What a ``Follow`` may point at (exactly one of them).
FOLLOW_TARGETS = ("territory", "organisation", "followed_user", "group", "thread")


def _exactly_one(names):
    condition = Q()
    for name in names:
        condition |= Q(**{f"{name}__isnull": False}) & Q(
            **{f"{other}__isnull": True for other in names if other != name}
        )
    return condition


class Follow(models.Model):
    """A member follows one territory, one organisation or one elected official."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    followed_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    thread = models.ForeignKey(
        "groups.Thread",
        verbose_name=_("discussion"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(FOLLOW_TARGETS), name="follow_exactly_one_target"
            ),
            models.UniqueConstraint(
                fields=["user", "territory"],
                condition=Q(territory__isnull=False),
                name="follow_unique_territory",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(organisation__isnull=False),
                name="follow_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "followed_user"],
                condition=Q(followed_user__isnull=False),
                name="follow_unique_user",
            ),
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=Q(group__isnull=False),
                name="follow_unique_group",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="follow_unique_thread",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.target}"

    @property
    def target(self):
        return (
            self.territory or self.organisation or self.followed_user or self.group or self.thread
        )
