"""Comments and reactions: the services' rules, as a member or a caller sees them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parvis.agenda.models import EventStatus
from parvis.comments import services
from parvis.comments.models import Comment, CommentMention, Reaction
from parvis.comments.selectors import attach_reactions, comments_page
from parvis.groups.models import Message

pytestmark = pytest.mark.django_db


def test_comment_and_reply_one_level(event, seasoned):
    resident, other = seasoned
    comment = services.comment_post(item=event, author=resident, body="J'y serai !")
    reply = services.comment_post(item=event, author=other, body="Moi aussi.", parent=comment)
    # A reply to a reply joins the first comment's thread: one level only.
    again = services.comment_post(item=event, author=resident, body="Super.", parent=reply)

    assert comment.target == f"agenda.event:{event.pk}"
    assert reply.parent_id == comment.pk
    assert again.parent_id == comment.pk
    page = comments_page(comment.target, page=1)
    assert [c.pk for c in page.object_list] == [comment.pk]
    assert [r.pk for r in page.object_list[0].replies_shown] == [reply.pk, again.pk]


def test_comment_on_a_post_renders_markdown_safely(post, seasoned):
    resident, _other = seasoned
    comment = services.comment_post(
        item=post, author=resident, body="**Dommage** <script>alert(1)</script>"
    )
    assert "<strong>Dommage</strong>" in comment.body_html
    assert "<script>" not in comment.body_html


@pytest.mark.parametrize("body", ["", "   ", "\x00", "x" * 3001])
def test_bad_bodies_are_refused_and_nothing_is_stored(event, seasoned, body):
    resident, _other = seasoned
    with pytest.raises(ValidationError) as error:
        services.comment_post(item=event, author=resident, body=body)
    assert "body" in error.value.message_dict
    assert not Comment.objects.exists()


def test_visitor_cannot_comment(event, client):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.comment_post(item=event, author=AnonymousUser(), body="Bonjour")


def test_comments_closed_on_a_cancelled_event(event, seasoned):
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="closed"):
        services.comment_post(item=event, author=seasoned[0], body="Dommage")


def test_draft_event_is_not_visible_so_not_commentable(event, seasoned):
    event.status = EventStatus.DRAFT
    event.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        services.comment_post(item=event, author=seasoned[0], body="Bonjour")


def test_reply_to_a_comment_of_another_item_is_refused(event, post, seasoned):
    resident, other = seasoned
    comment = services.comment_post(item=post, author=resident, body="Ah.")
    with pytest.raises(ValidationError) as error:
        services.comment_post(item=event, author=other, body="Oh.", parent=comment)
    assert "parent" in error.value.message_dict


def test_group_messages_cannot_be_commented(thread, seasoned):
    message = Message.objects.filter(thread=thread).first()
    with pytest.raises(ValidationError, match="cannot be commented"):
        services.comment_post(item=message, author=seasoned[1], body="Hm")


def test_new_account_allowance_and_links(event, resident, settings):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 2
    services.comment_post(item=event, author=resident, body="Un")
    services.comment_post(item=event, author=resident, body="Deux")
    with pytest.raises(ValidationError, match="new"):
        services.comment_post(item=event, author=resident, body="Trois")
    links = " ".join(f"https://example.org/{i}" for i in range(5))
    with pytest.raises(ValidationError, match="links"):
        services.comment_post(item=event, author=resident, body=links)
    assert Comment.objects.count() == 2


def test_flood_is_refused(event, seasoned, settings):
    resident, _other = seasoned
    for number in range(services.FLOOD_LIMIT):
        services.comment_post(item=event, author=resident, body=f"Message {number}")
    with pytest.raises(ValidationError, match="many comments"):
        services.comment_post(item=event, author=resident, body="Encore")


def test_mentions_become_profile_links(event, seasoned, association_manager):
    resident, other = seasoned
    services.comment_post(item=event, author=other, body="Bonjour")
    comment = services.comment_post(
        item=event, author=resident, body="@hugo-lefebvre et @lea-dubois, `@hugo-lefebvre` ?"
    )
    assert f'href="/membres/{other.pk}/"' in comment.body_html
    assert f'href="/membres/{association_manager.pk}/"' in comment.body_html  # the organiser
    assert "<code>@hugo-lefebvre</code>" in comment.body_html  # not inside code
    assert set(CommentMention.objects.values_list("user_id", flat=True)) == {
        other.pk,
        association_manager.pk,
    }


def test_unknown_handle_stays_text(event, seasoned):
    comment = services.comment_post(item=event, author=seasoned[0], body="@personne-inconnue")
    assert "href" not in comment.body_html
    assert not CommentMention.objects.exists()


def test_edit_and_delete_own_comment(event, seasoned):
    resident, other = seasoned
    comment = services.comment_post(item=event, author=resident, body="Premier jet")
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, editor=other, body="Pirate")
    services.comment_edit(comment=comment, editor=resident, body="Version **finale**")
    comment.refresh_from_db()
    assert comment.edited_at is not None and "<strong>finale</strong>" in comment.body_html
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, actor=other)
    services.comment_delete(comment=comment, actor=resident)
    comment.refresh_from_db()
    assert comment.deleted_at is not None and comment.body == ""
    assert not comment.removed_by_moderator


def test_moderator_removal_needs_a_reason(event, seasoned, moderator):
    comment = services.comment_post(item=event, author=seasoned[0], body="Hors sujet")
    with pytest.raises(ValidationError) as error:
        services.comment_delete(comment=comment, actor=moderator)
    assert "reason" in error.value.message_dict
    services.comment_delete(comment=comment, actor=moderator, reason="Hors sujet.")
    comment.refresh_from_db()
    assert comment.removed_by_moderator and comment.body == "Hors sujet"  # kept for an appeal


def test_one_reaction_per_member_changing_replaces(event, seasoned):
    resident, other = seasoned
    services.reaction_set(item=event, user=resident, kind="like")
    services.reaction_set(item=event, user=resident, kind="bravo")
    services.reaction_set(item=event, user=other, kind="bravo")

    assert Reaction.objects.filter(target=f"agenda.event:{event.pk}").count() == 2
    [item] = attach_reactions([event], resident)
    counts = {r["kind"]: r["count"] for r in item.reactions}
    assert counts == {"like": 0, "thanks": 0, "bravo": 2, "useful": 0}
    assert [r["kind"] for r in item.reactions if r["mine"]] == ["bravo"]
    assert services.reaction_remove(item=event, user=resident) is True
    assert services.reaction_remove(item=event, user=resident) is False


def test_reactions_on_messages_and_comments(thread, event, seasoned):
    resident, other = seasoned
    message = Message.objects.get(thread=thread, author=other)
    services.reaction_set(item=message, user=resident, kind="useful")
    comment = services.comment_post(item=event, author=other, body="Top")
    services.reaction_set(item=comment, user=resident, kind="thanks")
    assert Reaction.objects.get(user=resident, kind="useful").page == f"groups.thread:{thread.pk}"
    assert Reaction.objects.get(user=resident, kind="thanks").page == f"agenda.event:{event.pk}"


@pytest.mark.parametrize("kind", ["", "dislike", "x" * 50, None])
def test_unknown_reaction_is_refused(event, seasoned, kind):
    with pytest.raises(ValidationError):
        services.reaction_set(item=event, user=seasoned[0], kind=kind)
    assert not Reaction.objects.exists()


def test_no_reaction_to_own_contribution(event, association_manager):
    with pytest.raises(ValidationError, match="own"):
        services.reaction_set(item=event, user=association_manager, kind="like")


def test_private_group_message_only_for_members(resident, other_resident, oise):
    from parvis.accounts.models import User
    from parvis.groups.models import Visibility
    from parvis.groups.services import thread_create
    from tests.groups.conftest import create_group

    group = create_group(resident, name="Bureau", visibility=Visibility.PRIVATE)
    thread = thread_create(group=group, author=resident, title="Budget", body="Secret")
    message = thread.last_message
    stranger = User.objects.get(pk=other_resident.pk)
    with pytest.raises(PermissionDenied):
        services.reaction_set(item=message, user=stranger, kind="like")
