"""The worlds the writes of ``writes.py`` need: personas, objects and valid submissions."""

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from parvis.accounts.models import ProfileKind
from parvis.agenda.models import Category, Event
from parvis.consultations.models import QuestionKind
from parvis.groups import services as group_services
from parvis.groups.models import JoinPolicy, Message, Theme, Visibility
from parvis.news.models import Category as NewsCategory
from parvis.news.models import Post, PostStatus
from parvis.organisations.models import OrganisationKind, OrganisationRole
from parvis.territories.models import Territory
from tests.agenda.conftest import create_event
from tests.consultations.conftest import create_consultation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")
_NUMBERS = itertools.count(1)


@dataclass
class Case:
    """One invalid input: the form's fields and the API's fields that carry it."""

    label: str
    form: dict
    api: dict


def in_days(days, hour=19):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def _count(model, **filters):
    return lambda world: model.objects.filter(**filters).count()


def _newest(model, *also):
    """The page of the newest ``model`` object, and the list pages ``also``."""

    def pages(world):
        newest = model.objects.order_by("-pk").first()
        return ([newest.get_absolute_url()] if newest else []) + list(also)

    return pages


# --- agenda ---------------------------------------------------------------------------------


def _event_world(people):
    return {"user": people["association_manager"], "association": people["association"]}


def _event_form(world):
    return {
        "title": "Fête de quartier",
        "description": "Venez nombreux.",
        "category": str(Category.objects.get(slug="culture").pk),
        "start_date": in_days(12).date().isoformat(),
        "start_time": "18:00",
        "end_time": "21:00",
        "repeat": "none",
        "interval": "1",
        "ends": "until",
        "venue_name": "Place Jeanne-Hachette",
        "address": "Place Jeanne-Hachette",
        "commune": "Beauvais",
        "organisation": str(world["association"].pk),
        "is_free": "on",
    }


def _event_api(world):
    start = in_days(12)
    return {
        "title": "Fête de quartier",
        "description": "Venez nombreux.",
        "category": "culture",
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=3)).isoformat(),
        "venue_name": "Place Jeanne-Hachette",
        "address": "Place Jeanne-Hachette",
        "commune": "60057",
        "organisation": world["association"].slug,
        "is_free": True,
    }


def _far(days):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


EVENT_CASES = [
    Case(
        "repeats every second",
        {"repeat": "weekly", "ends": "count", "count": "99999999"},
        {"rrule": "FREQ=SECONDLY;COUNT=99999999"},
    ),
    Case(
        "interval 0",
        {"repeat": "weekly", "interval": "0", "ends": "count", "count": "3"},
        {"rrule": "FREQ=WEEKLY;INTERVAL=0;COUNT=3"},
    ),
    Case(
        "interval 53",
        {"repeat": "weekly", "interval": "53", "ends": "count", "count": "3"},
        {"rrule": "FREQ=WEEKLY;INTERVAL=53;COUNT=3"},
    ),
    Case(
        "401 dates",
        {"repeat": "weekly", "ends": "count", "count": "401"},
        {"rrule": "FREQ=WEEKLY;COUNT=401"},
    ),
    Case(
        "until year 9999",
        {"repeat": "weekly", "ends": "until", "until": "9999-12-31"},
        {"rrule": "FREQ=WEEKLY;UNTIL=99991231T000000Z"},
    ),
    Case(
        "until before the start",
        {"repeat": "weekly", "ends": "until", "until": _far(2)},
        {"rrule": f"FREQ=WEEKLY;UNTIL={_far(2).replace('-', '')}T000000Z"},
    ),
    Case(
        "no end to the repetition",
        {"repeat": "weekly", "ends": "until", "until": ""},
        {"rrule": "FREQ=WEEKLY"},
    ),
    Case(
        "start in the past",
        {"start_date": _far(-3)},
        {"start": in_days(-3).isoformat(), "end": in_days(-3, 21).isoformat()},
    ),
    Case(
        "end before start",
        {"end_date": _far(11)},
        {"start": in_days(12).isoformat(), "end": in_days(11).isoformat()},
    ),
    Case("not free, no price", {"is_free": None, "price": ""}, {"is_free": False, "price": ""}),
    Case("capacity 0", {"capacity": "0"}, {"capacity": 0}),
    Case("capacity beyond the bound", {"capacity": "100001"}, {"capacity": 100001}),
    Case("unknown commune", {"commune": "Atlantide"}, {"commune": "99999"}),
    Case(
        "targets the département itself",
        {"audience": lambda world: [str(Territory.objects.get(kind="departement").pk)]},
        {"audience": lambda world: [Territory.objects.get(kind="departement").pk]},
    ),
    Case(
        "targets a territory that does not exist",
        {"audience": ["999999"]},
        {"audience": [999999]},
    ),
    Case(
        "not a URL",
        {"external_url": "javascript:alert(1)"},
        {"external_url": "javascript:alert(1)"},
    ),
]

EVENT_FIELDS = {
    "title": "title",
    "description": "description",
    "venue_name": "venue_name",
    "address": "address",
    "price": "price",
    "accessibility_details": "accessibility_details",
    "external_url": "external_url",
    "capacity": "capacity",
}


def _event_to_cancel(people):
    world = _event_world(people)
    world["event"] = create_event(created_by=world["user"], commune=people["beauvais"])
    return world


def _event_status(world):
    event = Event.objects.get(pk=world["event"].pk)
    return (event.status, event.cancellation_reason)


# --- news -----------------------------------------------------------------------------------


