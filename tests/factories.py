"""factory_boy factories shared by every test module."""

import factory
from django.utils import timezone

from parvis.accounts.models import Mandate, MandateRole, ProfileKind, User, VerificationStatus
from parvis.organisations.models import (
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    OrganisationRole,
)
from parvis.territories.models import Territory, TerritoryKind

PASSWORD = "correct-horse-battery-staple"


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("kind", "code")

    kind = TerritoryKind.COMMUNE
    code = factory.Sequence(lambda n: f"99{n:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    population = 1000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"membre{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    kind = ProfileKind.RESIDENT
    terms_accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    user = factory.SubFactory(UserFactory, kind=ProfileKind.OFFICIAL)
    role = MandateRole.MAYOR
    territory = factory.LazyAttribute(lambda o: o.user.commune)
    status = VerificationStatus.VERIFIED


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association numéro {n}")
    slug = factory.Sequence(lambda n: f"association-{n}")
    kind = OrganisationKind.ASSOCIATION
    description = "Une association du territoire."
    rna = factory.Sequence(lambda n: f"W{600000000 + n}")
    status = VerificationStatus.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationRole.MANAGER


def give_totp(user):
    """Set up a TOTP authenticator for ``user`` (as the two-factor setup page does)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import is_mfa_enabled

    if not is_mfa_enabled(user):
        TOTP.activate(user, generate_totp_secret())


def api_key_for(user, *, mfa=None, name="tests"):
    """A personal API key of ``user``. A staff member's is created after two-factor
    authentication (so it acts with staff powers) unless ``mfa=False``."""
    from parvis.accounts.services import api_token_create

    if mfa is None:
        mfa = user.is_staff or user.is_superuser
    if mfa:
        give_totp(user)
    _token, key = api_token_create(user=user, name=name, created_with_mfa=mfa)
    return key
