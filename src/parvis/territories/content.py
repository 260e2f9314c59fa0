"""What the platform needs to know of the territories (see docs/architecture.md)."""

from parvis.core import pagecache

from . import search_provider  # noqa: F401  (its types in the search box: parvis.core.search)
from .models import Territory

# --- page cache --------------------------------------------------------------------------------
# Hundreds of communes show on every page (pickers, filters): every page depends on the
# territories' collection (``pagecache.ALWAYS``) rather than on each commune.
pagecache.declare(Territory, collect=False)
