"""What the platform knows about the usage statistics (see parvis.core.content): a link on
the moderators' dashboard. The snapshots hold aggregates only: no personal data."""

from django.utils.translation import gettext_lazy as _

from parvis.moderation import backoffice

backoffice.link_register(
    label=_("Usage statistics"),
    url_name="admin:insight_statsnapshot_changelist",
    permission="insight.view_statsnapshot",
    order=20,
)
