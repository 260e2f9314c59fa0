"""Demo content for the embedded first run (``make demo``): people, officials, organisations.

``build_plan`` turns a seed and the imported communes into a plan (plain data, no database
writes): the same seed and the same territory always give the same people and names.
``load_plan`` writes what is missing, keyed on natural keys (e-mail, slug, mandate and
membership pairs), so loading twice creates nothing the second time and changes nothing.

Rows are written directly with the models, in bulk, without the services: demo data must
not send e-mails, and the moderator "reviews" mandates and organisations as they are created.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import get_hasher, make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from parvis.accounts.models import (
    DirectoryVisibility,
    Mandate,
    MandateRole,
    ProfileKind,
    User,
    VerificationStatus,
)
from parvis.organisations.models import (
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    OrganisationRole,
)
from parvis.territories.models import Territory, TerritoryKind

SEED = 60
SITE_URL = "http://127.0.0.1:8000"
DEMO_DOMAIN = "demo.parvis.example"
# Fixed demo passwords, documented in the README and printed by load_demo. Demo only.
MEMBER_PASSWORD = "habitant-demo-parvis"
MODERATOR_EMAIL = "moderateur@parvis.example"
MODERATOR_PASSWORD = "moderateur-demo-parvis"
ADMIN_EMAIL = "admin@parvis.example"
ADMIN_PASSWORD = "admin-demo-parvis"
MODERATORS_GROUP = "Modérateurs"

RESIDENT_COUNT = 150
# The demo passwords are public: hash them with few iterations so the loader takes seconds, not
# minutes on a busy laptop. Django re-hashes with the full work factor at the first login.
DEMO_HASH_ITERATIONS = 20_000
PREFECTURE_CODE = "60057"  # Beauvais: seat of the departmental council and of the moderators
# Mayors of the big communes of the Oise (INSEE codes); another département falls back on
# its most populated communes.
MAYOR_CODES = ["60057", "60159", "60175", "60463", "60612", "60141", "60157", "60471", "60176"]
PENDING_MAYOR_CODE = "60395"  # Méru: a mayor whose mandate awaits a moderator
PENDING_DEPUTY_CODE = "60159"  # Compiègne: a deputy mayor awaiting a moderator
TOWN_HALL_CODES = ["60057", "60159", "60175", "60612", "60471"]

VISIBILITY_WEIGHTS = {
    DirectoryVisibility.MEMBERS: 50,
    DirectoryVisibility.PUBLIC: 35,
    DirectoryVisibility.HIDDEN: 15,
}
OCCUPATIONS = [
    ("enseignant", "enseignante"),
    ("infirmier", "infirmière"),
    ("retraité", "retraitée"),
    ("artisan boulanger", "artisane boulangère"),
    ("agriculteur", "agricultrice"),
    ("étudiant", "étudiante"),
    ("ingénieur", "ingénieure"),
    ("commerçant", "commerçante"),
    ("aide-soignant", "aide-soignante"),
    ("chef d'entreprise", "cheffe d'entreprise"),
    ("développeur", "développeuse"),
    ("conducteur de bus", "conductrice de bus"),
    ("comptable", "comptable"),
    ("éducateur spécialisé", "éducatrice spécialisée"),
]
INTERESTS = [
    "les balades en forêt",
    "le jardinage",
    "la photographie",
    "le théâtre amateur",
    "la course à pied",
    "les brocantes du dimanche",
    "la cuisine de saison",
    "l'histoire locale",
    "la musique",
    "le football",
    "les jeux de société",
    "la lecture",
    "le vélo le long de l'Oise",
    "la pêche",
    "le bénévolat",
]
BIO_TEMPLATES = [
    "{Resident} {of} depuis {years} ans, {occupation}. J'aime {interest} et {interest2}.",
    "{Occupation} à {commune}. Je m'intéresse à {interest} et à la vie de mon quartier.",
    "{Resident} {of}, {occupation}. Toujours partant{e} pour {interest}.",
    "Installé{e} à {commune} depuis {years} ans. Passionné{e} par {interest}.",
]
# Association names by theme; "{of}" is "de Beauvais", "d'Estrées-Saint-Denis", "du Coudray"...
ASSOCIATION_THEMES = {
    "sport": (
        [
            "Union sportive {of}",
            "Tennis club {of}",
            "Judo club {of}",
            "Les Randonneurs {of}",
            "Cyclo-club {of}",
        ],
        "Club ouvert à tous les âges : entraînements chaque semaine, compétitions et "
        "journées découverte pour les débutants.",
    ),
    "culture": (
        [
            "Harmonie municipale {of}",
            "Compagnie théâtrale {of}",
            "Ciné-club {of}",
            "Chorale {of}",
            "Atelier d'arts plastiques {of}",
        ],
        "Spectacles, ateliers et rencontres toute l'année ; nous accueillons les amateurs de "
        "tous niveaux.",
    ),
    "solidarite": (
        [
            "Épicerie solidaire {of}",
            "Entraide et partage {of}",
            "Aide aux devoirs {of}",
            "Amicale des donneurs de sang {of}",
            "Repair café {of}",
        ],
        "Des bénévoles au service des habitants : accueil, entraide, accompagnement. "
        "Rejoignez-nous, même pour deux heures par mois.",
    ),
    "environnement": (
        [
            "Jardins partagés {of}",
            "Collectif zéro déchet {of}",
            "Protection de la nature {of}",
            "Vélo en ville {of}",
            "Les Amis des haies et des mares {of}",
        ],
        "Agir près de chez soi pour la nature : chantiers, sorties, ateliers et conseils "
        "pratiques.",
    ),
    "patrimoine": (
        [
            "Société historique {of}",
            "Cercle généalogique {of}",
            "Les Amis du patrimoine {of}",
            "Sauvegarde de l'église {of}",
            "Mémoire et archives {of}",
        ],
        "Faire connaître et préserver l'histoire du territoire : visites, conférences, "
        "publications et journées du patrimoine.",
    ),
    "jeunesse": (
        [
            "Maison des jeunes {of}",
            "Foyer rural {of}",
            "Ludothèque {of}",
            "Centre de loisirs associatif {of}",
            "Conseil des jeunes {of}",
        ],
        "Activités, sorties et projets pour les enfants et les adolescents, avec des "
        "animateurs diplômés.",
    ),
}
PENDING_ASSOCIATIONS = 4
ROLE_BIOS = {
    MandateRole.MAYOR: ("Maire {of}.", "Maire {of}."),
    MandateRole.DEPUTY_MAYOR: ("Adjoint au maire {of}.", "Adjointe au maire {of}."),
    MandateRole.DEPARTMENTAL_COUNCILLOR: (
        "Conseiller départemental {of}.",
        "Conseillère départementale {of}.",
    ),
    MandateRole.EPCI_PRESIDENT: ("Président {of}.", "Présidente {of}."),
}


def of(name):
    """French "of" before a place name: de Beauvais, d'Ully-Saint-Georges, du Coudray."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].upper() in "AEIOUYÉÈÊÂÎÔ":
        return "d'" + name
    return "de " + name


