"""What the platform needs to know of the organisations' content types (see
docs/architecture.md)."""

from parvis.core import pagecache

from .models import OrganisationMembership

# --- page cache --------------------------------------------------------------------------------
pagecache.declare(OrganisationMembership, scopes={"organisation": "organisation"})
