"""Querysets built and compiled once per process (parvis.core.prepared): the same rows as the
queryset built anew, whatever is done with them, and the function built once per shape."""

import datetime

import pytest
from django.db import connection
from django.db.models import Exists
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parvis.accounts.models import User
from parvis.agenda.models import Category
from parvis.core.prepared import prepared
from parvis.territories.models import Territory

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def counted(function):
    """``function`` with the number of times it ran in ``.runs``."""

    def run(**arguments):
        run.runs += 1
        return function(**arguments)

    run.runs = 0
    return run


def _communes(epci, kind, names):
    return (
        Territory.objects.filter(epci_id=epci, kind=kind, name__in=names)
        .select_related("epci", "departement")
        .order_by("name")
    )


def names(queryset):
    return [territory.name for territory in queryset]


@pytest.fixture
def communes():
    return counted(_communes)


def test_rows_are_those_of_the_queryset_built_anew_whatever_the_values(oise, communes):
    by_epci = prepared("epci", "kind", "names")(communes)
    every_name = ["Beauvais", "Compiègne", "Margny-lès-Compiègne"]
    for epci in oise["epcis"]:
        for kind in ("commune", "epci"):
            for chosen in (every_name, every_name[:2], every_name[1:]):
                arguments = {"epci": epci.pk, "kind": kind, "names": chosen}
                expected = names(_communes(**arguments))
                assert names(by_epci(**arguments)) == expected
    assert names(by_epci(epci=oise["epcis"][1].pk, kind="commune", names=every_name)) == [
        "Compiègne",
        "Margny-lès-Compiègne",
    ]
    # Built twice for each shape (the stand-ins' check): lists of 3 and of 2 names.
    assert communes.runs == 4
    assert by_epci.prepares(epci=1, kind="commune", names=["a", "b"])
    assert communes.runs == 4


def test_the_related_rows_are_filled_from_the_kept_sql(oise, communes):
    by_epci = prepared("epci", "kind", "names")(communes)
    arguments = {"epci": oise["epcis"][1].pk, "kind": "commune", "names": ["Compiègne"]}
    list(by_epci(**arguments))  # compiled once
    with CaptureQueriesContext(connection) as queries:
        (compiegne,) = by_epci(**arguments)
        assert compiegne.epci.name.startswith("CA de la Région de Compiègne")
        assert compiegne.departement.name == "Oise"
    assert len(queries) == 1


def test_counts_pages_and_subqueries_use_the_values(oise, communes):
    by_epci = prepared("epci", "kind", "names")(communes)
    every_name = ["Beauvais", "Compiègne", "Margny-lès-Compiègne"]
    arguments = {"epci": oise["epcis"][1].pk, "kind": "commune", "names": every_name}
    assert by_epci(**arguments).count() == 2
    assert by_epci(**arguments).exists()
    assert names(by_epci(**arguments)[1:2]) == ["Margny-lès-Compiègne"]
    assert by_epci(**arguments).first().name == "Compiègne"
    assert by_epci(**{**arguments, "epci": oise["epcis"][0].pk}).count() == 1
    assert list(by_epci(**arguments).values_list("name", flat=True)) == [
        "Compiègne",
        "Margny-lès-Compiègne",
    ]
    # As a subquery of another query.
    assert Territory.objects.filter(pk__in=by_epci(**arguments).values("pk")).count() == 2
    assert (
        Territory.objects.filter(Exists(by_epci(**arguments))).count() == Territory.objects.count()
    )
    assert not Territory.objects.filter(
        Exists(by_epci(**{**arguments, "names": ["Beauvais", "Nowhere", "Other"]}))
    ).exists()