def _news_world(people):
    institution = OrganisationFactory(
        kind=OrganisationKind.INSTITUTION, commune=people["compiegne"]
    )
    agent = UserFactory(kind=ProfileKind.AGENT, commune=people["compiegne"])
    MembershipFactory(organisation=institution, user=agent, role=OrganisationRole.EDITOR)
    return {"user": agent, "institution": institution}


def _post_form(world):
    return {
        "title": "Travaux rue de la République",
        "body": "La circulation sera alternée.",
        "category": str(NewsCategory.objects.get(slug="vie-locale").pk),
        "publisher": str(world["institution"].pk),
        "image_alt": "",
        "audience_communes": "",
    }


def _post_api(world):
    return {
        "title": "Travaux rue de la République",
        "body": "La circulation sera alternée.",
        "category": "vie-locale",
        "organisation": world["institution"].slug,
    }


def _post_to_unpublish(people):
    world = _news_world(people)
    world["post"] = Post.objects.create(
        author=world["user"],
        organisation=world["institution"],
        title="Fermeture de la piscine",
        body="Pour travaux.",
        category=NewsCategory.objects.get(slug="vie-locale"),
        status=PostStatus.PUBLISHED,
        publish_at=timezone.now() - dt.timedelta(hours=1),
    )
    return world


def _post_status(world):
    post = Post.objects.get(pk=world["post"].pk)
    return post.status


# --- groups ---------------------------------------------------------------------------------


def _member(people):
    """A fresh identified member of Beauvais (per-member daily limits never interfere)."""
    return UserFactory(commune=people["beauvais"])


def _group_world(people):
    return {"user": _member(people)}


def _with_group(people, **fields):
    owner = _member(people)
    group = group_services.group_create(
        creator=owner,
        name=f"Jardins partagés {next(_NUMBERS)}",
        theme=Theme.ENVIRONMENT,
        description="On échange graines et outils.",
        visibility=fields.pop("visibility", Visibility.PUBLIC),
        join_policy=fields.pop("join_policy", JoinPolicy.OPEN),
    )
    return {"user": owner, "group": group}


def _with_thread(people):
    world = _with_group(people)
    world["thread"] = group_services.thread_create(
        group=world["group"],
        author=world["user"],
        title="Semis de printemps",
        body="Qui a des graines ?",
    )
    world["message"] = world["thread"].messages.order_by("pk").first()
    return world


def _with_request_group(people):
    world = _with_group(people, join_policy=JoinPolicy.REQUEST)
    world["user"] = people["other_resident"]
    return world


def _message_body(world):
    return Message.objects.get(pk=world["message"].pk).body


def _thread_url(world):
    return world["thread"].get_absolute_url()


# --- consultations --------------------------------------------------------------------------


def _consultation_world(people):
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, commune=people["beauvais"])
    consultation = create_consultation(organisation=institution)
    questions = {q.kind: q for q in consultation.questions.all()}
    return {"user": people["resident"], "consultation": consultation, "questions": questions}


def _answer_form(world):
    questions = world["questions"]
    single, multiple = questions[QuestionKind.SINGLE], questions[QuestionKind.MULTIPLE]
    return {
        f"question_{single.pk}": str(single.options.first().pk),
        f"question_{multiple.pk}": [str(multiple.options.first().pk)],
        f"question_{questions[QuestionKind.SCALE].pk}": "4",
        f"question_{questions[QuestionKind.TEXT].pk}": "Très bien",
    }


def _answer_api(world):
    questions = world["questions"]
    single, multiple = questions[QuestionKind.SINGLE], questions[QuestionKind.MULTIPLE]
    return {
        "answers": [
            {"question": single.pk, "option": single.options.first().pk},
            {"question": multiple.pk, "options": [multiple.options.first().pk]},
            {"question": questions[QuestionKind.SCALE].pk, "scale": 4},
            {"question": questions[QuestionKind.TEXT].pk, "text": "Très bien"},
        ]
    }


def _answer_apply(world, form_data, api_data, form_changes, api_changes):
    """Answer cases name the question by kind ("text", "scale", "single")."""
    kinds = {"text": QuestionKind.TEXT, "scale": QuestionKind.SCALE, "single": QuestionKind.SINGLE}
    form_data = dict(form_data)
    for kind, value in form_changes.items():
        form_data[f"question_{world['questions'][kinds[kind]].pk}"] = value
    items = [dict(item) for item in api_data["answers"]]
    for key, value in api_changes.items():
        kind = {"option": "single"}.get(key, key)
        pk = world["questions"][kinds[kind]].pk
        item = next(item for item in items if item["question"] == pk)
        item[key] = value
    return form_data, {"answers": items}


# --- accounts and organisations (web only: the API does not write them) ---------------------


def _profile_world(people):
    return {"user": _member(people)}


def _profile_snapshot(world):
    user = type(world["user"]).objects.get(pk=world["user"].pk)
    return (user.first_name, user.last_name, user.bio, user.links, str(user.photo))


def _organisation_world(people):
    manager = _member(people)
    organisation = OrganisationFactory(commune=people["beauvais"])
    MembershipFactory(organisation=organisation, user=manager)
    return {"user": manager, "organisation": organisation}


def _organisation_snapshot(world):
    organisation = type(world["organisation"]).objects.get(pk=world["organisation"].pk)
    return (
        organisation.name,
        organisation.description,
        str(organisation.logo),
        organisation.website,
        organisation.email,
        organisation.phone,
        organisation.address,
        organisation.opening_hours,
        organisation.cover_alt,
        str(organisation.cover),
    )
