"""Shared fixtures of the generated security tests (writes of ``writes.py``)."""

import re

import pytest
from rest_framework.test import APIClient

from parvis.accounts.services import api_token_create

FRENCH_MARKS = re.compile(r"[éèêàçùâîôûœ«»’]", re.IGNORECASE)
FRENCH_WORDS = {
    "le",
    "la",
    "les",
    "de",
    "des",
    "du",
    "un",
    "une",
    "est",
    "doit",
    "au",
    "aux",
    "pas",
    "ce",
    "cette",
    "ou",
    "et",
    "en",
    "que",
    "qui",
    "vous",
    "votre",
    "plus",
    "moins",
    "caractères",
    "champ",
    "valeur",
    "nombre",
    "saisissez",
    "indiquez",
    "choisissez",
}


def looks_french(text):
    """Whether a message reads as French (accents or common French words)."""
    words = set(re.findall(r"[\w’']+", text.lower()))
    return bool(FRENCH_MARKS.search(text) or words & FRENCH_WORDS)


def api_messages(payload):
    """Every message string of a DRF error body, flattened."""
    if isinstance(payload, dict):
        return [m for value in payload.values() for m in api_messages(value)]
    if isinstance(payload, list):
        return [m for value in payload for m in api_messages(value)]
    return [str(payload)]


@pytest.fixture(autouse=True)
def _french_site(settings, tmp_path):
    settings.LANGUAGE_CODE = "fr"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {  # private files (messages' images) are checked with the media
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media" / "private")},
        },
    }
    settings.PARVIS_NEW_ACCOUNT_DAYS = 0  # no daily allowance: every write is tried
    settings.PARVIS_STAFF_MFA_REQUIRED = False
    settings.ACCOUNT_RATE_LIMITS = False  # the sign-up is tried once per hostile string
    settings.SOCIALACCOUNT_PROVIDERS = {  # FranceConnect configured (nothing is fetched)
        "franceconnect": {
            "APPS": [
                {
                    "client_id": "parvis-tests",
                    "secret": "not-used",
                    "settings": {"server_url": "http://127.0.0.1:9/api/v2"},
                }
            ]
        }
    }


@pytest.fixture
def people(oise, resident, other_resident, association, association_manager, moderator):
    return {
        "oise": oise,
        "beauvais": oise["beauvais"],
        "compiegne": oise["compiegne"],
        "resident": resident,
        "other_resident": other_resident,
        "association": association,
        "association_manager": association_manager,
        "moderator": moderator,
    }


@pytest.fixture
def api_client():
    def _as(user):
        _, key = api_token_create(user=user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="fr")
        return client

    return _as


def sign_in(client, world):
    """Log ``world["user"]`` in (nobody: a visitor), with a fresh re-authentication where
    the write asks for one."""
    from tests.conftest import record_session_authentication

    user = world.get("user")
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    if world.get("reauthenticated"):
        record_session_authentication(client, user, mfa=False, reauthenticated=True)
    if world.get("session"):  # what an earlier step left in the session
        session = client.session
        session.update(world["session"])
        session.save()
