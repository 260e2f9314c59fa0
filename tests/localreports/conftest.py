"""Fixtures of the local reports tests: the categories, Beauvais's town hall and the
départemental council with an agent each, reports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.accounts.models import ProfileKind
from parvis.localreports.models import Category, Report, ReportStatus, Route
from parvis.organisations.models import OrganisationKind, OrganisationRole
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def categories(db):
    # Transactional tests empty the tables the migrations filled: put them back.
    roads, _ = Category.objects.get_or_create(
        slug="route-departementale",
        defaults={"name": "Route départementale", "route": Route.COUNCIL, "position": 0},
    )
    streets, _ = Category.objects.get_or_create(
        slug="voirie-trottoirs",
        defaults={"name": "Voirie et trottoirs", "route": Route.COMMUNE, "position": 1},
    )
    return {"roads": roads, "streets": streets}


def _institution(name, slug, commune):
    return OrganisationFactory(
        name=name, slug=slug, kind=OrganisationKind.INSTITUTION, rna="", siren="", commune=commune
    )


@pytest.fixture
def town_hall(oise):
    return _institution("Mairie de Beauvais", "mairie-de-beauvais", oise["beauvais"])


@pytest.fixture
def council(oise):
    return _institution(
        "Conseil départemental de l'Oise", "conseil-departemental-de-l-oise", oise["beauvais"]
    )


def _agent(email, organisation, oise):
    user = UserFactory(email=email, kind=ProfileKind.AGENT, commune=oise["beauvais"])
    MembershipFactory(organisation=organisation, user=user, role=OrganisationRole.EDITOR)
    return user


@pytest.fixture
def town_agent(oise, town_hall):
    return _agent("voirie@beauvais.example", town_hall, oise)


@pytest.fixture
def council_agent(oise, council):
    return _agent("routes@oise.example", council, oise)


def image_file(name="nid-de-poule.jpg", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 90, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def make_report(resident, categories, oise):
    def make(**fields):
        values = {
            "author": resident,
            "commune": oise["beauvais"],
            "category": categories["streets"],
            "description": "Un nid-de-poule profond devant le 12 rue de la République.",
            "address": "12 rue de la République",
            "status": ReportStatus.RECEIVED,
        }
        values.update(fields)
        return Report.objects.create(**values)

    return make
