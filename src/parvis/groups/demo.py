"""Demo groups for ``make demo``: a living community on a newcomer's first look.

Called by ``parvis.core.demo.load_plan`` once the demo members, organisations and events
exist. Public and private groups by theme and territory, with members (the demo resident
printed by ``load_demo`` belongs to several, and has an invitation waiting), discussions and
replies in French — with a quote, @mentions, a pinned and a locked discussion — a pending
membership request, and a few agenda events attached to their group.

Reproducible (a random generator seeded from the plan) and idempotent: a group is keyed on
its slug, and a group that exists is left exactly as it is with its content. Rows are
written directly (no services: no activity records, so no notifications for demo content).
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import ProfileKind
from parvis.agenda.models import Event, EventStatus
from parvis.core.richtext import render_markdown
from parvis.territories.models import Territory, TerritoryKind

from .mentions import handle_from_names
from .models import (
    Group,
    Invitation,
    JoinPolicy,
    JoinRequest,
    Membership,
    Mention,
    Message,
    Role,
    Theme,
    Thread,
    ThreadRead,
    Visibility,
)


@dataclass(frozen=True)
class Discussion:
    title: str
    messages: tuple[str, ...]  # the first message, then the replies; "{mention}" = a member
    pinned: bool = False
    locked: bool = False
    quote: int | None = None  # the reply at this index quotes the first message


@dataclass(frozen=True)
class GroupIdea:
    name: str
    slug: str
    theme: str
    description: str
    visibility: str = Visibility.PUBLIC
    join_policy: str = JoinPolicy.OPEN
    commune_code: str = ""  # INSEE code; else ``epci_of`` or the whole département
    epci_of: str = ""  # the EPCI of this commune (INSEE code)
    size: int = 12
    owned_by_association: bool = False
    event_category: str = ""  # attach upcoming events of this category in its territory
    discussions: tuple[Discussion, ...] = field(default_factory=tuple)


IDEAS = (
    GroupIdea(
        name="Jardins partagés du Beauvaisis",
        slug="jardins-partages-du-beauvaisis",
        theme=Theme.ENVIRONMENT,
        epci_of="60057",
        size=18,
        event_category="environnement",
        description=(
            "Graines, outils, conseils et coups de main entre jardiniers des jardins partagés "
            "de l'agglomération. Débutants bienvenus !"
        ),
        discussions=(
            Discussion(
                "Bienvenue : présentez-vous et votre parcelle",
                (
                    "Bonjour à toutes et à tous ! Ce fil sert à faire connaissance : dites-nous "
                    "dans quel jardin vous cultivez et ce que vous aimeriez apprendre.",
                    "Parcelle 12 au jardin de Saint-Jean. Je me lance dans les **tomates "
                    "anciennes** cette année.",
                    "Jardin de la Mie-au-Roy, surtout des aromatiques. {mention}, je peux vous "
                    "donner des plants de basilic si vous voulez.",
                    "Avec plaisir, merci ! Je passe samedi matin.",
                ),
                pinned=True,
            ),
            Discussion(
                "Bourse aux graines du printemps",
                (
                    "On organise une bourse aux graines début avril ? Chacun apporte ses graines "
                    "en sachets étiquetés (variété, année de récolte).",
                    "Bonne idée. La salle du centre social est libre le samedi 5 avril.",
                    "Je peux faire les affiches. Il faudrait aussi prévoir des enveloppes.",
                ),
                quote=2,
            ),
            Discussion(
                "Paillage : paille, BRF ou tontes ?",
                (
                    "Avec les étés secs, je voudrais pailler davantage. Qu'est-ce qui marche le "
                    "mieux chez vous ?",
                    "Le BRF pour les allées et les petits fruits, les tontes séchées pour le "
                    "potager. Attention à ne pas mettre les tontes trop épaisses.",
                ),
            ),
        ),
    ),
    GroupIdea(
        name="Vélo au quotidien dans l'Oise",
        slug="velo-au-quotidien-dans-l-oise",
        theme=Theme.MOBILITY,
        size=24,
        description=(
            "Pistes cyclables, stationnement, itinéraires sûrs pour aller au travail ou à "
            "l'école : partageons nos trajets et nos propositions pour le département."
        ),
        discussions=(
            Discussion(
                "Trajet Creil – Nogent-sur-Oise : quel itinéraire ?",
                (
                    "Je commence un nouveau travail à Nogent. Quel itinéraire conseillez-vous "
                    "depuis la gare de Creil, en évitant la grande route ?",
                    "Le long de l'Oise par le chemin de halage, c'est plat et tranquille. "
                    "Compter 20 minutes.",
                    "Attention, le chemin est boueux après la pluie vers le pont. {mention} "
                    "connaît bien le secteur.",
                    "Merci ! Je teste demain matin et je vous raconte.",
                ),
            ),
            Discussion(
                "Stationnement vélo sécurisé dans les gares",
                (
                    "Plusieurs gares de l'Oise manquent d'abris vélos fermés. Recensons celles "
                    "où c'est un problème, pour une proposition au Département.",
                    "Gare de Clermont : un abri ouvert de 10 places, toujours plein.",
                    "Gare de Chantilly : rien de fermé, deux vélos volés cet hiver.",
                ),
                pinned=True,
            ),
        ),
    ),
    GroupIdea(
        name="Parents d'élèves de Compiègne",
        slug="parents-d-eleves-de-compiegne",
        theme=Theme.EDUCATION,
        commune_code="60159",
        visibility=Visibility.PRIVATE,
        join_policy=JoinPolicy.REQUEST,
        size=14,
        description=(
            "Entre parents d'élèves des écoles de Compiègne : sorties, cantine, périscolaire, "
            "covoiturage. Groupe privé : demandez à rejoindre en indiquant l'école de vos "
            "enfants."
        ),
        discussions=(
            Discussion(
                "Covoiturage pour la sortie au château de Pierrefonds",
                (
                    "La classe de CM1 va à Pierrefonds le 14. Il manque deux conducteurs : qui "
                    "est disponible ?",
                    "Je peux prendre trois enfants, départ 8 h 30 devant l'école.",
                    "Moi aussi, j'ai quatre places.",
                ),
            ),
            Discussion(
                "Menus de la cantine : plus de produits locaux ?",
                (
                    "La mairie consulte les parents sur les menus. On prépare une réponse "
                    "commune ?",
                    "Oui. Proposons au moins un produit local par repas et un menu végétarien "
                    "par semaine.",
                ),
            ),
        ),
    ),
    GroupIdea(
        name="Conseil citoyen du quartier Saint-Jean",
        slug="conseil-citoyen-du-quartier-saint-jean",
        theme=Theme.CITIZENSHIP,
        commune_code="60057",
        visibility=Visibility.PRIVATE,
        join_policy=JoinPolicy.INVITATION,
        size=10,
        description=(
            "Les membres du conseil citoyen du quartier Saint-Jean préparent leurs réunions "
            "avec la ville. Sur invitation."
        ),
        discussions=(
            Discussion(
                "Ordre du jour de la réunion du mois prochain",
                (
                    "Proposition d'ordre du jour : 1. éclairage rue de Clermont ; 2. jardins "
                    "au pied des immeubles ; 3. fête de quartier. Des ajouts ?",
                    "Ajoutons la sécurité aux abords de l'école, beaucoup de parents en parlent.",
                    "D'accord avec {mention}. Je prépare un point sur la fête de quartier.",
                ),
                pinned=True,
                quote=1,
            ),
        ),
    ),
    GroupIdea(
        name="Patrimoine et histoire de Senlis",
        slug="patrimoine-et-histoire-de-senlis",
        theme=Theme.CULTURE,
        commune_code="60612",
        join_policy=JoinPolicy.REQUEST,
        size=11,
        event_category="patrimoine",
        description=(
            "Passionnés d'histoire locale : la cathédrale, les remparts gallo-romains, les "
            "archives et les vieilles cartes postales de Senlis."
        ),
        discussions=(
            Discussion(
                "Cartes postales anciennes de la rue de la République",
                (
                    "J'ai retrouvé dans un grenier une série de cartes postales des années "
                    "1910. Quelqu'un sait dater la photo du marché ?",
                    "D'après les enseignes, avant 1914 : la quincaillerie a fermé pendant la "
                    "guerre.",
                ),
            ),
            Discussion(
                "Journées du patrimoine : appel aux bénévoles",
                (
                    "Nous cherchons des bénévoles pour guider les visites des remparts en "
                    "septembre. Une formation est prévue en juin.",
                    "Je suis partant pour le samedi après-midi.",
                ),
                locked=True,
            ),
        ),
    ),
    GroupIdea(
        name="Producteurs locaux et circuits courts",
        slug="producteurs-locaux-et-circuits-courts",
        theme=Theme.AGRICULTURE,
        size=20,
        owned_by_association=True,
        description=(
            "Agriculteurs, AMAP, épiceries et consommateurs de l'Oise : où trouver des "
            "produits locaux, comment monter un point de vente collectif."
        ),
        discussions=(
            Discussion(
                "Carte des marchés de producteurs",
                (
                    "Complétons la liste des marchés de producteurs du département : jour, "
                    "lieu, horaires.",
                    "Marché de Crèvecœur-le-Grand le jeudi matin, une dizaine de producteurs.",
                    "À Clermont, le samedi matin place de l'Hôtel de Ville.",
                ),
                pinned=True,
            ),
        ),
    ),
    GroupIdea(
        name="Randonnée en forêt de Compiègne",
        slug="randonnee-en-foret-de-compiegne",
        theme=Theme.SPORT,
        epci_of="60159",
        size=16,
        event_category="sport",
        description=(
            "Sorties à pied le dimanche matin, du parcours facile à la grande boucle des "
            "étangs de Saint-Pierre. Tous niveaux."
        ),
        discussions=(
            Discussion(
                "Sortie de dimanche : la boucle des Beaux-Monts",
                (
                    "Rendez-vous dimanche 9 h au carrefour du Puits du Roi pour la boucle des "
                    "Beaux-Monts (12 km). Prévoir de bonnes chaussures.",
                    "Je viens avec mon fils de 12 ans, ça ira ?",
                    "Oui, le dénivelé est faible. {mention} ferme la marche pour les plus lents.",
                ),
            ),
        ),
    ),
    GroupIdea(
        name="Entraide numérique",
        slug="entraide-numerique",
        theme=Theme.DIGITAL,
        size=13,
        description=(
            "Démarches en ligne, messagerie, smartphone : on s'entraide entre voisins, sans "
            "jugement. Des permanences ont lieu dans plusieurs médiathèques."
        ),
        discussions=(
            Discussion(
                "Déclarer ses impôts en ligne : les pièges à éviter",
                (
                    "Ma voisine de 80 ans doit déclarer en ligne pour la première fois. Des "
                    "conseils pour l'accompagner ?",
                    "Commencer par retrouver le numéro fiscal sur un ancien avis, c'est ce qui "
                    "bloque le plus souvent.",
                    "Les permanences France services peuvent aussi l'aider, sur rendez-vous.",
                ),
            ),
        ),
    ),
)


def _commune_by_code(code):
    return Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code).first()


def _territory_for(idea, fallback_communes):
    if idea.commune_code:
        return _commune_by_code(idea.commune_code) or (
            fallback_communes[0] if fallback_communes else None
        )
    if idea.epci_of:
        commune = _commune_by_code(idea.epci_of) or (
            fallback_communes[0] if fallback_communes else None
        )
        return commune.epci if commune is not None and commune.epci_id else None
    return None


@transaction.atomic
def load_groups(*, plan, users, organisation_pks):
    """Create the demo groups that are missing; returns what was created, by kind."""
    rng = random.Random("groups:" + "|".join(person.email for person in plan.people[:3]))
    residents = [
        person
        for person in plan.people
        if person.kind in (ProfileKind.RESIDENT, ProfileKind.OFFICIAL)
    ]
    if not residents:
        return {"groups": 0}
    demo_resident = next(p for p in plan.people if p.kind == ProfileKind.RESIDENT)
    existing = set(
        Group.objects.filter(slug__in=[i.slug for i in IDEAS]).values_list("slug", flat=True)
    )
    fallback_communes = list(
        Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("-population", "code")[:5]
    )
    names = {person.email: (person.first_name, person.last_name) for person in plan.people}
    now = timezone.now()
    associations = sorted(organisation_pks.values())
    created = {"groups": 0, "group members": 0, "discussions": 0, "group messages": 0}
    for index, idea in enumerate(IDEAS):
        if idea.slug in existing:
            continue
        territory = _territory_for(idea, fallback_communes)
        people = rng.sample(residents, min(idea.size, len(residents)))
        if demo_resident in people:
            people.remove(demo_resident)
        if index in (0, 1, 3):  # the demo resident takes part in three groups (one private)
            people.insert(1, demo_resident)
        people = people[: idea.size]
        created_at = now - timedelta(days=120 - index * 7)
        group = Group.objects.create(
            name=idea.name,
            slug=idea.slug,
            theme=idea.theme,
            description=idea.description,
            territory=territory,
            organisation_id=associations[index % len(associations)]
            if idea.owned_by_association and associations
            else None,
            visibility=idea.visibility,
            join_policy=idea.join_policy,
            created_by_id=users[people[0].email],
            created_at=created_at,
            last_activity_at=created_at,
        )
        memberships = []
        for position, person in enumerate(people):
            role = Role.OWNER if position == 0 else Role.MODERATOR if position == 2 else Role.MEMBER
            memberships.append(
                Membership(
                    group=group,
                    user_id=users[person.email],
                    role=role,
                    joined_at=created_at + timedelta(days=position, hours=rng.randint(1, 20)),
                )
            )
        Membership.objects.bulk_create(memberships)
        created["groups"] += 1
        created["group members"] += len(memberships)
        last_activity = created_at
        for number, discussion in enumerate(idea.discussions):
            started = created_at + timedelta(days=10 + number * 9, hours=rng.randint(8, 19))
            authors = [people[0]] + rng.sample(people[1:], min(len(people) - 1, 6))
            thread = Thread.objects.create(
                group=group,
                title=discussion.title,
                author_id=users[authors[0].email],
                created_at=started,
                pinned=discussion.pinned,
                locked=discussion.locked,
            )
            written = started
            message_rows = []
            mentions = []
            for position, text in enumerate(discussion.messages, start=1):
                author = authors[(position - 1) % len(authors)]
                mentioned = None
                if "{mention}" in text:
                    mentioned = next(
                        (p for p in people if p is not author and p is not authors[0]), None
                    )
                    handle = handle_from_names(*names[mentioned.email]) if mentioned else ""
                    text = text.replace("{mention}", "@" + handle if handle else "")
                written = written + timedelta(hours=rng.randint(1, 30), minutes=rng.randint(0, 59))
                message_rows.append(
                    Message(
                        thread=thread,
                        position=position,
                        author_id=users[author.email],
                        body=text,
                        body_html=render_markdown(text),
                        created_at=written,
                    )
                )
                if mentioned is not None:
                    mentions.append((position, users[mentioned.email]))
            Message.objects.bulk_create(message_rows)
            by_position = {m.position: m for m in Message.objects.filter(thread=thread)}
            if discussion.quote and discussion.quote + 1 in by_position:
                reply = by_position[discussion.quote + 1]
                reply.quoted = by_position[1]
                reply.save(update_fields=["quoted"])
            Mention.objects.bulk_create(
                [
                    Mention(
                        message=by_position[position],
                        user_id=user_pk,
                        created_at=by_position[position].created_at,
                    )
                    for position, user_pk in mentions
                ]
            )
            last = by_position[len(message_rows)]
            thread.message_count = len(message_rows)
            thread.last_message = last
            thread.last_activity_at = last.created_at
            thread.save(update_fields=["message_count", "last_message", "last_activity_at"])
            # The owner has read everything so far: the others see unread markers.
            ThreadRead.objects.create(
                thread=thread,
                user_id=users[people[0].email],
                read_at=last.created_at,
                last_position=last.position,
            )
            last_activity = max(last_activity, last.created_at)
            created["discussions"] += 1
            created["group messages"] += len(message_rows)
        group.member_count = len(memberships)
        group.thread_count = len(idea.discussions)
        group.last_activity_at = last_activity
        group.save(update_fields=["member_count", "thread_count", "last_activity_at"])
        _attach_events(group, idea, rng)
        _pending_requests_and_invitations(group, idea, people, residents, users, demo_resident, now)
    return created


def _attach_events(group, idea, rng):
    """Give the group a few upcoming published events of its theme, in its territory."""
    if not idea.event_category and not group.organisation_id:
        return
    events = Event.objects.filter(
        status=EventStatus.PUBLISHED, group__isnull=True, end__gte=timezone.now()
    )
    if group.organisation_id:
        events = events.filter(organisation_id=group.organisation_id)
    else:
        events = events.filter(category__slug=idea.event_category)
        if group.territory is not None and group.territory.kind == TerritoryKind.COMMUNE:
            events = events.filter(commune=group.territory)
        elif group.territory is not None:
            events = events.filter(commune__epci=group.territory)
    pks = list(events.order_by("start", "pk").values_list("pk", flat=True)[:3])
    Event.objects.filter(pk__in=pks).update(group=group)


def _pending_requests_and_invitations(group, idea, people, residents, users, demo_resident, now):
    """A request awaiting the moderators of request-only groups; an invitation for the demo
    resident to the private parents' group."""
    outsiders = [
        person for person in residents if person not in people and person is not demo_resident
    ]
    if idea.join_policy == JoinPolicy.REQUEST and outsiders:
        JoinRequest.objects.create(
            group=group,
            user_id=users[outsiders[0].email],
            message="Bonjour, je souhaiterais rejoindre le groupe. Merci !",
            created_at=now - timedelta(days=2),
        )
    if idea.slug == "parents-d-eleves-de-compiegne" and demo_resident not in people:
        Invitation.objects.create(
            group=group,
            invitee_id=users[demo_resident.email],
            invited_by_id=users[people[0].email],
            message="Vos enfants sont à l'école Jules-Ferry ? Rejoignez-nous !",
            created_at=now - timedelta(days=1),
        )


def groups_totals(users):
    """Demo groups and their discussions, for the summary."""
    groups = Group.objects.filter(slug__in=[idea.slug for idea in IDEAS])
    return {
        "groups": groups.count(),
        "private groups": groups.filter(visibility=Visibility.PRIVATE).count(),
        "discussions": Thread.objects.filter(group__in=groups).count(),
        "group messages": Message.objects.filter(thread__group__in=groups).count(),
    }
