"""API refusals found by the generated tests, each in the member's language."""

from .conftest import api_messages, looks_french
from .worlds_round import with_comment


def test_a_reply_to_a_comment_of_nowhere_is_refused_in_french(people, api_client):
    world = with_comment(people)
    client = api_client(world["user"])
    data = {"target": world["target"], "body": "Réponse.", "parent": 999999}

    refused = client.post("/api/commentaires/", data, format="json")
    other = api_client(people["other_resident"])
    forbidden = other.delete(f"/api/commentaires/{world['comment'].pk}/")

    assert refused.status_code == 400
    assert api_messages(refused.json()) == ["Ce commentaire n’existe pas."]
    assert forbidden.status_code == 403
    assert all(looks_french(message) for message in api_messages(forbidden.json()))
