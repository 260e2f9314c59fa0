from django.utils.functional import cached_property

from .selectors import UNREAD_CAP, unread_count


class UnreadCount:
    """The member's unread notifications for the site header: read (from the cache, else one
    query) only if the template shows it, at most once a page; "99+" beyond ``UNREAD_CAP``."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def value(self) -> int:
        if not self._user.is_authenticated:
            return 0
        return unread_count(self._user)

    def __bool__(self):
        return self.value > 0

    def __str__(self):
        return f"{UNREAD_CAP}+" if self.value > UNREAD_CAP else str(self.value)


def notifications(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"notifications_unread": UnreadCount(user)}
