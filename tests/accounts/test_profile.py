"""The account area: settings hub, profile edit, public profile."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.accounts.models import DirectoryVisibility, MandateRole, ProfileKind, VerificationStatus

from ..factories import MandateFactory, MembershipFactory, OrganisationFactory
from .conftest import image_upload

SETTINGS = "/compte/parametres/"
PROFILE = "/compte/profil/"


def profile_url(user):
    return f"/membres/{user.pk}/"


@pytest.fixture
def profile_data(beauvais):
    return {
        "first_name": "Camille",
        "last_name": "Martin",
        "commune": "Beauvais (60000)",
        "bio": "Bénévole aux Restos du cœur.",
        "website": "https://camille.example.org",
        "links": "https://mastodon.social/@camille\nhttps://www.linkedin.com/in/camille",
        "directory_visibility": DirectoryVisibility.PUBLIC,
    }


# Settings hub


@pytest.mark.parametrize("url", [SETTINGS, PROFILE, "/compte/mandats/", "/compte/jetons/"])
def test_visitor_is_sent_to_log_in_and_comes_back(client, resident, password, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/compte/login/?next={url}"
    logged_in = client.post(
        response.url, {"login": resident.email, "password": password, "next": url}
    )
    assert logged_in.status_code == 302
    assert logged_in.url == url
    assert client.get(url).status_code == 200


def test_settings_hub_links_to_every_part_of_the_account(login, resident):
    html = login(resident).get(SETTINGS).content.decode()
    for href in (
        PROFILE,
        "/compte/email/",
        "/compte/password/change/",
        "/compte/sessions/",
        "/compte/2fa/",
        "/compte/mandats/",
        "/compte/jetons/",
        "/compte/logout/",
    ):
        assert f'href="{href}"' in html, href


# Profile edit


def test_member_edits_their_profile(login, resident, profile_data, compiegne):
    client = login(resident)
    page = client.get(PROFILE)
    assert page.status_code == 200
    assert 'value="Camille"' in page.content.decode()
    response = client.post(
        PROFILE, {**profile_data, "first_name": "  Camille  ", "commune": "compiegne"}
    )
    assert response.status_code == 302
    assert response.url == PROFILE
    resident.refresh_from_db()
    assert resident.first_name == "Camille"
    assert resident.commune == compiegne
    assert resident.bio == "Bénévole aux Restos du cœur."
    assert resident.website == "https://camille.example.org"
    assert resident.links == [
        "https://mastodon.social/@camille",
        "https://www.linkedin.com/in/camille",
    ]
    assert resident.directory_visibility == DirectoryVisibility.PUBLIC
    assert "Your profile has been saved." in client.get(PROFILE).content.decode()


def test_profile_kind_cannot_be_changed_by_the_member(login, resident, profile_data):
    login(resident).post(PROFILE, {**profile_data, "kind": ProfileKind.OFFICIAL})
    resident.refresh_from_db()
    assert resident.kind == ProfileKind.RESIDENT


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "required"),
        ({"first_name": "   "}, "first_name", "required"),
        ({"last_name": "www.promo.fr"}, "last_name", "cannot contain a web address"),
        ({"last_name": "moi@example.org"}, "last_name", "cannot contain an e-mail address"),
        ({"first_name": "x" * 81}, "first_name", "80 characters at most"),
        ({"first_name": "42"}, "first_name", "at least one letter"),
        ({"commune": ""}, "commune", "Enter your commune"),
        ({"commune": "Lyon"}, "commune", "No commune of our territory matches"),
        ({"bio": "x" * 601}, "bio", "at most 600 characters"),
        ({"website": "pas une adresse"}, "website", "valid URL"),
        ({"website": "javascript:alert(1)"}, "website", "valid URL"),
        ({"links": "javascript:alert(1)"}, "links", "is not a web address"),
        ({"links": "ftp://example.org"}, "links", "is not a web address"),
        (
            {"links": "\n".join(f"https://example.org/{n}" for n in range(6))},
            "links",
            "5 addresses at most",
        ),
        ({"directory_visibility": "everybody"}, "directory_visibility", "valid choice"),
        ({"directory_visibility": ""}, "directory_visibility", "required"),
    ],
)
def test_profile_form_refuses_bad_input_and_changes_nothing(
    login, resident, profile_data, change, field, message
):
    client = login(resident)
    response = client.post(PROFILE, {**profile_data, **change})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    resident.refresh_from_db()
    assert resident.bio == ""
    assert resident.links == []
    # The header still shows the saved name.
    assert "Camille Martin" in response.content.decode()


def test_photo_is_re_encoded_resized_stripped_and_renamed(login, resident, profile_data):
    exif = Image.Exif()
    exif[0x010F] = "Appareil secret"  # camera make
    upload = image_upload(name="ma-photo.jpg", size=(2000, 1500), fmt="JPEG", exif=exif)
    response = login(resident).post(PROFILE, {**profile_data, "photo": upload})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.photo.name.startswith("profiles/")
    assert resident.photo.name.endswith(".jpg")
    assert "ma-photo" not in resident.photo.name
    with Image.open(resident.photo.path) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) <= 400
        assert not stored.getexif()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile(
                "photo.jpg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                content_type="image/jpeg",
            ),
            "not a valid image",
        ),
        (
            SimpleUploadedFile(
                "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
            ),
            "not a valid image",
        ),
        (
            SimpleUploadedFile(
                "photo.jpg", b"x" * (5 * 1024 * 1024 + 1), content_type="image/jpeg"
            ),
            "too large",
        ),
        (image_upload(name="photo.tiff", fmt="TIFF"), "Only JPEG, PNG, WebP or GIF"),
    ],
    ids=["svg", "html", "too-large", "tiff"],
)
def test_photo_that_is_not_an_allowed_image_is_refused(
    login, resident, profile_data, upload, message
):
    upload.seek(0)
    response = login(resident).post(PROFILE, {**profile_data, "photo": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photo"])
    resident.refresh_from_db()
    assert not resident.photo


def test_member_removes_their_photo_and_the_file_is_deleted(
    login, resident, profile_data, png_photo, django_capture_on_commit_callbacks
):
    client = login(resident)
    client.post(PROFILE, {**profile_data, "photo": png_photo})
    resident.refresh_from_db()
    path = Path(resident.photo.path)
    assert path.exists()
    assert 'name="remove_photo"' in client.get(PROFILE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROFILE, {**profile_data, "remove_photo": "on"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert not resident.photo
    assert not path.exists()


def test_replacing_the_photo_deletes_the_old_file(
    login, resident, profile_data, django_capture_on_commit_callbacks
):
    client = login(resident)
    client.post(PROFILE, {**profile_data, "photo": image_upload()})
    resident.refresh_from_db()
    old = Path(resident.photo.path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, {**profile_data, "photo": image_upload(name="autre.png")})
    resident.refresh_from_db()
    assert Path(resident.photo.path).exists()
    assert Path(resident.photo.path) != old
    assert not old.exists()


def test_remove_photo_choice_only_shows_when_there_is_a_photo(login, resident):
    assert 'name="remove_photo"' not in login(resident).get(PROFILE).content.decode()


# Public profile


def test_public_profile_shows_identity_links_and_verified_mandates_only(
    client, official, oise, association, django_assert_max_num_queries
):
    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.bio = "Maire de Compiègne."
    official.website = "https://jean-moreau.example.org"
    official.links = ["https://mastodon.social/@jmoreau", "javascript:alert(1)"]
    official.save()
    MandateFactory(
        user=official,
        role=MandateRole.DEPARTMENTAL_COUNCILLOR,
        territory=oise["departement"],
        status=VerificationStatus.PENDING,
    )
    MandateFactory(
        user=official,
        role=MandateRole.EPCI_PRESIDENT,
        territory=oise["epcis"][1],
        status=VerificationStatus.REJECTED,
    )
    MembershipFactory(organisation=association, user=official)
    with django_assert_max_num_queries(8):
        response = client.get(profile_url(official))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Jean Moreau</h1>" in html
    assert "Elected official" in html
    assert "Verified elected official" in html
    assert 'Mayor — <a href="/communes/60159-compiegne/">Compiègne</a>' in html
    assert "Departmental councillor" not in html
    assert "President of an EPCI" not in html
    assert "Maire de Compiègne." in html
    assert 'href="https://jean-moreau.example.org" rel="me nofollow noopener"' in html
    assert 'href="https://mastodon.social/@jmoreau" rel="me nofollow noopener"' in html
    assert "javascript:" not in html
    assert "Les Amis du Beauvaisis" in html


def test_pending_mandate_gives_no_badge(client, resident, pending_mandate):
    resident.directory_visibility = DirectoryVisibility.PUBLIC
    resident.save()
    html = client.get(profile_url(resident)).content.decode()
    assert "Verified" not in html
    assert "Municipal councillor" not in html


def test_profile_photo_has_alt_text(client, login, resident, profile_data, png_photo):
    login(resident).post(PROFILE, {**profile_data, "photo": png_photo})
    html = client.get(profile_url(resident)).content.decode()
    assert 'alt="Photo of Camille Martin"' in html


def test_public_profile_query_count_does_not_grow_with_mandates_and_organisations(
    client, official, oise, django_assert_max_num_queries
):
    official.directory_visibility = DirectoryVisibility.PUBLIC
    official.save()
    for _ in range(5):
        MembershipFactory(organisation=OrganisationFactory(commune=oise["beauvais"]), user=official)
    for role, territory in [
        (MandateRole.DEPARTMENTAL_COUNCILLOR, oise["departement"]),
        (MandateRole.EPCI_COUNCILLOR, oise["epcis"][1]),
        (MandateRole.MUNICIPAL_COUNCILLOR, oise["margny"]),
    ]:
        MandateFactory(user=official, role=role, territory=territory)
    with django_assert_max_num_queries(8):
        response = client.get(profile_url(official))
    assert response.status_code == 200
    assert response.content.decode().count("Association numéro") == 5


@pytest.mark.parametrize(
    ("visibility", "visitor_sees", "member_sees"),
    [
        (DirectoryVisibility.PUBLIC, 200, 200),
        (DirectoryVisibility.MEMBERS, 404, 200),
        (DirectoryVisibility.HIDDEN, 404, 404),
    ],
)
def test_profile_visibility_follows_the_members_choice(
    client, login, resident, other_resident, visibility, visitor_sees, member_sees
):
    resident.directory_visibility = visibility
    resident.save()
    assert client.get(profile_url(resident)).status_code == visitor_sees
    assert login(other_resident).get(profile_url(resident)).status_code == member_sees


def test_member_always_sees_their_own_profile(login, resident):
    resident.directory_visibility = DirectoryVisibility.HIDDEN
    resident.save()
    response = login(resident).get(profile_url(resident))
    assert response.status_code == 200
    assert 'href="/compte/profil/"' in response.content.decode()


def test_inactive_or_unknown_member_profile_is_404(client, resident):
    resident.directory_visibility = DirectoryVisibility.PUBLIC
    resident.is_active = False
    resident.save()
    assert client.get(profile_url(resident)).status_code == 404
    assert client.get("/membres/999999/").status_code == 404
