"""What the platform needs to know of the news' content types (see docs/architecture.md)."""

from parvis.core import pagecache

from .models import Post, PostStatus

# --- page cache --------------------------------------------------------------------------------
pagecache.declare(
    Post,
    scopes={"author": "author", "organisation": "organisation"},
    listed_if={"status": PostStatus.PUBLISHED},
)