def test_pages_past_those_kept_are_compiled_each_time(oise, communes, monkeypatch):
    monkeypatch.setattr("parvis.core.prepared.MAX_SLICES", 1)
    by_epci = prepared("epci", "kind", "names")(communes)
    every_name = ["Beauvais", "Compiègne", "Margny-lès-Compiègne"]
    for epci, expected in zip(oise["epcis"], (["Beauvais"], ["Compiègne"]), strict=True):
        arguments = {"epci": epci.pk, "kind": "commune", "names": every_name}
        assert names(by_epci(**arguments)[:1]) == expected
    for _ in range(2):  # the second slice is not kept: compiled, with the values put in
        assert names(by_epci(**arguments)[1:2]) == ["Margny-lès-Compiègne"]
        assert names(by_epci(**{**arguments, "epci": oise["epcis"][0].pk})[1:2]) == []


def test_each_shape_is_built_apart(oise):
    @prepared("code")
    def territory(code, with_epci):
        territories = Territory.objects.filter(code=code)
        return territories.select_related("epci") if with_epci else territories

    assert territory(code="60057", with_epci=True).get().epci.name == "CA du Beauvaisis"
    assert territory(code="60159", with_epci=False).get().name == "Compiègne"
    assert len(territory.shapes) == 2


def test_none_is_part_of_the_shape(oise):
    @prepared("epci")
    def communes(epci):
        territories = Territory.objects.filter(kind="commune")
        if epci is None:
            return territories.filter(epci__isnull=True)
        return territories.filter(epci_id=epci)

    assert names(communes(epci=None)) == []
    assert names(communes(epci=oise["epcis"][0].pk)) == ["Beauvais"]
    assert communes.prepares(epci=None) and communes.prepares(epci=1)
    assert len(communes.shapes) == 2


def test_datetimes_and_lists_of_keys(oise, resident, other_resident):
    joined = prepared("after", "keys")(
        lambda after, keys: User.objects.filter(date_joined__gt=after, pk__in=keys).order_by("pk")
    )
    early = timezone.now() - datetime.timedelta(days=1)
    keys = [resident.pk, other_resident.pk]
    assert list(joined(after=early, keys=keys)) == [resident, other_resident]
    assert list(joined(after=timezone.now(), keys=keys)) == []
    assert list(joined(after=early, keys=[other_resident.pk])) == [other_resident]
    if connection.vendor == "postgresql":  # SQLite gets datetimes as text: built each time
        assert joined.prepares(after=early, keys=keys)


def test_a_value_a_lookup_transforms_is_built_anew_on_every_call(oise):
    runs = counted(lambda part: Territory.objects.filter(name__icontains=part).order_by("name"))
    containing = prepared("part")(runs)
    for part in ("compiègne", "beauv"):
        expected = names(Territory.objects.filter(name__icontains=part).order_by("name"))
        assert names(containing(part=part)) == expected
        assert len(expected) >= 3
    assert not containing.prepares(part="oise")
    assert runs.runs == 2 + 3  # the check's two builds, then one build per call


def test_positive_columns_get_positive_stand_ins(oise):
    # Django leaves an integer out of its column's range out of the SQL: a positive column
    # gets stand-ins just under 2**31, and a small positive one, with room for neither, is
    # built anew on every call.
    populous = prepared("least", "epci")(
        lambda least, epci: Territory.objects.filter(population__gte=least, epci_id=epci)
    )
    arc = oise["epcis"][1].pk
    assert populous.prepares(least=1, epci=arc)
    assert sorted(t.name for t in populous(least=10000, epci=arc)) == ["Compiègne"]
    assert sorted(t.name for t in populous(least=1, epci=arc)) == [
        "Compiègne",
        "Margny-lès-Compiègne",
    ]
    Category.objects.create(name="Échecs", slug="echecs", position=300)
    Category.objects.create(name="Dames", slug="dames", position=299)
    ranked = prepared("least")(lambda least: Category.objects.filter(position__gte=least))
    # (SQLite's integers all have 64 bits: there, any column takes the signed stand-ins.)
    assert ranked.prepares(least=2) is (connection.vendor == "sqlite")
    assert [category.slug for category in ranked(least=300)] == ["echecs"]


def test_unsupported_values_are_refused(oise, resident):
    by_key = prepared("key")(lambda key: User.objects.filter(pk=key))
    with pytest.raises(TypeError):
        by_key(key=resident)  # a model instance: pass its key
    with pytest.raises(TypeError):
        by_key(key=True)  # a choice between shapes, not a value
    since = prepared("since")(lambda since: User.objects.filter(date_joined__gt=since))
    with pytest.raises(TypeError):
        since(since=datetime.datetime(2026, 1, 1))  # naive


