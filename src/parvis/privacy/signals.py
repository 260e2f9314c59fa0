"""Receivers of the personal-data app."""


def member_logged_in(sender, request, user, **kwargs):
    """A member who logs in again is no longer inactive: forget their inactivity notice."""
    from .services import inactivity_reset

    inactivity_reset(member_ids=[user.pk])
