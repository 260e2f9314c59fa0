"""The territory the dataset spreads over, and its members."""

import datetime as dt
from itertools import accumulate

from .base import BATCH, BENCH_DOMAIN, BENCH_PASSWORD


def load_territory(ctx):
    from parvis.territories.models import Territory, TerritoryKind

    rows = list(
        Territory.objects.filter(kind=TerritoryKind.COMMUNE)
        .order_by("code")
        .values_list("pk", "name", "epci_id", "arrondissement_id", "population")
    )
    if not rows:
        raise SystemExit("No commune: import the territory first (manage.py import_territory 60).")
    ctx.communes = [row[:4] for row in rows]
    ctx.commune_weights = list(accumulate(max(row[4], 1) for row in rows))


def _password_hash():
    from django.contrib.auth.hashers import get_hasher, make_password

    try:  # few iterations, as the demo does: the password is public
        hasher = get_hasher("pbkdf2_sha256")
    except ValueError:
        return make_password(BENCH_PASSWORD)
    return hasher.encode(BENCH_PASSWORD, hasher.salt(), iterations=20_000)


def seed_members(ctx):
    """Identified residents (verified e-mail address) of communes drawn by population."""
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from faker import Faker

    from parvis.accounts.models import DirectoryVisibility, User
    from parvis.groups.mentions import handle_from_names

    total = ctx.count("members")
    rng = ctx.rng("members")
    faker = Faker("fr_FR")
    faker.seed_instance(f"{ctx.seed}:members")
    password = _password_hash()
    zone = dt.UTC
    anchor = dt.datetime.combine(ctx.anchor, dt.time(12), tzinfo=zone)
    visibilities = [DirectoryVisibility.MEMBERS] * 6 + [
        DirectoryVisibility.PUBLIC,
        DirectoryVisibility.HIDDEN,
    ]
    progress = ctx.progress("members", total)
    for first in range(0, total, BATCH):
        ranks = range(first, min(first + BATCH, total))
        communes = ctx.pick_communes(rng, len(ranks))
        users = []
        for rank, commune in zip(ranks, communes, strict=True):
            joined = anchor - dt.timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
            users.append(
                User(
                    email=f"membre{rank + 1:06d}@{BENCH_DOMAIN}",
                    first_name=faker.first_name(),
                    last_name=faker.last_name(),
                    password=password,
                    commune_id=ctx.communes[commune][0],
                    directory_visibility=rng.choice(visibilities),
                    date_joined=joined,
                    terms_accepted_at=joined,
                )
            )
        with transaction.atomic():
            User.objects.bulk_create(users)
            EmailAddress.objects.bulk_create(
                EmailAddress(user_id=user.pk, email=user.email, verified=True, primary=True)
                for user in users
            )
        ctx.members.extend(user.pk for user in users)
        ctx.member_communes.extend(communes)
        ctx.member_handles.extend(
            f"{handle_from_names(user.first_name, user.last_name)}-{user.pk}" for user in users
        )
        ctx.wrote("members", len(users))
        progress.advance(len(users))
    progress.finish()
