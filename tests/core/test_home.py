"""The home page: for a member, what concerns them (information and consultations for their
territory, events near them, activity in their groups); for a visitor, the département-wide
version, the commune picker and an invitation to join. Always a fixed number of queries.

Territories (``tests/conftest.py``): Beauvais in the CA du Beauvaisis; Compiègne and
Margny-lès-Compiègne in the ARC (the other EPCI).
"""

import datetime as dt
from html import unescape

import pytest
from django.utils import timezone

from parvis.consultations.models import ConsultationStatus, Response
from parvis.groups import services as group_services
from parvis.groups.models import Group, GroupStatus, JoinPolicy, Message, Thread, Visibility
from parvis.news.models import PostStatus
from parvis.organisations.models import OrganisationKind, OrganisationRole
from parvis.territories.models import Territory, TerritoryKind

from ..agenda.conftest import create_event
from ..consultations.conftest import create_consultation
from ..factories import MembershipFactory, OrganisationFactory, UserFactory
from ..groups.conftest import add_member, create_group
from ..news.conftest import create_post

pytestmark = pytest.mark.django_db

#: Queries of the home page. A visitor: the département and its figures, the events, the
#: information, the consultations, the group discussions. A member adds the session and the
#: user (2), the user sessions' bookkeeping (5, with its savepoints), their commune and their
#: follows and the calls for volunteers near them, minus the département; a member in no
#: group with a discussion, one more (the public groups' discussions instead). A visitor's
#: page stored in the page cache after a write to the information or the consultations reads,
#: once, the next post and consultation due by themselves (``pagecache.schedule``): 2 more.
VISITOR_QUERIES = 5 + 2
MEMBER_QUERIES = 15


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def margny_resident(oise):
    return UserFactory(
        email="lucie.petit@example.org",
        first_name="Lucie",
        last_name="Petit",
        commune=oise["margny"],
    )


@pytest.fixture
def council(oise):
    """The départemental council, a verified institution, and one of its agents."""
    council = OrganisationFactory(
        name="Conseil départemental de l'Oise",
        slug="conseil-departemental-de-l-oise",
        kind=OrganisationKind.INSTITUTION,
        rna="",
        commune=oise["beauvais"],
    )
    council.agent = UserFactory(email="agent@oise.example", commune=oise["beauvais"])
    MembershipFactory(organisation=council, user=council.agent, role=OrganisationRole.EDITOR)
    return council


@pytest.fixture
def post(council):
    def _post(title, *audience, **fields):
        return create_post(
            author=council.agent, organisation=council, title=title, audience=audience, **fields
        )

    return _post


@pytest.fixture
def consultation(council):
    def _consultation(title, *audience, **fields):
        return create_consultation(
            organisation=council, created_by=council.agent, title=title, audience=audience, **fields
        )

    return _consultation


def page(response):
    """The page's HTML, entities decoded (titles hold apostrophes)."""
    return unescape(response.content.decode())


def block(response, title_id):
    """The HTML of the home page's section headed by ``title_id``."""
    text = unescape(response.content.decode())
    start = text.index(f'id="{title_id}"')
    return text[start : text.index("</section>", start)]


def in_days(n):
    return timezone.now() + dt.timedelta(days=n)


# --- visitors -----------------------------------------------------------------------------------


def test_visitor_sees_the_departement_figures_at_once_after_a_territory_changes(client, oise):
    """The figures are read once while the territories do not change (``core.selectors``);
    a commune imported since counts at once, in a page from the page cache too."""
    assert "<strong>3</strong> communes" in client.get("/").content.decode()
    assert "<strong>3</strong> communes" in client.get("/").content.decode()
    Territory.objects.create(
        kind=TerritoryKind.COMMUNE,
        code="60001",
        name="Abancourt",
        slug="abancourt",
        population=700,
        departement=oise["departement"],
    )

    assert "<strong>4</strong> communes" in client.get("/").content.decode()


