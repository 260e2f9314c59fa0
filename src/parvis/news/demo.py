"""Demo targeted information for ``make demo``: what the departmental council, the town halls,
the public services, the elected officials and the associations publish, each post aimed at
the territories it concerns (the whole département, an intercommunality, an arrondissement or a
commune).

Called by ``parvis.core.demo.load_plan`` once the demo members and organisations exist.
Reproducible: the random generator is seeded from the demo plan and dates count from the day
the demo was first loaded (like the agenda). Idempotent: a post is keyed on (author, title);
existing ones are left exactly as they are. Rows are written directly (no services, no e-mail).

Most posts are live; a few are scheduled (publication date to come), the departmental council
and the town halls each keep a draft, and a few have an end of display already past, so every
state shows in the demo.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from parvis.accounts.models import MandateRole, VerificationStatus
from parvis.core.demo import MODERATOR_EMAIL, of, of_epci
from parvis.organisations.models import OrganisationKind, OrganisationRole
from parvis.territories.models import Territory, TerritoryKind

from .models import DEFAULT_SLUG, Category, Post, PostStatus

# Days the moderator's account is backdated by in core.demo (``days_ago=600``).
MODERATOR_DAYS_AGO = 600

#: Targets: the whole département, the author's intercommunality, arrondissement or commune.
WHOLE, EPCI, ARRONDISSEMENT, COMMUNE = "whole", "epci", "arrondissement", "commune"


@dataclass(frozen=True)
class Idea:
    """A post idea: title, category slug, target, text (``{place}``, ``{of_place}``), and its
    state: ``days`` before the demo's day (negative: scheduled that many days ahead), ``hours``
    of display (``None``: no end), or a draft."""

    title: str
    category: str
    target: str
    text: str
    days: int = 3
    hours: int | None = None
    draft: bool = False


DEPARTEMENT_IDEAS = [
    Idea(
        "Collèges : inscriptions à la restauration scolaire pour la rentrée",
        "education-jeunesse",
        WHOLE,
        "Les familles des collégiens peuvent dès maintenant inscrire leur enfant à la "
        "restauration scolaire pour la rentrée.\n\n"
        "- **Où ?** sur le portail des familles, rubrique « Collèges » ;\n"
        "- **Jusqu'à quand ?** avant le 15 juillet ;\n"
        "- **Combien ?** le tarif dépend du quotient familial, de 1 € à 3,80 € le repas.\n\n"
        "Les collèges accueillent aussi les familles sans accès à Internet.",
        days=2,
    ),
    Idea(
        "Canicule : le plan départemental d'alerte est activé",
        "securite-alertes",
        WHOLE,
        "Météo-France annonce de fortes chaleurs pour les prochains jours. Pensez à vos "
        "proches âgés ou isolés, buvez régulièrement et fermez les volets en journée.\n\n"
        "Les personnes fragiles peuvent s'inscrire sur le **registre canicule** de leur mairie : "
        "un agent les appellera chaque jour tant que l'alerte dure.",
        days=1,
        hours=24 * 10,
    ),
    Idea(
        "Routes départementales : chantier de réfection de chaussée {of_place}",
        "travaux-voirie",
        EPCI,
        "Le Département refait la chaussée de plusieurs routes départementales du territoire "
        "{of_place}. Une déviation est mise en place pendant les travaux, de 8 h à 17 h en "
        "semaine.\n\nMerci de votre patience et de votre prudence aux abords du chantier.",
        days=6,
    ),
    Idea(
        "Vélo à assistance électrique : l'aide à l'achat reconduite",
        "transports",
        WHOLE,
        "Le Département reconduit son aide à l'achat d'un **vélo à assistance électrique** : "
        "jusqu'à 300 € pour les habitants de l'Oise, sous condition de ressources.\n\n"
        "La demande se fait en ligne, facture à l'appui, dans les six mois qui suivent l'achat.",
        days=12,
    ),
    Idea(
        "Appel à projets « Oise solidaire » : les associations ont jusqu'au 30 septembre",
        "vie-associative",
        WHOLE,
        "Vous portez un projet d'entraide, d'accès aux droits ou de lutte contre l'isolement ? "
        "L'appel à projets « Oise solidaire » finance les associations du département, de "
        "2 000 à 15 000 €.\n\nUn webinaire de présentation est proposé aux porteurs de projet.",
        days=9,
    ),
    Idea(
        "Très haut débit : de nouvelles communes raccordables à la fibre {of_place}",
        "vie-locale",
        ARRONDISSEMENT,
        "Le déploiement de la fibre optique se poursuit dans l'arrondissement {of_place}. "
        "Vérifiez l'éligibilité de votre adresse et contactez le fournisseur d'accès de votre "
        "choix.",
        days=15,
    ),
    Idea(
        "Budget participatif départemental : le vote ouvre bientôt",
        "vie-democratique",
        WHOLE,
        "Plus de 80 projets proposés par les habitants sont soumis au vote. Chaque habitant de "
        "l'Oise pourra choisir jusqu'à trois projets, en ligne ou dans les mairies partenaires.",
        days=-5,
    ),
    Idea(
        "Transport scolaire : inscriptions ouvertes jusqu'au 15 juillet",
        "education-jeunesse",
        WHOLE,
        "Le transport scolaire est gratuit pour les collégiens et les lycéens de l'Oise. "
        "L'inscription est **obligatoire** chaque année, en ligne ; la carte de transport est "
        "envoyée à domicile avant la rentrée.",
        days=17,
    ),
    Idea(
        "Don du sang : les prochaines collectes dans l'Oise",
        "sante-solidarite",
        WHOLE,
        "Les réserves de sang sont basses. L'Établissement français du sang organise des "
        "collectes dans tout le département ; prenez rendez-vous en ligne, une heure suffit.",
        days=21,
    ),
    Idea(
        "Bilan des Journées européennes du patrimoine",
        "culture-sport",
        WHOLE,
        "Texte en cours de rédaction : chiffres de fréquentation et remerciements aux bénévoles.",
        draft=True,
    ),
]

TOWN_HALL_IDEAS = [
    Idea(
        "Travaux rue de la République : circulation alternée pendant trois semaines",
        "travaux-voirie",
        COMMUNE,
        "Des travaux de renouvellement du réseau d'eau potable commencent rue de la "
        "République. La circulation y sera **alternée** par feux de chantier, et le "
        "stationnement interdit au droit des travaux.\n\nLes commerces restent ouverts "
        "pendant toute la durée du chantier.",
        days=3,
    ),
    Idea(
        "Conseil municipal : l'ordre du jour de la prochaine séance",
        "vie-democratique",
        COMMUNE,
        "Le conseil municipal se réunit jeudi à 19 h en salle du conseil. À l'ordre du jour :\n\n"
        "1. budget supplémentaire ;\n2. tarifs de la restauration scolaire ;\n"
        "3. subventions aux associations.\n\nLa séance est publique.",
        days=5,
    ),
    Idea(
        "Collecte des encombrants : les dates du trimestre",
        "environnement",
        COMMUNE,
        "La collecte des encombrants a lieu une fois par mois, sur inscription auprès de la "
        "mairie au plus tard la veille. Les déchets électriques et les gravats vont en "
        "déchetterie.",
        days=11,
    ),
    Idea(
        "Inscriptions scolaires et périscolaires : les démarches",
        "education-jeunesse",
        COMMUNE,
        "Les inscriptions pour la rentrée se font en mairie ou sur le portail famille. Munissez-"
        "vous du livret de famille, d'un justificatif de domicile et du carnet de vaccination.",
        days=20,
    ),
    Idea(
        "Coupure d'eau programmée dans le centre-ville",
        "securite-alertes",
        COMMUNE,
        "Une coupure d'eau est programmée mardi de 9 h à 12 h dans le centre-ville pour "
        "raccorder la nouvelle canalisation. Pensez à faire une réserve d'eau.",
        days=1,
        hours=24 * 4,
    ),
    Idea(
        "Fête de la musique : appel aux groupes {of_place}",
        "culture-sport",
        COMMUNE,
        "Vous jouez dans un groupe ou chantez dans une chorale ? La ville met des scènes à "
        "disposition le soir de la fête de la musique. Inscrivez-vous auprès du service "
        "culturel.",
        days=-3,
    ),
    Idea(
        "Forum des associations : appel aux exposants",
        "vie-associative",
        COMMUNE,
        "Brouillon : dates et plan des stands à confirmer avec le service des sports.",
        draft=True,
    ),
    Idea(
        "Marché de Noël : l'ancien programme",
        "vie-locale",
        COMMUNE,
        "Retrouvez le programme du marché de Noël de l'an dernier.",
        days=40,
        hours=24 * 10,  # display over: it only shows to the town hall's team
    ),
]

LIBRARY_IDEAS = [
    Idea(
        "La bibliothèque numérique de l'Oise ouverte à tous les lecteurs",
        "culture-sport",
        WHOLE,
        "Livres numériques, presse, films, cours en ligne : avec votre carte de bibliothèque, "
        "la bibliothèque numérique est accessible gratuitement depuis chez vous.",
        days=7,
    ),
    Idea(
        "Le bibliobus passe dans les communes {of_place}",
        "culture-sport",
        ARRONDISSEMENT,
        "Le bibliobus de la médiathèque départementale fait sa tournée dans les communes de "
        "l'arrondissement {of_place}. Les bibliothèques partenaires peuvent réserver des "
        "documents à l'avance.",
        days=4,
    ),
]

CAF_IDEAS = [
    Idea(
        "Permanences de la CAF : nouveaux horaires d'accueil {of_place}",
        "sante-solidarite",
        ARRONDISSEMENT,
        "Les permanences de la CAF dans l'arrondissement {of_place} changent d'horaires : "
        "accueil sans rendez-vous le mardi matin, sur rendez-vous les autres jours.",
        days=8,
    ),
    Idea(
        "Allocation de rentrée scolaire : ce qu'il faut savoir",
        "sante-solidarite",
        WHOLE,
        "L'allocation de rentrée scolaire est versée automatiquement aux familles qui y ont "
        "droit pour les enfants de 6 à 15 ans. Pour les 16-18 ans, une déclaration de scolarité "
        "est nécessaire.",
        days=13,
    ),
]

MAYOR_IDEAS = [
    Idea(
        "Le mot du maire : bilan des travaux de l'été",
        "vie-locale",
        COMMUNE,
        "Chères habitantes, chers habitants,\n\nCet été, la commune a rénové la cour de "
        "l'école, refait l'éclairage du stade et planté une trentaine d'arbres. Merci aux "
        "agents municipaux et aux entreprises pour ce travail.\n\nJe vous donne rendez-vous "
        "à la réunion publique de rentrée.",
        days=4,
    ),
    Idea(
        "Réunion publique sur le projet de cœur de ville",
        "vie-democratique",
        COMMUNE,
        "Le projet de réaménagement du cœur de ville vous sera présenté en réunion publique. "
        "Vos remarques sont les bienvenues : **venez nombreux**.",
        days=10,
    ),
]

EPCI_PRESIDENT_IDEAS = [
    Idea(
        "Transports : le nouveau réseau de bus {of_place}",
        "transports",
        EPCI,
        "Le réseau de bus de l'agglomération évolue : lignes plus fréquentes aux heures de "
        "pointe, desserte des zones d'activité et transport à la demande pour les communes "
        "rurales {of_place}.",
        days=6,
    ),
    Idea(
        "Déchets : la redevance incitative expliquée",
        "environnement",
        EPCI,
        "À partir de l'an prochain, la part variable de la redevance dépendra du nombre de "
        "levées de votre bac. Des réunions d'information sont organisées dans chaque commune.",
        days=16,
    ),
]

COUNCILLOR_IDEAS = [
    Idea(
        "Permanences de vos conseillers départementaux",
        "vie-democratique",
        ARRONDISSEMENT,
        "Je tiens une permanence chaque premier samedi du mois, sans rendez-vous, pour "
        "répondre à vos questions sur les routes, les collèges et les aides du Département.",
        days=5,
    ),
]

ASSOCIATION_IDEAS = [
    Idea(
        "{name} recrute des bénévoles",
        "vie-associative",
        COMMUNE,
        "Vous avez un peu de temps libre ? Rejoignez l'équipe de bénévoles : accueil, "
        "organisation des événements, communication… **Deux heures par mois suffisent.**",
        days=8,
    ),
    Idea(
        "Assemblée générale : retour sur une belle année",
        "vie-associative",
        COMMUNE,
        "Merci à toutes celles et ceux qui sont venus à notre assemblée générale. Le rapport "
        "d'activité est disponible sur demande.",
        days=18,
    ),
]


def _anchor(moderator_email):
    """The moment the demo was first loaded (dates count from it, so reloads plan the same)."""
    from parvis.accounts.models import User

    joined = User.objects.filter(email=moderator_email).values_list("date_joined", flat=True)
    first = joined.first() or timezone.now()
    return first + dt.timedelta(days=MODERATOR_DAYS_AGO)


class _PostPlanner:
    def __init__(self, *, rng, anchor, categories, territories):
        self.rng = rng
        self.anchor = anchor
        self.categories = categories
        self.territories = territories
        self.posts = []  # (Post, [territory pk...])

    def target(self, kind, commune):
        """The audience for ``kind`` around ``commune`` (empty: the whole département)."""
        if kind == COMMUNE:
            return commune
        if kind == EPCI and commune.epci_id:
            return self.territories.get(commune.epci_id)
        if kind == ARRONDISSEMENT and commune.arrondissement_id:
            return self.territories.get(commune.arrondissement_id)
        return None

    def add(self, idea, *, author_id, commune, organisation_id=None, name=""):
        target = self.target(idea.target, commune) if idea.target != WHOLE else None
        place = target.name if target is not None else ""
        if target is None and idea.target != WHOLE:
            place = commune.name
        of_place = of_epci(place) if target is not None and target.kind == "epci" else of(place)
        title = idea.title.format(of_place=of_place if place else "", name=name).strip()
        text = idea.text.format(place=place, of_place=of_place if place else "", name=name)
        minutes = self.rng.randint(0, 9 * 60)
        publish_at = (
            self.anchor - dt.timedelta(days=idea.days, hours=2) + dt.timedelta(minutes=minutes)
        )
        expires_at = publish_at + dt.timedelta(hours=idea.hours) if idea.hours is not None else None
        category = self.categories.get(idea.category) or next(iter(self.categories.values()))
        post = Post(
            title=title[:200],
            slug=slugify(title)[:200] or DEFAULT_SLUG,
            body=text,
            category=category,
            author_id=author_id,
            organisation_id=organisation_id,
            status=PostStatus.DRAFT if idea.draft else PostStatus.PUBLISHED,
            publish_at=None if idea.draft else publish_at,
            expires_at=None if idea.draft else expires_at,
            created_at=min(publish_at, self.anchor) - dt.timedelta(hours=3),
        )
        self.posts.append((post, [target.pk] if target is not None else []))


def plan_posts(*, plan, users, organisation_pks, seed_text):
    """Unsaved posts and their audiences (deterministic for a plan and its first load)."""
    categories = {category.slug: category for category in Category.objects.all()}
    territories = {
        territory.pk: territory
        for territory in Territory.objects.exclude(kind=TerritoryKind.COMMUNE).only(
            "pk", "kind", "name"
        )
    }
    communes = {
        commune.pk: commune
        for commune in Territory.objects.filter(kind=TerritoryKind.COMMUNE).only(
            "pk", "name", "epci_id", "arrondissement_id", "departement_id", "kind"
        )
    }
    if not categories or not communes:
        return []
    planner = _PostPlanner(
        rng=random.Random(seed_text),
        anchor=_anchor(MODERATOR_EMAIL),
        categories=categories,
        territories=territories,
    )
    publishers = {}
    for membership in plan.memberships:  # an editor writes when there is one, else the manager
        if membership.role == OrganisationRole.EDITOR or membership.slug not in publishers:
            publishers[membership.slug] = users[membership.email]
    for organisation in plan.organisations:
        pk = organisation_pks.get(organisation.slug)
        author = publishers.get(organisation.slug)
        commune = communes.get(organisation.commune_id)
        if pk is None or author is None or commune is None:
            continue
        if organisation.status != VerificationStatus.VERIFIED:
            continue  # only verified organisations publish
        if organisation.kind == OrganisationKind.INSTITUTION:
            if organisation.name.startswith("Conseil départemental"):
                ideas = DEPARTEMENT_IDEAS
            elif organisation.name.startswith("Mairie"):
                ideas = TOWN_HALL_IDEAS
            elif organisation.name.startswith("Médiathèque"):
                ideas = LIBRARY_IDEAS
            else:
                ideas = CAF_IDEAS
            for idea in ideas:
                # The departmental council's targeted posts go around the département.
                around = commune
                if ideas is DEPARTEMENT_IDEAS and idea.target != WHOLE:
                    around = planner.rng.choice(sorted(communes.values(), key=lambda c: c.pk))
                planner.add(idea, author_id=author, commune=around, organisation_id=pk)
        elif planner.rng.random() < 0.6:
            for idea in planner.rng.sample(ASSOCIATION_IDEAS, planner.rng.randint(1, 2)):
                planner.add(
                    idea,
                    author_id=author,
                    commune=commune,
                    organisation_id=pk,
                    name=organisation.name,
                )
    for mandate in plan.mandates:
        if mandate.status != VerificationStatus.VERIFIED:
            continue
        person = plan.person(mandate.email)
        home = communes.get(person.commune_id)
        if home is None:
            continue
        if mandate.role == MandateRole.MAYOR:
            commune = communes.get(mandate.territory_id) or home
            for idea in MAYOR_IDEAS:
                planner.add(idea, author_id=users[mandate.email], commune=commune)
        elif mandate.role == MandateRole.EPCI_PRESIDENT:
            for idea in EPCI_PRESIDENT_IDEAS:
                planner.add(idea, author_id=users[mandate.email], commune=home)
        elif mandate.role == MandateRole.DEPARTMENTAL_COUNCILLOR:
            for idea in COUNCILLOR_IDEAS:
                planner.add(idea, author_id=users[mandate.email], commune=home)
    return planner.posts


def load_posts(*, plan, users, organisation_pks):
    """Create the demo posts that are missing; returns what was created."""
    seed_text = "news:" + "|".join(person.email for person in plan.people[:3])
    planned = plan_posts(
        plan=plan, users=users, organisation_pks=organisation_pks, seed_text=seed_text
    )
    existing = set(
        Post.objects.filter(author_id__in=users.values()).values_list("author_id", "title")
    )
    new, audiences = [], []
    for post, audience in planned:
        key = (post.author_id, post.title)
        if key in existing:
            continue
        existing.add(key)
        new.append(post)
        audiences.append(audience)
    now = timezone.now()
    for post in new:
        # Live demo posts count as announced; the scheduled ones are announced when their
        # date comes, if a worker and its scheduler run.
        if post.status == PostStatus.PUBLISHED and post.publish_at and post.publish_at <= now:
            post.announced_at = post.publish_at
    Post.objects.bulk_create(new)
    through = Post.audience.through
    through.objects.bulk_create(
        [
            through(post_id=post.pk, territory_id=territory_pk)
            for post, audience in zip(new, audiences, strict=True)
            for territory_pk in audience
        ]
    )
    return {"posts": len(new)}


def news_totals(users):
    """Demo posts by state, and follows, for the summary."""
    posts = Post.objects.filter(author_id__in=users)
    by_status = dict(posts.values_list("status").annotate(n=Count("pk")).order_by())
    now = timezone.now()
    return {
        "posts": posts.count(),
        "published posts": by_status.get(PostStatus.PUBLISHED, 0),
        "scheduled posts": posts.filter(status=PostStatus.PUBLISHED, publish_at__gt=now).count(),
        "draft posts": by_status.get(PostStatus.DRAFT, 0),
    }
