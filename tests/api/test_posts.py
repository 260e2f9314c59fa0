"""API of the targeted information: /api/actualites/ (read for all, writes for publishers,
same rules as the pages)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from parvis.news.models import Post, PostStatus
from parvis.organisations.models import OrganisationKind, OrganisationRole
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.news.conftest import create_post


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def institution(oise):
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
    user = UserFactory(email="agent@compiegne.example", commune=oise["compiegne"])
    MembershipFactory(organisation=institution, user=user, role=OrganisationRole.EDITOR)
    return user


@pytest.fixture
def make_post(agent, institution):
    def _make(**fields):
        if "author" not in fields:
            fields["author"] = agent
            fields.setdefault("organisation", institution)
        return create_post(**fields)

    return _make


def titles(response):
    return [post["title"] for post in response.json()["results"]]


def payload(**overrides):
    return {
        "title": "Coupure d'eau",
        "body": "Mardi **matin**.",
        "category": "vie-locale",
        **overrides,
    }


# --- reading ------------------------------------------------------------------------------------


def test_visitor_lists_live_posts_newest_first(api, make_post, oise):
    now = timezone.now()
    make_post(title="Ancien", publish_at=now - dt.timedelta(days=2))
    make_post(title="Récent", audience=[oise["margny"]])
    make_post(title="Brouillon", status=PostStatus.DRAFT, publish_at=None)
    make_post(title="Programmé", publish_at=now + dt.timedelta(days=1))

    response = api.get("/api/actualites/")

    assert response.status_code == 200
    assert titles(response) == ["Récent", "Ancien"]
    recent = response.json()["results"][0]
    assert recent["organisation"] == {
        "slug": "mairie-de-compiegne",
        "name": "Mairie de Compiègne",
        "kind": "institution",
    }
    assert recent["official"] is None
    assert recent["audience"] == [
        {
            "id": oise["margny"].pk,
            "kind": "commune",
            "code": "60382",
            "name": "Margny-lès-Compiègne",
        }
    ]
    assert (
        recent["body_html"]
        == "<p>La circulation sera <strong>alternée</strong> pendant trois semaines.</p>"
    )
    assert recent["web_url"].endswith(f"/actualites/{recent['id']}-recent/")
    assert "email" not in str(recent)


def test_filters_by_commune_territory_organisation_official_and_category(
    api, make_post, oise, official
):
    make_post(title="Pour Margny", audience=[oise["margny"]])
    make_post(title="Pour Beauvais", audience=[oise["beauvais"]])
    make_post(title="Partout")
    make_post(title="Mot du maire", author=official, organisation=None)

    assert titles(api.get("/api/actualites/?commune=60382")) == [
        "Mot du maire",
        "Partout",
        "Pour Margny",
    ]
    epci = oise["epcis"][1].pk
    assert titles(api.get(f"/api/actualites/?territory={epci}")) == ["Pour Margny"]
    assert titles(api.get("/api/actualites/?organisation=mairie-de-compiegne")) == [
        "Partout",
        "Pour Beauvais",
        "Pour Margny",
    ]
    assert titles(api.get(f"/api/actualites/?official={official.pk}")) == ["Mot du maire"]
    assert titles(api.get("/api/actualites/?category=travaux-voirie")) == []


def test_malformed_filters_answer_400_with_messages(api, oise):
    response = api.get(
        "/api/actualites/?commune=abc&territory=x&organisation=nope&official=z&category=zz"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"commune", "territory", "organisation", "official", "category"}


def test_unknown_commune_code_answers_400(api, oise):
    response = api.get("/api/actualites/?commune=99999")
    assert response.status_code == 400
    assert "commune" in response.json()


def test_draft_is_not_found_for_others_but_read_by_its_team(
    api, api_as, make_post, agent, resident
):
    draft = make_post(title="Brouillon", status=PostStatus.DRAFT, publish_at=None)

    assert api.get(f"/api/actualites/{draft.pk}/").status_code == 404
    assert api_as(resident).get(f"/api/actualites/{draft.pk}/").status_code == 404
    assert api_as(agent).get(f"/api/actualites/{draft.pk}/").json()["status"] == "draft"
    assert titles(api_as(agent).get("/api/actualites/?mine=1")) == ["Brouillon"]
    assert api.get("/api/actualites/?mine=1").status_code in (401, 403)


def test_posts_are_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert "/api/actualites/" in schema["paths"]
    assert "post" in schema["paths"]["/api/actualites/"]
    assert "/api/actualites/{id}/depublier/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/actualites/"]["get"]["parameters"]}
    assert {"commune", "territory", "organisation", "official", "category"} <= parameters


def test_list_query_count_does_not_depend_on_the_number_of_posts(
    api, make_post, oise, django_assert_max_num_queries
):
    # The page's own 3, and, stored in the page cache after a write to the information, the
    # next post due by itself (``pagecache.schedule``, read once).
    make_post(audience=[oise["margny"]])
    with django_assert_max_num_queries(3 + 1):
        api.get("/api/actualites/")
    for number in range(30):
        make_post(title=f"Post {number}", audience=[oise["margny"], oise["beauvais"]])
    with django_assert_max_num_queries(3 + 1):
        assert len(titles(api.get("/api/actualites/"))) == 31


# --- writing ------------------------------------------------------------------------------------


def test_visitor_cannot_write(api, oise):
    assert api.post("/api/actualites/", payload(), format="json").status_code in (401, 403)
    assert not Post.objects.exists()


def test_resident_cannot_publish(api_as, resident):
    response = api_as(resident).post("/api/actualites/", payload(), format="json")

    assert response.status_code == 403
    assert "verified" in response.json()["detail"]
    assert not Post.objects.exists()


def test_official_publishes_in_their_name_targeted_at_an_epci(api_as, official, oise):
    response = api_as(official).post(
        "/api/actualites/", payload(audience=[oise["epcis"][1].pk]), format="json"
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "published"
    assert data["official"] == {"id": official.pk, "name": "Jean Moreau"}
    assert [t["code"] for t in data["audience"]] == ["246000756"]


def test_agent_schedules_a_post_for_the_town_hall(api_as, agent, institution):
    when = timezone.now() + dt.timedelta(days=2)
    response = api_as(agent).post(
        "/api/actualites/",
        payload(organisation="mairie-de-compiegne", publish_at=when.isoformat()),
        format="json",
    )

    assert response.status_code == 201
    post = Post.objects.get()
    assert post.is_scheduled
    assert post.organisation == institution


def test_member_cannot_publish_for_an_organisation_they_do_not_run(api_as, official, association):
    response = api_as(official).post(
        "/api/actualites/", payload(organisation=association.slug), format="json"
    )

    assert response.status_code == 403
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"audience": [987654321]},
        {"audience": ["abc"]},
        {"category": "inconnue"},
        {"title": ""},
        {"publish_at": "2001-01-01T10:00:00+01:00"},
        {"expires_at": "hier"},
    ],
)
def test_bad_input_answers_400_and_creates_nothing(api_as, official, overrides):
    response = api_as(official).post("/api/actualites/", payload(**overrides), format="json")

    assert response.status_code == 400
    assert set(overrides) <= set(response.json()) | {"publish_at"}
    assert not Post.objects.exists()


def test_team_changes_unpublishes_and_publishes_a_post(api_as, agent, make_post):
    post = make_post(title="Avant")
    client = api_as(agent)

    changed = client.patch(f"/api/actualites/{post.pk}/", {"title": "Après"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["title"] == "Après"

    unpublished = client.post(f"/api/actualites/{post.pk}/depublier/", {}, format="json")
    assert unpublished.json()["status"] == "unpublished"

    published = client.post(f"/api/actualites/{post.pk}/publier/")
    assert published.json()["status"] == "published"


def test_stranger_cannot_change_or_unpublish(api_as, resident, make_post):
    post = make_post(title="Intact")
    client = api_as(resident)

    assert (
        client.patch(f"/api/actualites/{post.pk}/", {"title": "X"}, format="json").status_code
        == 403
    )
    assert (
        client.post(f"/api/actualites/{post.pk}/depublier/", {}, format="json").status_code == 403
    )
    post.refresh_from_db()
    assert (post.title, post.status) == ("Intact", PostStatus.PUBLISHED)


def test_moderator_unpublishes_with_a_reason(
    api_as, moderator, agent, make_post, django_capture_on_commit_callbacks
):
    post = make_post()
    client = api_as(moderator)

    assert (
        client.post(f"/api/actualites/{post.pk}/depublier/", {}, format="json").status_code == 400
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/actualites/{post.pk}/depublier/", {"reason": "Hors charte."}, format="json"
        )

    assert response.status_code == 200
    assert mail.outbox[0].to == [agent.email]


def test_hostile_markdown_is_returned_sanitised(api_as, api, official):
    api_as(official).post(
        "/api/actualites/",
        payload(body="<script>alert(1)</script>[x](javascript:alert(2)) **ok**"),
        format="json",
    )

    html = api.get("/api/actualites/").json()["results"][0]["body_html"]

    assert "<script" not in html and "javascript:" not in html
    assert "<strong>ok</strong>" in html


def test_bad_image_answers_400_and_creates_nothing(api_as, official):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")

    response = api_as(official).post("/api/actualites/", {**payload(), "image": upload})

    assert response.status_code == 400
    assert "image" in response.json()
    assert not Post.objects.exists()


def test_image_is_accepted_as_multipart_and_re_encoded(api_as, official):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(buffer, format="PNG")
    upload = SimpleUploadedFile("carte.png", buffer.getvalue(), content_type="image/png")

    response = api_as(official).post(
        "/api/actualites/", {**payload(), "image": upload, "image_alt": "Carte"}
    )

    assert response.status_code == 201, response.json()
    assert response.json()["image"].endswith(".jpg")
    assert response.json()["image_alt"] == "Carte"
