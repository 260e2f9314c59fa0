"""Reads of the targeted information; visibility comes in pairs (list filter, object check).

Targeting: a post concerns the residents of commune C when its audience is empty (the whole
département) or intersects ``C.lineage_ids`` (C, its EPCI, its arrondissement, its
département). A member's feed adds the posts of what they follow: the posts concerning a
followed territory (the same lineage rule), the posts of a followed organisation and the posts
a followed elected official published in their own name. Every feed is one query for the
posts, plus one for the member's follows and one for the audiences shown on the cards.

Moderation: a post hidden by a moderation decision (``parvis.moderation``) is left out of
every list, feed and the API (``public_posts``, in the same query); its team and the staff
still see it (``posts_visible_to``), its page shows the others a notice.
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from parvis.accounts.models import User, VerificationStatus
from parvis.core.prepared import prepared
from parvis.moderation.selectors import annotate_hidden, exclude_hidden, visible
from parvis.organisations.models import Organisation, OrganisationKind, OrganisationMembership
from parvis.organisations.selectors import membership_role
from parvis.territories.models import Territory, TerritoryKind

from .models import Follow, Post, PostStatus

PostAudience = Post.audience.through


# --- visibility -------------------------------------------------------------------------------


def live_filter(now=None):
    """Published posts whose publication date is reached and whose display has not ended."""
    now = now or timezone.now()
    return Q(status=PostStatus.PUBLISHED, publish_at__lte=now) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def managed_filter(user):
    """Posts ``user`` runs: their own posts as an official, and their organisations' posts."""
    team = OrganisationMembership.objects.filter(user=user).values("organisation_id")
    return Q(organisation__isnull=True, author=user) | Q(organisation__in=team)


def public_posts(now=None):
    """The live posts not hidden by moderation, which everyone may read (every list, feed
    and the API start here)."""
    return exclude_hidden(Post.objects.filter(live_filter(now)))


def posts_visible_to(user, now=None):
    """Live posts for everyone; also the posts ``user`` runs (drafts, scheduled, expired,
    unpublished); every post for staff. Posts hidden by moderation only for staff and their
    team."""
    if user.is_authenticated and user.is_staff:
        return Post.objects.all()
    allowed = live_filter(now)
    if user.is_authenticated:
        allowed |= managed_filter(user)
    return visible(Post.objects.filter(allowed), user)


def post_is_visible_to(post, user, now=None):
    if post.is_live(now):
        return True
    if not user.is_authenticated:
        return False
    return user.is_staff or user_manages_post(user, post)


def user_manages_post(user, post):
    """Whether ``user`` runs ``post``: its author when published as an official, any manager
    or editor of its organisation otherwise (who leaves the organisation loses it)."""
    if not user.is_authenticated or post is None:
        return False
    if post.organisation_id is None:
        return post.author_id == user.pk
    return membership_role(user, post.organisation) is not None


# --- who publishes ------------------------------------------------------------------------------


