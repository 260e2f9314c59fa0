"""Territories of a département, from Etalab's open data.

One table holds every territory (département, arrondissement, EPCI, commune) so that any
content can target a set of territories through one foreign key. Each commune carries direct
links to the territories that contain it, so "which territories contain this commune" is
answered from the commune row itself, without a query (see ``Territory.lineage_ids``).
The proxy models ``Departement``, ``Arrondissement``, ``Epci`` and ``Commune`` give each kind
its own manager and admin.
"""

from functools import lru_cache

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from parvis.core.collation import FRENCH
from parvis.core.reversing import cached_reverse


class TerritoryKind(models.TextChoices):
    DEPARTEMENT = "departement", _("département")
    ARRONDISSEMENT = "arrondissement", _("arrondissement")
    EPCI = "epci", _("intercommunality (EPCI)")
    COMMUNE = "commune", _("commune")


class TerritoryQuerySet(models.QuerySet):
    def communes(self):
        return self.filter(kind=TerritoryKind.COMMUNE)

    def search(self, text):
        """Communes whose name or postal code starts with ``text`` (case-insensitive)."""
        text = (text or "").strip()
        if not text:
            return self.none()
        if text.isdigit():
            return self.filter(postal_codes__contains=text)
        return self.filter(name__icontains=text)


@lru_cache(maxsize=4096)
def _url_slug(slug, name, kind):
    return slugify(slug) or slugify(name) or kind


class Territory(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=TerritoryKind.choices)
    code = models.CharField(
        _("official code"),
        max_length=12,
        help_text=_("INSEE code (département, arrondissement, commune) or SIREN (EPCI)."),
    )
    name = models.CharField(_("name"), max_length=150, db_collation=FRENCH)
    slug = models.SlugField(_("slug"), max_length=160)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    epci_type = models.CharField(
        _("EPCI type"), max_length=10, blank=True, help_text=_("CC, CA, CU or METRO.")
    )
    postal_codes = models.CharField(
        _("postal codes"), max_length=200, blank=True, help_text=_("Separated by spaces.")
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    departement = models.ForeignKey(
        "self",
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    arrondissement = models.ForeignKey(
        "self",
        verbose_name=_("arrondissement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    epci = models.ForeignKey(
        "self",
        verbose_name=_("EPCI"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="territory_unique_kind_code"),
        ]
        indexes = [
            models.Index(fields=["kind", "name"]),
            models.Index(fields=["kind", "slug"]),
        ]

    def __str__(self):
        if self.kind == TerritoryKind.COMMUNE and self.postal_codes:
            return f"{self.name} ({self.postal_codes.split()[0]})"
        return self.name

    def get_absolute_url(self):
        """The territory's portal page (``/communes/60057-beauvais/``...): remembered per
        process (a page links the same few hundred territories again and again)."""
        return cached_reverse(f"territories:{self.kind}", code=self.code, slug=self.url_slug)

    @property
    def url_slug(self):
        """The slug of the territory's address: ASCII, never empty."""
        return _url_slug(self.slug, self.name, self.kind)

    @property
    def postal_code_list(self):
        return self.postal_codes.split()

    @property
    def lineage_ids(self):
        """Primary keys of this territory and of every territory that contains it."""
        return [
            pk
            for pk in (self.pk, self.epci_id, self.arrondissement_id, self.departement_id)
            if pk is not None
        ]

    def containers(self):
        """The territories that contain this one (its EPCI, arrondissement, département)."""
        return Territory.objects.filter(pk__in=self.lineage_ids[1:])


class KindManager(models.Manager):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return TerritoryQuerySet(self.model, using=self._db).filter(kind=self.kind)


class Departement(Territory):
    objects = KindManager(TerritoryKind.DEPARTEMENT)

    class Meta:
        proxy = True
        verbose_name = _("département")
        verbose_name_plural = _("départements")


class Arrondissement(Territory):
    objects = KindManager(TerritoryKind.ARRONDISSEMENT)

    class Meta:
        proxy = True
        verbose_name = _("arrondissement")
        verbose_name_plural = _("arrondissements")


class Epci(Territory):
    objects = KindManager(TerritoryKind.EPCI)

    class Meta:
        proxy = True
        verbose_name = _("intercommunality (EPCI)")
        verbose_name_plural = _("intercommunalities (EPCI)")


class Commune(Territory):
    objects = KindManager(TerritoryKind.COMMUNE)

    class Meta:
        proxy = True
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
