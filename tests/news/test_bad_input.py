"""Bad input gets a clear message and changes nothing: hostile Markdown, forged territory ids,
bad images, bad dates, bad pages and filters, forged follow forms."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.news.models import Category, Follow, Post, PostStatus

HOSTILE = (
    "<script>alert('xss')</script>\n\n"
    "[cliquez ici](javascript:alert(1))\n\n"
    '<img src=x onerror="alert(2)">\n\n'
    '<iframe src="https://evil.example"></iframe>\n\n'
    "**Texte normal**"
)


def form_data(**overrides):
    return {
        "title": "Information",
        "body": "Un texte.",
        "category": Category.objects.get(slug="vie-locale").pk,
        "publisher": "self",
        "publish": "1",
        **overrides,
    }


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_hostile_markdown_is_stored_as_written_and_rendered_harmless(login, official, client):
    login(official).post("/actualites/publier/", form_data(body=HOSTILE))
    post = Post.objects.get()
    assert post.body == HOSTILE

    page = client.get(post.get_absolute_url()).content.decode()
    body = page.split('<div class="richtext">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in body
    assert "javascript:" not in body
    assert "onerror" not in body
    assert "<iframe" not in body
    assert "<strong>Texte normal</strong>" in body


def test_hostile_markdown_stays_harmless_in_the_feeds_and_cards(client, make_post):
    make_post(title="Piège", body=HOSTILE)

    page = client.get("/actualites/").content.decode()
    feed = client.get("/actualites/flux.rss").content.decode()

    assert "<script>alert" not in page
    assert "<script>alert" not in feed and "javascript:" not in feed


def test_forged_territory_id_is_refused_and_nothing_is_created(login, official):
    response = login(official).post("/actualites/publier/", form_data(audience=["987654321"]))

    assert response.status_code == 200
    assert "Choose territories of the list" in response.content.decode()
    assert not Post.objects.exists()


def test_commune_primary_key_forged_into_the_epci_list_is_refused(login, official, oise):
    response = login(official).post(
        "/actualites/publier/", form_data(audience=[str(oise["beauvais"].pk)])
    )

    assert "Choose territories of the list" in response.content.decode()
    assert not Post.objects.exists()


def test_unknown_commune_is_refused_with_its_name(login, official):
    response = login(official).post(
        "/actualites/publier/", form_data(audience_communes="Beauvais\nAtlantis")
    )

    assert "No commune of our territory matches “Atlantis”" in response.content.decode()
    assert not Post.objects.exists()


def test_forged_publisher_is_refused(login, official, association):
    response = login(official).post("/actualites/publier/", form_data(publisher=association.pk))

    assert "Choose yourself (as an elected official) or an organisation you run." in (
        response.content.decode()
    )
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "x.jpg"),
        (b"not an image at all", "photo.png"),
        (b"GIF89a" + b"\x00" * 20, "broken.gif"),
    ],
)
def test_bad_image_is_refused_with_a_message(login, official, content, name):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")

    response = login(official).post("/actualites/publier/", form_data(image=upload))

    assert response.status_code == 200
    assert "not a valid image" in response.content.decode()
    assert not Post.objects.exists()


def test_good_image_is_re_encoded_as_jpeg(login, official):
    upload = SimpleUploadedFile("carte.png", png_bytes(), content_type="image/png")

    login(official).post(
        "/actualites/publier/", form_data(image=upload, image_alt="Plan du quartier")
    )

    post = Post.objects.get()
    assert post.image.name.startswith("news/") and post.image.name.endswith(".jpg")
    with Image.open(post.image.path) as image:
        assert image.format == "JPEG"
    assert post.image_alt == "Plan du quartier"


def test_past_publication_date_is_refused(login, official):
    response = login(official).post(
        "/actualites/publier/", form_data(publish_date="2020-01-01", publish_time="10:00")
    )

    assert "The publication date is past" in response.content.decode()
    assert not Post.objects.exists()


def test_end_of_display_before_the_publication_is_refused(login, official):
    response = login(official).post(
        "/actualites/publier/",
        form_data(publish_date="2099-06-10", expires_on="2099-06-01"),
    )

    assert "must come after the publication date" in response.content.decode()
    assert not Post.objects.exists()


def test_bad_date_text_is_refused(login, official):
    response = login(official).post("/actualites/publier/", form_data(publish_date="demain"))

    assert response.status_code == 200
    assert not Post.objects.exists()


def test_bad_change_leaves_the_post_as_it_was(login, agent, make_post):
    post = make_post(title="Intact")

    response = login(agent).post(
        f"/actualites/{post.pk}-{post.slug}/modifier/",
        form_data(title="", publisher=str(post.organisation_id), audience=["0"], save="1"),
    )

    assert response.status_code == 200
    post.refresh_from_db()
    assert post.title == "Intact"


@pytest.mark.parametrize(
    "query", ["page=abc", "page=-1", "page=99999", "page=1.5", "page=" + "9" * 40]
)
def test_bad_page_numbers_answer_a_page(client, make_post, query):
    make_post()
    response = client.get(f"/actualites/?{query}")
    assert response.status_code == 200


def test_unknown_commune_and_category_are_reported_and_ignored(client, make_post):
    make_post(title="Pour tout le département")

    response = client.get("/actualites/?commune=Atlantis&categorie=inconnue&epci=zzz")

    page = response.content.decode()
    assert response.status_code == 200
    assert "No commune of our territory matches “Atlantis”" in page
    assert "Unknown category" in page
    assert "Pour tout le département" in page


def test_overlong_commune_is_reported(client, db):
    response = client.get("/actualites/", {"commune": "x" * 5000})
    assert response.status_code == 200
    assert "No commune of our territory" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "territoire", "id": "987654321"},
        {"kind": "territoire", "id": "abc"},
        {"kind": "territoire", "id": "9" * 40},
        {"kind": "planete", "id": "1"},
        {},
    ],
)
def test_forged_follow_form_is_refused_and_nothing_changes(login, resident, data):
    response = login(resident).post("/actualites/suivre/", data, follow=True)

    assert response.status_code == 200
    assert "nothing was changed" in response.content.decode()
    assert not Follow.objects.exists()


def test_following_an_organisation_not_verified_is_refused(
    login, resident, pending_association_manager
):
    organisation = pending_association_manager.pending_organisation

    response = login(resident).post(
        "/actualites/suivre/", {"kind": "organisation", "id": organisation.pk}, follow=True
    )

    assert "nothing was changed" in response.content.decode()
    assert not Follow.objects.exists()


def test_following_a_member_who_does_not_allow_it_is_refused(login, resident, other_resident):
    other_resident.allow_follows = False
    other_resident.save(update_fields=["allow_follows"])
    response = login(resident).post(
        "/actualites/suivre/", {"kind": "membre", "id": other_resident.pk}, follow=True
    )

    assert "This member does not wish to be followed." in response.content.decode()
    assert not Follow.objects.exists()


def test_get_on_the_follow_address_is_not_allowed(login, resident):
    assert login(resident).get("/actualites/suivre/").status_code == 405


def test_publishing_a_post_someone_else_runs_is_refused(login, resident, make_post):
    draft = make_post(status=PostStatus.DRAFT, publish_at=None)

    response = login(resident).post(f"/actualites/{draft.pk}-{draft.slug}/publier/")

    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == PostStatus.DRAFT
