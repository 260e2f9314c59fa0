"""Every write of the site and the API that takes text or files, as data for generated tests.

One ``Write`` is one thing a member does, reachable through its web form and/or its API
operation: how to set it up, a valid submission of each, which form fields match which API
fields, and how to tell whether anything was stored. ``test_form_api_parity`` derives invalid
inputs from the form's own rules and sends them to both; ``test_hostile_corpus`` sends the
hostile strings and files. ``test_every_api_write_is_covered`` checks that each write operation
of the OpenAPI schema is listed here (or declared without a body), so a new API write fails the
suite until it is added.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from parvis.accounts.forms import ProfileForm
from parvis.accounts.models import DirectoryVisibility
from parvis.agenda.forms import CancelForm, EventForm
from parvis.agenda.models import Event
from parvis.comments.forms import CommentForm
from parvis.comments.models import Comment
from parvis.consultations.forms import AnswerForm
from parvis.consultations.models import Answer
from parvis.groups.forms import (
    ComposeForm,
    GroupForm,
    JoinRequestForm,
    MessageEditForm,
    ReplyForm,
    ThreadForm,
)
from parvis.groups.models import Group, JoinPolicy, Message, Theme, Thread, Visibility
from parvis.moderation.forms import ReportForm
from parvis.moderation.models import Report
from parvis.news.forms import PostForm, UnpublishForm
from parvis.news.models import Post
from parvis.organisations.forms import OrganisationForm
from parvis.territories.models import Territory
from tests.agenda.conftest import create_event

from .worlds import (
    EVENT_CASES,
    EVENT_FIELDS,
    Case,
    _answer_api,
    _answer_apply,
    _answer_form,
    _consultation_world,
    _count,
    _event_api,
    _event_form,
    _event_status,
    _event_to_cancel,
    _event_world,
    _far,
    _group_world,
    _member,
    _message_body,
    _newest,
    _news_world,
    _organisation_snapshot,
    _organisation_world,
    _post_api,
    _post_form,
    _post_status,
    _post_to_unpublish,
    _profile_snapshot,
    _profile_world,
    _thread_url,
    _with_group,
    _with_request_group,
    _with_thread,
    in_days,
)
from .writes_older import writes as older_web_writes
from .writes_round import writes as writes_of_this_round


@dataclass
class Write:
    name: str
    setup: Callable[[dict], dict]  # personas -> the world this write needs (with "user")
    form_class: type | None = None
    form_url: Callable[[dict], str] | None = None
    form_data: Callable[[dict], dict] | None = None
    #: The OpenAPI operation: (method, path template).
    api_operation: tuple[str, str] | None = None
    api_url: Callable[[dict], str] | None = None
    api_data: Callable[[dict], dict] | None = None
    #: Form field -> API field, for the fields both take.
    fields: dict[str, str] = field(default_factory=dict)
    #: Invalid inputs the form's field types do not say (cross-field rules...).
    cases: list[Case] = field(default_factory=list)
    #: What was stored (compared before and after a refused write).
    stored: Callable[[dict], Any] = lambda world: None
    #: The pages showing what was written (checked for escaping after a stored write).
    shown_on: Callable[[dict], list[str]] = lambda world: []
    #: Form fields taking free text / a file.
    text_fields: tuple[str, ...] = ()
    file_fields: tuple[str, ...] = ()
    #: ``(world, form_data, api_data, form_changes, api_changes) -> (form_data, api_data)``:
    #: how changes apply (default: the fields replaced; None removes a form field).
    apply: Callable | None = None

    def submissions(self, world, form_changes, api_changes):
        """The form's and the API's data with ``form_changes`` / ``api_changes`` applied."""
        form_data = self.form_data(world) if self.form_data else {}
        api_data = self.api_data(world) if self.api_data else {}
        if self.apply is not None:
            return self.apply(world, form_data, api_data, form_changes, api_changes)
        resolve = lambda changes: {  # noqa: E731
            key: value(world) if callable(value) else value for key, value in changes.items()
        }
        form_data = {**form_data, **resolve(form_changes)}
        form_data = {key: value for key, value in form_data.items() if value is not None}
        return form_data, {**api_data, **resolve(api_changes)}


# --- the list ---------------------------------------------------------------------------------

WRITES = [
    Write(
        name="event_create",
        setup=_event_world,
        form_class=EventForm,
        form_url=lambda world: reverse("agenda:propose"),
        form_data=_event_form,
        api_operation=("post", "/api/evenements/"),
        api_url=lambda world: "/api/evenements/",
        api_data=_event_api,
        fields=EVENT_FIELDS,
        cases=EVENT_CASES,
        stored=_count(Event),
        shown_on=_newest(Event, "/agenda/"),
        text_fields=("title", "description", "venue_name", "address", "accessibility_details"),
        file_fields=("image",),
    ),
    Write(
        name="event_update",
        setup=_event_to_cancel,
        form_class=EventForm,
        form_url=lambda world: reverse(
            "agenda:edit", kwargs={"pk": world["event"].pk, "slug": world["event"].slug}
        ),
        form_data=_event_form,
        api_operation=("patch", "/api/evenements/{id}/"),
        api_url=lambda world: f"/api/evenements/{world['event'].pk}/",
        api_data=lambda world: {"title": "Fête de quartier"},
        fields=EVENT_FIELDS,
        cases=[case for case in EVENT_CASES if case.label != "start in the past"],
        stored=lambda world: Event.objects.filter(pk=world["event"].pk).values().get(),
        shown_on=lambda world: [Event.objects.get(pk=world["event"].pk).get_absolute_url()],
        text_fields=("title", "description"),
    ),
    Write(
        name="event_cancel",
        setup=_event_to_cancel,
        form_class=CancelForm,
        form_url=lambda world: reverse(
            "agenda:cancel", kwargs={"pk": world["event"].pk, "slug": world["event"].slug}
        ),
        form_data=lambda world: {"reason": "Pluie annoncée."},
        api_operation=("post", "/api/evenements/{id}/annuler/"),
        api_url=lambda world: f"/api/evenements/{world['event'].pk}/annuler/",
        api_data=lambda world: {"reason": "Pluie annoncée."},
        fields={"reason": "reason"},
        stored=_event_status,
        shown_on=lambda world: [world["event"].get_absolute_url()],
        text_fields=("reason",),
    ),
    Write(
        name="post_create",
        setup=_news_world,
        form_class=PostForm,
        form_url=lambda world: reverse("news:create"),
        form_data=_post_form,
        api_operation=("post", "/api/actualites/"),
        api_url=lambda world: "/api/actualites/",
        api_data=_post_api,
        fields={"title": "title", "body": "body", "image_alt": "image_alt"},
        cases=[
            Case(
                "end of display before publication",
                {"publish_date": _far(10), "expires_on": _far(5)},
                {"publish_at": in_days(10).isoformat(), "expires_at": in_days(5).isoformat()},
            ),
            Case(
                "targets the département itself",
                {"audience": lambda world: [str(Territory.objects.get(kind="departement").pk)]},
                {"audience": lambda world: [Territory.objects.get(kind="departement").pk]},
            ),
            Case(
                "publication in the past",
                {"publish_date": _far(-30)},
                {"publish_at": in_days(-30).isoformat()},
            ),
        ],
        stored=_count(Post),
        shown_on=_newest(Post, "/actualites/"),
        text_fields=("title", "body", "image_alt"),
        file_fields=("image",),
    ),
    Write(
        name="post_unpublish",
        setup=_post_to_unpublish,
        form_class=UnpublishForm,
        form_url=lambda world: reverse(
            "news:unpublish", kwargs={"pk": world["post"].pk, "slug": world["post"].slug}
        ),
        form_data=lambda world: {"reason": "Information périmée."},
        api_operation=("post", "/api/actualites/{id}/depublier/"),
        api_url=lambda world: f"/api/actualites/{world['post'].pk}/depublier/",
        api_data=lambda world: {"reason": "Information périmée."},
        fields={"reason": "reason"},
        stored=_post_status,
        text_fields=("reason",),
    ),
    Write(
        name="group_create",
        setup=_group_world,
        form_class=GroupForm,
        form_url=lambda world: reverse("groups:create"),
        form_data=lambda world: {
            "name": "Jardins partagés",
            "description": "Graines et outils.",
            "theme": Theme.ENVIRONMENT,
            "visibility": Visibility.PUBLIC,
            "join_policy": JoinPolicy.OPEN,
        },
        api_operation=("post", "/api/groupes/"),
        api_url=lambda world: "/api/groupes/",
        api_data=lambda world: {
            "name": "Jardins partagés",
            "description": "Graines et outils.",
            "theme": Theme.ENVIRONMENT,
        },
        fields={"name": "name", "description": "description"},
        cases=[Case("unknown theme", {"theme": "astrologie"}, {"theme": "astrologie"})],
        stored=_count(Group),
        shown_on=_newest(Group, "/groupes/"),
        text_fields=("name", "description"),
        file_fields=("image",),
    ),
    Write(
        name="thread_create",
        setup=_with_group,
        form_class=ThreadForm,
        form_url=lambda world: reverse(
            "groups:thread_create", kwargs={"slug": world["group"].slug}
        ),
        form_data=lambda world: {"title": "Semis", "body": "Qui a des graines ?"},
        api_operation=("post", "/api/groupes/{group_slug}/discussions/"),
        api_url=lambda world: f"/api/groupes/{world['group'].slug}/discussions/",
        api_data=lambda world: {"title": "Semis", "body": "Qui a des graines ?"},
        fields={"title": "title", "body": "body"},
        stored=_count(Thread),
        shown_on=lambda world: _newest(Thread)(world) + [world["group"].get_absolute_url()],
        text_fields=("title", "body"),
    ),
    Write(
        # The home page's composer: a discussion in one of the member's groups (no API of its
        # own: the API starts discussions as thread_create above).
        name="compose",
        setup=_with_group,
        form_class=ComposeForm,
        form_url=lambda world: reverse("groups:compose"),
        form_data=lambda world: {"group": world["group"].pk, "body": "Qui a des graines ?"},
        stored=_count(Thread),
        shown_on=lambda world: _newest(Thread)(world) + ["/"],
        text_fields=("title", "body"),
    ),
    Write(
        name="message_post",
        setup=_with_thread,
        form_class=ReplyForm,
        form_url=lambda world: reverse(
            "groups:reply", kwargs={"slug": world["group"].slug, "pk": world["thread"].pk}
        ),
        form_data=lambda world: {"body": "Moi !"},
        api_operation=("post", "/api/groupes/{group_slug}/discussions/{thread_pk}/messages/"),
        api_url=lambda world: (
            f"/api/groupes/{world['group'].slug}/discussions/{world['thread'].pk}/messages/"
        ),
        api_data=lambda world: {"body": "Moi !"},
        fields={"body": "body", "quoted": "quoted"},
        cases=[Case("quotes a message of nowhere", {"quoted": "999999"}, {"quoted": 999999})],
        stored=_count(Message),
        shown_on=lambda world: [_thread_url(world)],
        text_fields=("body",),
    ),
    Write(
        name="message_edit",
        setup=_with_thread,
        form_class=MessageEditForm,
        form_url=lambda world: reverse(
            "groups:message_edit",
            kwargs={
                "slug": world["group"].slug,
                "pk": world["thread"].pk,
                "message": world["message"].pk,
            },
        ),
        form_data=lambda world: {"body": "Corrigé."},
        api_operation=(
            "patch",
            "/api/groupes/{group_slug}/discussions/{thread_pk}/messages/{id}/",
        ),
        api_url=lambda world: (
            f"/api/groupes/{world['group'].slug}/discussions/{world['thread'].pk}"
            f"/messages/{world['message'].pk}/"
        ),
        api_data=lambda world: {"body": "Corrigé."},
        fields={"body": "body"},
        stored=_message_body,
        shown_on=lambda world: [_thread_url(world)],
        text_fields=("body",),
    ),
    Write(
        name="join_request",
        setup=_with_request_group,
        form_class=JoinRequestForm,
        form_url=lambda world: reverse("groups:request", kwargs={"slug": world["group"].slug}),
        form_data=lambda world: {"message": "Je jardine depuis dix ans."},
        api_operation=("post", "/api/groupes/{slug}/demander/"),
        api_url=lambda world: f"/api/groupes/{world['group'].slug}/demander/",
        api_data=lambda world: {"message": "Je jardine depuis dix ans."},
        fields={"message": "message"},
        stored=lambda world: world["group"].join_requests.count(),
        text_fields=("message",),
    ),
    Write(
        name="consultation_answer",
        setup=_consultation_world,
        form_class=AnswerForm,
        form_url=lambda world: reverse(
            "consultations:answer",
            kwargs={"pk": world["consultation"].pk, "slug": world["consultation"].slug},
        ),
        form_data=_answer_form,
        api_operation=("post", "/api/consultations/{id}/repondre/"),
        api_url=lambda world: f"/api/consultations/{world['consultation'].pk}/repondre/",
        api_data=_answer_api,
        cases=[
            Case("scale out of range", {"scale": "9"}, {"scale": 9}),
            Case("text beyond 500 characters", {"text": "x" * 501}, {"text": "x" * 501}),
            Case("option of another question", {"single": "999999"}, {"option": 999999}),
        ],
        stored=_count(Answer),
        text_fields=("text",),
        apply=_answer_apply,
    ),
]

WRITES += [
    Write(
        name="profile_edit",
        setup=_profile_world,
        form_class=ProfileForm,
        form_url=lambda world: reverse("accounts:profile_edit"),
        form_data=lambda world: {
            "first_name": "Camille",
            "last_name": "Martin",
            "commune": "Beauvais",
            "bio": "Jardinière.",
            "website": "",
            "links": "",
            "directory_visibility": DirectoryVisibility.PUBLIC,
        },
        stored=_profile_snapshot,
        shown_on=lambda world: [world["user"].get_absolute_url()],
        text_fields=("first_name", "last_name", "bio", "links"),
        file_fields=("photo",),
    ),
    Write(
        name="organisation_edit",
        setup=_organisation_world,
        form_class=OrganisationForm,
        form_url=lambda world: reverse(
            "organisations:edit", kwargs={"slug": world["organisation"].slug}
        ),
        form_data=lambda world: {
            "name": world["organisation"].name,
            "kind": world["organisation"].kind,
            "commune": "Beauvais",
            "description": "Une association du territoire.",
            "website": "",
            "rna": world["organisation"].rna,
            "siren": "",
            "email": "",
            "phone": "",
            "address": "",
            "opening_hours": "",
        },
        api_operation=("patch", "/api/organisations/{id}/"),
        api_url=lambda world: f"/api/organisations/{world['organisation'].pk}/",
        api_data=lambda world: {"description": "Une association du territoire."},
        fields={
            "name": "name",
            "description": "description",
            "cover_alt": "cover_alt",
            "website": "website",
            "email": "email",
            "phone": "phone",
            "address": "address",
            "opening_hours": "opening_hours",
        },
        cases=[
            Case("phone number not French", {"phone": "+44 20 7946 0958"}, {"phone": "+44 20"}),
            Case("web address not http", {"website": "ftp://a.example"}, {"website": "ftp://a.b"}),
        ],
        stored=_organisation_snapshot,
        shown_on=lambda world: [world["organisation"].get_absolute_url()],
        text_fields=("name", "description", "address", "cover_alt"),
        file_fields=("logo", "cover"),
    ),
]


def _comment_world(people):
    world = _consultation_world(people)
    world["user"] = _member(people)
    return world


def _report_world(people):
    event = create_event(created_by=people["association_manager"], commune=people["beauvais"])
    return {"user": _member(people), "event": event}


WRITES += [
    Write(
        name="consultation_comment",
        setup=_comment_world,
        form_class=CommentForm,
        # The comments app's form, on a consultation (the same form on events and posts).
        form_url=lambda world: reverse(
            "comments:create",
            kwargs={"target": f"consultations.consultation:{world['consultation'].pk}"},
        ),
        form_data=lambda world: {"body": "Bonne idée."},
        stored=_count(Comment),
        shown_on=lambda world: [world["consultation"].get_absolute_url()],
        text_fields=("body",),
    ),
    Write(
        name="report",
        setup=_report_world,
        form_class=ReportForm,
        form_url=lambda world: reverse(
            "moderation:report", kwargs={"key": "agenda.event", "pk": world["event"].pk}
        ),
        form_data=lambda world: {"reason": "spam", "details": "Publicité déguisée."},
        stored=_count(Report),
        text_fields=("details",),
    ),
]

WRITES += writes_of_this_round(Write) + older_web_writes(Write)

#: Forms with text or files that are not writes of content (GET filters and searches), or
#: whose writes are staff decisions tested with the moderation workflow; every other form
#: with a text or file field must be in ``WRITES`` (``test_every_form_with_text_is_covered``).
FORMS_ELSEWHERE = {
    "parvis.directory.forms.DirectoryFilterForm": "GET filter",
    "parvis.groups.forms.GroupFilterForm": "GET filter",
    "parvis.groups.forms.SearchForm": "GET search",
    "parvis.news.forms.FeedFilterForm": "GET filter",
    "parvis.officials.forms.OfficialFilterForm": "GET filter",
}
#: Forms with text not in the corpus yet (listed so the gap is visible, not hidden).
FORMS_NOT_YET_COVERED: dict = {}

#: API write operations without a body to check (joining, leaving, RSVP, publishing...), and
#: the reason their input needs no parity test.
BODYLESS = {
    ("post", "/api/actualites/{id}/publier/"): "no input",
    ("post", "/api/evenements/{id}/dates/{occurrence_id}/participer/"): "no input",
    ("delete", "/api/evenements/{id}/dates/{occurrence_id}/participer/"): "no input",
    ("post", "/api/groupes/{slug}/rejoindre/"): "no input",
    ("post", "/api/groupes/{slug}/quitter/"): "no input",
    ("delete", "/api/groupes/{slug}/demander/"): "no input",
    ("post", "/api/questions/{id}/soutien/"): "no input",
    ("delete", "/api/questions/{id}/soutien/"): "no input",
    ("post", "/api/questions/{id}/suivi/"): "no input",
    ("delete", "/api/questions/{id}/suivi/"): "no input",
    ("post", "/api/signalements/{id}/soutien/"): "no input",
    ("delete", "/api/signalements/{id}/soutien/"): "no input",
    ("post", "/api/messages/{id}/lu/"): "no input",
    ("delete", "/api/abonnements/{id}/"): "no input",
    ("delete", "/api/commentaires/{id}/"): "no input",
}
#: API writes with text not in the generated parity and hostile tests: stays empty.
API_NOT_YET_COVERED: dict = {}
#: API operations that share their serializer and service with a listed one.
SAME_AS = {
    ("delete", "/api/benevolat/{id}/inscription/"): ("post", "/api/benevolat/{id}/inscription/"),
    ("put", "/api/evenements/{id}/"): ("patch", "/api/evenements/{id}/"),
    ("put", "/api/actualites/{id}/"): ("post", "/api/actualites/"),
    ("patch", "/api/actualites/{id}/"): ("post", "/api/actualites/"),
    ("delete", "/api/groupes/{group_slug}/discussions/{thread_pk}/messages/{id}/"): (
        "patch",
        "/api/groupes/{group_slug}/discussions/{thread_pk}/messages/{id}/",
    ),
}
