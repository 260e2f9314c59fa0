"""Create the floor's table and fill it: 100,000 items in 20 categories, half of them upcoming."""

import datetime as dt
import os
import random

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor.settings")
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from floor.models import Category, Item

    call_command("migrate", run_syncdb=True, verbosity=0)
    if Item.objects.exists():
        return
    rng = random.Random(60)
    categories = Category.objects.bulk_create(Category(name=f"Catégorie {n}") for n in range(20))
    now = timezone.now()
    Item.objects.bulk_create(
        (
            Item(
                title=f"Élément {n}",
                summary="Un résumé de quelques mots pour donner du poids à la page. " * 3,
                category=rng.choice(categories),
                starts_at=now + dt.timedelta(minutes=rng.randint(-500_000, 500_000)),
            )
            for n in range(100_000)
        ),
        batch_size=5_000,
    )
    with django.db.connection.cursor() as cursor:
        cursor.execute("ANALYZE floor_item")


if __name__ == "__main__":
    main()