def of_epci(name):
    """ "de la CA du Beauvaisis", "de la Communauté de communes des Sablons"."""
    if name.split(" ", 1)[0] in {"CA", "CC", "CU", "Communauté", "Métropole"}:
        return "de la " + name
    return of(name)


def of_departement(name):
    return ("de l'" + name) if name[:1].upper() in "AEIOUYÉÈÊÂÎÔ" else ("de " + name)


@dataclass(frozen=True)
class PersonPlan:
    email: str
    first_name: str
    last_name: str
    kind: str
    commune_id: int
    bio: str = ""
    visibility: str = DirectoryVisibility.MEMBERS
    days_ago: int = 0
    password: str = MEMBER_PASSWORD
    is_staff: bool = False
    is_superuser: bool = False


@dataclass(frozen=True)
class MandatePlan:
    email: str
    role: str
    territory_id: int
    status: str


@dataclass(frozen=True)
class OrganisationPlan:
    name: str
    slug: str
    kind: str
    commune_id: int
    description: str
    rna: str = ""
    siren: str = ""
    website: str = ""
    status: str = VerificationStatus.VERIFIED
    days_ago: int = 0


@dataclass(frozen=True)
class MembershipPlan:
    slug: str
    email: str
    role: str


@dataclass
class DemoPlan:
    people: list[PersonPlan] = field(default_factory=list)
    mandates: list[MandatePlan] = field(default_factory=list)
    organisations: list[OrganisationPlan] = field(default_factory=list)
    memberships: list[MembershipPlan] = field(default_factory=list)

    def person(self, email):
        return next(person for person in self.people if person.email == email)