def test_visitor_sees_the_departement_wide_version_and_an_invitation_to_join(
    client, oise, post, consultation, association_manager, resident
):
    post("Plan canicule")  # the whole département
    post("Travaux dans l'agglomération", oise["epcis"][1])
    consultation("Budget participatif départemental")
    consultation("Navettes de l'ARC", oise["epcis"][1])
    create_event(
        title="Fête de la musique", created_by=association_manager, commune=oise["beauvais"]
    )
    garden = create_group(resident, name="Jardins partagés")
    group_services.thread_create(
        group=garden, author=resident, title="Échange de graines", body="Qui a des tomates ?"
    )
    response = client.get("/")
    html = page(response)

    assert "Welcome to the social network of Oise" in html
    assert 'action="/communes/"' in html  # the commune picker
    assert 'href="/compte/signup/"' in block(response, "join-title")
    assert "3</strong> communes" in html
    news = block(response, "news-title")
    assert "Latest information" in news
    assert "Plan canicule" in news
    assert "Travaux dans l'agglomération" not in news
    consultations = block(response, "consultations-title")
    assert "Budget participatif départemental" in consultations
    assert "Navettes de l'ARC" not in consultations
    assert "Fête de la musique" in block(response, "agenda-title")
    groups = block(response, "groups-title")
    assert "Recent discussions in public groups" in groups
    assert "Échange de graines" in groups
    assert "Jardins partagés" in groups


def test_every_block_has_its_own_see_all_link(client, login, resident, oise):
    visitor = client.get("/")
    assert 'href="/actualites/">See all the information<' in block(visitor, "news-title")
    assert 'href="/agenda/">See all events<' in block(visitor, "agenda-title")
    assert "See all the consultations" in block(visitor, "consultations-title")
    assert 'href="/consultations/?etat=ouvertes"' in block(visitor, "consultations-title")
    assert 'href="/groupes/">See all the groups<' in block(visitor, "groups-title")

    group = create_group(resident, name="Randonneurs")
    group_services.thread_create(group=group, author=resident, title="Sortie", body="Dimanche ?")
    member = login(resident).get("/")
    assert 'href="/agenda/?near=1">See all events near you<' in block(member, "agenda-title")
    assert 'href="/groupes/?mine=on">See all my groups<' in block(member, "groups-title")
    assert 'href="/compte/signup/"' not in page(member)


# --- targeting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees_arc", "sees_margny"),
    [("resident", False, False), ("other_resident", True, False), ("margny_resident", True, True)],
)
def test_members_see_the_information_and_consultations_of_their_territory_only(
    request, login, oise, post, consultation, persona, sees_arc, sees_margny
):
    """Three communes in two EPCI: Beauvais (CA du Beauvaisis), Compiègne and Margny (ARC)."""
    arc, beauvaisis = oise["epcis"][1], oise["epcis"][0]
    post("Pour tout le département")
    post("Pour l'ARC", arc)
    post("Pour Margny", oise["margny"])
    post("Pour le Beauvaisis", beauvaisis)
    consultation("Consultation départementale")
    consultation("Consultation de l'ARC", arc)
    consultation("Consultation de Margny", oise["margny"])
    consultation("Consultation du Beauvaisis", beauvaisis)
    user = request.getfixturevalue(persona)

    response = login(user).get("/")
    news = block(response, "news-title")
    consultations = block(response, "consultations-title")
    assert "Information for you" in news
    assert "Consultations open to you" in consultations
    assert "Pour tout le département" in news
    assert "Consultation départementale" in consultations
    assert ("Pour l'ARC" in news) is sees_arc
    assert ("Consultation de l'ARC" in consultations) is sees_arc
    assert ("Pour Margny" in news) is sees_margny
    assert ("Consultation de Margny" in consultations) is sees_margny
    in_beauvaisis = user.commune == oise["beauvais"]
    assert ("Pour le Beauvaisis" in news) is in_beauvaisis
    assert ("Consultation du Beauvaisis" in consultations) is in_beauvaisis


def test_only_open_published_consultations_show_and_answered_ones_say_so(
    login, other_resident, oise, consultation
):
    arc = oise["epcis"][1]
    consultation("Brouillon", arc, status=ConsultationStatus.DRAFT)
    consultation("Terminée", arc, opens_at=in_days(-20), closes_at=in_days(-1))
    consultation("À venir", arc, opens_at=in_days(3), closes_at=in_days(20))
    answered = consultation("Déjà répondu", arc)
    Response.objects.create(consultation=answered, member=other_resident, commune=oise["compiegne"])
    consultation("À répondre", arc)

    html = block(login(other_resident).get("/"), "consultations-title")
    for title in ("Brouillon", "Terminée", "À venir"):
        assert title not in html
    # Not answered yet first, then the ones answered (marked).
    assert html.index("À répondre") < html.index("Déjà répondu")
    assert "You answered" in html


