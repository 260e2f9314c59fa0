"""The older forms with text that only the web takes (no API operation): API tokens, sign-up,
group moderation (invitation, join-request decision, ban), consultation comments' removal,
organisation invitations and appeals, for the generated hostile tests."""

import datetime as dt
import itertools

from django.contrib.auth.models import Group as AuthGroup
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.forms import ApiTokenForm
from parvis.accounts.forms import SignupForm as AccountSignupForm
from parvis.accounts.models import ApiToken, User
from parvis.consultations.forms import ConclusionForm, ConsultationForm
from parvis.consultations.forms import QuestionForm as ConsultationQuestionForm
from parvis.consultations.models import Consultation
from parvis.franceconnect.forms import LinkForm
from parvis.franceconnect.forms import SignupForm as FranceConnectSignupForm
from parvis.groups import services as group_services
from parvis.groups.forms import DecisionForm, InviteForm, ReasonForm
from parvis.groups.models import Ban, Invitation, JoinPolicy
from parvis.moderation import services as moderation
from parvis.moderation.forms import AppealDecisionForm, AppealForm
from parvis.moderation.forms import DecisionForm as ModerationDecisionForm
from parvis.moderation.models import Appeal, AppealStatus, DecisionAction, ModerationCase
from parvis.organisations.forms import InvitationForm
from parvis.organisations.models import OrganisationInvitation
from tests.agenda.conftest import create_event
from tests.consultations.conftest import create_consultation
from tests.factories import PASSWORD, UserFactory
from tests.groups.conftest import add_member

from .worlds import (
    _member,
    _newest,
    _news_world,
    _organisation_world,
    _with_group,
)

_NUMBERS = itertools.count(1)


def _token_world(people):
    return {"user": _member(people), "reauthenticated": True}


def _signup_world(people):
    return {"user": None}


def _signup_form(world):
    return {
        "email": f"nouveau{next(_NUMBERS)}@example.org",
        "password1": "Un mot de passe solide 2026",
        "password2": "Un mot de passe solide 2026",
        "first_name": "Inès",
        "last_name": "Roux",
        "commune": "Beauvais",
        "terms": "on",
    }


def _with_request(people):
    world = _with_group(people, join_policy=JoinPolicy.REQUEST)
    world["request"] = group_services.membership_request(
        group=world["group"], user=_member(people), message="Bonjour"
    )
    return world


def _request_state(world):
    request = type(world["request"]).objects.get(pk=world["request"].pk)
    return (request.status, request.decision_message)


def _with_member(people):
    world = _with_group(people)
    world["member"] = _member(people)
    add_member(world["group"], world["member"])
    return world


def _with_decision(people):
    author = _member(people)
    event = create_event(created_by=author, commune=people["beauvais"], title="Vide-grenier")
    moderation.report_create(reporter=_member(people), obj=event, reason="spam")
    decision = moderation.case_decide(
        case=ModerationCase.objects.filter(object_id=event.pk).latest("pk"),
        moderator=people["moderator"],
        action=DecisionAction.HIDE,
        ground="spam",
        facts="Annonce commerciale.",
    )
    return {"user": author, "decision": decision}


def _closed_consultation(people):
    world = _organisation_world(people)
    now = timezone.now()
    world["consultation"] = create_consultation(
        organisation=world["organisation"],
        created_by=world["user"],
        opens_at=now - dt.timedelta(days=20),
        closes_at=now - dt.timedelta(days=1),
    )
    return world


def _conclusion(world):
    return type(world["consultation"]).objects.get(pk=world["consultation"].pk).conclusion


def _reported_case(people):
    event = create_event(
        created_by=_member(people), commune=people["beauvais"], title="Vide-grenier"
    )
    moderation.report_create(reporter=_member(people), obj=event, reason="spam")
    case = ModerationCase.objects.filter(object_id=event.pk).latest("pk")
    return {"user": people["moderator"], "case": case}


