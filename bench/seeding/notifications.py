"""In-app notifications of the registered types the dataset has items for."""

import datetime as dt
from itertools import accumulate

from .base import BATCH, copy_rows, lognormal_weights


class _NotificationMaker:
    """Draws notifications of the registered types that the dataset has items for (a sample
    of events, organisations and discussions), each with the context its text needs."""

    WEIGHTS = {
        "groups.reply": 35,
        "groups.new_thread": 20,
        "groups.mention": 5,
        "agenda.event_changed": 12,
        "agenda.event_cancelled": 5,
        "organisations.verification": 3,
    }
    SAMPLE = 2_000

    def __init__(self, ctx, rng):
        from django.contrib.contenttypes.models import ContentType
        from django.utils import formats, timezone, translation

        from parvis.agenda.models import Event
        from parvis.groups.models import Thread
        from parvis.notifications import registry
        from parvis.organisations.models import Organisation

        self.ctx, self.rng = ctx, rng
        self.member_rank = {pk: rank for rank, pk in enumerate(ctx.members)}
        picked = sorted(rng.sample(range(len(ctx.events)), min(self.SAMPLE, len(ctx.events))))
        events = Event.objects.filter(pk__in=[ctx.events[r] for r in picked]).select_related(
            "commune"
        )
        self.events = []
        with translation.override("fr"):
            for event in events.order_by("pk"):
                start = formats.date_format(timezone.localtime(event.start), "DATETIME_FORMAT")
                venue = f"{event.venue_name}, {event.address}, {event.commune.name}"
                self.events.append(
                    (
                        event.pk,
                        event.get_absolute_url(),
                        {"title": event.title, "start": start, "venue": venue},
                    )
                )
        picked = sorted(rng.sample(range(len(ctx.threads)), min(self.SAMPLE, len(ctx.threads))))
        threads = Thread.objects.filter(pk__in=[ctx.threads[r][0] for r in picked])
        group_rank = {pk: rank for rank, (pk, *_rest) in enumerate(ctx.groups)}
        self.threads = [
            (
                thread.pk,
                thread.get_absolute_url(),
                group_rank[thread.group_id],
                thread.group.name,
                thread.title,
            )
            for thread in threads.select_related("group").order_by("pk")
        ]
        managers = {org[0]: org[2] for org in ctx.organisations if org[3]}
        verified = Organisation.objects.filter(pk__in=list(managers)[: self.SAMPLE])
        self.organisations = [
            (org.pk, org.get_absolute_url(), org.name, managers[org.pk])
            for org in verified.order_by("pk")
        ]
        self.types = {
            "event": ContentType.objects.get_for_model(Event).pk,
            "thread": ContentType.objects.get_for_model(Thread).pk,
            "organisation": ContentType.objects.get_for_model(Organisation).pk,
        }
        self.kinds, self.weights, self.skipped = [], [], []
        for key, weight in self.WEIGHTS.items():
            ntype = registry.get_or_none(key)
            if ntype is None:
                continue
            made = self.make(key)
            if made is None:  # nothing of its kind in the dataset
                continue
            try:  # the context must give the type's text what it needs
                ntype.render_text({**made[5], "actor": "Camille Martin"})
            except (KeyError, ValueError, TypeError):
                self.skipped.append(key)
                continue
            self.kinds.append(key)
            self.weights.append(weight)

    def make(self, key):
        """``(recipient rank or None, actor pk, target type, target pk, url, context)``."""
        rng = self.rng
        if key.startswith("groups.") and self.threads:
            pk, url, group_rank, group_name, title = rng.choice(self.threads)
            members = self.ctx.group_members[group_rank]
            recipient = rng.choice(members)
            others = [member for member in members[:50] if member != recipient]
            actor = self.ctx.members[rng.choice(others)] if others else None
            context = {"group": group_name, "thread": title}  # as groups.activities gives it
            return recipient, actor, self.types["thread"], pk, url, context
        if key.startswith("agenda.") and self.events:
            pk, url, context = rng.choice(self.events)
            context = dict(context)
            if key == "agenda.event_changed":
                context.update(date_changed=False, place_changed=True, old_venue="Salle des fêtes")
            else:
                context["reason"] = "Annulé en raison de la météo."
            return None, None, self.types["event"], pk, url, context
        if key == "organisations.verification" and self.organisations:
            pk, url, name, manager = rng.choice(self.organisations)
            return (
                self.member_rank[manager],
                None,
                self.types["organisation"],
                pk,
                url,
                {"organisation": name, "verified": True},
            )
        return None


def seed_notifications(ctx):
    """In-app notifications over the members (a few get many), newest in the last days, of
    the registered types the dataset has items for, each with a context its text renders
    from. Older ones are mostly read; some of the last day wait for the daily digest
    (``email_delivery="daily"``, no digest yet)."""
    from django.db import transaction
    from psycopg.types.json import Jsonb

    from parvis.notifications.models import Notification

    fields = [
        "recipient",
        "type_key",
        "actor",
        "target_type",
        "target_id",
        "url",
        "params",
        "email_delivery",
        "created_at",
        "read_at",
    ]
    total = ctx.count("notifications")
    rng = ctx.rng("notifications")
    maker = _NotificationMaker(ctx, rng)
    for key in maker.skipped:
        ctx.out.write(f"notifications: {key} left out (its text needs other context keys)\n")
    if not maker.kinds:
        return
    recipients = list(accumulate(lognormal_weights(rng, len(ctx.members), 1.0)))
    end = ctx.end
    progress = ctx.progress("notifications", total)
    for first in range(0, total, BATCH):
        notifications = []
        for _rank in range(first, min(first + BATCH, total)):
            key = rng.choices(maker.kinds, weights=maker.weights)[0]
            recipient, actor, target_type, target, url, context = maker.make(key)
            if recipient is None:
                recipient = rng.choices(range(len(ctx.members)), cum_weights=recipients)[0]
            age = dt.timedelta(minutes=min(rng.expovariate(1 / (20 * 24 * 60)), 180 * 24 * 60))
            created = end - age - dt.timedelta(seconds=1)
            read_at = None
            if rng.random() < (0.85 if age > dt.timedelta(days=7) else 0.4):
                read_at = min(created + dt.timedelta(minutes=rng.randint(1, 3 * 24 * 60)), end)
            daily = age < dt.timedelta(days=1) and rng.random() < 0.2
            notifications.append(
                (ctx.members[recipient], key, actor, target_type, target, url, Jsonb(context))
                + ("daily" if daily else "never", created, read_at)
            )
        with transaction.atomic():
            copy_rows(Notification, fields, notifications)
        ctx.wrote("notifications", len(notifications))
        progress.advance(len(notifications))
    progress.finish()
