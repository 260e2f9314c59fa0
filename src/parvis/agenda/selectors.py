"""Reads of the agenda; visibility comes in pairs (list filter, object check)."""

from django.db.models import Q

from parvis.organisations.models import OrganisationMembership

from .models import PUBLIC_STATUSES, Event, EventOccurrence


def _organiser_filter(user, prefix=""):
    """Events ``user`` organises: created by them, or by an organisation they help run."""
    managed = OrganisationMembership.objects.filter(user=user).values("organisation_id")
    return Q(**{f"{prefix}created_by": user}) | Q(**{f"{prefix}organisation__in": managed})


def events_visible_to(user):
    """Published and cancelled events for everyone; also the ones ``user`` organises (drafts,
    awaiting review, rejected); every event for staff."""
    qs = Event.objects.all()
    if user.is_authenticated and user.is_staff:
        return qs
    allowed = Q(status__in=PUBLIC_STATUSES)
    if user.is_authenticated:
        allowed |= _organiser_filter(user)
    return qs.filter(allowed)


def event_is_visible_to(event, user):
    if event.status in PUBLIC_STATUSES:
        return True
    if not user.is_authenticated:
        return False
    return user.is_staff or user_organises(user, event)


def user_organises(user, event):
    """Whether ``user`` may edit and cancel ``event`` as its organiser."""
    if not user.is_authenticated:
        return False
    if event.created_by_id == user.pk:
        return True
    return (
        event.organisation_id is not None
        and OrganisationMembership.objects.filter(
            organisation_id=event.organisation_id, user=user
        ).exists()
    )


def public_occurrences():
    """Dates of the public agenda (published or cancelled events), shaped for lists."""
    return EventOccurrence.objects.filter(event__status__in=PUBLIC_STATUSES).select_related(
        "event", "event__category", "event__commune", "event__organisation"
    )
