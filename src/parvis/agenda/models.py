"""The territory's events calendar.

An ``Event`` holds what the organiser wrote; its dates are a first start/end plus an optional
RFC 5545 recurrence rule (``rrule``, without the "RRULE:" prefix) and exception dates
(``exdates``). ``EventOccurrence`` rows are that rule expanded (see ``recurrence.py``): lists,
month grids, feeds and RSVPs work on occurrences, one row per date, through the index on
``start``, or on a place or a category where a list is filtered on one (each date carries a copy
of what the lists filter on: ``LISTING_COPIES``). Services keep occurrences in step with their
event.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from parvis.core.pictures import PictureField
from parvis.core.reversing import cached_reverse
from parvis.core.slugs import title_slug
from parvis.core.validators import validate_visible_text

#: The names of the categories created by the migrations, for the translation catalogues
#: (the names are French data; ``Category.display_name`` translates them).
CATEGORY_NAMES = [
    pgettext_lazy("event category", "Culture"),
    pgettext_lazy("event category", "Sport"),
    pgettext_lazy("event category", "Vie associative"),
    pgettext_lazy("event category", "Citoyenneté"),
    pgettext_lazy("event category", "Environnement"),
    pgettext_lazy("event category", "Solidarité"),
    pgettext_lazy("event category", "Jeunesse"),
    pgettext_lazy("event category", "Patrimoine"),
]


class Category(models.Model):
    """An event category (culture, sport...), managed by administrators in the admin."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered to organisers"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The name in the reader's language: the categories the platform ships are
        translated (``CATEGORY_NAMES``); those administrators add show as typed."""
        return pgettext("event category", self.name)


class EventStatus(models.TextChoices):
    # With a context: French genders the adjective after the noun ("événement refusé", but
    # "organisation refusée" for the same English word elsewhere).
    DRAFT = "draft", pgettext_lazy("event status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("event status", "awaiting review")
    PUBLISHED = "published", pgettext_lazy("event status", "published")
    REJECTED = "rejected", pgettext_lazy("event status", "rejected")
    CANCELLED = "cancelled", pgettext_lazy("event status", "cancelled")


#: Statuses anyone may see; cancelled events stay visible, clearly marked.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


class Accessibility(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("wheelchair access")
    INDUCTION_LOOP = "induction_loop", _("induction loop")
    SIGN_LANGUAGE = "sign_language", _("French sign language (LSF)")
    AUDIO_DESCRIPTION = "audio_description", _("audio description")
    EASY_READ = "easy_read", _("easy to read and understand (FALC)")
    QUIET_SPACE = "quiet_space", _("quiet space")


#: What the agenda's lists filter on, copied from each date's event (and its commune) onto the
#: date, so that a filtered list, its count and the month grid read one index range of dates
#: instead of walking every date in ``start`` order and checking its event. Kept in step by
#: ``Event.save`` (the event's fields: a ``QuerySet.update()`` of them would leave the copies
#: behind), by ``services.event_occurrences_sync`` (new dates) and by
#: ``services.occurrences_regroup`` (``territories.signals.communes_regrouped``: a commune moved
#: to another intercommunality or arrondissement). ``listed``: the event is public
#: (``PUBLIC_STATUSES``). The page cache ignores the copies' writes (the event's own retire).
LISTING_COPIES = ("listed", "category", "commune", "epci", "arrondissement", "is_free")
#: The event's fields whose change rewrites its dates' copies.
LISTING_SOURCES = frozenset(
    {"status", "category", "category_id", "commune", "commune_id", "is_free"}
)


def image_upload_to(instance, filename):
    return f"events/{secrets.token_hex(16)}.jpg"


class Event(models.Model):
    title = models.CharField(_("title"), max_length=200, validators=[validate_visible_text])
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=False)
    description = models.TextField(
        _("description"), max_length=20000, blank=True, help_text=_("Markdown is accepted.")
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="events"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    rrule = models.CharField(
        _("recurrence rule"), max_length=500, blank=True, help_text=_("RFC 5545 RRULE.")
    )
    exdates = models.JSONField(_("exception dates"), default=list, blank=True)
    venue_name = models.CharField(_("venue"), max_length=200, validators=[validate_visible_text])
    address = models.CharField(_("address"), max_length=300)
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="events",
        limit_choices_to={"kind": "commune"},
    )
    #: An optional point of the venue (picked on the form's map), for maps, "near me" and geo.
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser (member)"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organiser (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("The discussion group whose event this is (shown on the group's page)."),
    )
    image = PictureField(_("image"), upload_to=image_upload_to, blank=True, kind="cover")
    is_free = models.BooleanField(_("free"), default=True)
    price = models.CharField(_("price"), max_length=120, blank=True)
    accessibility = models.JSONField(_("accessibility"), default=list, blank=True)
    accessibility_details = models.CharField(_("accessibility details"), max_length=500, blank=True)
    external_url = models.URLField(_("external link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Places per date; empty: unlimited.")
    )
    audience = models.ManyToManyField(
        "territories.Territory",
        verbose_name=_("target territories"),
        blank=True,
        related_name="targeted_events",
        help_text=_("None: the whole département."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start"]
        indexes = [
            models.Index(fields=["status", "start"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["latitude", "longitude"], name="event_point_idx"),
            # The search box ranks the newest matches of a common word (``core.search``
            # ``text_search(newest=...)``): walked in this order, stopped at the cap.
            models.Index(
                fields=["-start", "-id"],
                name="event_public_start_idx",
                condition=models.Q(status__in=["published", "cancelled"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="event_end_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = title_slug(self.title, default="evenement")
        adding = self._state.adding
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if not adding and (fields is None or LISTING_SOURCES.intersection(fields)):
            self.occurrences.update(**self.listing_copies())

    def get_absolute_url(self):
        # Remembered: the month grid and the lists link each event on every one of its dates.
        return cached_reverse("agenda:event", pk=self.pk, slug=self.slug or "evenement")

    def listing_copies(self):
        """What its dates copy of it (``LISTING_COPIES``), as an ``update()``'s values: its
        commune's intercommunality and arrondissement read in the same statement."""
        from django.db.models import Subquery

        from parvis.territories.models import Territory

        commune = Territory.objects.filter(pk=self.commune_id)
        return {
            "listed": self.status in PUBLIC_STATUSES,
            "category_id": self.category_id,
            "commune_id": self.commune_id,
            "epci_id": Subquery(commune.values("epci_id")),
            "arrondissement_id": Subquery(commune.values("arrondissement_id")),
            "is_free": self.is_free,
        }

    @property
    def has_point(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES

    @property
    def is_cancelled(self):
        return self.status == EventStatus.CANCELLED


def _copy_of(model, name):
    """A column of ``EventOccurrence`` copying its event's ``name`` (see ``LISTING_COPIES``):
    a key without a database constraint, index of its own or reverse relation (the event's own
    keys protect; the lists' indexes begin with it)."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=name,
    )


def _listed_index(name, *fields):
    return models.Index(fields=[*fields, "start"], name=name, condition=models.Q(listed=True))


class EventOccurrence(models.Model):
    """One date of an event (its recurrence rule, expanded)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    rsvp_count = models.PositiveIntegerField(_("participants"), default=0)
    # Copies of the event's (see LISTING_COPIES); ``db_default``: a row inserted without them
    # is not listed until its copies are written.
    listed = models.BooleanField(_("listed"), default=False, db_default=False, editable=False)
    category = _copy_of(Category, _("category"))
    commune = _copy_of("territories.Territory", _("commune"))
    epci = _copy_of("territories.Territory", _("intercommunality (EPCI)"))
    arrondissement = _copy_of("territories.Territory", _("arrondissement"))
    is_free = models.BooleanField(_("free"), default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        ordering = ["start"]
        indexes = [
            models.Index(fields=["start"]),
            # The public lists filtered on a place or a category (agenda.filters._narrowed).
            _listed_index("occurrence_listed_commune", "commune"),
            _listed_index("occurrence_listed_epci", "epci"),
            _listed_index("occurrence_listed_arrond", "arrondissement"),
            _listed_index("occurrence_listed_category", "category"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "start"], name="occurrence_unique_start"),
        ]

    def __str__(self):
        return f"{self.event} — {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_full(self):
        capacity = self.event.capacity
        return capacity is not None and self.rsvp_count >= capacity


class Rsvp(models.Model):
    """A member's "I'm going" to one date of an event."""

    occurrence = models.ForeignKey(EventOccurrence, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="rsvp_unique_member"),
        ]

    def __str__(self):
        return f"{self.user} → {self.occurrence}"


class EventAwaitingReview(Event):
    """Events submitted by members and awaiting a moderator: the moderation queue."""

    class Meta:
        proxy = True
        verbose_name = _("event awaiting review")
        verbose_name_plural = _("events awaiting review")
