"""Writes of the targeted information: posts (draft, publish or schedule, edit, unpublish,
discard) and follows.

Every function is keyword-only, validates before writing (``full_clean``), writes in a
transaction and queues its e-mails after commit. Permission failures raise
``PermissionDenied``; invalid input raises ``ValidationError`` with a message for the member,
and changes nothing.

Life of a post: a *draft* is seen by its team only; *published* with a publication date to
come it is *scheduled* (still seen by its team only) and goes live at that date, without any
task; it leaves the feeds at its optional end of display. Once live, it is announced to the
members it concerns, once: an activity recorded when it is published (``activities``), told
by a notifications worker when its publication date comes. Its team may *unpublish* it (and
publish it again); a moderator may unpublish it with a reason, e-mailed to its author, and
only a moderator may then publish it again (``post_restore``).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User, VerificationStatus
from parvis.accounts.rules import is_active_member, is_identified_member
from parvis.core.emails import absolute_url
from parvis.core.images import image_set
from parvis.core.slugs import title_slug
from parvis.moderation.safeguards import check_not_sanctioned, check_posting_allowed
from parvis.notifications.services import notify
from parvis.organisations.models import Organisation
from parvis.territories.models import Territory, TerritoryKind

from .activities import post_announce
from .models import DEFAULT_SLUG, Follow, Post, PostStatus
from .rules import can_publish_for, is_news_moderator
from .selectors import user_manages_post

#: Fields of ``data`` that post_create/post_update copy onto the post as they are.
SIMPLE_FIELDS = ("title", "body", "category", "image_alt", "publish_at", "expires_at")
#: Territories a post may target.
#: What the form offers; the whole département is an empty audience, not a target.
TARGET_KINDS = (
    TerritoryKind.COMMUNE,
    TerritoryKind.EPCI,
    TerritoryKind.ARRONDISSEMENT,
)
MAX_AUDIENCE = 100
#: A publication date this far in the past still counts as "now" (the form's minutes).
PAST_TOLERANCE = dt.timedelta(minutes=5)


# --- helpers ------------------------------------------------------------------------------------


def _check_can_publish_for(user, organisation):
    if not is_identified_member(user):
        raise PermissionDenied(
            _("Only identified members (verified e-mail, commune given) may publish information.")
        )
    if not can_publish_for(user, organisation or user):
        if organisation is None:
            raise PermissionDenied(
                _("Only elected officials whose mandate is verified may publish in their name.")
            )
        raise PermissionDenied(
            _(
                "You can only publish for a verified institution or association whose "
                "manager or editor you are."
            )
        )


def _check_manages(post, user):
    if not (is_active_member(user) and user_manages_post(user, post)):
        raise PermissionDenied(_("Only the post's author and its organisation's team may do this."))


def _clean_audience(audience):
    """The targeted territories, checked: real territories of the targetable kinds, at most
    ``MAX_AUDIENCE``. Primary keys are accepted (API); unknown ones are refused."""
    audience = list(audience or [])
    if len(audience) > MAX_AUDIENCE:
        raise ValidationError(
            {
                "audience": _("Target %(max)d territories at most, or the whole département.")
                % {"max": MAX_AUDIENCE}
            }
        )
    pks = set()
    for item in audience:
        pk = item.pk if isinstance(item, Territory) else item
        if isinstance(pk, bool) or not isinstance(pk, int):
            try:
                pk = int(str(pk))
            except ValueError:
                raise ValidationError({"audience": _("Choose territories of the list.")}) from None
        pks.add(pk)
    territories = list(Territory.objects.filter(pk__in=pks))
    if any(territory.kind not in TARGET_KINDS for territory in territories):
        raise ValidationError(
            {
                "audience": _(
                    "Target communes, intercommunalities or arrondissements (or none: all)."
                )
            }
        )
    if len(territories) != len(pks):
        raise ValidationError(
            {"audience": _("One of the target territories does not exist: choose from the list.")}
        )
    return territories


def _apply(post, data, *, editor):
    """Copy ``data`` onto ``post`` (unsaved); return the names of the fields that changed."""
    changed = set()
    for name in SIMPLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in {"title", "body", "image_alt"}:
            value = (value or "").strip()
        if name == "category":
            if post.category_id != (value.pk if value is not None else None):
                post.category = value
                changed.add(name)
        elif getattr(post, name) != value:
            setattr(post, name, value)
            changed.add(name)
    if "organisation" in data:
        organisation = data["organisation"]
        if (organisation.pk if organisation else None) != post.organisation_id:
            _check_can_publish_for(editor, organisation)
            post.organisation = organisation
            changed.add("organisation")
    if "title" in changed or not post.slug:
        post.slug = title_slug(post.title, default=DEFAULT_SLUG)
    return changed


def _validate(post, *, changed, is_new):
    errors = {}
    now = timezone.now()
    if "category" in changed and post.category_id and not post.category.is_active:
        errors["category"] = [_("This category is no longer offered; choose another one.")]
    if (
        post.publish_at is not None
        and (is_new or "publish_at" in changed)
        and post.publish_at < now - PAST_TOLERANCE
    ):
        errors["publish_at"] = [
            _(
                "The publication date is past: leave it empty to publish now, or give a "
                "date to come."
            )
        ]
    if post.expires_at is not None and (is_new or "expires_at" in changed):
        if post.expires_at <= now:
            errors["expires_at"] = [_("The end of display is past: give a date to come.")]
        elif post.publish_at is not None and post.expires_at <= post.publish_at:
            errors["expires_at"] = [_("The end of display must come after the publication date.")]
    if errors:
        raise ValidationError(errors)
    if not post.title:
        raise ValidationError({"title": [_("Give the post a title.")]})
    if not post.body:
        raise ValidationError({"body": [_("Write the text of the post.")]})
    post.full_clean(exclude=["image", "slug", "audience"])


def _set_image(post, image):
    """``image``: an uploaded file (checked and re-encoded), ``False`` to remove it, ``None``
    to leave it alone. Returns whether it changed; the old file goes once committed."""
    return image_set(post, "image", image, max_size=(1600, 1600))


def _go_live(post, now):
    """Mark ``post`` published (unsaved): from its publication date if to come, else now."""
    if post.publish_at is None or post.publish_at < now:
        post.publish_at = now
    if post.expires_at is not None and post.expires_at <= post.publish_at:
        raise ValidationError(
            {"expires_at": [_("The end of display must come after the publication date.")]}
        )
    post.status = PostStatus.PUBLISHED
    post.moderation_reason = ""
    post.unpublished_by = None
    post.unpublished_at = None


PUBLISH_FIELDS = [
    "status",
    "publish_at",
    "moderation_reason",
    "unpublished_by",
    "unpublished_at",
    "updated_at",
]


def _post_context(post, **extra):
    return {
        "title": post.title,
        "url": absolute_url(post.get_absolute_url()),
        "publisher": post.publisher_name,
        **extra,
    }


def _tell_author(post, *, restored, reason=""):
    """The author learns that a moderator unpublished their post (with the reason) or
    published it again: a notification whose e-mail cannot be turned off (a statement of
    reasons)."""
    context = _post_context(post, restored=restored, reason=reason)
    if not restored:
        context["edit_url"] = absolute_url(
            reverse("news:edit", kwargs={"pk": post.pk, "slug": post.slug})
        )
        context["contact_email"] = settings.PARVIS_CONTACT_EMAIL
    notify(
        recipients=[post.author],
        type_key="news.post_moderated",
        target=post,
        url=(
            post.get_absolute_url()
            if restored
            else reverse("news:edit", kwargs={"pk": post.pk, "slug": post.slug})
        ),
        context=context,
    )


# --- posts --------------------------------------------------------------------------------------


def post_create(*, author: User, data: dict, publish: bool = False) -> Post:
    """Create a post from ``data`` (the cleaned form or API data): a draft, or published (or
    scheduled, when ``publish_at`` is to come) when ``publish``.

    ``data`` keys: title, body (Markdown), category, organisation (an organisation the author
    may publish for, or None: the author as a verified official), image (an uploaded file or
    None), image_alt, audience (territories or their primary keys; empty: the whole
    département), publish_at (None: now), expires_at (None: no end).
    """
    organisation = data.get("organisation")
    _check_can_publish_for(author, organisation)
    post = Post(author=author, organisation=organisation, status=PostStatus.DRAFT)
    changed = _apply(post, {k: v for k, v in data.items() if k != "organisation"}, editor=author)
    _validate(post, changed=changed, is_new=True)
    audience = _clean_audience(data.get("audience"))
    check_posting_allowed(author, "post")  # sanctions, new accounts' daily allowance
    with transaction.atomic():
        _set_image(post, data.get("image"))
        if publish:
            _go_live(post, timezone.now())
        post.save()
        post.audience.set(audience)
        post_announce(post=post)
    return post


def post_update(*, post: Post, editor: User, data: dict) -> Post:
    """Change ``post`` with ``data`` (same keys as ``post_create``; absent keys are left
    alone). A published post stays published; moving its publication date to come schedules
    it again."""
    _check_manages(post, editor)
    check_not_sanctioned(editor)
    post = Post.objects.select_related("category", "organisation", "author").get(pk=post.pk)
    if post.status == PostStatus.PUBLISHED and not can_publish_for(
        editor, post.organisation or post.author
    ):
        raise PermissionDenied(
            _("You may no longer publish in this name: unpublish the post instead.")
        )
    changed = _apply(post, data, editor=editor)
    _validate(post, changed=changed, is_new=False)
    if post.status == PostStatus.PUBLISHED and post.publish_at is None:
        post.publish_at = timezone.now()
        changed.add("publish_at")
    audience = _clean_audience(data["audience"]) if "audience" in data else None
    with transaction.atomic():
        if _set_image(post, data.get("image")):
            changed.add("image")
        if changed:
            post.save(update_fields=sorted(changed | {"slug", "updated_at"}))
        if audience is not None:
            post.audience.set(audience)
        if "publish_at" in changed:
            post_announce(post=post)  # at its new date, if not announced yet
    return post


def post_publish(*, post: Post, actor: User) -> Post:
    """Publish a draft, or a post its team unpublished: live now, or scheduled when its
    publication date is to come."""
    _check_manages(post, actor)
    if post.is_moderated:
        raise PermissionDenied(
            _("A moderator unpublished this post: only a moderator may publish it again.")
        )
    if post.status == PostStatus.PUBLISHED:
        raise ValidationError(_("This post is already published."))
    _check_can_publish_for(actor, post.organisation)
    if post.organisation_id is None and post.author_id != actor.pk:
        raise PermissionDenied(_("Only the post's author and its organisation's team may do this."))
    check_not_sanctioned(actor)
    with transaction.atomic():
        _go_live(post, timezone.now())
        post.save(update_fields=PUBLISH_FIELDS)
        post_announce(post=post)
    return post


def post_unpublish(*, post: Post, actor: User, reason: str = "") -> Post:
    """Take a published post off the site.

    Its team may do so at any time (``reason`` optional, kept private). A moderator who is not
    of its team must give a reason: it is e-mailed to the author, and only a moderator may
    publish the post again.
    """
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError({"reason": _("The reason is too long (2000 characters at most).")})
    by_team = is_active_member(actor) and user_manages_post(actor, post)
    if not by_team and not is_news_moderator(actor):
        raise PermissionDenied(_("Only the post's author and its organisation's team may do this."))
    if not by_team and not reason:
        raise ValidationError(
            {"reason": _("Give the reason: it is sent to the author. Nothing was changed.")}
        )
    if post.status != PostStatus.PUBLISHED:
        raise ValidationError(_("Only a published post can be unpublished."))
    post.status = PostStatus.UNPUBLISHED
    post.unpublished_by = actor
    post.unpublished_at = timezone.now()
    post.moderation_reason = "" if by_team else reason
    with transaction.atomic():
        post.save(
            update_fields=[
                "status",
                "unpublished_by",
                "unpublished_at",
                "moderation_reason",
                "updated_at",
            ]
        )
        if not by_team:
            _tell_author(post, restored=False, reason=reason)
    return post


def post_restore(*, post: Post, moderator: User) -> Post:
    """A moderator publishes again a post a moderator unpublished (after an appeal, say); the
    author is told."""
    if not is_news_moderator(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    if not post.is_moderated:
        raise ValidationError(_("This post was not unpublished by a moderator."))
    with transaction.atomic():
        _go_live(post, timezone.now())
        post.save(update_fields=PUBLISH_FIELDS)
        _tell_author(post, restored=True)
        post_announce(post=post)
    return post


def post_discard(*, post: Post, actor: User) -> None:
    """Delete a draft (a post that was published stays, unpublished, for the record)."""
    _check_manages(post, actor)
    if post.status != PostStatus.DRAFT:
        raise ValidationError(_("Only a draft can be deleted; unpublish a published post."))
    with transaction.atomic():
        post.audience.clear()
        post.delete()


# --- follows ------------------------------------------------------------------------------------


def _field_of(target):
    """The ``Follow`` field that points at ``target``'s kind, or ``None``."""
    from parvis.groups.models import Group, Thread

    for model, name in (
        (Territory, "territory"),
        (Organisation, "organisation"),
        (User, "followed_user"),
        (Group, "group"),
        (Thread, "thread"),
    ):
        if isinstance(target, model):
            return name
    return None


