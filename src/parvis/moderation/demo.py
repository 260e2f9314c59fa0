"""Demo moderation work: reports waiting in the queue and an appeal, so that a moderator trying
the admin sees real work (called by ``core.demo.load_plan``; idempotent).

- an event full of links to a counterfeit shop, reported twice as spam;
- a profile whose bio accuses a mayor of theft, reported for harassment;
- an event announcing a false free distribution, reported by three members: hidden until a
  moderator reviews it (the reports' threshold);
- an unauthorised flea market hidden by the demo administrator, whose organiser appealed: the
  demo moderator, who did not take that decision, may decide the appeal.

Rows are written directly (no e-mail, no notification); decisions are recorded in the audit
log as the services would.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from parvis.accounts.models import ProfileKind, User
from parvis.agenda.models import Category, Event, EventStatus
from parvis.agenda.services import event_occurrences_sync

from .audit import audit_record
from .models import (
    Appeal,
    CaseStatus,
    Decision,
    DecisionAction,
    Ground,
    ModerationCase,
    Report,
    ReportReason,
)

SPAM_EVENT = {
    "title": "Déstockage géant : montres et sacs de marque à -90 %",
    "description": (
        "Grande vente exceptionnelle, un seul jour ! Commandez aussi en ligne :\n\n"
        "- https://montres-luxe-discount.example/promo\n"
        "- https://sacs-marque-outlet.example/oise\n"
        "- https://www.bijoux-pas-chers.example\n"
        "- https://livraison-gratuite.example/code-PARVIS\n"
    ),
    "venue_name": "Parking du centre commercial",
}
FALSE_EVENT = {
    "title": "Distribution gratuite de purificateurs d'air par le Département",
    "description": (
        "Le Département distribue gratuitement un purificateur d'air à chaque foyer. "
        "Apportez votre carte Vitale et un RIB pour l'inscription."
    ),
    "venue_name": "Devant la mairie",
}
FLEA_MARKET = {
    "title": "Vide-grenier sur le parking de la gare",
    "description": "Installation libre dès 6 h, sans réservation ni inscription.",
    "venue_name": "Parking de la gare",
}
DEFAMATORY_BIO = (
    "Habitant depuis vingt ans. Le maire de ma commune est un voleur qui se sert dans la caisse "
    "de la mairie : tout le monde le sait, il faut le dire partout."
)


def _event(author, fields, *, days_ahead, now):
    """The demo event ``fields["title"]`` of ``author`` (created if missing)."""
    event = Event.objects.filter(created_by=author, title=fields["title"]).first()
    if event is not None:
        return event
    category = Category.objects.filter(is_active=True).order_by("position", "pk").first()
    if category is None or author.commune_id is None:
        return None
    start = (now + dt.timedelta(days=days_ahead)).replace(hour=8, minute=0, second=0, microsecond=0)
    event = Event.objects.create(
        created_by=author,
        title=fields["title"],
        description=fields["description"],
        category=category,
        start=start,
        end=start + dt.timedelta(hours=6),
        venue_name=fields["venue_name"],
        address="Place de la Gare",
        commune_id=author.commune_id,
        status=EventStatus.PUBLISHED,
        published_at=now - dt.timedelta(days=2),
        created_at=now - dt.timedelta(days=2),
    )
    event_occurrences_sync(event=event)
    return event


def _case(obj, author, *, reports, now, hidden=False):
    """The case of ``obj`` with ``reports`` ((member, reason, details, hours ago)...)."""
    content_type = ContentType.objects.get_for_model(obj)
    case, created = ModerationCase.objects.get_or_create(
        content_type=content_type,
        object_id=obj.pk,
        defaults={
            "object_repr": (obj.get_full_name() if isinstance(obj, User) else str(obj))[:300],
            "object_url": obj.get_absolute_url(),
            "author": author,
            "opened_at": now - dt.timedelta(hours=max(r[3] for r in reports)),
            "created_at": now - dt.timedelta(hours=max(r[3] for r in reports)),
            "is_hidden": hidden,
            "hidden_automatically": hidden,
        },
    )
    made = 0
    for member, reason, details, hours in reports:
        _report, new = Report.objects.get_or_create(
            case=case,
            reporter=member,
            defaults={
                "reason": reason,
                "details": details,
                "created_at": now - dt.timedelta(hours=hours),
            },
        )
        made += new
    return case, int(created), made


def load_moderation(*, plan, users, decided_by_email):
    """Create the demo moderation work that is missing; returns what was created.

    ``decided_by_email``: the staff member who took the decision under appeal (not the demo
    moderator, so that the demo moderator may decide the appeal)."""
    now = timezone.now()
    residents = [person.email for person in plan.people if person.kind == ProfileKind.RESIDENT]
    decided_by = User.objects.filter(email=decided_by_email, is_staff=True).first()
    if len(residents) < 20 or decided_by is None:
        return {}
    members = {
        member.email: member
        for member in User.objects.filter(email__in=residents[10:20]).select_related("commune")
    }
    people = [members.get(email) for email in residents[10:20]]
    if any(person is None for person in people):
        return {}
    cases = reports = appeals = 0

    spammer, spam_a, spam_b = people[0], people[1], people[2]
    event = _event(spammer, SPAM_EVENT, days_ahead=12, now=now)
    if event is not None:
        _c, new_case, new_reports = _case(
            event,
            spammer,
            reports=[
                (spam_a, ReportReason.SPAM, "Des liens vers des sites de contrefaçon.", 20),
                (spam_b, ReportReason.SPAM, "", 6),
            ],
            now=now,
        )
        cases, reports = cases + new_case, reports + new_reports

    author, reporter = people[3], people[4]
    if not ModerationCase.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=author.pk
    ).exists():
        author.bio = DEFAMATORY_BIO
        author.save(update_fields=["bio"])
    _c, new_case, new_reports = _case(
        author,
        author,
        reports=[
            (
                reporter,
                ReportReason.HARASSMENT,
                "Accusation publique de vol contre le maire, sans aucune preuve.",
                30,
            )
        ],
        now=now,
    )
    cases, reports = cases + new_case, reports + new_reports

    hoaxer = people[5]
    event = _event(hoaxer, FALSE_EVENT, days_ahead=9, now=now)
    if event is not None:
        _c, new_case, new_reports = _case(
            event,
            hoaxer,
            reports=[
                (people[6], ReportReason.FALSE_INFORMATION, "Le Département dément.", 10),
                (people[7], ReportReason.FALSE_INFORMATION, "On demande un RIB : arnaque ?", 8),
                (people[8], ReportReason.ILLEGAL, "Tentative d'escroquerie.", 3),
            ],
            now=now,
            hidden=True,
        )
        cases, reports = cases + new_case, reports + new_reports

    organiser = people[9]
    event = _event(organiser, FLEA_MARKET, days_ahead=16, now=now)
    if event is not None:
        case, new_case, new_reports = _case(
            event,
            organiser,
            reports=[(people[1], ReportReason.ILLEGAL, "Aucune autorisation de la mairie.", 72)],
            now=now,
        )
        cases, reports = cases + new_case, reports + new_reports
        if not case.decisions.exists():
            decided = now - dt.timedelta(hours=50)
            decision = Decision.objects.create(
                case=case,
                action=DecisionAction.HIDE,
                ground=Ground.ILLEGAL,
                facts=(
                    "Un vide-grenier sur le domaine public demande une autorisation du maire "
                    "et un registre des exposants (code de commerce, art. R310-9). "
                    "L'annonce dit « installation libre, sans inscription » : elle est masquée "
                    "jusqu'à ce que l'organisation soit déclarée."
                ),
                moderator=decided_by,
                author=organiser,
                created_at=decided,
            )
            ModerationCase.objects.filter(pk=case.pk).update(
                status=CaseStatus.CLOSED, is_hidden=True, decided_at=decided
            )
            Report.objects.filter(case=case).update(outcome_sent_at=decided)
            audit_record(
                actor=decided_by,
                action="moderation.hide",
                target=event,
                reason=decision.facts,
                data={"case": case.pk, "decision": decision.pk, "ground": Ground.ILLEGAL},
            )
        decision = case.decisions.order_by("created_at").first()
        _appeal, new = Appeal.objects.get_or_create(
            decision=decision,
            defaults={
                "appellant": organiser,
                "statement": (
                    "Le vide-grenier est autorisé : la mairie a pris un arrêté le mois dernier "
                    "et je tiendrai le registre des exposants. Seule l'annonce était mal "
                    "rédigée, je peux la corriger."
                ),
                "created_at": now - dt.timedelta(hours=20),
            },
        )
        appeals += new
    return {"moderation cases": cases, "reports": reports, "appeals": appeals}
