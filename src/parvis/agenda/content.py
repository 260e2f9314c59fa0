"""What the platform needs to know of the agenda's content types (see docs/architecture.md)."""

from parvis.core import pagecache

from .models import Event, EventOccurrence, EventStatus, Rsvp

# --- page cache --------------------------------------------------------------------------------
# A new event shows in lists once published (its status changes then); a date's participants
# count is a column of the date (its pages and the lists showing it are retired).
pagecache.declare(
    Event,
    scopes={"organisation": "organisation", "group": "group", "creator": "created_by"},
    listed_if={"status": EventStatus.PUBLISHED},
)
pagecache.declare(EventOccurrence, scopes={"event": "event"}, list_fields=("start", "end"))
pagecache.declare(Rsvp, scopes={"occurrence": "occurrence"})
