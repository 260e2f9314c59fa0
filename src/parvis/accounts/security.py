"""What follows a change of credentials: a new password revokes every API token.

Whoever learnt the old password could have created tokens with it; a password change or reset
ends their access to the API as well as to the site. Whatever sets the password (allauth's
change and reset pages, the admin, ``manage.py changepassword``) goes through
``set_password()`` then ``save()``: the tokens are revoked there. allauth tells the member by
e-mail (``ACCOUNT_EMAIL_NOTIFICATIONS``: the password change, and an e-mail change at the old
address); the page says how many tokens were revoked.
"""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import ngettext

from .services import api_tokens_revoke_all


@receiver(pre_save, sender=get_user_model(), dispatch_uid="parvis_tokens_revoked_with_password")
def revoke_api_tokens_with_the_password(sender, instance, raw=False, **kwargs):
    # ``_password`` holds the new raw password between ``set_password()`` and ``save()``.
    if raw or instance.pk is None or getattr(instance, "_password", None) is None:
        return
    instance._parvis_revoked_tokens = api_tokens_revoke_all(user=instance)


@receiver(password_changed, dispatch_uid="parvis_tokens_revoked_message_change")
@receiver(password_set, dispatch_uid="parvis_tokens_revoked_message_set")
@receiver(password_reset, dispatch_uid="parvis_tokens_revoked_message_reset")
def say_api_tokens_were_revoked(sender, request, user, **kwargs):
    revoked = getattr(user, "_parvis_revoked_tokens", 0)
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
