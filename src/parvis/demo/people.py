"""The demo's people and organisations, planned: residents, staff, elected officials with their
mandates, associations and institutions with their managers and editors.

``build_plan`` turns a seed and the imported communes into a plan (plain data, no database
writes): the same seed and the same territory always give the same people and names. What they
are called, write and do comes from ``data/people.yaml`` and ``data/organisations.yaml``;
``parvis.demo.loader`` writes the plan.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from parvis.accounts.models import (
    DirectoryVisibility,
    MandateRole,
    ProfileKind,
    User,
    VerificationStatus,
)
from parvis.organisations.models import OrganisationKind, OrganisationRole
from parvis.territories.models import Territory, TerritoryKind

from .datafiles import read
from .french import of, of_departement, of_epci

PEOPLE = read("people")
ORGANISATIONS = read("organisations")

SEED = 60
SITE_URL = "http://127.0.0.1:8000"
DEMO_DOMAIN = "demo.parvis.example"
# Fixed demo passwords, documented in the README and printed by load_demo. Demo only.
MEMBER_PASSWORD = PEOPLE["member_password"]
MODERATOR_EMAIL = PEOPLE["moderator"]["email"]
MODERATOR_PASSWORD = PEOPLE["moderator"]["password"]
ADMIN_EMAIL = PEOPLE["administrator"]["email"]
ADMIN_PASSWORD = PEOPLE["administrator"]["password"]
# Days the moderator's account is backdated by: every demo date counts from its sign-up plus
# these days, the day of the first load (so loading again, days later, plans the same content).
MODERATOR_DAYS_AGO = PEOPLE["moderator"]["days_ago"]

RESIDENT_COUNT = PEOPLE["residents"]
# The demo passwords are public: hash them with few iterations so the loader takes seconds, not
# minutes on a busy laptop. Django re-hashes with the full work factor at the first login.
DEMO_HASH_ITERATIONS = 20_000
PREFECTURE_CODE = PEOPLE["prefecture"]
MAYOR_CODES = PEOPLE["mayors"]
PENDING_MAYOR_CODE = PEOPLE["pending_mayor"]
PENDING_DEPUTY_CODE = PEOPLE["pending_deputy"]
TOWN_HALL_CODES = ORGANISATIONS["institutions"]["town_hall"]["communes"]

VISIBILITY_WEIGHTS = PEOPLE["visibility_weights"]
OCCUPATIONS = [tuple(pair) for pair in PEOPLE["occupations"]]
INTERESTS = PEOPLE["interests"]
BIO_TEMPLATES = PEOPLE["bio_templates"]
ROLE_BIOS = {role: tuple(bios) for role, bios in PEOPLE["official_bios"].items()}
# Association names by theme; "{of}" is "de Beauvais", "d'Estrées-Saint-Denis", "du Coudray"...
ASSOCIATION_THEMES = {
    theme: (entry["names"], entry["description"])
    for theme, entry in ORGANISATIONS["associations"].items()
}
PENDING_ASSOCIATIONS = ORGANISATIONS["pending_associations"]


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
    # An association's theme, an institution's key in organisations.yaml ("town_hall"...): what
    # it organises and publishes (agenda.yaml, news.yaml).
    theme: str = ""


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

    def staff(self, entry, *, commune, **extra):
        return PersonPlan(
            email=entry["email"],
            first_name=entry["first_name"],
            last_name=entry["last_name"],
            kind=ProfileKind.AGENT,
            commune_id=commune.pk,
            bio=entry.get("bio", ""),
            visibility=DirectoryVisibility.HIDDEN,
            days_ago=entry["days_ago"],
            password=entry["password"],
            is_staff=True,
            **extra,
        )

    def build(self):
        chef_lieu = self.pick(PREFECTURE_CODE, set())
        self.plan.people.append(self.staff(PEOPLE["moderator"], commune=chef_lieu))
        self.plan.people.append(
            self.staff(PEOPLE["administrator"], commune=chef_lieu, is_superuser=True)
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
            (theme, template, description)
            for theme, (templates, description) in ASSOCIATION_THEMES.items()
            for template in templates
        ]
        pending = set(self.rng.sample(range(len(entries)), PENDING_ASSOCIATIONS))
        available = list(residents)
        self.rng.shuffle(available)
        footer = ORGANISATIONS["association_footer"]
        for index, (theme, template, description) in enumerate(entries):
            commune = self.commune()
            name = template.format(of=of(commune.name))
            founded = self.rng.randrange(1950, 2024)
            members = self.rng.randrange(12, 400)
            organisation = self.organisation(
                name=name,
                kind=OrganisationKind.ASSOCIATION,
                commune=commune,
                description=description
                + "\n\n"
                + footer.format(founded=founded, members=members, of=of(commune.name)),
                rna=f"W60{self.rng.choice('1234')}{self.rng.randrange(10**6):06d}",
                siren=_luhn_siren(self.rng) if self.rng.random() < 0.25 else "",
                website=(f"https://{slugify(name)}.example.org" if self.rng.random() < 0.4 else ""),
                status=(
                    VerificationStatus.PENDING if index in pending else VerificationStatus.VERIFIED
                ),
                theme=theme,
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
        """The départemental council, the town halls of the big communes, then the other
        départemental institutions (without a département: the town halls only)."""
        entries = ORGANISATIONS["institutions"]
        institutions = []  # (key, name, commune, siren)
        if self.departement is not None:
            dep_of = of_departement(self.departement.name)
            institutions.append(("departement", dep_of, chef_lieu, self.departement.siren))
        used = set()
        for code in TOWN_HALL_CODES:
            commune = self.pick(code, used)
            if commune is None:
                break
            used.add(commune.pk)
            institutions.append(("town_hall", of(commune.name), commune, commune.siren))
        if self.departement is not None:
            institutions += [
                (key, dep_of, chef_lieu, "")
                for key in entries
                if key not in ("departement", "town_hall")
            ]
        agent_bio = ORGANISATIONS["agent_bio"]
        for index, (key, place, commune, siren) in enumerate(institutions):
            name = entries[key]["name"].format(of=place)
            organisation = self.organisation(
                name=name,
                kind=OrganisationKind.INSTITUTION,
                commune=commune,
                description=entries[key]["description"],
                siren=siren,
                status=VerificationStatus.VERIFIED,
                theme=key,
            )
            for role in (
                [OrganisationRole.MANAGER, OrganisationRole.EDITOR]
                if index == 0 or self.rng.random() < 0.5
                else [OrganisationRole.MANAGER]
            ):
                agent = self.person(
                    kind=ProfileKind.AGENT,
                    commune=commune,
                    bio=tuple(text.format(name=name) for text in agent_bio),
                    visibility=DirectoryVisibility.MEMBERS,
                )
                self.plan.memberships.append(
                    MembershipPlan(slug=organisation.slug, email=agent.email, role=role)
                )


def build_plan(*, communes, departement=None, seed=SEED):
    """The demo population for these communes; the same seed gives the same plan."""
    return _Planner(communes=communes, departement=departement, seed=seed).build()


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


def first_load():
    """The moment the demo was first loaded: every demo date counts from it, so that loading
    again, even days later, plans the very same content (the moderator's sign-up is backdated
    by ``MODERATOR_DAYS_AGO`` days at the first load)."""
    joined = User.objects.filter(email=MODERATOR_EMAIL).values_list("date_joined", flat=True)
    first = joined.first() or timezone.now()
    return first + timedelta(days=MODERATOR_DAYS_AGO)
