"""“Download my data”: the archive is built in the background, holds everything about the
member and nothing private of others, and only its owner downloads it until it expires."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from parvis.moderation.models import AuditEntry
from parvis.notifications.models import Notification
from parvis.privacy import services
from parvis.privacy.models import DataExport, ExportStatus
from parvis.privacy.tasks import exports_maintain

from .conftest import HUGO_PRIVATE_TEXT, MFA_SECRET, read_archive

DATA = "/compte/donnees/"


@pytest.fixture
def request_export(login, django_capture_on_commit_callbacks):
    """``request_export(member)``: the member asks for an archive; the background task runs
    (eagerly) once the request's transaction commits. Returns the export."""

    def _request(member):
        client = login(member)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(DATA)
        assert response.status_code == 302
        return DataExport.objects.filter(member=member).latest("requested_at")

    return _request


def download(client, export):
    response = client.get(export.get_absolute_url())
    if response.status_code != 200:
        return response, None
    return response, b"".join(response.streaming_content)


def test_visitor_is_sent_to_log_in(visitor, camille):
    response = visitor.get(DATA)
    assert response.status_code == 302
    assert response.url.startswith("/compte/login/")
    assert visitor.post(DATA).status_code == 302
    assert not DataExport.objects.exists()


def test_data_page_is_linked_from_the_account_settings(login, camille):
    html = login(camille).get("/compte/parametres/").content.decode()
    assert f'href="{DATA}"' in html


def test_member_asks_for_an_archive_and_is_told_when_it_is_ready(camille, request_export, login):
    export = request_export(camille)
    assert export.status == ExportStatus.READY
    assert export.expires_at - export.ready_at == dt.timedelta(
        days=settings.PARVIS_EXPORT_RETENTION_DAYS
    )
    notification = Notification.objects.get(recipient=camille, type_key="privacy.export_ready")
    assert notification.url == DATA
    [email] = [m for m in mail.outbox if camille.email in m.to]
    assert "archive of your data is ready" in email.subject
    assert f"{settings.PARVIS_SITE_URL}{export.get_absolute_url()}" in email.body
    page = login(camille).get(DATA).content.decode()
    assert export.get_absolute_url() in page
    assert AuditEntry.objects.filter(action="gdpr.export", actor=camille).count() == 1


def test_archive_holds_the_members_data_and_files(camille, rich, request_export, login):
    export = request_export(camille)
    response, content = download(login(camille), export)
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data, names = read_archive(content)

    member = data["member"]
    assert member["email"] == "camille.martin@example.org"
    assert member["first_name"] == "Camille"
    assert member["bio"] == "Bénévole aux Restos du cœur, jardinière."
    assert member["links"] == ["https://mastodon.social/@camille"]
    assert member["commune"].startswith("Beauvais")
    assert "password" not in member
    assert {"data.json", "README.txt", f"files/{camille.photo.name}"} <= names
    assert f"files/{rich['own_event'].image.name}" in names
    assert member["photo"] == f"files/{camille.photo.name}"

    sections = data["sections"]
    assert [row["email"] for row in sections["email_addresses"]] == [camille.email]
    assert sections["mandates"][0]["role"] == "municipal_councillor"
    assert sections["api_tokens"] == [
        {
            "name": "Mon script",
            "prefix": rich["token"].prefix,
            "created_at": rich["token"].created_at.isoformat(),
            "last_used_at": None,
        }
    ]
    assert sections["two_factor_authentication"][0]["type"] == "totp"
    assert "192.0.2.10" in {row["ip"] for row in sections["sessions"]}
    assert {row["organisation"] for row in sections["organisation_roles"]} == {
        "Les Amis du Beauvaisis",
        "Atelier vélo",
    }
    assert {row["title"] for row in sections["events_created"]} == {
        "Troc de graines",
        "Assemblée générale",
        "Réparation de vélos",
    }
    assert [row["event"] for row in sections["event_participations"]] == ["Loto"]
    assert {row["group"] for row in sections["group_memberships"]} == {
        "Jardins partagés",
        "Club de lecture",
        "Voisins de Compiègne",
    }
    assert {row["title"] for row in sections["group_discussions_started"]} == {
        "Graines de tomates",
        "Compost",
    }
    bodies = {row["body"] for row in sections["group_messages"]}
    assert bodies == {
        "Qui en veut ?",
        "Je les apporte dimanche.",
        "Où est le bac ?",
        "Merci Hugo, je viendrai.",
    }
    edited = next(r for r in sections["group_messages"] if r["body"] == "Je les apporte dimanche.")
    assert [v["text"] for v in edited["former_versions"]] == ["Je les apporte samedi."]
    assert [row["title"] for row in sections["posts"]] == ["Fermeture de la mairie annexe"]
    assert [row["territory"][:8] for row in sections["follows"]] == ["Beauvais"]
    assert sections["consultation_answers"][0]["consultation"] == "Plan vélo départemental"
    # Her comment on the consultation: the comments app's, like those on events and posts.
    (comment,) = sections["comments"]
    assert comment["body"] == "Plus de pistes cyclables !"
    assert comment["target"].startswith("consultations.consultation:")
    assert comment["url"].endswith(f"#commentaire-{rich['comment'].pk}")
    assert [row["type_key"] for row in sections["notifications"]] == ["privacy.export_ready"]
    assert sections["notification_preferences"][0]["delivery"] == "daily"
    assert sections["reports_made"][0]["details"] == "Un code"
    assert sections["data_exports"][0]["status"] == "pending"  # itself, while being built