def _with_appeal(people):
    world = _with_decision(people)
    world["appeal"] = moderation.appeal_create(
        decision=world["decision"], appellant=world["user"], statement="Ce n'est pas du spam."
    )
    world["user"] = UserFactory(commune=people["beauvais"], is_staff=True)  # another moderator
    world["user"].groups.add(AuthGroup.objects.get(name="Modérateurs"))
    return world


def _appeal_state(world):
    appeal = Appeal.objects.get(pk=world["appeal"].pk)
    return (appeal.status, appeal.outcome_reason)


def _sociallogin(email, uid):
    """A FranceConnect sign-in as allauth keeps it in the session between two steps."""
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.models import SocialAccount

    serialize = get_adapter().serialize_instance
    names = {"given_name": "Camille", "family_name": "Martin"}
    account = SocialAccount(provider="franceconnect", uid=uid, extra_data={"userinfo": names})
    return {
        "provider": {"id": "franceconnect", "app.client_id": "parvis-tests"},
        "account": serialize(account),
        "user": serialize(User(email=email, first_name="Camille", last_name="Martin")),
        "state": {},
        "email_addresses": [],
        "phone": None,
        "phone_verified": False,
    }


def _franceconnect_link(people):
    """Back from FranceConnect with the e-mail address of an existing account: its password
    links them (what ``adapter.pre_social_login`` leaves in the session)."""
    from parvis.franceconnect.adapter import LINK_SESSION_KEY

    member = _member(people)
    sociallogin = _sociallogin(member.email, f"fc-{member.pk}")
    return {"user": None, "session": {LINK_SESSION_KEY: sociallogin}}


def _franceconnect_signup(people):
    """Back from FranceConnect for the first time: the sign-up form (allauth's pending
    sign-in in the session)."""
    number = next(_NUMBERS)
    sociallogin = _sociallogin(f"fc{number}@example.org", f"fc-new-{number}")
    return {"user": None, "session": {"socialaccount_sociallogin": sociallogin}}


def _social_accounts(world):
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects.count()


def _consultation_creation(world):
    closes = timezone.localdate() + dt.timedelta(days=30)
    return {
        "title": "Horaires des piscines",
        "context": "Votre avis compte.",
        "organisation": str(world["institution"].pk),
        "audience_communes": "",
        "closes_date": closes.isoformat(),
        "closes_time": "18:00",
        "results_visibility": "live",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "30",
        "questions-0-text": "Ouvrir le dimanche ?",
        "questions-0-kind": "single",
        "questions-0-required": "1",
        "questions-0-options": "Oui\nNon",
        "questions-0-ORDER": "1",
    }


