"""What follows a change of credentials: a new password revokes every API token.

Whoever learnt the old password could have created tokens with it; a password change or reset
ends their access to the API as well as to the site. allauth tells the member by e-mail
(``ACCOUNT_EMAIL_NOTIFICATIONS``: the password change, and an e-mail change at the old address).
"""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import ngettext

from .services import api_tokens_revoke_all


@receiver(password_changed, dispatch_uid="parvis_tokens_revoked_on_password_change")
@receiver(password_set, dispatch_uid="parvis_tokens_revoked_on_password_set")
@receiver(password_reset, dispatch_uid="parvis_tokens_revoked_on_password_reset")
def revoke_api_tokens(sender, request, user, **kwargs):
    revoked = api_tokens_revoke_all(user=user)
    if revoked and request is not None and hasattr(request, "_messages"):
        messages.info(
            request,
            ngettext(
                "Your API token has been revoked with the old password.",
                "Your %(count)d API tokens have been revoked with the old password.",
                revoked,
            )
            % {"count": revoked},
        )
