"""Reads of members, shaped for the pages; visibility comes in pairs (list filter, object check)."""

from django.db.models import Prefetch, Q

from parvis.moderation.selectors import annotate_hidden, visible

from .models import ApiToken, DirectoryVisibility, Mandate, User, VerificationStatus


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
    return visible(qs.filter(allowed), user)  # a profile hidden by moderation is not listed


def member_is_visible_to(member, user):
    if not member.is_active:
        return False
    if user.is_authenticated and (user.is_staff or user.pk == member.pk):
        return True
    if member.directory_visibility == DirectoryVisibility.PUBLIC:
        return True
    return user.is_authenticated and member.directory_visibility == DirectoryVisibility.MEMBERS


def member_profile(pk):
    """The active member ``pk`` with what their public profile shows, or ``None``.

    Only verified mandates are loaded (``verified_mandates``): a pending or rejected claim is
    never shown publicly.
    """
    return (
        annotate_hidden(User.objects.filter(pk=pk, is_active=True))  # moderation state
        .select_related("commune")
        .prefetch_related(
            Prefetch(
                "mandates",
                queryset=Mandate.objects.filter(status=VerificationStatus.VERIFIED)
                .select_related("territory")
                .order_by("role", "territory__name"),
                to_attr="verified_mandates",
            )
        )
        .first()
    )


def mandates_of(user):
    return Mandate.objects.filter(user=user).select_related("territory", "reviewed_by")


def api_tokens_of(user):
    return ApiToken.objects.filter(user=user)
