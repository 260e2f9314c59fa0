from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from parvis.accounts.models import ApiToken, hash_token
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
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return (token.user, token)
