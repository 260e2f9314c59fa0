from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Parvis account adapter: sign-up data lands on the custom user model."""
