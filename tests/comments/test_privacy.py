"""A member's comments and reactions in their data export and their account's erasure."""

import pytest

from parvis.comments import services
from parvis.comments.models import Comment, CommentMention, Reaction
from parvis.privacy.archive import member_data
from parvis.privacy.services import account_erase

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(event, seasoned):
    resident, other = seasoned
    services.comment_post(item=event, author=other, body="Premier")
    mine = services.comment_post(item=event, author=resident, body="Je cite @hugo-lefebvre")
    services.comment_post(item=event, author=other, body="Réponse", parent=mine)
    services.reaction_set(item=event, user=resident, kind="like")
    return mine


def test_export_holds_own_comments_mentions_and_reactions_only(talk, seasoned, event):
    resident, other = seasoned
    sections = member_data(resident)[0]["sections"]
    assert [row["body"] for row in sections["comments"]] == ["Je cite @hugo-lefebvre"]
    assert sections["comments"][0]["url"].endswith(f"#commentaire-{talk.pk}")
    assert [row["kind"] for row in sections["reactions"]] == ["like"]
    assert sections["comment_mentions"] == []
    other_sections = member_data(other)[0]["sections"]
    assert [row["comment"] for row in other_sections["comment_mentions"]] == [talk.pk]
    assert sorted(row["body"] for row in other_sections["comments"]) == ["Premier", "Réponse"]


def test_erasure_keeps_comments_as_by_a_former_member(talk, seasoned):
    resident, _other = seasoned
    account_erase(member=resident, actor=resident)
    talk.refresh_from_db()
    assert talk.author_id is None and talk.body == "Je cite @hugo-lefebvre"
    assert not Reaction.objects.filter(user=resident).exists()


def test_erasure_with_contributions_deletes_the_text_and_keeps_the_replies(talk, seasoned):
    resident, other = seasoned
    account_erase(member=resident, actor=resident, delete_contributions=True)
    talk.refresh_from_db()
    assert talk.author_id is None and talk.body == "" and talk.deleted_at is not None
    assert not CommentMention.objects.filter(comment=talk).exists()
    assert Comment.objects.filter(parent=talk, author=other).exists()  # the reply stays