def writes(Write):  # noqa: N803  (the dataclass of ``writes.py``)
    return [
        Write(
            name="api_token",
            setup=_token_world,
            form_class=ApiTokenForm,
            form_url=lambda world: reverse("accounts:tokens"),
            form_data=lambda world: {"name": "Mon script"},
            stored=lambda world: ApiToken.objects.count(),
            shown_on=lambda world: [reverse("accounts:tokens")],
            text_fields=("name",),
        ),
        Write(
            name="signup",
            setup=_signup_world,
            form_class=AccountSignupForm,
            form_url=lambda world: reverse("account_signup"),
            form_data=_signup_form,
            stored=lambda world: User.objects.count(),
            text_fields=("first_name", "last_name"),
        ),
        Write(
            name="group_invite",
            setup=_with_group,
            form_class=InviteForm,
            form_url=lambda world: reverse("groups:invite", kwargs={"slug": world["group"].slug}),
            form_data=lambda world: {
                "email": "camille.martin@example.org",
                "message": "Rejoignez-nous !",
            },
            stored=lambda world: Invitation.objects.count(),
            text_fields=("message",),
        ),
        Write(
            name="group_request_decision",
            setup=_with_request,
            form_class=DecisionForm,
            form_url=lambda world: reverse(
                "groups:request_decide",
                kwargs={"slug": world["group"].slug, "request_id": world["request"].pk},
            ),
            form_data=lambda world: {"decision": "accept", "message": "Bienvenue !"},
            stored=_request_state,
            text_fields=("message",),
        ),
        Write(
            name="group_ban",
            setup=_with_member,
            form_class=ReasonForm,
            form_url=lambda world: reverse(
                "groups:member_ban",
                kwargs={"slug": world["group"].slug, "user_id": world["member"].pk},
            ),
            form_data=lambda world: {"reason": "Insultes répétées."},
            stored=lambda world: Ban.objects.count(),
            text_fields=("reason",),
        ),
        Write(
            name="organisation_invitation",
            setup=_organisation_world,
            form_class=InvitationForm,
            form_url=lambda world: reverse(
                "organisations:members", kwargs={"slug": world["organisation"].slug}
            ),
            form_data=lambda world: {"email": "camille.martin@example.org", "role": "editor"},
            stored=lambda world: OrganisationInvitation.objects.count(),
            text_fields=("email",),
        ),
        Write(
            name="consultation_conclusion",
            setup=_closed_consultation,
            form_class=ConclusionForm,
            form_url=lambda world: reverse(
                "consultations:conclude",
                kwargs={"pk": world["consultation"].pk, "slug": world["consultation"].slug},
            ),
            form_data=lambda world: {"conclusion": "Nous ouvrons trois pistes cyclables."},
            stored=_conclusion,
            shown_on=lambda world: [world["consultation"].get_absolute_url()],
            text_fields=("conclusion",),
        ),
        Write(
            name="moderation_decision",
            setup=_reported_case,
            form_class=ModerationDecisionForm,
            form_url=lambda world: reverse(
                "admin:moderation_moderationcase_change", args=[world["case"].pk]
            ),
            form_data=lambda world: {
                "action": DecisionAction.HIDE,
                "ground": "spam",
                "facts": "Annonce commerciale déguisée.",
            },
            stored=lambda world: world["case"].decisions.count(),
            text_fields=("facts",),
        ),
        Write(
            name="appeal_decision",
            setup=_with_appeal,
            form_class=AppealDecisionForm,
            form_url=lambda world: reverse(
                "admin:moderation_appeal_change", args=[world["appeal"].pk]
            ),
            form_data=lambda world: {"outcome": AppealStatus.UPHELD, "reason": "Spam avéré."},
            stored=_appeal_state,
            text_fields=("reason",),
        ),
        Write(
            name="franceconnect_link",
            setup=_franceconnect_link,
            form_class=LinkForm,
            form_url=lambda world: reverse("franceconnect_link"),
            form_data=lambda world: {"password": PASSWORD},
            stored=_social_accounts,
            text_fields=("password",),
        ),
        Write(
            name="consultation_create",
            setup=_news_world,
            form_class=ConsultationForm,
            form_url=lambda world: reverse("consultations:create"),
            form_data=_consultation_creation,
            stored=lambda world: Consultation.objects.count(),
            shown_on=_newest(Consultation),
            text_fields=("title", "context"),
        ),
        Write(
            name="consultation_questions",
            setup=_news_world,
            form_class=ConsultationQuestionForm,
            form_url=lambda world: reverse("consultations:create"),
            form_data=_consultation_creation,
            stored=lambda world: Consultation.objects.count(),
            shown_on=_newest(Consultation),
            text_fields=("questions-0-text", "questions-0-options"),
        ),
        Write(
            name="franceconnect_signup",
            setup=_franceconnect_signup,
            form_class=FranceConnectSignupForm,
            form_url=lambda world: reverse("socialaccount_signup"),
            form_data=lambda world: {
                "email": f"nouveau.fc{next(_NUMBERS)}@example.org",
                "commune": "Beauvais",
                "terms": "on",
            },
            stored=lambda world: User.objects.count(),
            text_fields=("email",),
        ),
        Write(
            name="appeal",
            setup=_with_decision,
            form_class=AppealForm,
            form_url=lambda world: reverse(
                "moderation:appeal", kwargs={"pk": world["decision"].pk}
            ),
            form_data=lambda world: {"statement": "Ce n'est pas une annonce commerciale."},
            stored=lambda world: Appeal.objects.count(),
            text_fields=("statement",),
        ),
    ]
