"""What the agenda's lists filter on, copied from each date's event and its commune onto the
date (``agenda.models.LISTING_COPIES``), and the copies of the existing dates (the indexes the
filtered lists read come next, in their own transaction: PostgreSQL builds no index on a table
with pending trigger events)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def copy_from_events(apps, schema_editor):
    Event = apps.get_model("agenda", "Event")
    EventOccurrence = apps.get_model("agenda", "EventOccurrence")
    Territory = apps.get_model("territories", "Territory")
    event = Event.objects.filter(pk=OuterRef("event_id"))
    EventOccurrence.objects.update(
        listed=Exists(event.filter(status__in=["published", "cancelled"])),
        category_id=Subquery(event.values("category_id")),
        commune_id=Subquery(event.values("commune_id")),
        is_free=Subquery(event.values("is_free")),
    )
    commune = Territory.objects.filter(pk=OuterRef("commune_id"))
    EventOccurrence.objects.update(
        epci_id=Subquery(commune.values("epci_id")),
        arrondissement_id=Subquery(commune.values("arrondissement_id")),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('agenda', '0011_event_public_start_idx'),
        ('territories', '0003_trigram_extension'),
    ]

    operations = [
        migrations.AddField(
            model_name='eventoccurrence',
            name='arrondissement',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='territories.territory', verbose_name='arrondissement'),
        ),
        migrations.AddField(
            model_name='eventoccurrence',
            name='category',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agenda.category', verbose_name='category'),
        ),
        migrations.AddField(
            model_name='eventoccurrence',
            name='commune',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='territories.territory', verbose_name='commune'),
        ),
        migrations.AddField(
            model_name='eventoccurrence',
            name='epci',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='territories.territory', verbose_name='intercommunality (EPCI)'),
        ),
        migrations.AddField(
            model_name='eventoccurrence',
            name='is_free',
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name='free'),
        ),
        migrations.AddField(
            model_name='eventoccurrence',
            name='listed',
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name='listed'),
        ),
        migrations.RunPython(copy_from_events, migrations.RunPython.noop),
    ]
