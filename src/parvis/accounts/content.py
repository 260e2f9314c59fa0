"""What the platform needs to know of the accounts' content types (see docs/architecture.md)."""

from django.contrib.auth import get_user_model

from parvis.core import pagecache

from .models import ApiToken, Mandate

# --- page cache --------------------------------------------------------------------------------
# A member's name, commune, kind or directory choice moves them in lists (the directory); other
# profile edits show on the pages that show the member. Tokens show on no public page.
pagecache.declare(
    get_user_model(),
    list_fields=(
        "first_name",
        "last_name",
        "kind",
        "commune",
        "directory_visibility",
        "is_active",
    ),
    silent_fields=("last_login",),
)
pagecache.declare(Mandate, scopes={"user": "user"})
pagecache.declare(ApiToken, silent=True)
