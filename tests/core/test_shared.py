"""What the apps share from core: service errors on forms, the capped paginator, slugs."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from parvis.core.mixins import ServiceErrorsMixin
from parvis.core.pagination import CappedPaginator
from parvis.core.slugs import title_slug, unique_slug
from parvis.organisations.models import Organisation
from tests.factories import OrganisationFactory


class _Form(ServiceErrorsMixin, forms.Form):
    field_for = {"start": "start_date"}

    title = forms.CharField()
    start_date = forms.DateField()


def _bound_form():
    form = _Form(data={"title": "Fête", "start_date": "2026-06-21"})
    assert form.is_valid()
    return form


def test_service_errors_go_on_the_fields_they_name_or_above():
    form = _bound_form()
    form.add_service_errors(
        ValidationError(
            {
                "title": ["Too long."],
                "start": ValidationError("Before %(day)s.", params={"day": "today"}),
                "organisation": ["Not yours."],  # no such field: above the fields
                NON_FIELD_ERRORS: ["Closed."],
            }
        )
    )
    assert form.errors["title"] == ["Too long."]
    assert form.errors["start_date"] == ["Before today."]
    assert form.non_field_errors() == ["Not yours.", "Closed."]
    assert "title" not in form.cleaned_data


def test_a_service_error_without_fields_goes_above_the_fields():
    form = _bound_form()
    form.add_service_errors(ValidationError(["Locked.", "Closed."]))
    assert form.non_field_errors() == ["Locked.", "Closed."]


def test_the_capped_paginator_counts_up_to_its_cap(beauvais):
    OrganisationFactory.create_batch(5, commune=beauvais)
    organisations = Organisation.objects.order_by("pk")
    paginator = CappedPaginator(organisations, 2, cap=3)
    assert (paginator.count, paginator.truncated, paginator.num_pages) == (3, True, 2)
    paginator = CappedPaginator(organisations, 2)
    assert (paginator.count, paginator.truncated) == (5, False)
    assert CappedPaginator.cap == 500


def test_title_slug():
    assert title_slug("Fête de la musique !", default="evenement") == "fete-de-la-musique"
    assert title_slug("!!!", default="evenement") == "evenement"
    assert len(title_slug("a" * 300, default="x")) == 200


def test_unique_slug_skips_taken_and_reserved_slugs(beauvais):
    OrganisationFactory(slug="amis-du-parc", commune=beauvais)
    queryset = Organisation.objects.all()
    slug = unique_slug(queryset, "Amis du parc", default="organisation", max_length=160)
    assert slug == "amis-du-parc-2"
    assert unique_slug(
        queryset, "Nouvelle", default="o", max_length=160, reserved={"nouvelle"}
    ) == ("nouvelle-2")
    assert unique_slug(queryset, "???", default="organisation", max_length=160) == "organisation"
    taken = Organisation.objects.get(slug="amis-du-parc")
    assert (
        unique_slug(queryset, "Amis du parc", default="o", max_length=160, exclude_pk=taken.pk)
        == "amis-du-parc"
    )
