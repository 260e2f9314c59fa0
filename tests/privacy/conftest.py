"""Fixtures of the personal-data tests: a member with data in every app.

``camille`` (the ``resident`` persona) owns a public group with another member (handed over
to them when she leaves) and a private group alone (closed), manages "Les Amis du Beauvaisis"
with an editor (handed over) and "Atelier vélo" alone (closed), organises events, writes
messages and comments, answers a consultation, follows, reports, has a photo, a mandate, an
API token, an authenticator and a session. ``hugo`` (``other_resident``) writes in a private
group Camille belongs to: his messages must never reach Camille's archive.
"""

import io
import zipfile

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.files.base import ContentFile
from PIL import Image

from parvis.accounts import services as account_services
from parvis.accounts.models import MandateRole, VerificationStatus
from parvis.agenda.models import Rsvp
from parvis.comments.models import Comment
from parvis.consultations.models import Response
from parvis.groups import services as group_services
from parvis.groups.models import Role, Visibility
from parvis.moderation.services import report_create
from parvis.news.models import Follow
from parvis.notifications.models import Notification, NotificationPreference
from parvis.organisations.models import OrganisationRole

from ..agenda.conftest import create_event
from ..consultations.conftest import create_consultation
from ..factories import MandateFactory, MembershipFactory, OrganisationFactory, UserFactory
from ..groups.conftest import add_member, create_group
from ..news.conftest import create_post

MFA_SECRET = "JBSWY3DPEHPK3PXP"
HUGO_PRIVATE_TEXT = "Le code de la porte du local est 4512, ne le diffusez pas."


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.PARVIS_STAFF_MFA_REQUIRED = False
    settings.PARVIS_NEW_ACCOUNT_DAYS = 0


@pytest.fixture(autouse=True)
def _storages(settings, tmp_path):
    """Media and private files in temporary directories (never under each other)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def jpeg_bytes(color=(11, 79, 138)):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def read_archive(content):
    """``(data, names)`` of a downloaded archive: data.json parsed, and the file names."""
    import json

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return json.loads(archive.read("data.json")), set(archive.namelist())


@pytest.fixture
def camille(resident):
    return resident


@pytest.fixture
def hugo(other_resident):
    return other_resident


@pytest.fixture
def successor(oise):
    """Lucas: a member of Camille's public group and editor of her association."""
    return UserFactory(
        email="lucas.bernard@example.org",
        first_name="Lucas",
        last_name="Bernard",
        commune=oise["margny"],
    )