def test_unpublished_scheduled_and_expired_information_stays_off_the_home_page(client, post):
    post("Brouillon", status=PostStatus.DRAFT)
    post("Programmée", publish_at=in_days(2))
    post("Expirée", publish_at=in_days(-5), expires_at=in_days(-1))
    post("En ligne")
    html = block(client.get("/"), "news-title")
    assert "En ligne" in html
    for title in ("Brouillon", "Programmée", "Expirée"):
        assert title not in html


def test_member_without_a_commune_is_asked_for_it_and_sees_the_departement_wide_version(
    login, oise, post
):
    post("Pour tout le département")
    post("Pour l'ARC", oise["epcis"][1])
    user = UserFactory(email="sans.commune@example.org", commune=None)
    response = login(user).get("/")
    html = page(response)
    assert "Give your commune of residence" in html
    assert 'href="/compte/profil/"' in html
    news = block(response, "news-title")
    assert "Pour tout le département" in news
    assert "Pour l'ARC" not in news


# --- groups -------------------------------------------------------------------------------------


@pytest.fixture
def private_group(resident):
    group = create_group(
        resident,
        name="Conseil citoyen du quartier",
        visibility=Visibility.PRIVATE,
        join_policy=JoinPolicy.INVITATION,
    )
    group_services.thread_create(
        group=group, author=resident, title="Ordre du jour confidentiel", body="Réunion jeudi."
    )
    return group


@pytest.fixture
def public_group(other_resident):
    group = create_group(other_resident, name="Club de lecture")
    group_services.thread_create(
        group=group, author=other_resident, title="Livre du mois", body="Des idées ?"
    )
    return group


def test_members_see_activity_of_their_groups_private_ones_included(
    login, resident, private_group, public_group
):
    html = block(login(resident).get("/"), "groups-title")
    assert "Recent activity in your groups" in html
    assert "Ordre du jour confidentiel" in html
    assert "Conseil citoyen du quartier" in html
    assert "Private" in html
    # Only their own groups: not the public group they did not join.
    assert "Livre du mois" not in html


def test_private_group_activity_never_shows_to_non_members(
    client, login, oise, private_group, public_group, other_resident, margny_resident
):
    for viewer in (None, other_resident, margny_resident):
        response = client.get("/") if viewer is None else login(viewer).get("/")
        html = page(response)
        assert "Ordre du jour confidentiel" not in html
        assert "Conseil citoyen du quartier" not in html
        assert "Livre du mois" in block(response, "groups-title")
        client.logout()


def test_a_member_who_left_a_private_group_no_longer_sees_its_activity(
    login, resident, margny_resident, private_group
):
    add_member(private_group, margny_resident)
    assert "Ordre du jour confidentiel" in block(login(margny_resident).get("/"), "groups-title")
    group_services.membership_leave(group=private_group, user=margny_resident)
    assert "Ordre du jour confidentiel" not in page(login(margny_resident).get("/"))


def test_deleted_groups_activity_is_not_shown(login, resident, private_group, moderator):
    Group.objects.filter(pk=private_group.pk).update(status=GroupStatus.DELETED)
    assert "Ordre du jour confidentiel" not in page(login(resident).get("/"))


def test_new_activity_since_the_member_last_read_is_marked(
    login, resident, margny_resident, private_group
):
    add_member(private_group, margny_resident)
    thread = Thread.objects.get(group=private_group)
    group_services.message_post(thread=thread, author=margny_resident, body="J'y serai.")
    html = block(login(resident).get("/"), "groups-title")
    assert "New activity" in html
    assert "1 reply" in html
    # The one who wrote last has read it.
    assert "New activity" not in block(login(margny_resident).get("/"), "groups-title")


# --- queries ------------------------------------------------------------------------------------


