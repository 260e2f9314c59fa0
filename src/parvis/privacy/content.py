"""What the platform knows about the personal-data app's own records, declared once (see
``parvis.core.content``): the notification kinds (``notifications.py``) and what a data
export and an erasure do with the member's archives and inactivity notices."""

from . import notifications  # noqa: F401  (the notification kinds)
from . import registry as privacy
from .models import DataExport, InactivityNotice
from .registry import CUSTOM, DELETE

# --- personal data (parvis.privacy.registry) ------------------------------------------------


def _exports(context):
    """The member's archives: files and rows deleted."""
    from .services import private_storage

    storage = private_storage()
    exports = DataExport.objects.filter(member=context.member)
    for name in exports.exclude(file_name="").values_list("file_name", flat=True):
        context.files.append((storage, name))
    deleted, _details = exports.delete()
    context.count("privacy.DataExport.member", deleted)


privacy.export(
    "privacy.DataExport.member",
    section="data_exports",
    fields=("status", "requested_at", "ready_at", "expires_at", "downloaded_at"),
)
privacy.erase("privacy.DataExport.member", action=CUSTOM, handler=_exports)

privacy.export(
    "privacy.InactivityNotice.member",
    section="inactivity_notices",
    fields=("warned_at", "erasure_after"),
    queryset=lambda member: InactivityNotice.objects.filter(member=member),
)
privacy.erase("privacy.InactivityNotice.member", action=DELETE)
