"""What other apps show on a member's public profile (``/membres/<id>/``).

The profile page knows the member's own data (name, mandates, bio, links); an app that has
more to show about them registers a context entry here, from its ``content.py``, so that
accounts imports no domain app:

.. code-block:: python

    from parvis.accounts.profile import profile_extras

    # ``organisations`` in the profile template: the member's organisations the viewer may see.
    profile_extras.register("organisations", selectors.member_organisations)

``context(member, viewer)`` returns what the template shows under that name; keep it to one
query (a queryset the template evaluates once is fine): the page's query count is pinned in
``tests/accounts/test_profile.py``.
"""

from collections.abc import Callable
from typing import Any


class ProfileExtras:
    """The profile page's context entries that other apps provide."""

    def __init__(self):
        self._entries: dict[str, Callable[[Any, Any], Any]] = {}

    def __contains__(self, name):
        return name in self._entries

    def register(self, name, context):
        """Give the profile template ``name``: ``context(member, viewer)``."""
        self._entries[name] = context
        return context

    def unregister(self, name):
        self._entries.pop(name, None)

    def context(self, member, viewer):
        """The entries for ``member``'s page as ``viewer`` sees it."""
        return {name: context(member, viewer) for name, context in self._entries.items()}


#: The registry of the profile page's extras.
profile_extras = ProfileExtras()