@pytest.fixture
def rich(camille, hugo, successor, oise, association):
    """Camille's data in every app; returns the objects the tests look at."""
    beauvais = oise["beauvais"]
    account_services.profile_update(
        user=camille,
        bio="Bénévole aux Restos du cœur, jardinière.",
        website="https://camille.example.org",
        links=["https://mastodon.social/@camille"],
    )
    camille.photo.save("photo.jpg", ContentFile(jpeg_bytes()), save=True)
    MandateFactory(
        user=camille,
        role=MandateRole.MUNICIPAL_COUNCILLOR,
        territory=beauvais,
        status=VerificationStatus.PENDING,
    )
    token, _key = account_services.api_token_create(user=camille, name="Mon script")
    Authenticator.objects.create(
        user=camille, type=Authenticator.Type.TOTP, data={"secret": MFA_SECRET}
    )
    UserSession.objects.create(
        user=camille, ip="192.0.2.10", user_agent="Firefox/140", session_key="s" * 32
    )

    # Organisations: one with an editor (handed over), one alone (closed).
    MembershipFactory(organisation=association, user=camille, role=OrganisationRole.MANAGER)
    MembershipFactory(organisation=association, user=successor, role=OrganisationRole.EDITOR)
    workshop = OrganisationFactory(name="Atelier vélo", slug="atelier-velo", commune=beauvais)
    MembershipFactory(organisation=workshop, user=camille, role=OrganisationRole.MANAGER)

    # Events: her own (with an image), one of the association, and one of Hugo she goes to.
    own_event = create_event(created_by=camille, commune=beauvais, title="Troc de graines")
    own_event.image.save("event.jpg", ContentFile(jpeg_bytes((200, 10, 10))), save=True)
    association_event = create_event(
        created_by=camille, commune=beauvais, organisation=association, title="Assemblée générale"
    )
    workshop_event = create_event(
        created_by=camille, commune=beauvais, organisation=workshop, title="Réparation de vélos"
    )
    hugo_event = create_event(created_by=hugo, commune=oise["compiegne"], title="Loto")
    occurrence = hugo_event.occurrences.get()
    Rsvp.objects.create(occurrence=occurrence, user=camille)
    occurrence.rsvp_count = 1
    occurrence.save(update_fields=["rsvp_count"])
    own_occurrence = own_event.occurrences.get()
    Rsvp.objects.create(occurrence=own_occurrence, user=hugo)
    own_occurrence.rsvp_count = 1
    own_occurrence.save(update_fields=["rsvp_count"])

    # Groups.
    public_group = create_group(camille, name="Jardins partagés")
    add_member(public_group, successor)
    lonely_group = create_group(camille, name="Club de lecture", visibility=Visibility.PRIVATE)
    hugo_group = create_group(hugo, name="Voisins de Compiègne", visibility=Visibility.PRIVATE)
    add_member(hugo_group, camille, role=Role.MEMBER)
    answered = group_services.thread_create(
        group=public_group, author=camille, title="Graines de tomates", body="Qui en veut ?"
    )
    group_services.message_post(thread=answered, author=successor, body="Moi !")
    camille_reply = group_services.message_post(
        thread=answered, author=camille, body="Je les apporte samedi."
    )
    group_services.message_edit(
        message=camille_reply, editor=camille, body="Je les apporte dimanche."
    )
    alone = group_services.thread_create(
        group=public_group, author=camille, title="Compost", body="Où est le bac ?"
    )
    hugo_thread = group_services.thread_create(
        group=hugo_group, author=hugo, title="Réunion", body=HUGO_PRIVATE_TEXT
    )
    in_hugo_group = group_services.message_post(
        thread=hugo_thread, author=camille, body="Merci Hugo, je viendrai."
    )

    # News: a post of her own; follows both ways.
    post = create_post(author=camille, title="Fermeture de la mairie annexe")
    Follow.objects.create(user=camille, territory=beauvais)
    Follow.objects.create(user=hugo, followed_user=camille)

    # Consultations: an answer and a comment.
    institution = OrganisationFactory(
        name="Conseil départemental",
        slug="conseil-departemental",
        kind="institution",
        rna="",
        siren="226000016",
        commune=beauvais,
    )
    consultation = create_consultation(organisation=institution)
    response = Response.objects.create(consultation=consultation, member=camille, commune=beauvais)
    comment = Comment.objects.create(
        target=f"consultations.consultation:{consultation.pk}",
        author=camille,
        body="Plus de pistes cyclables !",
        body_html="<p>Plus de pistes cyclables !</p>",
    )

    # Notifications, preferences, a report she made.
    Notification.objects.create(
        recipient=camille, type_key="privacy.export_ready", params={"expires": "demain"}
    )
    Notification.objects.create(
        recipient=hugo,
        actor=camille,
        type_key="privacy.export_ready",
        params={"expires": "demain", "who": "Camille Martin"},
    )
    NotificationPreference.objects.create(
        member=camille, type_key="privacy.organisation_handed_over", delivery="daily"
    )
    hugo_message = hugo_thread.messages.get(position=1)
    report = report_create(reporter=camille, obj=hugo_message, reason="other", details="Un code")

    return {
        "token": token,
        "workshop": workshop,
        "own_event": own_event,
        "association_event": association_event,
        "workshop_event": workshop_event,
        "hugo_event": hugo_event,
        "public_group": public_group,
        "lonely_group": lonely_group,
        "hugo_group": hugo_group,
        "answered": answered,
        "alone": alone,
        "camille_reply": camille_reply,
        "in_hugo_group": in_hugo_group,
        "hugo_thread": hugo_thread,
        "post": post,
        "consultation": consultation,
        "response": response,
        "comment": comment,
        "report": report,
    }
