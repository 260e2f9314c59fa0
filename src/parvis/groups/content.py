"""What the platform needs to know of the groups' content types (see docs/architecture.md)."""

from parvis.core import pagecache

from .models import Group, Membership, Message, Thread, ThreadRead

# --- page cache --------------------------------------------------------------------------------
# A reply adds a message to its thread (the thread's pages), updates the thread's counters (the
# group's page lists it) and the group's last activity, which orders the list of groups by
# activity (``groups.group@activity``) and shows nowhere else.
pagecache.declare(Group, activity_fields=("last_activity_at",))
pagecache.declare(Thread, scopes={"group": "group"})
pagecache.declare(Message, scopes={"thread": "thread"})
pagecache.declare(Membership, scopes={"group": "group"})
pagecache.declare(ThreadRead, silent=True)  # a member's read markers (``reads_label``)
