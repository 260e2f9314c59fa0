"""The API of the groups (``/api/groupes/``): the same selectors, rules and services as the
pages (``parvis.groups``), hence the same visibility.

- Groups are *listed* to everyone, private ones too — their name, description, theme,
  territory and counts, never their content. Deleted groups answer 404 to all but the site
  moderators.
- A group's *content* (discussions, messages, search results) is read by anyone when the
  group is public, and only by its active members when it is private: to anyone else a
  private group's discussions and messages answer 404, as if they did not exist. A member who
  leaves, is removed or banned loses access at the next request. Site moderators read
  everything.
- Writes go through ``parvis.groups.services``, with the same rules as the pages: identified
  members create groups (3 a day), join, ask to join and leave them; members start
  discussions, reply (quoting a message of the same discussion), edit and delete their own
  messages. A service's refusal answers 400 (a ``ValidationError``: locked discussion, closed
  group, empty message...) or 403 (a ``PermissionDenied`` on something the caller may read),
  with the message in the caller's language; nothing is changed.

Modules, by concern: ``lifecycle`` (the groups: list, read, create), ``membership`` (join,
leave, ask to join), ``search``, ``discussions`` (discussions and messages); ``serializers``,
``pagination`` and ``common`` (the group of a URL as the caller may see it) serve them. A
service's refusal reaches the caller through the API's exception handler
(``parvis.api.exceptions``).

Routes: ``/api/groupes/`` (list, create), ``/api/groupes/<slug>/`` (+ ``rejoindre/``,
``quitter/``, ``demander/``), ``/api/groupes/recherche/`` and
``/api/groupes/recherche/discussions/``, ``/api/groupes/<slug>/discussions/[<id>/]`` and
``/api/groupes/<slug>/discussions/<id>/messages/[<id>/]``.
"""

from parvis.api.registry import router

from .discussions import MessageViewSet, ThreadViewSet
from .lifecycle import GroupViewSet

# In this order: the discussions' prefix would also match ``groupes/recherche/discussions/``.
router.register("groupes", GroupViewSet, basename="api-group", order=80)
router.register(
    r"groupes/(?P<group_slug>[-\w]+)/discussions",
    ThreadViewSet,
    basename="api-group-thread",
    order=80,
)
router.register(
    r"groupes/(?P<group_slug>[-\w]+)/discussions/(?P<thread_pk>[0-9]+)/messages",
    MessageViewSet,
    basename="api-group-message",
    order=80,
)

__all__ = ["GroupViewSet", "MessageViewSet", "ThreadViewSet"]