def test_a_prepared_queryset_is_read_only_and_takes_no_other_condition(oise):
    UserFactory(first_name="Alix")
    by_name = prepared("name")(lambda name: User.objects.filter(first_name=name))
    with pytest.raises(TypeError):
        by_name(name="Alix").update(first_name="Bea")
    assert User.objects.filter(first_name="Alix").exists()
    # A filter would mix its values with the stand-ins, and a queryset built normally would
    # send the stand-ins as they are: the condition belongs in the function.
    with pytest.raises(TypeError):
        by_name(name="Alix").filter(is_active=True)
    with pytest.raises(TypeError):
        by_name(name="Alix").exclude(is_active=False)
    for combined in (
        lambda: User.objects.filter(first_name="Nobody") | by_name(name="Alix"),
        lambda: by_name(name="Alix") | User.objects.filter(first_name="Nobody"),
        lambda: User.objects.all() & by_name(name="Alix"),
    ):
        with pytest.raises(TypeError):
            combined()
    assert by_name(name="Alix").get().first_name == "Alix"


def test_an_address_holding_a_stand_in_is_an_ordinary_address(client, oise):
    # The stand-ins are values a visitor can type: they are nothing special in a request.
    assert client.get("/agenda/2147000001-fete/").status_code == 404
    assert client.get("/agenda/?commune=-32767").status_code == 200
    assert client.get("/groupes/?commune=-32768&epci=2147000000").status_code == 200


@pytest.mark.postgresql  # SQLite gets datetimes as text: their shapes are built each time
def test_the_pages_main_queries_are_prepared(oise):
    from parvis.agenda.filters import _upcoming_occurrences
    from parvis.agenda.selectors import _event_for_page, _upcoming_dates
    from parvis.comments.selectors import _reaction_counts, _top_level_comments
    from parvis.groups.selectors import _group_for_page, _thread_for_page, _thread_messages

    assert _event_for_page.prepares(pk=1)
    assert _upcoming_dates.prepares(event=1, now=timezone.now())
    assert _group_for_page.prepares(slug="jardins-partages")
    assert _thread_for_page.prepares(group=1, pk=1)
    assert _thread_messages.prepares(thread=1, first=31, last=61)
    assert _top_level_comments.prepares(target="agenda.event:1")
    assert _reaction_counts.prepares(targets=["agenda.event:1", "groups.message:2"])
    now = timezone.now()
    for filters in (
        {},
        {"categories": [1, 2], "commune": 1, "free": True},
        {"epci": 1, "start_before": now},
        {"arrondissement": 1, "end_from": None},
    ):
        arguments = {
            "categories": None,
            "commune": None,
            "epci": None,
            "arrondissement": None,
            "free": False,
            "start_from": now,
            "start_before": None,
            "end_from": now,
            **filters,
        }
        assert _upcoming_occurrences.prepares(**arguments), filters
    from parvis.groups.selectors import _visitor_group_list
    from parvis.news.selectors import _feed
    from parvis.organisations.selectors import organisation_for_page
    from parvis.territories.selectors import _territory_for_page

    assert organisation_for_page.prepares(slug="les-jardins-partages")
    assert _territory_for_page.prepares(kind="commune", code="60057")

    for theme, commune, commune_epci, epci in (
        (None, None, None, None),
        ("jardinage", 3, 2, None),
        (None, 3, None, 2),
        ("sport", None, None, 2),
    ):
        assert _visitor_group_list.prepares(
            theme=theme, commune=commune, commune_epci=commune_epci, epci=epci
        )

    for lineage, category in ((None, None), ([5, 2, 3, 1], 4), ([7, 1], None)):
        for with_audience in (True, False):
            for before in (None, now):
                assert _feed.prepares(
                    now=now,
                    lineage=lineage,
                    category=category,
                    before=before,
                    with_audience=with_audience,
                )
