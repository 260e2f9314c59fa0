"""Calls for volunteers by the verified associations, with their slots and sign-ups."""

import datetime as dt

from .base import copy_rows, reserve_ids

LABELS = ("Accueil, matin", "Accueil, après-midi", "Installation et rangement")


def seed_volunteer_calls(ctx):
    """``calls for volunteers`` calls (80 % open), three slots each, the slots of the open calls
    dated in the weeks after the anchor, each with a few sign-ups (``taken`` kept)."""
    from django.db import transaction

    from parvis.volunteers.models import Call, Signup, Slot

    associations = [org for org in ctx.organisations if org[3]]  # verified
    members = len(ctx.members)
    if not associations or not members:
        return
    total = ctx.count("calls for volunteers")
    rng = ctx.rng("calls for volunteers")
    call_ids = reserve_ids(Call, total)
    slot_ids = reserve_ids(Slot, total * len(LABELS))
    calls, slots, signups = [], [], []
    for index, pk in enumerate(call_ids):
        organisation, commune_rank, manager, _verified = rng.choice(associations)
        status = "open" if rng.random() < 0.8 else "closed"
        created = ctx.end - dt.timedelta(days=rng.randint(1, 60))
        calls.append(
            (
                pk,
                f"Bénévoles recherchés ({index + 1})",
                "Accueillir le public, installer et ranger : rejoignez l'équipe.",
                ctx.communes[commune_rank][0],
                "",
                organisation,
                manager,
                status,
                created,
            )
        )
        for position, label in enumerate(LABELS):
            slot_pk = slot_ids[index * len(LABELS) + position]
            starts = ctx.end + dt.timedelta(days=rng.randint(1, 40), hours=9 + 4 * position)
            places = rng.randint(2, 10)
            taken = {rng.randrange(members) for _ in range(rng.randint(0, places))}
            for rank in taken:
                signups.append((slot_pk, ctx.members[rank], created))
            slots.append(
                (
                    slot_pk,
                    pk,
                    label,
                    starts,
                    starts + dt.timedelta(hours=3),
                    places,
                    len(taken),
                    position,
                )
            )
    with transaction.atomic():
        copy_rows(
            Call,
            (
                "id",
                "title",
                "description",
                "commune",
                "place",
                "organisation",
                "created_by",
                "status",
                "created_at",
            ),
            calls,
        )
        copy_rows(
            Slot,
            ("id", "call", "label", "starts_at", "ends_at", "places", "taken", "position"),
            slots,
        )
        copy_rows(Signup, ("slot", "member", "created_at"), signups)
    ctx.wrote("calls for volunteers", len(calls))
    ctx.wrote("volunteer sign-ups", len(signups))
