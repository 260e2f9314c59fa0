"""Who may do what with events, as named ``rules`` permissions.

Use ``user.has_perm("agenda.edit_event", event)`` in views and API permission classes alike.
The Django model permissions (``agenda.change_event``...) are the moderators' admin
permissions and are not redefined here.
"""

import rules

from parvis.accounts.rules import is_active_member, is_identified_member

from .models import EventStatus
from .selectors import user_organises


@rules.predicate
def is_event_organiser(user, event):
    """The member created the event, or helps run its organisation (manager or editor)."""
    return event is not None and user_organises(user, event)


@rules.predicate
def is_agenda_moderator(user):
    return user.is_authenticated and user.is_staff and user.has_perm("agenda.change_event")


@rules.predicate
def is_not_cancelled(user, event):
    return event is not None and event.status != EventStatus.CANCELLED


@rules.predicate
def is_published(user, event):
    return event is not None and event.status == EventStatus.PUBLISHED


@rules.predicate
def is_submittable(user, event):
    return event is not None and event.status in (EventStatus.DRAFT, EventStatus.REJECTED)


can_manage_event = is_active_member & (is_event_organiser | is_agenda_moderator)

rules.add_perm("agenda.propose_event", is_identified_member)
rules.add_perm("agenda.edit_event", can_manage_event & is_not_cancelled)
rules.add_perm("agenda.submit_event", can_manage_event & is_submittable)
rules.add_perm("agenda.cancel_event", can_manage_event & is_published)
rules.add_perm("agenda.see_event_participants", can_manage_event)
