"""allauth's sign-up form, with the same work whether or not the address has an account.

With ``ACCOUNT_PREVENT_ENUMERATION``, signing up with an address that already has an account
answers like a new sign-up (an e-mail goes to the address, the page is the same), but allauth
then skips the password hashing that a new account costs: the known address answered in
0.12 s, a new one in 0.45 s, which told whether an address is registered. The known-address
path hashes the password too, with the same hasher, and the result is thrown away.

A separate module (``ACCOUNT_FORMS["signup"]``): allauth's form inherits our
``forms.SignupForm`` (``ACCOUNT_SIGNUP_FORM_CLASS``), so it cannot be defined there.
"""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            # What ``set_password`` costs a new account (the hasher's full work factor).
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
