"""Every relation to the member is exported (or declared not exported, with a reason) and
has an erasure rule: a new model pointing to the member fails here until it is declared."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from parvis.privacy import registry


def test_every_relation_to_the_member_is_exported_or_left_out_with_a_reason():
    declared = registry.exported_relations() | set(registry.not_exported_relations())
    missing = sorted(set(registry.user_relations()) - declared)
    assert not missing, (
        "These relations to the member are neither exported nor declared not exported "
        f"(see docs/privacy.md): {missing}"
    )
    for entry in registry.not_exported_relations().values():
        assert len(entry.reason) > 20, entry


def test_every_relation_to_the_member_has_an_erasure_rule():
    missing = sorted(set(registry.user_relations()) - registry.erased_relations())
    assert not missing, f"No erasure rule (see docs/privacy.md) for: {missing}"
    for rule in registry.erasures():
        if rule.action == registry.KEEP:
            assert len(rule.reason) > 20, rule


def test_no_declaration_names_a_relation_that_does_not_exist():
    existing = set(registry.user_relations())
    declared = (
        registry.exported_relations()
        | set(registry.not_exported_relations())
        | registry.erased_relations()
    )
    assert sorted(declared - existing) == []


def test_every_field_of_the_member_row_has_an_erasure_rule():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    rules = registry.member_field_rules()
    missing = [f.name for f in user_model._meta.concrete_fields if f.name not in rules]
    assert missing == []
    for name, rule in rules.items():
        field = user_model._meta.get_field(name)
        text_like = isinstance(
            field, models.CharField | models.TextField | models.FileField | models.JSONField
        )
        if text_like and name != "password":
            assert not rule.keep, f"{name} holds personal text: it must be erased"


def test_exported_fields_exist_on_their_model():
    """A renamed field breaks the export here, not in a member's archive."""
    for entry in registry.exports():
        model = entry.model
        for spec in entry.fields:
            if isinstance(spec, tuple):
                continue
            first = spec.split("__")[0]
            assert hasattr(model, first) or first in {f.name for f in model._meta.get_fields()}, (
                f"{entry.relation}: {spec}"
            )


@pytest.mark.django_db
def test_a_new_model_pointing_to_the_member_is_caught():
    """The check itself: an undeclared relation shows up in the introspection."""

    class Diary(models.Model):
        owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy"

    try:
        relations = set(registry.user_relations())
        assert "privacy.Diary.owner" in relations
        declared = registry.exported_relations() | set(registry.not_exported_relations())
        assert "privacy.Diary.owner" not in declared
    finally:
        del apps.all_models["privacy"]["diary"]
        apps.clear_cache()