def add_volume(*, oise, council, owner, size, offset=0):
    """``size`` of everything the home page shows: events, posts, consultations, groups with
    discussions (private and public, ``owner`` a member of each)."""
    arc = oise["epcis"][1]
    now = timezone.now()
    for i in range(size):
        n = offset + i
        create_event(
            title=f"Fête {n}",
            created_by=council.agent,
            commune=oise["beauvais"] if i % 2 else oise["compiegne"],
            start=now + dt.timedelta(days=1 + i % 20),
        )
        create_post(
            author=council.agent,
            organisation=council,
            title=f"Information {n}",
            audience=[arc] if i % 2 else [],
        )
        create_consultation(
            organisation=council, title=f"Consultation {n}", audience=[arc] if i % 2 else []
        )
        group = Group.objects.create(
            name=f"Groupe {n}",
            slug=f"groupe-{n}",
            theme="sport",
            visibility=Visibility.PRIVATE if i % 2 else Visibility.PUBLIC,
            created_by=owner,
            member_count=1,
        )
        add_member(group, owner)
        thread = Thread.objects.create(group=group, title=f"Discussion {n}", author=owner)
        message = Message.objects.create(thread=thread, position=1, author=owner, body="Bonjour")
        Thread.objects.filter(pk=thread.pk).update(last_message=message, message_count=1)


@pytest.mark.parametrize("member_has_groups", [True, False])
def test_home_runs_a_fixed_number_of_queries_whatever_the_volume(
    client,
    login,
    oise,
    council,
    other_resident,
    resident,
    member_has_groups,
    django_assert_max_num_queries,
):
    owner = other_resident if member_has_groups else UserFactory(commune=oise["margny"])
    for size, offset in ((2, 0), (25, 100)):
        add_volume(oise=oise, council=council, owner=owner, size=size, offset=offset)
        client.logout()
        with django_assert_max_num_queries(VISITOR_QUERIES):
            assert client.get("/").status_code == 200
        member = login(other_resident)
        member.get("/")  # the first request of a session records it (user sessions)
        with django_assert_max_num_queries(MEMBER_QUERIES):
            response = member.get("/")
        assert response.status_code == 200
        html = page(response)
        assert ("Recent activity in your groups" in html) is member_has_groups
    # Each block shows its limit, not more.
    assert html.count('class="card"><article class="news-post"') == 4
    assert html.count('class="card"><article class="consultation-card"') == 4
    assert html.count('class="thread-row') == 5
    assert html.count('<article class="agenda-occurrence') == 6


# --- cached blocks (core.pagecache) -------------------------------------------------------------


def test_a_members_blocks_come_from_the_cache_and_a_new_event_shows_at_once(
    login, resident, council, django_assert_max_num_queries
):
    member = login(resident)
    member.get("/")
    # Session, member, their commune: the blocks themselves cost no query once cached.
    with django_assert_max_num_queries(3):
        assert "Fête de la Saint-Jean" not in page(member.get("/"))
    create_event(
        title="Fête de la Saint-Jean",
        created_by=council.agent,
        commune=resident.commune,
        start=timezone.now() + dt.timedelta(days=2),
    )
    assert "Fête de la Saint-Jean" in block(member.get("/"), "agenda-title")


def test_reading_the_discussion_clears_its_new_activity_badge_at_once(
    login, resident, margny_resident, private_group
):
    add_member(private_group, margny_resident)
    thread = Thread.objects.get(group=private_group)
    group_services.message_post(thread=thread, author=margny_resident, body="J'y serai.")
    member = login(resident)
    assert "New activity" in block(member.get("/"), "groups-title")
    assert member.get(thread.get_absolute_url()).status_code == 200
    assert "New activity" not in block(member.get("/"), "groups-title")


def test_a_visitors_blocks_are_reused_and_a_new_event_shows_at_once(
    client, council, oise, settings, django_assert_max_num_queries
):
    """The page rendered each time (the page cache off, or a page a write retired): the
    blocks nothing changed come from the cache (shared by all visitors)."""
    settings.PARVIS_PAGE_CACHE_SECONDS = 0
    client.get("/")
    with django_assert_max_num_queries(0):  # the blocks, and the figures (kept per version)
        assert "Fête de la Saint-Jean" not in page(client.get("/"))
    create_event(
        title="Fête de la Saint-Jean",
        created_by=council.agent,
        commune=oise["beauvais"],
        start=timezone.now() + dt.timedelta(days=2),
    )
    with django_assert_max_num_queries(2):  # the events block only
        assert "Fête de la Saint-Jean" in block(client.get("/"), "agenda-title")
