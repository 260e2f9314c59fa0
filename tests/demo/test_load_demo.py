"""``manage.py load_demo``: the demo population on the real Oise territory."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from parvis.accounts.models import Mandate, MandateRole, ProfileKind, User, VerificationStatus
from parvis.demo import people as demo
from parvis.organisations.models import (
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    OrganisationRole,
)
from parvis.organisations.validators import luhn_is_valid, validate_rna
from parvis.territories.models import Territory, TerritoryKind


def counts():
    return {
        "users": User.objects.count(),
        "addresses": EmailAddress.objects.count(),
        "mandates": Mandate.objects.count(),
        "organisations": Organisation.objects.count(),
        "memberships": OrganisationMembership.objects.count(),
    }


def load_demo(**options):
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def territory(db):
    call_command("import_territory", "60", stdout=StringIO())


@pytest.fixture
def loaded(territory):
    return load_demo()


def test_load_demo_without_territory_asks_to_import_it_first(db):
    with pytest.raises(CommandError, match="import_territory"):
        call_command("load_demo", stdout=StringIO())
    assert User.objects.count() == 0


def test_load_demo_twice_creates_nothing_the_second_time(loaded):
    before = counts()
    names = sorted(User.objects.values_list("email", "first_name", "last_name", "bio"))

    output = load_demo()

    assert counts() == before
    assert sorted(User.objects.values_list("email", "first_name", "last_name", "bio")) == names
    assert "already loaded" in output
    assert "nothing changed" in output


def test_load_demo_prints_the_site_address_and_demo_credentials(loaded):
    assert demo.SITE_URL in loaded
    assert f"{demo.MODERATOR_EMAIL} / {demo.MODERATOR_PASSWORD}" in loaded
    assert f"{demo.ADMIN_EMAIL} / {demo.ADMIN_PASSWORD}" in loaded
    assert f"@{demo.DEMO_DOMAIN} / {demo.MEMBER_PASSWORD}" in loaded
    assert "PARVIS_STAFF_MFA_REQUIRED=false" in loaded


def test_demo_population_has_the_announced_size(loaded):
    demo_users = User.objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}")
    assert demo_users.filter(kind=ProfileKind.RESIDENT).count() == demo.RESIDENT_COUNT
    assert demo_users.filter(kind=ProfileKind.OFFICIAL).count() == 14
    associations = Organisation.objects.filter(kind=OrganisationKind.ASSOCIATION)
    assert associations.count() == 30
    assert associations.filter(status=VerificationStatus.PENDING).count() == 4
    institutions = Organisation.objects.filter(kind=OrganisationKind.INSTITUTION)
    assert institutions.count() == 8
    assert set(institutions.values_list("status", flat=True)) == {VerificationStatus.VERIFIED}
    # Residents are spread over several communes, the most populated first.
    communes = demo_users.filter(kind=ProfileKind.RESIDENT).values("commune").distinct()
    assert communes.count() > 40


def test_moderator_and_administrator_can_log_in(loaded, client):
    moderator = authenticate(email=demo.MODERATOR_EMAIL, password=demo.MODERATOR_PASSWORD)
    assert moderator is not None
    assert moderator.is_staff and not moderator.is_superuser
    assert moderator.groups.filter(name="Modérateurs").exists()
    assert EmailAddress.objects.filter(user=moderator, verified=True, primary=True).exists()
    assert client.login(username=demo.ADMIN_EMAIL, password=demo.ADMIN_PASSWORD)
    assert User.objects.get(email=demo.ADMIN_EMAIL).is_superuser


def test_demo_resident_logs_in_with_the_demo_password(loaded, client):
    resident = User.objects.filter(
        kind=ProfileKind.RESIDENT, email__endswith=f"@{demo.DEMO_DOMAIN}"
    ).first()
    assert client.login(username=resident.email, password=demo.MEMBER_PASSWORD)
    assert EmailAddress.objects.get(user=resident).verified


def test_officials_have_verified_mandates_reviewed_by_the_moderator(loaded):
    moderator = User.objects.get(email=demo.MODERATOR_EMAIL)
    verified = Mandate.objects.filter(status=VerificationStatus.VERIFIED)
    assert verified.values("user").distinct().count() == 12
    assert not verified.filter(reviewed_at=None).exists()
    assert set(verified.values_list("reviewed_by", flat=True)) == {moderator.pk}
    mayors = verified.filter(role=MandateRole.MAYOR)
    assert {"60057", "60159", "60175", "60612"} <= set(
        mayors.values_list("territory__code", flat=True)
    )
    assert verified.filter(role=MandateRole.DEPARTMENTAL_COUNCILLOR).count() == 2
    assert verified.filter(
        role=MandateRole.EPCI_PRESIDENT, territory__kind=TerritoryKind.EPCI
    ).exists()
    pending = Mandate.objects.filter(status=VerificationStatus.PENDING)
    assert pending.count() == 2
    assert not pending.exclude(reviewed_at=None).exists()


def test_every_organisation_has_a_manager_and_valid_numbers(loaded):
    organisations = Organisation.objects.all()
    managed = OrganisationMembership.objects.filter(role=OrganisationRole.MANAGER)
    assert set(managed.values_list("organisation", flat=True)) == set(
        organisations.values_list("pk", flat=True)
    )
    assert OrganisationMembership.objects.filter(role=OrganisationRole.EDITOR).exists()
    for association in organisations.filter(kind=OrganisationKind.ASSOCIATION):
        validate_rna(association.rna)
        assert not association.siren or luhn_is_valid(association.siren)
    verified = organisations.filter(status=VerificationStatus.VERIFIED)
    assert verified.filter(kind=OrganisationKind.ASSOCIATION).exists()
    assert not verified.filter(reviewed_at=None).exists()
    agents = User.objects.filter(kind=ProfileKind.AGENT, organisation_memberships__isnull=False)
    assert agents.count() >= 8


def test_same_seed_gives_the_same_people_and_another_seed_others(territory):
    communes, departement = demo.territory_for_demo("60")
    first = demo.build_plan(communes=communes, departement=departement, seed=7)
    again = demo.build_plan(communes=communes, departement=departement, seed=7)
    other = demo.build_plan(communes=communes, departement=departement, seed=8)

    assert first == again
    assert [p.email for p in first.people] != [p.email for p in other.people]

    load_demo(seed=7)
    stored = set(User.objects.values_list("email", "first_name", "last_name"))
    assert {(p.email, p.first_name, p.last_name) for p in first.people} == stored


def test_load_demo_fills_in_what_is_missing_after_a_partial_deletion(loaded):
    before = counts()
    victim = User.objects.filter(kind=ProfileKind.RESIDENT, email__endswith=demo.DEMO_DOMAIN)
    victim.filter(pk=victim.first().pk).delete()

    output = load_demo()

    assert counts() == before
    assert "members: 1," in output


def test_demo_also_loads_on_a_small_territory(oise):
    load_demo()
    assert Territory.objects.filter(kind=TerritoryKind.COMMUNE).count() == 3
    assert Mandate.objects.filter(status=VerificationStatus.VERIFIED).exists()
    assert Organisation.objects.filter(status=VerificationStatus.VERIFIED).exists()


def agenda_rows():
    from parvis.agenda.models import Event, EventOccurrence, Rsvp

    return (
        sorted(Event.objects.values_list("pk", "title", "start", "status", "updated_at")),
        EventOccurrence.objects.count(),
        sorted(Rsvp.objects.values_list("occurrence_id", "user_id")),
    )


def test_demo_fills_the_agenda_over_the_coming_three_months(loaded):
    import datetime as dt

    from django.db.models import Count, F
    from django.utils import timezone

    from parvis.agenda.models import Event, EventOccurrence, EventStatus, Rsvp

    events = Event.objects.all()
    assert 200 <= events.count() <= 400
    today = timezone.localdate()
    occurrences = EventOccurrence.objects.all()
    assert not occurrences.filter(start__lt=timezone.now()).exists()
    latest = timezone.localtime(occurrences.order_by("-start").first().start).date()
    assert latest <= today + dt.timedelta(days=100)
    assert events.exclude(rrule="").count() >= 20
    assert events.filter(title="Marché hebdomadaire").exclude(rrule="").exists()
    cancelled = events.filter(status=EventStatus.CANCELLED)
    assert cancelled.exists() and not cancelled.filter(cancellation_reason="").exists()
    assert events.filter(status=EventStatus.SUBMITTED).count() >= 5
    assert events.filter(status=EventStatus.DRAFT).exists()
    assert events.filter(status=EventStatus.PUBLISHED).count() >= 150
    assert events.values("category").distinct().count() == 8
    assert events.values("commune").distinct().count() >= 20
    assert events.filter(organisation__isnull=True, created_by__kind="official").exists()
    # Events in the largest communes have a point (the maps and "Autour de moi" show them).
    placed = events.filter(latitude__isnull=False, commune__code="60057")
    assert placed.exists() and not events.filter(commune__code="60057", latitude=None).exists()
    assert (
        not events.filter(latitude__isnull=False)
        .exclude(latitude__range=(49, 49.8), longitude__range=(1.6, 3.2))
        .exists()
    )
    # Organisers are members of the organisation they organise for.
    assert (
        not events.filter(organisation__isnull=False)
        .exclude(organisation__memberships__user=F("created_by"))
        .exists()
    )
    # Participations match the counters and never exceed a capacity.
    assert Rsvp.objects.count() > 100
    counted = occurrences.annotate(n=Count("rsvps")).exclude(n=F("rsvp_count"))
    assert not counted.exists()
    assert not occurrences.filter(
        event__capacity__isnull=False, rsvp_count__gt=F("event__capacity")
    ).exists()
    assert not Rsvp.objects.exclude(
        occurrence__event__status__in=["published", "cancelled"]
    ).exists()


def test_load_demo_twice_changes_no_event(loaded):
    before = agenda_rows()

    output = load_demo()

    assert agenda_rows() == before
    assert "nothing changed" in output


def test_demo_agenda_fills_in_a_deleted_event(loaded):
    from parvis.agenda.models import Event

    total = Event.objects.count()
    Event.objects.filter(rrule="").order_by("pk").first().delete()

    output = load_demo()

    assert Event.objects.count() == total
    assert "events: 1," in output


def test_every_demo_date_carries_its_events_listing_copies(loaded):
    # The agenda's lists read these copies (agenda.models.LISTING_COPIES): a demo path that
    # changed an event without ``save()`` would leave its dates out of the filtered lists.
    from django.db.models import F, Q

    from parvis.agenda.models import PUBLIC_STATUSES, EventOccurrence

    dates = EventOccurrence.objects.all()
    assert dates.count() > 100
    differing = dates.exclude(
        Q(listed=Q(event__status__in=PUBLIC_STATUSES))
        & Q(category_id=F("event__category_id"))
        & Q(commune_id=F("event__commune_id"))
        & Q(epci_id=F("event__commune__epci_id"))
        & Q(arrondissement_id=F("event__commune__arrondissement_id"))
        & Q(is_free=F("event__is_free"))
    )
    assert list(differing.values_list("event__title", flat=True)[:5]) == []