def publishing_organisations(user):
    """Verified organisations (institutions and associations) ``user`` helps run (manager or
    editor): the organisations they may publish for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        status=VerificationStatus.VERIFIED,
        kind__in=[OrganisationKind.INSTITUTION, OrganisationKind.ASSOCIATION],
        memberships__user=user,
    ).order_by("kind", "name")


# --- targeting ----------------------------------------------------------------------------------


def whole_departement_filter():
    """Posts for the whole département: no audience, or the département itself targeted."""
    return ~Exists(PostAudience.objects.filter(post_id=OuterRef("pk"))) | Exists(
        PostAudience.objects.filter(
            post_id=OuterRef("pk"), territory__kind=TerritoryKind.DEPARTEMENT
        )
    )


def targeted_at(territory_ids):
    """Posts whose audience holds one of ``territory_ids``."""
    return Exists(
        PostAudience.objects.filter(post_id=OuterRef("pk"), territory_id__in=list(territory_ids))
    )


def concerning_filter(commune):
    """Posts that concern the residents of ``commune`` (see the module's docstring)."""
    return ~Exists(PostAudience.objects.filter(post_id=OuterRef("pk"))) | targeted_at(
        commune.lineage_ids
    )


@dataclass
class Following:
    """What a member follows, as primary keys (one query, ``following_of``)."""

    territory_ids: set = field(default_factory=set)
    lineage_ids: set = field(default_factory=set)
    organisation_ids: set = field(default_factory=set)
    user_ids: set = field(default_factory=set)
    #: Groups and discussions (their activity shows on the home page, not in the feed).
    group_ids: set = field(default_factory=set)
    thread_ids: set = field(default_factory=set)

    def __bool__(self):
        return bool(self.territory_ids or self.organisation_ids or self.user_ids)

    def follows(self, target):
        if isinstance(target, Territory):
            return target.pk in self.territory_ids
        if isinstance(target, Organisation):
            return target.pk in self.organisation_ids
        if isinstance(target, User):
            return target.pk in self.user_ids
        return False


def following_of(user, *, remember=False):
    """The territories, organisations, members, groups and discussions ``user`` follows (one
    query). ``remember``: kept on ``user`` for the rest of the request, so that the home
    page's blocks (the feed, "activity of what you follow") read it once."""
    if remember and "_parvis_following" in user.__dict__:
        return user.__dict__["_parvis_following"]
    following = Following()
    if not user.is_authenticated:
        return following
    follows = Follow.objects.filter(user=user).select_related("territory")
    for follow in follows.only(
        "territory_id",
        "organisation_id",
        "followed_user_id",
        "group_id",
        "thread_id",
        "territory__epci_id",
        "territory__arrondissement_id",
        "territory__departement_id",
    ):
        if follow.territory_id:
            following.territory_ids.add(follow.territory_id)
            following.lineage_ids.update(follow.territory.lineage_ids)
        elif follow.organisation_id:
            following.organisation_ids.add(follow.organisation_id)
        elif follow.followed_user_id:
            following.user_ids.add(follow.followed_user_id)
        elif follow.group_id:
            following.group_ids.add(follow.group_id)
        elif follow.thread_id:
            following.thread_ids.add(follow.thread_id)
    if remember:
        user.__dict__["_parvis_following"] = following
    return following


def following_filter(following):
    """Posts of what ``following`` holds, or ``None`` when it holds nothing."""
    if not following:
        return None
    condition = Q(pk__in=[])
    if following.lineage_ids:
        condition |= targeted_at(following.lineage_ids)
    if following.organisation_ids:
        condition |= Q(organisation_id__in=sorted(following.organisation_ids))
    if following.user_ids:
        condition |= Q(organisation__isnull=True, author_id__in=sorted(following.user_ids))
    return condition


def shaped(posts, *, with_audience=True):
    """``posts`` with what a card shows, newest first."""
    posts = posts.select_related("category", "organisation", "author").order_by(
        "-publish_at", "-pk"
    )
    if with_audience:
        posts = posts.prefetch_related(
            Prefetch("audience", queryset=Territory.objects.order_by("kind", "name"))
        )
    return posts


def feed_posts(
    user,
    *,
    commune=None,
    category=None,
    following=None,
    now=None,
    before=None,
    with_audience=True,
):
    """The "near me" feed.

    ``commune`` given (a visitor or a member looking at another commune): the posts that
    concern its residents. Otherwise, for a member with a commune: the posts that concern them
    plus those of what they follow; for a visitor (or a member without a commune): the posts
    for the whole département (plus, for a member, what they follow). ``following``: the
    member's ``Following`` when the caller already has it (else read here, one query).
    ``before``: only the posts published before it (the member's feed, page after page).
    """
    own = commune
    extra = None
    if commune is None:
        own = user.commune if user.is_authenticated and user.commune_id else None
        if following is None:
            following = following_of(user)
        extra = following_filter(following)
    if extra is None:  # a visitor's feed, or a commune's: prepared (``core.prepared``)
        return _feed(
            now=now or timezone.now(),
            lineage=None if own is None else own.lineage_ids,
            category=None if category is None else category.pk,
            before=before,
            with_audience=with_audience,
        )
    posts = public_posts(now)
    condition = concerning_filter(own) if own is not None else whole_departement_filter()
    posts = posts.filter(condition | extra)
    if category is not None:
        posts = posts.filter(category=category)
    if before is not None:
        posts = posts.filter(publish_at__lt=before)
    return shaped(posts, with_audience=with_audience)


@prepared("now", "lineage", "category", "before")
def _feed(now, lineage, category, before, with_audience):
    """``feed_posts`` without follows: the posts for the whole département (``lineage``
    None) or concerning the territories of ``lineage`` (a commune's and those containing it)."""
    posts = public_posts(now)
    if lineage is None:
        posts = posts.filter(whole_departement_filter())
    else:
        posts = posts.filter(
            ~Exists(PostAudience.objects.filter(post_id=OuterRef("pk"))) | targeted_at(lineage)
        )
    if category is not None:
        posts = posts.filter(category_id=category)
    if before is not None:
        posts = posts.filter(publish_at__lt=before)
    return shaped(posts, with_audience=with_audience)


def latest_for(user, limit=5, *, now=None):
    """The latest posts of ``user``'s feed, for the home page: at most 3 queries (the member's
    commune when not loaded yet, their follows, the posts)."""
    following = following_of(user, remember=True) if user.is_authenticated else None
    return list(feed_posts(user, now=now, following=following, with_audience=False)[:limit])


# --- pages of a territory, an organisation, an official ---------------------------------------


def posts_for_territory(territory, *, now=None, with_audience=True):
    """Live posts aimed at ``territory`` in particular, for its portal page.

    A commune: posts targeted at it, its EPCI or its arrondissement (the département-wide
    posts are on every page; the "see all" link, ``?commune=``, adds them). An EPCI or an
    arrondissement: posts targeted at it or at one of its communes. The département: the posts
    for the whole département.
    """
    posts = public_posts(now)
    if territory.kind == TerritoryKind.COMMUNE:
        ids = [territory.pk, territory.epci_id, territory.arrondissement_id]
        posts = posts.filter(targeted_at([pk for pk in ids if pk is not None]))
    elif territory.kind == TerritoryKind.EPCI:
        communes = Territory.objects.filter(epci=territory).values("pk")
        posts = posts.filter(
            Exists(
                PostAudience.objects.filter(post_id=OuterRef("pk")).filter(
                    Q(territory_id=territory.pk) | Q(territory_id__in=communes)
                )
            )
        )
    elif territory.kind == TerritoryKind.ARRONDISSEMENT:
        communes = Territory.objects.filter(arrondissement=territory).values("pk")
        posts = posts.filter(
            Exists(
                PostAudience.objects.filter(post_id=OuterRef("pk")).filter(
                    Q(territory_id=territory.pk) | Q(territory_id__in=communes)
                )
            )
        )
    else:
        posts = posts.filter(whole_departement_filter())
    return shaped(posts, with_audience=with_audience)


def posts_by_official(official, *, now=None, with_audience=True):
    """Live posts ``official`` published in their own name (not for an organisation)."""
    posts = public_posts(now).filter(organisation__isnull=True, author=official)
    return shaped(posts, with_audience=with_audience)


def posts_by_organisation(organisation, *, now=None, with_audience=True):
    posts = public_posts(now).filter(organisation=organisation)
    return shaped(posts, with_audience=with_audience)


# --- the publisher's pages ----------------------------------------------------------------------


def post_for_page(pk):
    """The post ``pk`` with what its page shows and its moderation state
    (``moderation_hidden``, same query), or ``None`` (visibility is checked after)."""
    return (
        annotate_hidden(Post.objects.filter(pk=pk))
        .select_related("category", "organisation", "author")
        .prefetch_related(Prefetch("audience", queryset=Territory.objects.order_by("kind", "name")))
        .first()
    )


def posts_run_by(user):
    """Every post ``user`` runs: their own as an official and their organisations'."""
    if not user.is_authenticated:
        return Post.objects.none()
    return Post.objects.filter(managed_filter(user))


def posts_managed_by(user, *, status=None):
    """The posts ``user`` runs, latest change first, shaped for "my posts"; each carries
    ``moderation_hidden``."""
    posts = annotate_hidden(posts_run_by(user))
    if status:
        posts = posts.filter(status=status)
    return (
        posts.select_related("category", "organisation", "author")
        .prefetch_related(Prefetch("audience", queryset=Territory.objects.order_by("kind", "name")))
        .order_by("-updated_at", "-pk")
    )


def follows_of(user):
    """``user``'s follows with their targets, for "what I follow"."""
    return Follow.objects.filter(user=user).select_related(
        "territory", "organisation", "followed_user", "group", "thread", "thread__group"
    )


# --- announcements (notifications) ------------------------------------------------------------


def _audience_ids(audience_ids):
    """The targeted territories' ids; none means the whole département (its own id)."""
    audience_ids = list(audience_ids)
    if audience_ids:
        return audience_ids
    return list(
        Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT).values_list("pk", flat=True)
    )


