"""Demo events for ``make demo``: a living calendar over the three months after the load.

Called by ``parvis.core.demo.load_plan`` once the demo members and organisations exist.
Reproducible: the random generator is seeded from the demo plan, and dates are counted from
the day the demo was first loaded (the moderator's sign-up date, stored by the first load), so
loading again, even days later, plans the very same events. Idempotent: an event is keyed on
(organiser, title, start); existing ones are left exactly as they are.

Rows are written directly (no services: no e-mail, no moderation queue bookkeeping), then each
new event's dates are expanded with ``services.event_occurrences_sync``.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from parvis.accounts.models import ProfileKind, User, VerificationStatus
from parvis.core.demo import ASSOCIATION_THEMES, MODERATOR_EMAIL
from parvis.organisations.models import OrganisationKind, OrganisationRole
from parvis.territories.models import Territory, TerritoryKind

from .models import Category, Event, EventOccurrence, EventStatus, Rsvp
from .recurrence import build_rrule, local_zone
from .services import event_occurrences_sync

HORIZON_DAYS = 91
# Days the moderator's account is backdated by in core.demo (``days_ago=600``).
MODERATOR_DAYS_AGO = 600

STREETS = [
    "rue de la République",
    "place de l'Hôtel de Ville",
    "rue Jean Jaurès",
    "avenue Victor Hugo",
    "rue Pasteur",
    "rue de la Gare",
    "place du Marché",
    "rue des Écoles",
    "chemin du Moulin",
    "rue Saint-Martin",
    "allée des Tilleuls",
    "rue du Général de Gaulle",
    "rue Jules Ferry",
    "boulevard Aristide Briand",
    "rue de l'Église",
    "rue du Château",
]


@dataclass(frozen=True)
class Idea:
    """An event idea: title, venue, category slug, start hour, duration, and options."""

    title: str
    venue: str
    category: str
    hour: float = 18
    hours: float = 2
    text: str = ""
    weekday: int | None = None  # 0 = Monday
    price: str = ""
    capacity: int | None = None
    repeat: str = ""  # "weekly", "monthly" (by weekday) or ""
    all_day: bool = False
    accessibility: tuple[str, ...] = ("wheelchair",)
    months: tuple[int, ...] = ()  # seasonal: only in these months (else left out)


THEME_IDEAS = {
    "sport": [
        Idea(
            "Entraînement ouvert aux débutants",
            "Gymnase municipal",
            "sport",
            19,
            1.5,
            "Séance découverte encadrée par nos entraîneurs diplômés. Prévoir une tenue "
            "de sport et une bouteille d'eau.",
            weekday=1,
            repeat="weekly",
        ),
        Idea(
            "Tournoi amical inter-clubs",
            "Complexe sportif",
            "sport",
            9,
            8,
            "Une journée de matchs dans la bonne humeur, buvette et restauration sur place.",
            weekday=5,
            price="3 € (gratuit pour les moins de 12 ans)",
        ),
        Idea(
            "Randonnée de 12 km",
            "Parking de la mairie",
            "sport",
            9,
            4,
            "Boucle à travers bois et champs, niveau moyen. Chaussures de marche conseillées.",
            weekday=6,
        ),
        Idea(
            "Course nature solidaire",
            "Stade municipal",
            "sport",
            10,
            3,
            "Parcours de 5 et 10 km ; les inscriptions sont reversées au Téléthon.",
            weekday=6,
            price="8 € l'inscription",
            months=(3, 4, 5, 6, 9, 10, 11, 12),
        ),
        Idea(
            "Assemblée générale du club",
            "Maison des associations",
            "vie-associative",
            18.5,
            2,
            "Bilan de la saison, projets et élection du bureau. Pot de l'amitié à "
            "l'issue de la réunion.",
            weekday=4,
        ),
        Idea(
            "Stage multisports des vacances",
            "Gymnase municipal",
            "jeunesse",
            9,
            7,
            "Trois disciplines à découvrir pour les 8-14 ans. Repas tiré du sac.",
            weekday=0,
            price="15 € la journée",
            capacity=24,
        ),
    ],
    "culture": [
        Idea(
            "Concert de Noël",
            "Église Saint-Martin",
            "culture",
            17,
            1.5,
            "Chants traditionnels et œuvres de Bach, Haendel et Fauré.",
            weekday=6,
            price="Participation libre",
            accessibility=("wheelchair", "induction_loop"),
            months=(11, 12),
        ),
        Idea(
            "Répétition publique",
            "Salle des fêtes",
            "culture",
            20,
            2,
            "Venez découvrir nos répétitions et, pourquoi pas, nous rejoindre !",
            weekday=3,
            repeat="weekly",
        ),
        Idea(
            "Soirée théâtre : « Le Dîner de cons »",
            "Salle des fêtes",
            "culture",
            20.5,
            2.5,
            "La troupe amateur joue la comédie de Francis Veber.",
            weekday=5,
            price="10 €, 5 € pour les moins de 18 ans",
            capacity=120,
        ),
        Idea(
            "Projection-débat",
            "Cinéma municipal",
            "culture",
            20,
            2.5,
            "Un documentaire suivi d'un échange avec le réalisateur.",
            weekday=4,
            price="5 €",
            accessibility=("wheelchair", "audio_description"),
        ),
        Idea(
            "Atelier d'aquarelle",
            "Maison des associations",
            "culture",
            14,
            3,
            "Initiation aux techniques de l'aquarelle ; matériel fourni.",
            weekday=2,
            price="12 €",
            capacity=12,
        ),
        Idea(
            "Exposition des adhérents",
            "Hall de la mairie",
            "culture",
            10,
            8,
            "Peintures, sculptures et photographies de nos adhérents.",
            weekday=5,
            all_day=True,
        ),
    ],
    "solidarite": [
        Idea(
            "Collecte de sang",
            "Salle polyvalente",
            "solidarite",
            14.5,
            5,
            "Prenez rendez-vous ou venez librement ; pensez à bien manger avant le don.",
            weekday=1,
        ),
        Idea(
            "Repair café",
            "Maison des associations",
            "solidarite",
            14,
            4,
            "Apportez vos objets en panne : nos bénévoles vous aident à les réparer.",
            weekday=5,
            repeat="monthly",
        ),
        Idea(
            "Distribution alimentaire",
            "Épicerie solidaire",
            "solidarite",
            9,
            3,
            "Sur inscription auprès du CCAS.",
            weekday=3,
            repeat="weekly",
        ),
        Idea(
            "Collecte de jouets",
            "Place de la mairie",
            "solidarite",
            10,
            6,
            "Jouets en bon état pour les enfants des familles accompagnées.",
            weekday=5,
            months=(11, 12),
        ),
        Idea(
            "Réunion d'accueil des nouveaux bénévoles",
            "Maison des associations",
            "vie-associative",
            18,
            1.5,
            "Découvrez nos actions et trouvez votre place.",
            weekday=2,
        ),
    ],
    "environnement": [
        Idea(
            "Chantier nature : plantation de haies",
            "Chemin du Moulin",
            "environnement",
            9,
            3.5,
            "Gants et outils fournis ; prévoir des bottes.",
            weekday=5,
        ),
        Idea(
            "Atelier compostage",
            "Jardins partagés",
            "environnement",
            10,
            2,
            "Tout savoir pour réussir son compost au jardin ou en appartement.",
            weekday=5,
            capacity=20,
        ),
        Idea(
            "Sortie ornithologique",
            "Étang communal",
            "environnement",
            8,
            3,
            "Observation des oiseaux hivernants avec un guide ; jumelles prêtées.",
            weekday=6,
            capacity=15,
            months=(11, 12, 1, 2),
        ),
        Idea(
            "Grand nettoyage de printemps",
            "Place de la mairie",
            "environnement",
            9,
            3,
            "Ramassage des déchets dans les rues et chemins de la commune.",
            weekday=5,
            months=(3, 4, 5),
        ),
        Idea(
            "Bourse aux plantes et aux graines",
            "Jardins partagés",
            "environnement",
            10,
            5,
            "Échangez boutures, graines et conseils.",
            weekday=6,
            months=(3, 4, 5, 9, 10),
        ),
    ],
    "patrimoine": [
        Idea(
            "Conférence : l'histoire de notre commune",
            "Salle du conseil",
            "patrimoine",
            18,
            1.5,
            "Des origines médiévales à nos jours, avec des documents d'archives.",
            weekday=3,
        ),
        Idea(
            "Visite guidée de l'église",
            "Église Saint-Martin",
            "patrimoine",
            15,
            1.5,
            "Architecture, vitraux et mobilier classé.",
            weekday=6,
            capacity=25,
        ),
        Idea(
            "Atelier généalogie",
            "Médiathèque",
            "patrimoine",
            14,
            3,
            "Aide à la recherche dans les registres paroissiaux et l'état civil en ligne.",
            weekday=5,
            repeat="monthly",
            capacity=10,
        ),
        Idea(
            "Balade patrimoine",
            "Parvis de la mairie",
            "patrimoine",
            14.5,
            2,
            "Les maisons remarquables et les lavoirs du village.",
            weekday=6,
        ),
    ],
    "jeunesse": [
        Idea(
            "Après-midi jeux de société",
            "Ludothèque",
            "jeunesse",
            14,
            4,
            "Jeux pour tous les âges, en famille ou entre amis.",
            weekday=2,
            repeat="weekly",
        ),
        Idea(
            "Atelier numérique pour les ados",
            "Maison des jeunes",
            "jeunesse",
            15,
            2,
            "Création de jeux vidéo et initiation au code.",
            weekday=2,
            capacity=12,
        ),
        Idea(
            "Soirée jeunes : karaoké",
            "Maison des jeunes",
            "jeunesse",
            19,
            3,
            "Pour les 12-17 ans, avec autorisation parentale.",
            weekday=4,
        ),
        Idea(
            "Sortie à la patinoire",
            "Départ devant la mairie",
            "jeunesse",
            13.5,
            4.5,
            "Transport en car ; places limitées.",
            weekday=2,
            price="6 €",
            capacity=30,
        ),
        Idea(
            "Fête du jeu",
            "Parc municipal",
            "jeunesse",
            10,
            7,
            "Jeux géants, structures gonflables et goûter.",
            weekday=5,
            all_day=True,
            months=(5, 6, 7, 8, 9),
        ),
    ],
}

TOWN_HALL_IDEAS = [
    Idea(
        "Marché hebdomadaire",
        "Place du marché",
        "vie-associative",
        8,
        5,
        "Producteurs locaux, primeurs, fromagers et artisans chaque semaine.",
        weekday=5,
        repeat="weekly",
    ),
    Idea(
        "Conseil municipal",
        "Salle du conseil, hôtel de ville",
        "citoyennete",
        19,
        2.5,
        "Séance publique. L'ordre du jour est affiché en mairie une semaine avant.",
        weekday=0,
        accessibility=("wheelchair", "induction_loop"),
    ),
    Idea(
        "Réunion publique : aménagement du centre-ville",
        "Salle des fêtes",
        "citoyennete",
        18.5,
        2,
        "Présentation du projet et échanges avec les habitants.",
        weekday=3,
    ),
    Idea(
        "Forum des associations",
        "Gymnase municipal",
        "vie-associative",
        10,
        7,
        "Plus de cinquante associations présentent leurs activités.",
        weekday=5,
    ),
    Idea(
        "Cérémonie des vœux du maire",
        "Salle des fêtes",
        "citoyennete",
        18.5,
        2,
        "Rétrospective de l'année et projets ; verre de l'amitié.",
        weekday=4,
        months=(1,),
    ),
    Idea(
        "Marché de Noël",
        "Place de l'hôtel de ville",
        "culture",
        10,
        9,
        "Chalets d'artisans, animations et visite du Père Noël.",
        weekday=5,
        all_day=True,
        months=(11, 12),
    ),
    Idea(
        "Permanence logement",
        "Hôtel de ville",
        "solidarite",
        9,
        3,
        "Conseils gratuits sur vos droits de locataire ou de propriétaire.",
        weekday=1,
        repeat="monthly",
    ),
]
DEPARTEMENT_IDEAS = [
    Idea(
        "Réunion d'information : aides à la rénovation énergétique",
        "Salle polyvalente",
        "environnement",
        18,
        2,
        "Les aides du Département et de l'État, et comment les demander.",
        weekday=2,
    ),
    Idea(
        "Rencontre avec les conseillers départementaux",
        "Mairie",
        "citoyennete",
        18,
        2,
        "Un temps d'échange sur les projets du canton.",
        weekday=3,
    ),
    Idea(
        "Journée sport et handicap",
        "Complexe sportif",
        "sport",
        10,
        6,
        "Découverte du handisport avec les comités départementaux.",
        weekday=5,
        accessibility=("wheelchair", "sign_language", "easy_read"),
    ),
    Idea(
        "Forum de l'emploi et de l'insertion",
        "Salle des fêtes",
        "solidarite",
        9,
        7,
        "Employeurs, formations et accompagnement vers l'emploi.",
        weekday=3,
    ),
]
LIBRARY_IDEAS = [
    Idea(
        "Heure du conte",
        "Médiathèque",
        "jeunesse",
        10.5,
        1,
        "Histoires pour les 3-6 ans et leurs parents.",
        weekday=2,
        repeat="weekly",
        capacity=20,
    ),
    Idea(
        "Club de lecture",
        "Médiathèque",
        "culture",
        18,
        1.5,
        "Partagez vos coups de cœur du mois.",
        weekday=1,
        repeat="monthly",
    ),
    Idea(
        "Exposition itinérante : « La Grande Guerre dans l'Oise »",
        "Médiathèque",
        "patrimoine",
        10,
        8,
        "Panneaux, photographies et objets prêtés par les habitants.",
        weekday=5,
        all_day=True,
    ),
    Idea(
        "Atelier « Premiers pas sur l'ordinateur »",
        "Médiathèque",
        "solidarite",
        14,
        2,
        "Pour les débutants : souris, clavier, courriel.",
        weekday=3,
        capacity=8,
    ),
]
CAF_IDEAS = [
    Idea(
        "Permanence de la CAF",
        "Maison France Services",
        "solidarite",
        9,
        3,
        "Sans rendez-vous : prestations familiales, logement, prime d'activité.",
        weekday=1,
        repeat="weekly",
    ),
    Idea(
        "Atelier parents : les écrans et les enfants",
        "Centre social",
        "solidarite",
        18,
        2,
        "Échange animé par une psychologue.",
        weekday=3,
        capacity=20,
    ),
]
OFFICIAL_IDEAS = [
    Idea(
        "Café citoyen",
        "Café de la place",
        "citoyennete",
        10,
        1.5,
        "Un moment informel pour parler des projets de la commune autour d'un café.",
        weekday=5,
    ),
    Idea(
        "Inauguration de l'aire de jeux",
        "Parc municipal",
        "citoyennete",
        11,
        1,
        "Coupure du ruban, visite et goûter offert aux enfants.",
        weekday=5,
    ),
    Idea(
        "Permanence de l'élu",
        "Mairie",
        "citoyennete",
        10,
        2,
        "Venez échanger sans rendez-vous sur les sujets qui vous concernent.",
        weekday=5,
        repeat="monthly",
    ),
    Idea(
        "Réunion de quartier",
        "École élémentaire",
        "citoyennete",
        18.5,
        1.5,
        "Voirie, stationnement, propreté : vos questions et nos réponses.",
        weekday=2,
    ),
    Idea(
        "Visite du chantier de la nouvelle école",
        "Devant la mairie",
        "citoyennete",
        10,
        1.5,
        "Visite commentée ouverte à tous, casque fourni.",
        weekday=5,
        capacity=25,
    ),
]
RESIDENT_IDEAS = [
    Idea(
        "Atelier tricot et crochet",
        "Salle paroissiale",
        "vie-associative",
        14,
        2.5,
        "Débutants bienvenus : on apprend les points de base autour d'un thé.",
        weekday=3,
        capacity=12,
    ),
    Idea(
        "Initiation aux échecs",
        "Café de la place",
        "jeunesse",
        15,
        2,
        "Pour les enfants à partir de 7 ans et les adultes curieux ; échiquiers fournis.",
        weekday=2,
    ),
    Idea(
        "Soirée jeux au café",
        "Café de la place",
        "vie-associative",
        20,
        3,
        "Jeux de plateau et bonne humeur ; consommation sur place.",
        weekday=4,
    ),
    Idea(
        "Vide-grenier du quartier",
        "Place de l'église",
        "vie-associative",
        7,
        11,
        "Plus de cent exposants ; buvette et petite restauration.",
        weekday=6,
        all_day=True,
        months=(3, 4, 5, 6, 7, 8, 9, 10),
    ),
    Idea(
        "Fête des voisins",
        "Square des Tilleuls",
        "vie-associative",
        19,
        3,
        "Chacun apporte un plat à partager !",
        weekday=4,
        months=(5, 6),
    ),
    Idea(
        "Balade photo au bord de l'Oise",
        "Pont de la ville",
        "culture",
        14,
        2.5,
        "Une sortie entre amateurs, tous appareils bienvenus.",
        weekday=6,
    ),
    Idea(
        "Troc de livres",
        "Parc municipal",
        "culture",
        14,
        3,
        "Déposez un livre, repartez avec un autre.",
        weekday=6,
    ),
    Idea(
        "Cours de yoga en plein air",
        "Parc municipal",
        "sport",
        10,
        1,
        "Apportez votre tapis ; séance gratuite et ouverte à tous.",
        weekday=6,
        months=(5, 6, 7, 8, 9),
    ),
]
CANCELLATION_REASONS = [
    "Conditions météo défavorables : l'événement est reporté à une date ultérieure.",
    "La salle n'est finalement pas disponible ce jour-là.",
    "L'intervenant est malheureusement souffrant.",
    "Trop peu d'inscriptions pour maintenir la séance.",
]


def _theme(name):
    for theme, (templates, _description) in ASSOCIATION_THEMES.items():
        for template in templates:
            if name.startswith(template.split("{of}")[0].strip()):
                return theme
    return "culture"


class _EventPlanner:
    def __init__(self, *, rng, anchor, communes, categories):
        self.rng = rng
        self.anchor = anchor
        self.zone = local_zone()
        self.communes = communes
        self.weights = [max(commune.population, 1) for commune in communes]
        self.categories = categories
        self.events = []

    def commune(self):
        return self.rng.choices(self.communes, weights=self.weights)[0]

    def day(self, weekday=None, *, first=1, last=HORIZON_DAYS):
        day = self.anchor + dt.timedelta(days=self.rng.randint(first, last))
        if weekday is not None:
            day += dt.timedelta(days=(weekday - day.weekday()) % 7)
            if (day - self.anchor).days > last:
                day -= dt.timedelta(days=7)
        return day

    def add(self, idea, *, created_by_id, commune, organisation_id=None, status=None):
        hour, minute = int(idea.hour), int(round((idea.hour % 1) * 60))
        rrule = ""
        if idea.repeat:
            day = self.day(idea.weekday, first=1, last=14)
            start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)
            until = self.anchor + dt.timedelta(days=HORIZON_DAYS)
            if idea.repeat == "weekly":
                rrule = build_rrule(freq="WEEKLY", start=start, until=until)
            else:
                rrule = build_rrule(freq="MONTHLY", monthly_by="weekday", start=start, count=3)
        else:
            day = self.day(idea.weekday)
            tries = 0
            while idea.months and day.month not in idea.months and tries < 30:
                day, tries = self.day(idea.weekday), tries + 1
            if idea.months and day.month not in idea.months:
                return  # out of season within the next three months
            start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)
        end = start + dt.timedelta(hours=idea.hours)
        if idea.all_day:
            start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=self.zone)
            end = dt.datetime.combine(day, dt.time(23, 59), tzinfo=self.zone)
        exdates = []
        if rrule and idea.repeat == "weekly" and self.rng.random() < 0.4:
            exdates = [(day + dt.timedelta(weeks=self.rng.randint(2, 8))).isoformat()]
        if status is None:
            status = EventStatus.PUBLISHED
        cancelled = status == EventStatus.PUBLISHED and self.rng.random() < 0.06
        created = dt.datetime.combine(
            self.anchor - dt.timedelta(days=self.rng.randint(1, 40)),
            dt.time(self.rng.randint(8, 21), self.rng.randint(0, 59)),
            tzinfo=self.zone,
        )
        place = commune.name
        self.events.append(
            Event(
                title=idea.title,
                description=f"{idea.text}\n\nÀ {place}, {idea.venue.lower()}. Ouvert à tous.",
                category=self.categories.get(idea.category) or next(iter(self.categories.values())),
                start=start,
                end=end,
                all_day=idea.all_day,
                rrule=rrule,
                exdates=exdates,
                venue_name=idea.venue,
                address=f"{self.rng.randint(1, 60)} {self.rng.choice(STREETS)}",
                commune_id=commune.pk,
                created_by_id=created_by_id,
                organisation_id=organisation_id,
                is_free=not idea.price,
                price=idea.price,
                accessibility=sorted(idea.accessibility) if self.rng.random() < 0.7 else [],
                capacity=idea.capacity,
                status=EventStatus.CANCELLED if cancelled else status,
                cancellation_reason=self.rng.choice(CANCELLATION_REASONS) if cancelled else "",
                created_at=created,
                published_at=(created if status == EventStatus.PUBLISHED or cancelled else None),
            )
        )

    def pick(self, ideas, count):
        return self.rng.sample(ideas, min(count, len(ideas)))


def _anchor(moderator_email):
    """The day the demo was first loaded (dates count from it, so reloads plan the same)."""
    joined = User.objects.filter(email=moderator_email).values_list("date_joined", flat=True)
    first = joined.first() or timezone.now()
    return timezone.localtime(first + dt.timedelta(days=MODERATOR_DAYS_AGO)).date()


def plan_events(*, plan, users, organisation_pks, seed_text):
    """Unsaved ``Event`` objects for the demo (deterministic for a plan and its first load)."""
    categories = {category.slug: category for category in Category.objects.all()}
    communes = list(
        Territory.objects.filter(kind=TerritoryKind.COMMUNE)
        .only("pk", "code", "name", "population")
        .order_by("code")
    )
    if not categories or not communes:
        return []
    by_pk = {commune.pk: commune for commune in communes}
    planner = _EventPlanner(
        rng=random.Random(seed_text),
        anchor=_anchor(MODERATOR_EMAIL),
        communes=communes,
        categories=categories,
    )
    managers = {
        (membership.slug): users[membership.email]
        for membership in reversed(plan.memberships)
        if membership.role == OrganisationRole.MANAGER
    }
    for organisation in plan.organisations:
        pk = organisation_pks.get(organisation.slug)
        manager = managers.get(organisation.slug)
        if pk is None or manager is None:
            continue
        home = by_pk.get(organisation.commune_id) or planner.commune()
        verified = organisation.status == VerificationStatus.VERIFIED
        if organisation.kind == OrganisationKind.ASSOCIATION:
            ideas = THEME_IDEAS[_theme(organisation.name)]
            count = planner.rng.randint(5, 6) if verified else 2
            # An association's recurring activity comes once; one-off ones may come twice.
            chosen = planner.pick(ideas, count)
            chosen += [idea for idea in planner.pick(ideas, 2) if not idea.repeat]
            for idea in chosen:
                commune = home if planner.rng.random() < 0.8 else planner.commune()
                planner.add(
                    idea,
                    created_by_id=manager,
                    commune=commune,
                    organisation_id=pk,
                    status=None if verified else EventStatus.SUBMITTED,
                )
        else:
            if organisation.name.startswith("Mairie"):
                ideas, count = TOWN_HALL_IDEAS, len(TOWN_HALL_IDEAS)
            elif organisation.name.startswith("Conseil départemental"):
                ideas, count = DEPARTEMENT_IDEAS * 3, 10
            elif organisation.name.startswith("Médiathèque"):
                ideas, count = LIBRARY_IDEAS, len(LIBRARY_IDEAS)
            else:
                ideas, count = CAF_IDEAS, len(CAF_IDEAS)
            for idea in planner.pick(ideas, count):
                roams = organisation.name.startswith(("Conseil", "Médiathèque", "Caisse"))
                commune = planner.commune() if roams and not idea.repeat else home
                planner.add(idea, created_by_id=manager, commune=commune, organisation_id=pk)
    verified_mandates = {
        mandate.email: mandate
        for mandate in plan.mandates
        if mandate.status == VerificationStatus.VERIFIED
    }
    for email, mandate in sorted(verified_mandates.items()):
        person = plan.person(email)
        commune = by_pk.get(mandate.territory_id) or by_pk.get(person.commune_id)
        for idea in planner.pick(OFFICIAL_IDEAS, planner.rng.randint(2, 3)):
            planner.add(
                idea,
                created_by_id=users[email],
                commune=commune if not idea.repeat else by_pk[person.commune_id],
            )
    residents = [person for person in plan.people if person.kind == ProfileKind.RESIDENT]
    statuses = [EventStatus.PUBLISHED] * 24 + [EventStatus.SUBMITTED] * 10 + [EventStatus.DRAFT] * 6
    for status, person in zip(statuses, planner.rng.sample(residents, len(statuses)), strict=False):
        planner.add(
            planner.rng.choice(RESIDENT_IDEAS),
            created_by_id=users[person.email],
            commune=by_pk.get(person.commune_id) or planner.commune(),
            status=status,
        )
    return planner.events


def _add_rsvps(events, *, resident_pks, rng):
    """Participants on the dates of the new public events, within their capacity."""
    occurrences = list(
        EventOccurrence.objects.filter(
            event__in=[event.pk for event in events if event.status != EventStatus.DRAFT],
            event__status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED],
        )
        .select_related("event")
        .order_by("start", "pk")
    )
    rsvps, counted = [], []
    for occurrence in occurrences:
        if rng.random() < 0.45:
            continue
        most = occurrence.event.capacity or 25
        going = rng.sample(resident_pks, min(rng.randint(1, 18), most, len(resident_pks)))
        rsvps += [Rsvp(occurrence=occurrence, user_id=user_pk) for user_pk in going]
        occurrence.rsvp_count = len(going)
        counted.append(occurrence)
    Rsvp.objects.bulk_create(rsvps)
    EventOccurrence.objects.bulk_update(counted, ["rsvp_count"], batch_size=500)
    return len(rsvps)


def load_events(*, plan, users, organisation_pks):
    """Create the demo events that are missing; returns what was created, by kind."""
    seed_text = "agenda:" + "|".join(person.email for person in plan.people[:3])
    planned = plan_events(
        plan=plan, users=users, organisation_pks=organisation_pks, seed_text=seed_text
    )
    existing = set(
        Event.objects.filter(created_by_id__in=users.values()).values_list(
            "created_by_id", "title", "start"
        )
    )
    new = []
    for event in planned:
        key = (event.created_by_id, event.title, event.start)
        if key in existing:
            continue
        existing.add(key)
        new.append(event)
    resident_pks = sorted(
        users[person.email] for person in plan.people if person.kind == ProfileKind.RESIDENT
    )
    reviewed = set(resident_pks)
    for event in new:  # bulk_create skips Event.save, which fills the slug
        event.slug = slugify(event.title)[:200] or "evenement"
        if event.created_by_id in reviewed and event.published_at is not None:
            event.reviewed_by_id = users[MODERATOR_EMAIL]  # a resident's event was approved
    Event.objects.bulk_create(new)
    for event in new:
        event_occurrences_sync(event=event)
    rsvps = _add_rsvps(new, resident_pks=resident_pks, rng=random.Random(seed_text + ":rsvp"))
    return {"events": len(new), "participations": rsvps}


def agenda_totals(users):
    """Demo events by status, their dates and participations, for the summary."""
    events = Event.objects.filter(created_by_id__in=users)
    by_status = dict(events.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "events": events.count(),
        "published events": by_status.get(EventStatus.PUBLISHED, 0),
        "cancelled events": by_status.get(EventStatus.CANCELLED, 0),
        "events awaiting review": by_status.get(EventStatus.SUBMITTED, 0),
        "draft events": by_status.get(EventStatus.DRAFT, 0),
        "event dates": EventOccurrence.objects.filter(event__in=events).count(),
        "participations": Rsvp.objects.filter(occurrence__event__in=events).count(),
    }
