"""What the platform needs to know of the consultations' content types (see
docs/architecture.md)."""

from parvis.core import pagecache

from .models import Comment, Response

# --- page cache --------------------------------------------------------------------------------
pagecache.declare(Response, scopes={"consultation": "consultation"})
pagecache.declare(Comment, scopes={"consultation": "consultation"})
