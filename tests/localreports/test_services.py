"""Reporting, routing, supporting and triaging through the services that the pages, the API
and the admin share."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parvis.localreports import services
from parvis.localreports.models import Report, ReportStatus, Support, Update
from parvis.localreports.selectors import similar_open
from parvis.notifications.models import Notification
from tests.factories import UserFactory

from .conftest import image_file

DESCRIPTION = "Un nid-de-poule profond devant le 12 rue de la République."


def report(resident, commune, category, **extra):
    values = {"description": DESCRIPTION, "address": "12 rue de la République"}
    values.update(extra)
    return services.report_create(author=resident, commune=commune, category=category, **values)


def test_a_street_report_goes_to_the_town_hall_and_its_agents_are_told(
    resident, beauvais, categories, town_hall, town_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = report(resident, beauvais, categories["streets"], photos=[image_file()])
    assert created.institution == town_hall
    assert created.status == ReportStatus.RECEIVED
    assert created.photos.count() == 1
    assert created.photos.get().image.name.startswith("signalements/")
    assert Notification.objects.filter(
        type_key="localreports.received", recipient=town_agent
    ).exists()


def test_a_departmental_road_goes_to_the_council(
    resident, beauvais, categories, council, town_hall
):
    assert report(resident, beauvais, categories["roads"]).institution == council


def test_without_a_town_hall_on_parvis_the_moderators_handle_it(
    resident, compiegne, categories, moderator, town_hall, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = report(resident, compiegne, categories["streets"])
    assert created.institution is None
    assert Notification.objects.filter(
        type_key="localreports.received", recipient=moderator
    ).exists()


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"description": "Trou."}, "description"),
        ({"address": "", "latitude": None, "longitude": None}, "address"),
        ({"latitude": Decimal("45.0"), "longitude": Decimal("2.1")}, "latitude"),
        ({"latitude": Decimal("49.43"), "longitude": None, "address": ""}, "latitude"),
        ({"latitude": "abc", "longitude": "2.08"}, "latitude"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_stored(
    resident, beauvais, categories, extra, field
):
    with pytest.raises(ValidationError) as error:
        report(resident, beauvais, categories["streets"], **extra)
    assert field in error.value.message_dict
    assert not Report.objects.exists()


def test_photos_must_be_images_and_at_most_three(resident, beauvais, categories):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        report(resident, beauvais, categories["streets"], photos=[fake])
    assert "photos" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        report(resident, beauvais, categories["streets"], photos=[image_file() for _ in range(4)])
    assert "photos" in error.value.message_dict
    assert not Report.objects.exists()


def test_similar_open_reports_nearby_are_proposed_nearest_first(make_report, beauvais, categories):
    far = make_report(latitude=Decimal("49.440000"), longitude=Decimal("2.100000"))
    near = make_report(latitude=Decimal("49.430100"), longitude=Decimal("2.080100"))
    make_report(status=ReportStatus.RESOLVED, latitude=near.latitude, longitude=near.longitude)
    make_report(category=categories["roads"])
    found = similar_open(
        commune=beauvais,
        category=categories["streets"],
        latitude=Decimal("49.430000"),
        longitude=Decimal("2.080000"),
    )
    assert found == [near]  # the far one is 2 km away; the resolved one is closed
    assert far not in found


def test_supporting_counts_once_and_not_for_the_reporter(make_report, other_resident, resident):
    created = make_report()
    assert services.report_support(report=created, member=other_resident)
    assert not services.report_support(report=created, member=other_resident)
    created.refresh_from_db()
    assert created.support_count == 1
    with pytest.raises(ValidationError):
        services.report_support(report=created, member=resident)


def test_the_agent_triages_and_the_reporter_and_supporters_are_told(
    make_report, town_hall, town_agent, other_resident, resident, django_capture_on_commit_callbacks
):
    created = make_report(institution=town_hall)
    services.report_support(report=created, member=other_resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_triage(
            report=created,
            agent=town_agent,
            status=ReportStatus.IN_PROGRESS,
            comment="Intervention prévue mardi.",
        )
    created.refresh_from_db()
    assert created.status == ReportStatus.IN_PROGRESS
    told = set(
        Notification.objects.filter(type_key="localreports.step").values_list(
            "recipient", flat=True
        )
    )
    assert told == {resident.pk, other_resident.pk}
    with django_capture_on_commit_callbacks(execute=True):
        services.report_triage(report=created, agent=town_agent, status=ReportStatus.RESOLVED)
    created.refresh_from_db()
    assert created.status == ReportStatus.RESOLVED and created.resolved_at
    assert list(Update.objects.values_list("status", flat=True)) == ["in_progress", "resolved"]


def test_a_rejection_needs_its_reason(make_report, town_hall, town_agent):
    created = make_report(institution=town_hall)
    with pytest.raises(ValidationError) as error:
        services.report_triage(report=created, agent=town_agent, status=ReportStatus.REJECTED)
    assert "comment" in error.value.message_dict
    services.report_triage(
        report=created,
        agent=town_agent,
        status=ReportStatus.REJECTED,
        comment="Ce terrain est privé : contactez son propriétaire.",
    )
    created.refresh_from_db()
    assert created.rejection_reason.startswith("Ce terrain est privé")


def test_only_the_institution_in_charge_or_a_moderator_triages(
    make_report, town_hall, council_agent, resident, moderator
):
    created = make_report(institution=town_hall)
    for stranger in (council_agent, resident, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.report_triage(report=created, agent=stranger, comment="Vu.")
    services.report_triage(report=created, agent=moderator, comment="Transmis à la mairie.")
    assert Update.objects.count() == 1


def test_impossible_transitions_are_refused(make_report, town_hall, town_agent):
    created = make_report(institution=town_hall, status=ReportStatus.RESOLVED)
    with pytest.raises(ValidationError) as error:
        services.report_triage(report=created, agent=town_agent, status=ReportStatus.REJECTED)
    assert "status" in error.value.message_dict


def test_a_closed_report_takes_no_support(make_report, other_resident):
    created = make_report(status=ReportStatus.RESOLVED)
    with pytest.raises(ValidationError):
        services.report_support(report=created, member=other_resident)
    assert not Support.objects.exists()
