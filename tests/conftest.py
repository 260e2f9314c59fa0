"""Shared fixtures: a small Oise slice and the personas every test uses.

Personas: a resident of Beauvais, a resident of Compiègne, an association manager, a verified
elected official, a moderator and a visitor (the anonymous client).
"""

import time

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from parvis.accounts.models import ProfileKind
from parvis.territories.models import Territory, TerritoryKind

from .factories import (
    PASSWORD,
    MandateFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    give_totp,
)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` need PostgreSQL features (French full-text search); on
    another database they are deselected, and the run says so."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    selected = [item for item in items if "postgresql" not in item.keywords]
    deselected = [item for item in items if "postgresql" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
        print(
            f"\n{len(deselected)} PostgreSQL-only tests deselected: "
            "set DATABASE_URL to a PostgreSQL database to run them."
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set a password on every member: hash with a fast algorithm in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _site_url(settings):
    """The site the test client talks to: absolute addresses are built from PARVIS_SITE_URL,
    never from the request's Host (core.siteurl)."""
    settings.PARVIS_SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _no_stale_pages(settings):
    """The first visitor after a write gets the page rendered anew (the setting's ``0``), so
    that a test sees at once what each write retires; serving a retired page for a few seconds
    (the deployments' default) is tested on its own: tests/agenda/test_page_cache_stale.py."""
    settings.PARVIS_PAGE_CACHE_STALE_SECONDS = 0


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached fragments must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def oise(db):
    """The Oise département with two arrondissements, two EPCI and three communes."""

    def make(kind, code, name, **extra):
        return Territory.objects.create(
            kind=kind, code=code, name=name, slug=name.lower().replace(" ", "-"), **extra
        )

    dep = make(TerritoryKind.DEPARTEMENT, "60", "Oise", population=829899)
    arr_beauvais = make(TerritoryKind.ARRONDISSEMENT, "601", "Beauvais", departement=dep)
    arr_compiegne = make(TerritoryKind.ARRONDISSEMENT, "603", "Compiègne", departement=dep)
    ca_beauvaisis = make(
        TerritoryKind.EPCI, "200067999", "CA du Beauvaisis", epci_type="CA", departement=dep
    )
    arc = make(
        TerritoryKind.EPCI,
        "246000756",
        "CA de la Région de Compiègne et de la Basse Automne",
        epci_type="CA",
        departement=dep,
    )
    beauvais = make(
        TerritoryKind.COMMUNE,
        "60057",
        "Beauvais",
        siren="216000562",
        postal_codes="60000",
        population=56020,
        departement=dep,
        arrondissement=arr_beauvais,
        epci=ca_beauvaisis,
    )
    compiegne = make(
        TerritoryKind.COMMUNE,
        "60159",
        "Compiègne",
        siren="216001594",
        postal_codes="60200",
        population=40028,
        departement=dep,
        arrondissement=arr_compiegne,
        epci=arc,
    )
    margny = make(
        TerritoryKind.COMMUNE,
        "60382",
        "Margny-lès-Compiègne",
        postal_codes="60280",
        population=8496,
        departement=dep,
        arrondissement=arr_compiegne,
        epci=arc,
    )
    return {
        "departement": dep,
        "arrondissements": [arr_beauvais, arr_compiegne],
        "epcis": [ca_beauvaisis, arc],
        "beauvais": beauvais,
        "compiegne": compiegne,
        "margny": margny,
    }


@pytest.fixture
def beauvais(oise):
    return oise["beauvais"]


@pytest.fixture
def compiegne(oise):
    return oise["compiegne"]


@pytest.fixture
def resident(oise):
    return UserFactory(
        email="camille.martin@example.org",
        first_name="Camille",
        last_name="Martin",
        commune=oise["beauvais"],
    )


@pytest.fixture
def other_resident(oise):
    return UserFactory(
        email="hugo.lefebvre@example.org",
        first_name="Hugo",
        last_name="Lefebvre",
        commune=oise["compiegne"],
    )


@pytest.fixture
def association(oise):
    return OrganisationFactory(
        name="Les Amis du Beauvaisis", slug="les-amis-du-beauvaisis", commune=oise["beauvais"]
    )


@pytest.fixture
def association_manager(oise, association):
    manager = UserFactory(
        email="lea.dubois@example.org",
        first_name="Léa",
        last_name="Dubois",
        commune=oise["beauvais"],
    )
    MembershipFactory(organisation=association, user=manager)
    return manager


@pytest.fixture
def official(oise):
    user = UserFactory(
        email="jean.moreau@example.org",
        first_name="Jean",
        last_name="Moreau",
        kind=ProfileKind.OFFICIAL,
        commune=oise["compiegne"],
    )
    MandateFactory(user=user, territory=oise["compiegne"])
    return user


@pytest.fixture
def moderator(oise):
    user = UserFactory(
        email="moderation@example.org",
        first_name="Nadia",
        last_name="Benali",
        commune=oise["beauvais"],
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="Modérateurs"))
    return user


@pytest.fixture
def staff_without_mfa(oise):
    """A site moderator (staff, "Modérateurs" group) who never set up two-factor
    authentication: logged in with ``login(user, mfa=False)``, a member like any other."""
    user = UserFactory(
        email="agent.sans.2fa@example.org",
        first_name="Marc",
        last_name="Lambert",
        commune=oise["beauvais"],
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="Modérateurs"))
    return user


@pytest.fixture
def visitor(client):
    """The anonymous visitor: Django's test client, not logged in."""
    return client


def record_session_authentication(client, user, *, mfa, reauthenticated=False):
    """What allauth's log-in writes in the session: the password, then the second factor;
    ``reauthenticated``: the password was just typed again (allauth's re-authentication)."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    if reauthenticated:
        records.append({"method": "password", "at": now, "reauthenticated": True})
    if mfa:
        authenticator = user.authenticator_set.exclude(type="recovery_codes").first()
        records.append({"method": "mfa", "at": now, "id": authenticator.pk, "type": "totp"})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


@pytest.fixture
def login(client):
    """Log ``user`` into the test client, as allauth's log-in would leave the session.

    A staff member logs in with two-factor authentication (a TOTP authenticator is set up for
    them), so that their staff powers apply (``accounts.staff``); ``mfa=False`` logs them in
    with the password only, as staff that never set up (or used) a second factor.
    ``reauthenticated=True``: as if the member had just typed their password again, which
    allauth asks before sensitive changes (e-mail address, API token, account deletion).
    """

    def _login(user, *, mfa=None, reauthenticated=False):
        if mfa is None:
            mfa = user.is_staff or user.is_superuser
        if mfa:
            give_totp(user)
        client.force_login(user)
        record_session_authentication(client, user, mfa=mfa, reauthenticated=reauthenticated)
        return client

    return _login