def _luhn_siren(rng):
    """A random 9-digit SIREN whose check digit is right (Luhn)."""
    digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(7)]
    total = 0
    for position, digit in enumerate(reversed(digits), start=1):
        if position % 2 == 1:  # doubled: the check digit will take position 0
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


class _Planner:
    def __init__(self, *, communes, departement, seed):
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.communes = sorted(communes, key=lambda commune: commune.code)
        self.by_code = {commune.code: commune for commune in self.communes}
        self.by_size = sorted(
            self.communes, key=lambda commune: (-commune.population, commune.code)
        )
        self.weights = [max(commune.population, 1) for commune in self.communes]
        self.departement = departement
        self.plan = DemoPlan()
        self.counter = 0

    def commune(self):
        return self.rng.choices(self.communes, weights=self.weights)[0]

    def pick(self, code, used):
        """The commune ``code`` if imported and not used yet, else the biggest one left."""
        commune = self.by_code.get(code)
        if commune is not None and commune.pk not in used:
            return commune
        return next((c for c in self.by_size if c.pk not in used), None)

    def person(self, *, kind, commune, bio=None, visibility=None, **extra):
        feminine = self.rng.random() < 0.5
        first = self.fake.first_name_female() if feminine else self.fake.first_name_male()
        last = self.fake.last_name()
        self.counter += 1
        email = f"{slugify(first)}.{slugify(last)}.{self.counter}@{DEMO_DOMAIN}"
        if bio is None:
            bio = self.resident_bio(commune, feminine)
        elif isinstance(bio, tuple):
            bio = bio[feminine]
        if visibility is None:
            visibility = self.rng.choices(
                list(VISIBILITY_WEIGHTS), weights=list(VISIBILITY_WEIGHTS.values())
            )[0]
        person = PersonPlan(
            email=email,
            first_name=first,
            last_name=last,
            kind=kind,
            commune_id=commune.pk,
            bio=bio,
            visibility=str(visibility),
            days_ago=self.rng.randrange(1, 540),
            **extra,
        )
        self.plan.people.append(person)
        return person

    def resident_bio(self, commune, feminine):
        if self.rng.random() < 0.2:
            return ""
        occupation = self.rng.choice(OCCUPATIONS)[feminine]
        interest, interest2 = self.rng.sample(INTERESTS, 2)
        template = self.rng.choice(BIO_TEMPLATES)
        return template.format(
            Resident="Habitante" if feminine else "Habitant",
            of=of(commune.name),
            commune=commune.name,
            years=self.rng.randrange(2, 40),
            occupation=occupation,
            Occupation=occupation[:1].upper() + occupation[1:],
            interest=interest,
            interest2=interest2,
            e="e" if feminine else "",
        )

    def official(self, *, role, territory, commune, status=VerificationStatus.VERIFIED):
        place = {
            TerritoryKind.DEPARTEMENT: of_departement,
            TerritoryKind.EPCI: of_epci,
        }.get(territory.kind, of)(territory.name)
        bio = tuple(text.format(of=place) for text in ROLE_BIOS[role])
        person = self.person(
            kind=ProfileKind.OFFICIAL,
            commune=commune,
            bio=bio,
            visibility=DirectoryVisibility.PUBLIC,
        )
        self.plan.mandates.append(
            MandatePlan(email=person.email, role=role, territory_id=territory.pk, status=status)
        )
        return person

    def organisation(self, *, name, kind, commune, description, status, **extra):
        organisation = OrganisationPlan(
            name=name,
            slug=slugify(name)[:160],
            kind=kind,
            commune_id=commune.pk,
            description=description,
            status=status,
            days_ago=self.rng.randrange(1, 400),
            **extra,
        )
        self.plan.organisations.append(organisation)
        return organisation

    def build(self):
        chef_lieu = self.pick(PREFECTURE_CODE, set())
        self.plan.people.append(
            PersonPlan(
                email=MODERATOR_EMAIL,
                first_name="Claire",
                last_name="Vasseur",
                kind=ProfileKind.AGENT,
                commune_id=chef_lieu.pk,
                bio="Modératrice de la plateforme.",
                visibility=DirectoryVisibility.HIDDEN,
                days_ago=600,
                password=MODERATOR_PASSWORD,
                is_staff=True,
            )
        )
        self.plan.people.append(
            PersonPlan(
                email=ADMIN_EMAIL,
                first_name="Antoine",
                last_name="Delarue",
                kind=ProfileKind.AGENT,
                commune_id=chef_lieu.pk,
                visibility=DirectoryVisibility.HIDDEN,
                days_ago=600,
                password=ADMIN_PASSWORD,
                is_staff=True,
                is_superuser=True,
            )
        )
        residents = [
            self.person(kind=ProfileKind.RESIDENT, commune=self.commune())
            for _ in range(RESIDENT_COUNT)
        ]
        self.build_officials()
        self.build_associations(residents)
        self.build_institutions(chef_lieu)
        return self.plan

    def build_officials(self):
        used = set()
        mayor_communes = []
        for code in MAYOR_CODES:
            commune = self.pick(code, used)
            if commune is None:
                break
            used.add(commune.pk)
            mayor_communes.append(commune)
            self.official(role=MandateRole.MAYOR, territory=commune, commune=commune)
        if self.departement is not None:
            for _ in range(2):
                self.official(
                    role=MandateRole.DEPARTMENTAL_COUNCILLOR,
                    territory=self.departement,
                    commune=self.commune(),
                )
        epci_home = next((c for c in mayor_communes if c.epci_id), None)
        if epci_home is not None:
            epci = Territory.objects.get(pk=epci_home.epci_id)
            home = self.rng.choice(
                [c for c in self.communes if c.epci_id == epci.pk and c.pk != epci_home.pk]
                or [epci_home]
            )
            self.official(role=MandateRole.EPCI_PRESIDENT, territory=epci, commune=home)
        pending_mayor = self.pick(PENDING_MAYOR_CODE, used)
        if pending_mayor is not None:
            self.official(
                role=MandateRole.MAYOR,
                territory=pending_mayor,
                commune=pending_mayor,
                status=VerificationStatus.PENDING,
            )
        deputy = self.by_code.get(PENDING_DEPUTY_CODE) or self.by_size[0]
        self.official(
            role=MandateRole.DEPUTY_MAYOR,
            territory=deputy,
            commune=deputy,
            status=VerificationStatus.PENDING,
        )

    def build_associations(self, residents):
        entries = [
            (template, description)
            for templates, description in ASSOCIATION_THEMES.values()
            for template in templates
        ]
        pending = set(self.rng.sample(range(len(entries)), PENDING_ASSOCIATIONS))
        available = list(residents)
        self.rng.shuffle(available)
        for index, (template, description) in enumerate(entries):
            commune = self.commune()
            name = template.format(of=of(commune.name))
            founded = self.rng.randrange(1950, 2024)
            members = self.rng.randrange(12, 400)
            organisation = self.organisation(
                name=name,
                kind=OrganisationKind.ASSOCIATION,
                commune=commune,
                description=(
                    f"{description}\n\nFondée en {founded}, l'association rassemble "
                    f"{members} adhérents {of(commune.name)} et des environs."
                ),
                rna=f"W60{self.rng.choice('1234')}{self.rng.randrange(10**6):06d}",
                siren=_luhn_siren(self.rng) if self.rng.random() < 0.25 else "",
                website=(f"https://{slugify(name)}.example.org" if self.rng.random() < 0.4 else ""),
                status=(
                    VerificationStatus.PENDING if index in pending else VerificationStatus.VERIFIED
                ),
            )
            # The manager lives in the commune when a free resident does, else anywhere.
            manager = next((p for p in available if p.commune_id == commune.pk), available[0])
            available.remove(manager)
            self.plan.memberships.append(
                MembershipPlan(
                    slug=organisation.slug, email=manager.email, role=OrganisationRole.MANAGER
                )
            )
            if self.rng.random() < 0.35:
                editor = available.pop()
                self.plan.memberships.append(
                    MembershipPlan(
                        slug=organisation.slug, email=editor.email, role=OrganisationRole.EDITOR
                    )
                )

    def build_institutions(self, chef_lieu):
        institutions = []
        if self.departement is not None:
            dep_of = of_departement(self.departement.name)
            institutions.append(
                (
                    f"Conseil départemental {dep_of}",
                    chef_lieu,
                    self.departement.siren,
                    "La collectivité départementale : solidarités, collèges, routes, culture, "
                    "sport et soutien aux communes. Informations officielles et consultations.",
                )
            )
        used = set()
        for code in TOWN_HALL_CODES:
            commune = self.pick(code, used)
            if commune is None:
                break
            used.add(commune.pk)
            institutions.append(
                (
                    f"Mairie {of(commune.name)}",
                    commune,
                    commune.siren,
                    "Les informations de la mairie : démarches, travaux, vie locale et "
                    "conseils municipaux.",
                )
            )
        if self.departement is not None:
            institutions += [
                (
                    f"Médiathèque départementale {dep_of}",
                    chef_lieu,
                    "",
                    "Le réseau de lecture publique du département : prêts aux bibliothèques, "
                    "animations, expositions itinérantes et ressources numériques.",
                ),
                (
                    f"Caisse d'allocations familiales {dep_of}",
                    chef_lieu,
                    "",
                    "Prestations familiales, logement et solidarité : actualités, permanences "
                    "et rendez-vous près de chez vous.",
                ),
            ]
        for index, (name, commune, siren, description) in enumerate(institutions):
            organisation = self.organisation(
                name=name,
                kind=OrganisationKind.INSTITUTION,
                commune=commune,
                description=description,
                siren=siren,
                status=VerificationStatus.VERIFIED,
            )
            for role in (
                [OrganisationRole.MANAGER, OrganisationRole.EDITOR]
                if index == 0 or self.rng.random() < 0.5
                else [OrganisationRole.MANAGER]
            ):
                agent = self.person(
                    kind=ProfileKind.AGENT,
                    commune=commune,
                    bio=(f"Agent — {name}.", f"Agente — {name}."),
                    visibility=DirectoryVisibility.MEMBERS,
                )
                self.plan.memberships.append(
                    MembershipPlan(slug=organisation.slug, email=agent.email, role=role)
                )


