from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from parvis.accounts.models import ApiToken, hash_token
from parvis.accounts.staff import staff_user_for_token
from parvis.moderation.safeguards import login_refusal
from parvis.moderation.selectors import sanctioned_exists


class PersonalTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` with a member's personal API token."""

    def authenticate_credentials(self, key):
        try:
            token = (
                ApiToken.objects.select_related("user")
                .annotate(sanctioned=sanctioned_exists("user_id"))  # moderation, same query
                .get(key_hash=hash_token(key))
            )
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is inactive."))
        if token.sanctioned:  # suspended or banned by moderation
            raise exceptions.AuthenticationFailed(login_refusal(token.user))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                _("This token expired on %(date)s: create a new one in your account settings.")
                % {"date": formats.date_format(timezone.localtime(token.expires_at))}
            )
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        # A staff member's token acts with staff powers only after two-factor authentication.
        return (staff_user_for_token(token.user, token), token)