def test_archive_never_holds_secrets_or_other_members_private_data(
    camille, hugo, rich, request_export, login
):
    export = request_export(camille)
    _response, content = download(login(camille), export)
    data, _names = read_archive(content)
    text = str(data)
    assert MFA_SECRET not in text
    assert rich["token"].key_hash not in text
    assert camille.password not in text
    # Hugo's message in the private group Camille belongs to is his, not hers.
    assert HUGO_PRIVATE_TEXT not in text
    assert "Moi !" not in text  # Lucas's reply in Camille's own discussion
    # Who follows Camille and whom Hugo notified are their data.
    assert "hugo.lefebvre@example.org" not in text
    assert "Lefebvre" not in text


def test_another_member_gets_a_404(camille, hugo, request_export, login, client):
    export = request_export(camille)
    client.logout()
    response, _ = download(login(hugo), export)
    assert response.status_code == 404


def test_visitor_is_sent_to_log_in_for_the_download(camille, request_export, client):
    export = request_export(camille)
    client.logout()
    response = client.get(export.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith("/compte/login/")


def test_download_is_recorded_in_the_audit_log(camille, request_export, login):
    export = request_export(camille)
    download(login(camille), export)
    export.refresh_from_db()
    assert export.downloaded_at is not None
    assert AuditEntry.objects.filter(action="gdpr.export_download", actor=camille).exists()


def test_archive_is_stored_out_of_the_public_media(camille, request_export, settings):
    export = request_export(camille)
    private = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    path = private / export.file_name
    assert path.is_file()
    assert Path(settings.MEDIA_ROOT) not in path.parents
    assert not export.get_absolute_url().startswith(settings.MEDIA_URL)
    assert len(Path(export.file_name).stem) >= 32  # not guessable


def test_link_expires_and_the_file_is_deleted(
    camille, request_export, login, django_capture_on_commit_callbacks
):
    export = request_export(camille)
    path = Path(services.private_storage().path(export.file_name))
    client = login(camille)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    response, _ = download(client, export)
    assert response.status_code == 404
    assert path.is_file()  # until the periodic task runs
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_maintain() == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert export.file_name == ""
    assert not path.exists()
    assert exports_maintain() == 0  # idempotent


def test_a_second_request_waits_for_the_first(camille, login):
    client = login(camille)
    client.post(DATA)  # not built: its task waits for the transaction to commit
    response = client.post(DATA, follow=True)
    assert "being prepared" in response.content.decode()
    assert DataExport.objects.filter(member=camille).count() == 1


def test_at_most_three_archives_a_day(camille, request_export, login):
    for _ in range(3):
        request_export(camille)
    response = login(camille).post(DATA, follow=True)
    assert "try again tomorrow" in response.content.decode()
    assert DataExport.objects.filter(member=camille).count() == 3


def test_build_task_is_idempotent(camille, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        export = services.export_request(member=camille, language="en")
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    name = export.file_name
    services.export_build(export_id=export.pk)  # a duplicated task
    export.refresh_from_db()
    assert export.file_name == name
    assert Notification.objects.filter(type_key="privacy.export_ready").count() == 1
    assert AuditEntry.objects.filter(action="gdpr.export").count() == 1


def test_lost_build_is_queued_again_by_the_periodic_task(
    camille, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the broker never got it
        export = services.export_request(member=camille, language="en")
    DataExport.objects.filter(pk=export.pk).update(
        requested_at=timezone.now() - dt.timedelta(hours=1)
    )
    exports_maintain()
    export.refresh_from_db()
    assert export.status == ExportStatus.READY


def test_data_page_costs_the_same_whatever_the_number_of_archives(
    camille, login, django_assert_max_num_queries
):
    client = login(camille)
    client.get(DATA)  # the session is warm
    for _ in range(12):
        DataExport.objects.create(member=camille, status=ExportStatus.EXPIRED)
    with django_assert_max_num_queries(12):
        response = client.get(DATA)
    assert response.content.decode().count("expired (deleted)") == 10