def build_plan(*, communes, departement=None, seed=SEED):
    """The demo population for these communes; the same seed gives the same plan."""
    return _Planner(communes=communes, departement=departement, seed=seed).build()


@dataclass
class LoadResult:
    created: dict[str, int]
    totals: dict[str, int]

    @property
    def nothing_created(self):
        return not any(self.created.values())


def territory_for_demo(departement_code):
    """Communes and département the demo is built on; no communes gives ``([], None)``."""
    communes = list(
        Territory.objects.filter(kind=TerritoryKind.COMMUNE).only(
            "pk", "code", "name", "population", "siren", "epci_id", "kind"
        )
    )
    departement = (
        Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT, code=departement_code).first()
        or Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT).order_by("code").first()
    )
    return communes, departement


@transaction.atomic
def load_plan(plan: DemoPlan) -> LoadResult:
    """Create what is missing from ``plan``; existing rows are left exactly as they are."""
    now = timezone.now()
    created = {}

    emails = [person.email for person in plan.people]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    hashes = {}

    def password_hash(raw):
        if raw not in hashes:
            try:
                hasher = get_hasher("pbkdf2_sha256")
            except ValueError:  # PBKDF2 not among PASSWORD_HASHERS: the configured default
                hashes[raw] = make_password(raw)
            else:
                hashes[raw] = hasher.encode(raw, hasher.salt(), iterations=DEMO_HASH_ITERATIONS)
        return hashes[raw]

    new_users = []
    for person in plan.people:
        if person.email in existing:
            continue
        joined = now - timedelta(days=person.days_ago)
        new_users.append(
            User(
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                kind=person.kind,
                commune_id=person.commune_id,
                bio=person.bio,
                directory_visibility=person.visibility,
                password=password_hash(person.password),
                is_staff=person.is_staff,
                is_superuser=person.is_superuser,
                date_joined=joined,
                terms_accepted_at=joined,
            )
        )
    User.objects.bulk_create(new_users)
    created["members"] = len(new_users)
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))

    verified = set(
        EmailAddress.objects.filter(user_id__in=users.values()).values_list("user_id", flat=True)
    )
    addresses = [
        EmailAddress(user_id=users[email], email=email, verified=True, primary=True)
        for email in emails
        if users[email] not in verified
    ]
    EmailAddress.objects.bulk_create(addresses)
    created["e-mail addresses"] = len(addresses)

    moderator_pk = users[MODERATOR_EMAIL]
    group, group_created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    if not group.user_set.filter(pk=moderator_pk).exists():
        group.user_set.add(moderator_pk)
        created["moderators"] = 1

    existing_mandates = set(
        Mandate.objects.filter(user_id__in=users.values()).values_list(
            "user_id", "role", "territory_id"
        )
    )
    mandates = []
    for mandate in plan.mandates:
        key = (users[mandate.email], mandate.role, mandate.territory_id)
        if key in existing_mandates:
            continue
        declared = now - timedelta(days=plan.person(mandate.email).days_ago)
        reviewed = mandate.status == VerificationStatus.VERIFIED
        mandates.append(
            Mandate(
                user_id=key[0],
                role=mandate.role,
                territory_id=mandate.territory_id,
                status=mandate.status,
                created_at=declared,
                reviewed_by_id=moderator_pk if reviewed else None,
                reviewed_at=declared + timedelta(hours=20) if reviewed else None,
            )
        )
    Mandate.objects.bulk_create(mandates)
    created["mandates"] = len(mandates)

    slugs = [organisation.slug for organisation in plan.organisations]
    existing_slugs = set(Organisation.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    creators = {
        membership.slug: users[membership.email]
        for membership in reversed(plan.memberships)
        if membership.role == OrganisationRole.MANAGER
    }
    organisations = []
    for plan_org in plan.organisations:
        if plan_org.slug in existing_slugs:
            continue
        created_at = now - timedelta(days=plan_org.days_ago)
        reviewed = plan_org.status == VerificationStatus.VERIFIED
        organisation = Organisation(
            name=plan_org.name,
            slug=plan_org.slug,
            kind=plan_org.kind,
            commune_id=plan_org.commune_id,
            description=plan_org.description,
            website=plan_org.website,
            rna=plan_org.rna,
            siren=plan_org.siren,
            status=plan_org.status,
            created_by_id=creators.get(plan_org.slug),
            created_at=created_at,
            reviewed_by_id=moderator_pk if reviewed else None,
            reviewed_at=created_at + timedelta(days=1) if reviewed else None,
        )
        organisation.full_clean(exclude=["commune", "created_by", "reviewed_by", "slug"])
        organisations.append(organisation)
    Organisation.objects.bulk_create(organisations)
    created["organisations"] = len(organisations)
    organisation_pks = dict(Organisation.objects.filter(slug__in=slugs).values_list("slug", "pk"))

    existing_memberships = set(
        OrganisationMembership.objects.filter(
            organisation_id__in=organisation_pks.values()
        ).values_list("organisation_id", "user_id")
    )
    memberships = []
    for membership in plan.memberships:
        key = (organisation_pks[membership.slug], users[membership.email])
        if key in existing_memberships:
            continue
        existing_memberships.add(key)
        memberships.append(
            OrganisationMembership(organisation_id=key[0], user_id=key[1], role=membership.role)
        )
    OrganisationMembership.objects.bulk_create(memberships)
    created["memberships"] = len(memberships)

    from parvis.agenda.demo import load_events  # the agenda builds on the people above

    created.update(load_events(plan=plan, users=users, organisation_pks=organisation_pks))

    from parvis.groups.demo import load_groups  # groups of the people above, with events

    created.update(load_groups(plan=plan, users=users, organisation_pks=organisation_pks))

    from parvis.moderation.demo import load_moderation  # reports and an appeal to review

    created.update(load_moderation(plan=plan, users=users, decided_by_email=ADMIN_EMAIL))

    from parvis.news.demo import load_posts  # targeted information by the same publishers

    created.update(load_posts(plan=plan, users=users, organisation_pks=organisation_pks))

    from parvis.consultations.demo import load_consultations  # by the départemental council

    created.update(load_consultations(plan=plan, users=users, organisation_pks=organisation_pks))

    from parvis.notifications.demo import load_notifications  # about the content above

    created.update(load_notifications(plan=plan, users=users))

    return LoadResult(created=created, totals=demo_totals())


def demo_totals():
    """What the demo accounts amount to in the database, for the summary."""
    from parvis.agenda.demo import agenda_totals
    from parvis.consultations.demo import consultation_totals
    from parvis.groups.demo import groups_totals
    from parvis.news.demo import news_totals

    demo_users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    return {
        "residents": demo_users.filter(kind=ProfileKind.RESIDENT).count(),
        "officials": demo_users.filter(kind=ProfileKind.OFFICIAL).count(),
        "verified mandates": Mandate.objects.filter(
            user__in=demo_users, status=VerificationStatus.VERIFIED
        ).count(),
        "pending mandates": Mandate.objects.filter(
            user__in=demo_users, status=VerificationStatus.PENDING
        ).count(),
        "institution agents": demo_users.filter(kind=ProfileKind.AGENT).count(),
        "associations": Organisation.objects.filter(
            kind=OrganisationKind.ASSOCIATION, memberships__user__in=demo_users
        )
        .distinct()
        .count(),
        "verified associations": Organisation.objects.filter(
            kind=OrganisationKind.ASSOCIATION,
            status=VerificationStatus.VERIFIED,
            memberships__user__in=demo_users,
        )
        .distinct()
        .count(),
        "institutions": Organisation.objects.filter(
            kind=OrganisationKind.INSTITUTION, memberships__user__in=demo_users
        )
        .distinct()
        .count(),
        "organisation memberships": OrganisationMembership.objects.filter(
            user__in=demo_users
        ).count(),
        **agenda_totals(demo_users.values("pk")),
        **groups_totals(demo_users.values("pk")),
        **consultation_totals(),
        **news_totals(demo_users.values("pk")),
    }
