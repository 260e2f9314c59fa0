"""The CSV export: for the institution's agents and moderators, without identities, with the
same anonymity rule as the breakdowns, and safe to open in a spreadsheet."""

import csv
import io

import pytest

from parvis.consultations.services import response_submit
from tests.factories import UserFactory

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def answer(consultation, commune, count, **choices):
    members = [UserFactory(commune=commune) for _ in range(count)]
    for member in members:
        response_submit(
            consultation=consultation, member=member, answers=full_answers(consultation, **choices)
        )
    return members


def test_agent_exports_one_row_per_response_without_identities(
    login, make_consultation, oise, agent
):
    consultation = make_consultation()
    members = answer(consultation, oise["beauvais"], 10, text="Bien")
    members += answer(consultation, oise["compiegne"], 10, single=1, multiple=(1, 2), text="")
    members += answer(consultation, oise["margny"], 10, scale=2, text='=HYPERLINK("x")')

    table = rows(login(agent).get(consultation.get_absolute_url() + "export.csv"))

    assert table[0] == [
        "Response",
        "Commune",
        "Intercommunality (EPCI)",
        "1. Faut-il prolonger la piste cyclable ?",
        "2. Quels aménagements ?",
        "3. Votre satisfaction actuelle ?",
        "4. Une remarque ?",
    ]
    assert len(table) == 31
    assert [row[0] for row in table[1:]] == [str(n) for n in range(1, 31)]
    beauvais = [row for row in table[1:] if row[1] == "Beauvais"]
    assert len(beauvais) == 10
    assert beauvais[0][2:] == ["CA du Beauvaisis", "Oui", "Stationnement vélo", "4", "Bien"]
    compiegne = next(row for row in table[1:] if row[1] == "Compiègne")
    assert compiegne[3:6] == ["Non", "Éclairage ; Bancs", "4"]
    margny = next(row for row in table[1:] if row[1] == "Margny-lès-Compiègne")
    assert margny[6] == '\'=HYPERLINK("x")'  # never run as a formula
    text = "\n".join(",".join(row) for row in table)
    for member in members:
        assert member.email not in text and member.last_name not in text


def test_small_communes_are_not_named_in_the_export(login, make_consultation, oise, moderator):
    consultation = make_consultation()
    answer(consultation, oise["beauvais"], 11)
    answer(consultation, oise["margny"], 1)

    table = rows(login(moderator).get(consultation.get_absolute_url() + "export.csv"))

    assert {row[1] for row in table[1:]} == {"Other communes"}
    assert {row[2] for row in table[1:]} == {"Other intercommunalities"}


def test_only_the_institution_and_moderators_export(
    client, login, make_consultation, resident, official, association_manager, oise
):
    consultation = make_consultation()
    url = consultation.get_absolute_url() + "export.csv"
    response = client.get(url)
    assert response.status_code == 302 and "/compte/" in response["Location"]
    for member in (resident, official, association_manager):
        assert login(member).get(url).status_code == 403
