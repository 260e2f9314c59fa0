"""The default categories come back after a flush (which transactional tests and browser journeys
run), but never into a table an administrator already manages."""

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal

from parvis.agenda.models import Category as EventCategory
from parvis.news.models import Category as PostCategory


@pytest.mark.django_db(transaction=True)
def test_flush_puts_the_default_categories_back():
    call_command("flush", interactive=False, verbosity=0)

    assert EventCategory.objects.filter(slug="culture").exists()
    assert EventCategory.objects.count() == 8
    assert PostCategory.objects.filter(slug="vie-locale").exists()
    assert PostCategory.objects.count() == 11


@pytest.mark.django_db
def test_a_category_removed_by_an_administrator_stays_removed():
    EventCategory.objects.filter(slug="patrimoine").delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert not EventCategory.objects.filter(slug="patrimoine").exists()
    assert EventCategory.objects.count() == 7