def lineage_in(audience_ids, prefix):
    """A ``Q`` on a territory (at ``prefix``, e.g. ``commune``) whose lineage (itself, its
    EPCI, arrondissement, département) meets ``audience_ids``: the targeting rule of
    ``concerning_filter``, seen from the territory."""
    return (
        Q(**{f"{prefix}_id__in": audience_ids})
        | Q(**{f"{prefix}__epci_id__in": audience_ids})
        | Q(**{f"{prefix}__arrondissement_id__in": audience_ids})
        | Q(**{f"{prefix}__departement_id__in": audience_ids})
    )


def announcement_recipients(post):
    """The members a post going live concerns, as a queryset of users: the identified members
    (active, verified e-mail) living in a commune it targets (for a whole-département post:
    every member with a commune), and the members who follow its publisher (organisation or
    official) or a territory it targets. Its author is left out by ``notify()``."""
    audience = _audience_ids(
        PostAudience.objects.filter(post_id=post.pk).values_list("territory_id", flat=True)
    )
    if post.organisation_id:
        publisher = Q(organisation_id=post.organisation_id)
    else:
        publisher = Q(followed_user_id=post.author_id)
    followers = Follow.objects.filter(lineage_in(audience, "territory") | publisher)
    verified = EmailAddress.objects.filter(
        user_id=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    return (
        User.objects.filter(is_active=True)
        .filter(Exists(verified))
        .filter(lineage_in(audience, "commune") | Q(pk__in=followers.values("user_id")))
    )
