"""Shared fixtures of the news tests: publishers of every kind and a post factory.

Territories (see ``tests/conftest.py``): Beauvais in the CA du Beauvaisis and the
arrondissement of Beauvais; Compiègne and Margny-lès-Compiègne in the ARC and the
arrondissement of Compiègne.
"""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.accounts.models import ProfileKind, VerificationStatus
from parvis.news.models import Category, Post, PostStatus
from parvis.organisations.models import OrganisationKind, OrganisationRole

from ..factories import MandateFactory, MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.PARVIS_STAFF_MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded images go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


def create_post(*, author, organisation=None, audience=(), **fields):
    """A post written directly (no service, no e-mail). Defaults: published an hour ago in
    "Vie locale", for the whole département."""
    values = {
        "title": "Travaux rue de la République",
        "body": "La circulation sera **alternée** pendant trois semaines.",
        "category": Category.objects.get(slug="vie-locale"),
        "status": PostStatus.PUBLISHED,
        **fields,
    }
    if values["status"] == PostStatus.PUBLISHED and "publish_at" not in values:
        values["publish_at"] = timezone.now() - dt.timedelta(hours=1)
    post = Post.objects.create(author=author, organisation=organisation, **values)
    post.audience.set(list(audience))
    return post


@pytest.fixture
def institution(oise):
    """The town hall of Compiègne: a verified institution."""
    return OrganisationFactory(
        name="Mairie de Compiègne",
        slug="mairie-de-compiegne",
        kind=OrganisationKind.INSTITUTION,
        rna="",
        siren="216001594",
        commune=oise["compiegne"],
    )


@pytest.fixture
def agent(oise, institution):
    """An agent of the town hall of Compiègne (editor of its page)."""
    user = UserFactory(
        email="agent@compiegne.example",
        first_name="Inès",
        last_name="Garnier",
        kind=ProfileKind.AGENT,
        commune=oise["compiegne"],
    )
    MembershipFactory(organisation=institution, user=user, role=OrganisationRole.EDITOR)
    return user


@pytest.fixture
def association_editor(oise, association):
    user = UserFactory(
        email="editeur@amis.example", first_name="Paul", last_name="Roux", commune=oise["beauvais"]
    )
    MembershipFactory(organisation=association, user=user, role=OrganisationRole.EDITOR)
    return user


@pytest.fixture
def pending_association_manager(oise):
    """The manager of an association a moderator has not verified yet."""
    organisation = OrganisationFactory(
        name="Club pas encore vérifié",
        slug="club-pas-encore-verifie",
        commune=oise["margny"],
        status=VerificationStatus.PENDING,
    )
    user = UserFactory(email="nouveau@club.example", commune=oise["margny"])
    MembershipFactory(organisation=organisation, user=user)
    user.pending_organisation = organisation
    return user


@pytest.fixture
def pending_official(oise):
    """A member whose mayor's mandate awaits a moderator."""
    user = UserFactory(
        email="pas.encore.maire@example.org", kind=ProfileKind.OFFICIAL, commune=oise["margny"]
    )
    MandateFactory(user=user, territory=oise["margny"], status=VerificationStatus.PENDING)
    return user


@pytest.fixture
def unverified_official(oise):
    """A verified official whose e-mail address is not verified."""
    user = UserFactory(
        email="non.verifie@example.org",
        kind=ProfileKind.OFFICIAL,
        commune=oise["beauvais"],
        verified_email=False,
    )
    MandateFactory(user=user, territory=oise["beauvais"])
    return user


@pytest.fixture
def margny_resident(oise):
    return UserFactory(
        email="lucie.petit@example.org",
        first_name="Lucie",
        last_name="Petit",
        commune=oise["margny"],
    )


@pytest.fixture
def make_post(agent, institution):
    """``make_post(**fields)``: a post of the town hall of Compiègne by default."""

    def _make(**fields):
        if "author" not in fields:
            fields["author"] = agent
            fields.setdefault("organisation", institution)
        return create_post(**fields)

    return _make
