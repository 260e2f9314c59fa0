"""Writes the demo plan (``parvis.demo.people``), then each app's demo content on top of it.

``load_plan`` writes what is missing, keyed on natural keys (e-mail, slug, mandate and
membership pairs), so loading twice creates nothing the second time and changes nothing.
Rows are written directly with the models, in bulk, without the services: demo data must
not send e-mails, and the moderator "reviews" mandates and organisations as they are created.
"""

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import get_hasher, make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import Mandate, ProfileKind, User, VerificationStatus
from parvis.accounts.signals import MODERATORS_GROUP
from parvis.organisations.models import (
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    OrganisationRole,
)

from . import (
    agenda,
    consultations,
    groups,
    localreports,
    moderation,
    news,
    notifications,
    questions,
    social,
    volunteers,
)
from .people import ADMIN_EMAIL, DEMO_DOMAIN, DEMO_HASH_ITERATIONS, MODERATOR_EMAIL, DemoPlan


@dataclass
class LoadResult:
    created: dict[str, int]
    totals: dict[str, int]

    @property
    def nothing_created(self):
        return not any(self.created.values())


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

    # The agenda builds on the people above; groups gather them, with events; moderation
    # work (reports, an appeal); targeted information by the same publishers; consultations
    # by the départemental council; notifications about all that.
    created.update(agenda.load_events(plan=plan, users=users, organisation_pks=organisation_pks))
    created.update(groups.load_groups(plan=plan, users=users, organisation_pks=organisation_pks))
    created.update(moderation.load_moderation(plan=plan, users=users, decided_by_email=ADMIN_EMAIL))
    created.update(news.load_posts(plan=plan, users=users, organisation_pks=organisation_pks))
    created.update(
        consultations.load_consultations(plan=plan, users=users, organisation_pks=organisation_pks)
    )
    created.update(
        questions.load_questions(plan=plan, users=users, organisation_pks=organisation_pks)
    )
    created.update(
        localreports.load_reports(plan=plan, users=users, organisation_pks=organisation_pks)
    )
    created.update(volunteers.load_calls(plan=plan, users=users, organisation_pks=organisation_pks))
    # Comments, reactions, follows and private messages between the people above.
    created.update(social.load_social(plan=plan, users=users, organisation_pks=organisation_pks))
    created.update(notifications.load_notifications(plan=plan, users=users))

    return LoadResult(created=created, totals=demo_totals())


def demo_totals():
    """What the demo accounts amount to in the database, for the summary."""
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
        **agenda.agenda_totals(demo_users.values("pk")),
        **groups.groups_totals(demo_users.values("pk")),
        **consultations.consultation_totals(),
        **news.news_totals(demo_users.values("pk")),
    }
