def test_home_page_presents_the_territory(client, oise):
    response = client.get("/")
    assert response.status_code == 200
    assert "Oise" in response.content.decode()


def test_health_reports_database(client, db):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_moderators_group_can_review_mandates_and_organisations(moderator):
    assert moderator.has_perm("accounts.change_mandate")
    assert moderator.has_perm("organisations.change_organisation")
    assert not moderator.has_perm("accounts.delete_user")
