"""Reads of members, shaped for the pages; visibility comes in pairs (list filter, object check)."""

from django.db.models import Q

from .models import DirectoryVisibility, User


def members_visible_to(user):
    """Active members that ``user`` may find in the directory and whose profile they may read.

    Visitors see members who opened their profile to everyone; members also see those who
    opened it to members; a member always sees themselves; staff see everyone.
    """
    qs = User.objects.filter(is_active=True)
    if user.is_authenticated and user.is_staff:
        return qs
    allowed = Q(directory_visibility=DirectoryVisibility.PUBLIC)
    if user.is_authenticated:
        allowed |= Q(directory_visibility=DirectoryVisibility.MEMBERS) | Q(pk=user.pk)
    return qs.filter(allowed)


def member_is_visible_to(member, user):
    if not member.is_active:
        return False
    if user.is_authenticated and (user.is_staff or user.pk == member.pk):
        return True
    if member.directory_visibility == DirectoryVisibility.PUBLIC:
        return True
    return user.is_authenticated and member.directory_visibility == DirectoryVisibility.MEMBERS
