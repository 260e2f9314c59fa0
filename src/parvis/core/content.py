"""The content registry: each app declares what the platform needs to know about its content
in one module of its own, ``<app>/content.py``, found at start-up like the admin's
``admin.py``.

The platform apps keep the registries and import no domain app; the domain apps fill them from
their ``content.py``:

- moderation: how an item is reported, hidden and removed (``parvis.moderation.registry``);
- privacy: how each relation to the member is exported and erased, and what the erasure plan
  says (``parvis.privacy.registry``);
- notifications: the notification kinds (``parvis.notifications.registry``; an app may keep
  them in its ``notifications.py``, which its ``content.py`` imports);
- the page cache: what a write to each model retires (``parvis.core.pagecache.declare``);
- the back office: the moderators' queues on the admin's dashboard and the audit log's labels
  (``parvis.moderation.backoffice``, ``parvis.moderation.audit.action_labels_register``);
- pages: the home page's blocks (``parvis.core.home``), the territory pages' sections
  (``parvis.territories.portal``), the officials' pages' sections
  (``parvis.officials.sections``) and the member profile's extras
  (``parvis.accounts.profile``).

``autodiscover()`` imports every installed Parvis app's ``content`` module, once, from
``CoreConfig.ready()``: every model is loaded by then, and the registries are module-level, so
a ``content.py`` may import any app's models, selectors and services. See "Adding a content
type" in docs/architecture.md.
"""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

MODULE = "content"


def autodiscover():
    """Import ``<app>.content`` for every installed Parvis app that has one (in the order of
    ``INSTALLED_APPS``); an error inside one is raised, not hidden."""
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("parvis.") and module_has_submodule(
            app_config.module, MODULE
        ):
            import_module(f"{app_config.name}.{MODULE}")