def member_may_be_followed(member) -> bool:
    """An active member who allows it, or an elected official with a verified mandate."""
    return member.is_active and (
        member.allow_follows or member.mandates.filter(status=VerificationStatus.VERIFIED).exists()
    )


def _follow_field(target, user):
    """The ``Follow`` field for ``target``, after checking ``user`` may follow it."""
    from parvis.groups.selectors import group_is_visible_to, thread_is_visible_to

    name = _field_of(target)
    if name is None:
        raise ValidationError(
            _("Only territories, organisations, members, groups and discussions can be followed.")
        )
    if name == "organisation" and not target.is_verified:
        raise ValidationError(_("Only verified organisations can be followed."))
    if name == "followed_user" and not member_may_be_followed(target):
        raise ValidationError(_("This member does not wish to be followed."))
    if name == "group" and not (target.is_active and group_is_visible_to(target, user)):
        raise ValidationError(_("This group cannot be followed."))
    if name == "thread" and (
        target.deleted_at is not None or not thread_is_visible_to(target, user)
    ):
        raise ValidationError(_("This discussion cannot be followed."))
    return name


def follow_create(*, user: User, target) -> Follow:
    """``user`` follows ``target`` (a territory, a verified organisation, a member who allows
    it or a verified elected official, a group they may read without joining it, or a
    discussion): its posts join their feed, its activity their home page. Idempotent:
    returns the existing follow if any."""
    if not is_active_member(user):
        raise PermissionDenied(_("Log in to follow."))
    name = _follow_field(target, user)
    if name == "followed_user" and target.pk == user.pk:
        raise ValidationError(_("You cannot follow yourself."))
    existing = Follow.objects.filter(user=user, **{name: target}).first()
    if existing is not None:
        return existing
    follow = Follow(user=user, **{name: target})
    follow.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            follow.save()
    except IntegrityError:  # a concurrent request followed it first
        return Follow.objects.get(user=user, **{name: target})
    return follow


def follow_delete(*, user: User, target) -> bool:
    """``user`` no longer follows ``target``. Returns whether a follow was removed."""
    name = _field_of(target)
    if not user.is_authenticated or name is None:
        return False
    deleted, _details = Follow.objects.filter(user=user, **{name: target}).delete()
    return bool(deleted)
