"""Information posts and follows."""

import datetime as dt
from itertools import accumulate

from .base import BATCH, copy_rows, lognormal_weights, spread, territory_names


def seed_posts(ctx):
    """Information posts by verified organisations (institutions publish most), written by
    their manager from the demo's ideas, targeted at the whole département, an
    intercommunality, an arrondissement or the organisation's commune. Most are live over the
    last two years; a few are drafts, scheduled, unpublished by a moderator or expired."""
    from django.db import transaction
    from django.utils.text import slugify

    from parvis.demo import news as news_demo
    from parvis.demo.french import of, of_epci
    from parvis.news.models import DEFAULT_SLUG, Category, Post, PostStatus
    from parvis.organisations.models import Organisation

    total = ctx.count("posts")
    rng = ctx.rng("posts")
    categories = dict(Category.objects.values_list("slug", "pk"))
    if not categories:
        raise SystemExit("No post category: run the migrations first.")
    institution_ideas = [
        idea
        for ideas in (
            news_demo.DEPARTEMENT_IDEAS,
            news_demo.TOWN_HALL_IDEAS,
            news_demo.LIBRARY_IDEAS,
            news_demo.CAF_IDEAS,
        )
        for idea in ideas
        if not idea.draft
    ]
    association_ideas = [idea for idea in news_demo.ASSOCIATION_IDEAS if not idea.draft]
    institutions = set(ctx.institutions)
    publishers = [rank for rank, org in enumerate(ctx.organisations) if org[3]]
    weights = list(accumulate(20 if rank in institutions else 1 for rank in publishers))
    names = dict(
        Organisation.objects.filter(
            pk__in=[ctx.organisations[r][0] for r in publishers]
        ).values_list("pk", "name")
    )
    epci_names = territory_names("epci")
    arrondissement_names = territory_names("arrondissement")
    slugs = {}
    end = ctx.end
    audience_model = Post.audience.through
    progress = ctx.progress("posts", total)
    for first in range(0, total, BATCH):
        posts, targets = [], []
        for _rank in range(first, min(first + BATCH, total)):
            org_rank = rng.choices(publishers, cum_weights=weights)[0]
            org_pk, commune, manager, _verified = ctx.organisations[org_rank]
            idea = rng.choice(institution_ideas if org_rank in institutions else association_ideas)
            if org_rank == 0 and idea.target != news_demo.WHOLE:
                commune = ctx.pick_communes(rng, 1)[0]  # the council writes all around
            commune_pk, commune_name, epci, arrondissement = ctx.communes[commune]
            target, place, of_place = None, "", ""
            if idea.target == news_demo.EPCI and epci:
                target, place = epci, epci_names[epci]
                of_place = of_epci(place)
            elif idea.target == news_demo.ARRONDISSEMENT and arrondissement:
                target, place = arrondissement, arrondissement_names[arrondissement]
                of_place = of(place)
            elif idea.target != news_demo.WHOLE:
                target, place, of_place = commune_pk, commune_name, of(commune_name)
            name = names[org_pk]
            title = idea.title.format(of_place=of_place, name=name).strip()[:200]
            text = idea.text.format(place=place, of_place=of_place, name=name)
            status, moderation, unpublished_at = PostStatus.PUBLISHED, "", None
            publish_at = end - dt.timedelta(minutes=rng.randint(60, 730 * 24 * 60))
            draw = rng.random()
            if draw < 0.04:
                status, publish_at = PostStatus.DRAFT, None
            elif draw < 0.07:
                publish_at = end + dt.timedelta(minutes=rng.randint(60, 14 * 24 * 60))
            elif draw < 0.09:
                status, moderation = PostStatus.UNPUBLISHED, "Information erronée, à corriger."
                unpublished_at = publish_at + dt.timedelta(hours=rng.randint(1, 48))
            expires_at = None
            if publish_at is not None and rng.random() < 0.12:
                expires_at = publish_at + dt.timedelta(days=rng.randint(1, 60))
            if title not in slugs:
                slugs[title] = slugify(title)[:200] or DEFAULT_SLUG
            created = (publish_at or end) - dt.timedelta(hours=rng.randint(1, 72))
            posts.append(
                Post(
                    title=title,
                    slug=slugs[title],
                    body=text,
                    category_id=categories.get(idea.category) or next(iter(categories.values())),
                    author_id=manager,
                    organisation_id=org_pk,
                    status=status,
                    publish_at=publish_at,
                    expires_at=expires_at,
                    moderation_reason=moderation,
                    unpublished_at=unpublished_at,
                    # Live before the dataset's end: its members were told (a worker on the
                    # bench database announces only what goes live later, as in production).
                    announced_at=publish_at if publish_at and publish_at <= end else None,
                    created_at=created,
                )
            )
            targets.append(target)
        with transaction.atomic():
            Post.objects.bulk_create(posts)
            audience = [
                audience_model(post_id=post.pk, territory_id=target)
                for post, target in zip(posts, targets, strict=True)
                if target is not None
            ]
            audience_model.objects.bulk_create(audience)
        ctx.wrote("posts", len(posts))
        ctx.wrote("post audiences", len(audience))
        progress.advance(len(posts))
    progress.finish()


def seed_follows(ctx):
    """Members following their commune or intercommunality, and organisations (often of
    their own commune): a few each, some many."""
    from django.db import transaction

    from parvis.news.models import Follow

    total = ctx.count("follows")
    rng = ctx.rng("follows")
    per_member = spread(rng, total, lognormal_weights(rng, len(ctx.members), 0.8))
    verified = [org[0] for org in ctx.organisations if org[3]]
    by_commune = {}
    for org_pk, commune, _manager, is_verified in ctx.organisations:
        if is_verified:
            by_commune.setdefault(commune, []).append(org_pk)
    end = ctx.end
    progress = ctx.progress("follows", total)
    for first in range(0, len(ctx.members), BATCH):
        follows = []
        for rank in range(first, min(first + BATCH, len(ctx.members))):
            commune = ctx.member_communes[rank]
            commune_pk, _name, epci, _arrondissement = ctx.communes[commune]
            seen = set()
            for _index in range(per_member[rank]):
                if rng.random() < 0.45 or not verified:
                    target = ("territory", epci if epci and rng.random() < 0.3 else commune_pk)
                else:
                    local = by_commune.get(commune)
                    pool = local if local and rng.random() < 0.6 else verified
                    target = ("organisation", rng.choice(pool))
                if target in seen:
                    continue
                seen.add(target)
                territory, organisation = (
                    (target[1], None) if target[0] == "territory" else (None, target[1])
                )
                followed = end - dt.timedelta(minutes=rng.randint(60, 600 * 24 * 60))
                follows.append((ctx.members[rank], territory, organisation, followed))
        with transaction.atomic():
            copy_rows(Follow, ["user", "territory", "organisation", "created_at"], follows)
        ctx.wrote("follows", len(follows))
        progress.advance(sum(per_member[first : first + BATCH]))
    progress.finish()
