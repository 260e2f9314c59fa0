"""Personal data held for FranceConnect (parvis.privacy.registry): the linked identity (its
subject identifier and the claims FranceConnect gave) is exported and erased with the member."""

from allauth.socialaccount.models import SocialAccount

from parvis.privacy import registry as privacy
from parvis.privacy.registry import DELETE

privacy.export(
    "socialaccount.SocialAccount.user",
    section="linked_identities",
    fields=("provider", "uid", "date_joined", "last_login", "extra_data"),
    queryset=lambda member: SocialAccount.objects.filter(user=member).order_by("pk"),
)
privacy.erase("socialaccount.SocialAccount.user", action=DELETE)
