"""``manage.py clear_page_cache``: retire every cached page and member home block at once.

Writes through Django retire what they change by themselves (``core.pagecache``); run this
after what Django does not see: an upgrade whose templates changed, a database restored with
``pg_restore``, rows changed by hand in ``psql``. Without it those pages renew within
``PARVIS_PAGE_CACHE_SECONDS``.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from parvis.core import pagecache


class Command(BaseCommand):
    help = "Retire every cached page (after an upgrade or a restore)."

    def handle(self, *args, **options):
        if not pagecache.enabled():
            self.stdout.write(_("The page cache is off: nothing to clear."))
            return
        pagecache.bump([pagecache.ALL])
        self.stdout.write(_("Cached pages retired."))
