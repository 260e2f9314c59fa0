"""The notification-type registry: each app declares its types in its notifications.py."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from parvis.notifications import registry
from parvis.notifications.registry import Delivery, NotificationType

from .conftest import SAMPLE


def test_the_existing_apps_types_are_registered_at_start_up():
    keys = {ntype.key for ntype in registry.all_types()}
    assert {
        "agenda.event_changed",
        "agenda.event_cancelled",
        "accounts.mandate_verification",
        "organisations.verification",
    } <= keys


def test_every_registered_type_has_a_label_a_text_and_e_mail_templates():
    from django.template.loader import get_template

    for ntype in registry.all_types():
        assert str(ntype.label)
        for verified in (True, False):
            prefix = ntype.email_template_for({"verified": verified})
            get_template(f"{prefix}_subject.txt")
            get_template(f"{prefix}_body.txt")


def test_registering_the_same_type_twice_is_harmless(sample_types):
    registry.register(SAMPLE)
    assert registry.get("tests.sample") is SAMPLE


def test_registering_another_type_under_a_taken_key_is_refused(sample_types):
    with pytest.raises(ImproperlyConfigured):
        registry.register(
            NotificationType(
                key="tests.sample", label=_("Other"), text=_("Other"), email_template="x/y"
            )
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"key": "nodot"},
        {"key": "tests.bad", "default_delivery": "weekly"},
        {"key": "tests.bad", "email_required": True, "default_delivery": Delivery.NEVER},
    ],
)
def test_a_badly_declared_type_fails_at_start_up(fields):
    with pytest.raises(ImproperlyConfigured):
        NotificationType(label=_("L"), text=_("T"), email_template="x/y", **fields)


def test_unknown_type_key_raises_lookup_error():
    with pytest.raises(LookupError):
        registry.get("nowhere.nothing")


def test_a_required_e_mail_cannot_be_turned_off(sample_types):
    assert Delivery.NEVER not in dict(registry.get("tests.sample_required").choices)
    assert Delivery.NEVER in dict(registry.get("tests.sample").choices)


def test_texts_take_the_context_or_a_function_of_it():
    verification = registry.get("accounts.mandate_verification")
    assert "verified" in verification.render_text({"verified": True, "mandate": "Maire"})
    assert "could not" in verification.render_text({"verified": False, "mandate": "Maire"})
    cancelled = registry.get("agenda.event_cancelled")
    assert "Brocante" in cancelled.render_text({"title": "Brocante"})
