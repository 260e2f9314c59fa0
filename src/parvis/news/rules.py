"""Who may do what with targeted information, as named ``rules`` permissions.

Who publishes: the managers and editors of a verified institution or a verified association
(for that organisation), and verified elected officials (in their own name). A post is run by
its author when published as an official, by any manager or editor of its organisation
otherwise. Moderators (staff with ``news.change_post``) may unpublish any post, with a reason.

Use ``user.has_perm("news.edit_post", post)`` in views and API permission classes alike. The
Django model permissions (``news.change_post``...) are the moderators' admin permissions and
are not redefined here.
"""

import rules

from parvis.accounts.models import User
from parvis.accounts.rules import is_active_member, is_identified_member, is_verified_official
from parvis.organisations.models import Organisation, OrganisationKind
from parvis.organisations.selectors import membership_role

from .models import PostStatus
from .selectors import publishing_organisations, user_manages_post


@rules.predicate
def can_publish_for(user, target):
    """``user`` may publish in the name of ``target``: an organisation (a verified institution
    or association they manage or edit) or themself (a verified elected official)."""
    if not user.is_authenticated or target is None:
        return False
    if isinstance(target, Organisation):
        return (
            target.is_verified
            and target.kind in (OrganisationKind.INSTITUTION, OrganisationKind.ASSOCIATION)
            and membership_role(user, target) is not None
        )
    if isinstance(target, User):
        return target.pk == user.pk and is_verified_official(user)
    return False


@rules.predicate
def has_publishing_identity(user):
    """``user`` may publish for at least one organisation, or as an elected official."""
    if not user.is_authenticated:
        return False
    return is_verified_official(user) or publishing_organisations(user).exists()


@rules.predicate
def is_post_manager(user, post):
    return post is not None and user_manages_post(user, post)


@rules.predicate
def is_news_moderator(user):
    return user.is_authenticated and user.is_staff and user.has_perm("news.change_post")


@rules.predicate
def is_draft(user, post):
    return post is not None and post.status == PostStatus.DRAFT


@rules.predicate
def is_published(user, post):
    return post is not None and post.status == PostStatus.PUBLISHED


@rules.predicate
def is_publishable(user, post):
    """A draft, or a post its team unpublished (not a moderator: see ``Post.is_moderated``)."""
    return (
        post is not None
        and post.status in (PostStatus.DRAFT, PostStatus.UNPUBLISHED)
        and not post.is_moderated
    )


@rules.predicate
def may_publish_in_its_name(user, post):
    """``user`` may still publish for the post's organisation (or as the official)."""
    return post is not None and can_publish_for(user, post.organisation or post.author)


rules.add_perm("news.write_post", is_identified_member & has_publishing_identity)
rules.add_perm("news.publish_for", is_identified_member & can_publish_for)
# A published post is changed only by someone who may still publish in its name.
rules.add_perm(
    "news.edit_post",
    is_active_member & is_post_manager & (~is_published | may_publish_in_its_name),
)
rules.add_perm(
    "news.publish_post",
    is_identified_member & is_post_manager & is_publishable & may_publish_in_its_name,
)
rules.add_perm(
    "news.unpublish_post", is_active_member & is_published & (is_post_manager | is_news_moderator)
)
rules.add_perm("news.discard_post", is_active_member & is_post_manager & is_draft)
rules.add_perm("news.follow", is_active_member)
