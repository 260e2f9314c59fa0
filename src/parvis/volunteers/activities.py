"""What the calls for volunteers tell, and to whom (the activity outbox, after the commit)."""

from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.text import Truncator

from parvis.accounts.models import User
from parvis.core.emails import absolute_url
from parvis.groups.models import MODERATING_ROLES, Membership, MembershipState
from parvis.notifications.activities import activity_record
from parvis.organisations.models import OrganisationMembership

from .models import Signup


def _when(slot):
    if not slot.starts_at:
        return ""
    with translation.override("fr"):
        return formats.date_format(timezone.localtime(slot.starts_at), "DATETIME_FORMAT")


def organisers_of(call):
    if call.organisation_id:
        return User.objects.filter(
            is_active=True,
            pk__in=OrganisationMembership.objects.filter(
                organisation_id=call.organisation_id
            ).values("user_id"),
        )
    if call.group_id:
        return User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(
                group_id=call.group_id, state=MembershipState.ACTIVE, role__in=MODERATING_ROLES
            ).values("user_id"),
        )
    event = call.event
    condition = Q(pk=event.created_by_id)
    if event.organisation_id:
        condition |= Q(
            pk__in=OrganisationMembership.objects.filter(
                organisation_id=event.organisation_id
            ).values("user_id")
        )
    return User.objects.filter(condition, is_active=True)


def tell_organisers_signup(*, call, slot, member):
    activity_record(
        kind="volunteers.signup",
        actor=member,
        target=call,
        recipients=list(organisers_of(call).exclude(pk=member.pk).order_by("pk")),
        url=call.get_absolute_url(),
        data={
            "title": call.title,
            "slot": slot.label,
            "member": member.get_full_name(),
            "url": absolute_url(call.get_absolute_url()),
        },
    )


def tell_volunteers(*, call, by, body) -> int:
    recipients = list(
        User.objects.filter(
            is_active=True,
            pk__in=Signup.objects.filter(slot__call=call).values("member_id"),
        ).order_by("pk")
    )
    activity_record(
        kind="volunteers.message",
        actor=by,
        target=call,
        recipients=recipients,
        url=call.get_absolute_url(),
        data={
            "title": call.title,
            "body": body,
            "excerpt": Truncator(body).chars(80),
            "sender": by.get_full_name(),
            "url": absolute_url(call.get_absolute_url()),
        },
    )
    return len(recipients)


def tell_reminder(*, signup):
    slot, call = signup.slot, signup.slot.call
    activity_record(
        kind="volunteers.reminder",
        target=call,
        recipients=[signup.member],
        url=call.get_absolute_url(),
        data={
            "title": call.title,
            "slot": slot.label,
            "when": _when(slot),
            "place": call.place or call.commune.name,
            "url": absolute_url(call.get_absolute_url()),
        },
        batch_key=f"volunteers.reminder:{signup.pk}",
    )
