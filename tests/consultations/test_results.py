"""Results: counts and percentages, and breakdowns that never show fewer than 10 people."""

import itertools

import pytest

from parvis.consultations.models import QuestionKind
from parvis.consultations.results import MIN_GROUP_SIZE, compute_results, shown_groups
from parvis.consultations.selectors import consultation_for_page
from parvis.consultations.services import response_submit
from tests.factories import UserFactory

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def answer_many(consultation, commune, count, **choices):
    for _ in range(count):
        member = UserFactory(commune=commune)
        response_submit(
            consultation=consultation,
            member=member,
            answers=full_answers(consultation, **choices),
        )


def results_of(consultation, **options):
    return compute_results(consultation_for_page(consultation.pk), **options)


def by_kind(results, kind):
    return next(r for r in results.questions if r.question.kind == kind)


# --- the suppression rule itself -------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "shown", "pool"),
    [
        ({"a": 10}, {"a"}, 0),
        ({"a": 9}, set(), 9),
        ({"a": 12, "b": 10, "c": 3}, {"a"}, 13),  # b joins c, else c = total - a - b
        ({"a": 12, "b": 11, "c": 10}, {"a", "b", "c"}, 0),
        ({"a": 30, "b": 4, "c": 4, "d": 4}, {"a"}, 12),
        ({"a": 15, "b": 5}, set(), 20),  # a alone would give b away: no breakdown
        ({"a": 10, None: 10}, {"a"}, 10),
        ({}, set(), 0),
    ],
)
def test_shown_groups(sizes, shown, pool):
    assert shown_groups(sizes) == (shown, pool)


def test_no_group_and_no_difference_ever_has_fewer_than_ten():
    sizes_seen = [
        dict(zip("abcdef", combo, strict=True))
        for combo in itertools.product([0, 1, 5, 9, 10, 11, 25], repeat=6)
    ]
    for sizes in sizes_seen[::7]:
        shown, pool = shown_groups(sizes)
        assert all(sizes[key] >= MIN_GROUP_SIZE for key in shown)
        if shown:  # else there is no breakdown at all
            assert pool == 0 or pool >= MIN_GROUP_SIZE
        assert pool + sum(sizes[key] for key in shown) == sum(sizes.values())


# --- on a consultation ------------------------------------------------------------------------


def test_counts_and_percentages_per_question(make_consultation, oise):
    consultation = make_consultation()
    answer_many(consultation, oise["beauvais"], 3, single=0, multiple=(0, 1), scale=5)
    answer_many(consultation, oise["compiegne"], 1, single=1, multiple=(2,), scale=2)

    results = results_of(consultation)

    assert results.respondents == 4
    single = by_kind(results, QuestionKind.SINGLE)
    assert [(s.label, s.count, s.percent) for s in single.shares] == [
        ("Oui", 3, 75.0),
        ("Non", 1, 25.0),
    ]
    multiple = by_kind(results, QuestionKind.MULTIPLE)
    assert [(s.count, s.percent) for s in multiple.shares] == [(3, 75.0), (3, 75.0), (1, 25.0)]
    scale = by_kind(results, QuestionKind.SCALE)
    assert [s.count for s in scale.shares] == [0, 1, 0, 0, 3]
    assert scale.mean == 4.25
    assert by_kind(results, QuestionKind.TEXT).texts is None  # not for the public


def test_free_texts_only_with_texts(make_consultation, resident):
    consultation = make_consultation()
    response_submit(
        consultation=consultation,
        member=resident,
        answers=full_answers(consultation, text="<b>Plus de bancs</b>"),
    )
    text = by_kind(results_of(consultation, with_texts=True), QuestionKind.TEXT)
    assert text.texts == ["<b>Plus de bancs</b>"] and text.answered == 1


def test_breakdown_shows_communes_of_ten_or_more_and_pools_the_rest(make_consultation, oise):
    consultation = make_consultation()
    answer_many(consultation, oise["beauvais"], 12, single=0)
    answer_many(consultation, oise["compiegne"], 10, single=1)
    answer_many(consultation, oise["margny"], 3, single=1)

    results = results_of(consultation)

    # Compiègne (10) is pooled with Margny (3): showing it would give Margny's 3 answers away.
    assert [(g.label, g.respondents) for g in results.by_commune.groups] == [
        ("Beauvais", 12),
        ("Other communes", 13),
    ]
    # By EPCI: the CA du Beauvaisis (12) and the ARC (13) are both large enough.
    assert [(g.label, g.respondents) for g in results.by_epci.groups] == [
        ("CA de la Région de Compiègne et de la Basse Automne", 13),
        ("CA du Beauvaisis", 12),
    ]
    beauvais = results.by_commune.groups[0].questions
    single = next(r for r in beauvais.values() if r.question.kind == QuestionKind.SINGLE)
    assert [(s.label, s.count) for s in single.shares] == [("Oui", 12), ("Non", 0)]


def test_exactly_ten_is_shown_and_nine_is_not(make_consultation, oise):
    consultation = make_consultation()
    answer_many(consultation, oise["beauvais"], 10)
    answer_many(consultation, oise["compiegne"], 10)
    results = results_of(consultation)
    assert {g.label for g in results.by_commune.groups} == {"Beauvais", "Compiègne"}

    other = make_consultation(title="Neuf")
    answer_many(other, oise["beauvais"], 9)
    results = results_of(other)
    assert not results.by_commune and not results.by_epci
    assert results.respondents == 9


def test_results_page_shows_breakdown_cells_only_above_the_threshold(
    client, make_consultation, oise
):
    consultation = make_consultation()
    answer_many(consultation, oise["beauvais"], 11)
    answer_many(consultation, oise["margny"], 4)

    page = client.get(consultation.get_absolute_url() + "resultats/").content.decode()

    assert "15 members answered." in page
    assert "Margny" not in page  # 4 residents: never shown on their own
    assert ">Beauvais" not in page  # 11, but alone it would give Margny's 4 away
    assert "No breakdown by territory" in page
