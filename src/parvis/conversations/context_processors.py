from django.utils.functional import cached_property

from .selectors import UNREAD_CAP, unread_count


class UnreadConversations:
    """The member's conversations with unread messages, for the site header: counted (one
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


def conversations(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"messages_unread": UnreadConversations(user)}
