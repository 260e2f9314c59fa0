"""Staff powers need two-factor authentication, on the site and the API alike.

A staff account (``is_staff``, superusers, the "Modérateurs" group) reads what members may not:
private groups, free-text answers, hidden content, the moderation queue. With
``PARVIS_STAFF_MFA_REQUIRED`` (the default), those powers apply only to a session that passed
a second factor (allauth records it: ``get_authentication_records``), of an account that still
has an authenticator. Otherwise ``request.user`` is the same account *as an ordinary member*:
``is_staff`` and ``is_superuser`` read false and it holds no model permission, so every
``is_staff`` check, ``rules`` predicate and ``has_perm`` of every app says no, without each of
them knowing about MFA. The account itself is never changed.

The one place that decides is ``staff_user_for_request`` (sessions, ``StaffMFAMiddleware``)
and ``staff_user_for_token`` (API tokens, ``parvis.api.authentication``).
"""

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.models import _user_has_perm
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import LazyObject

#: What allauth records in the session for a second factor (TOTP, recovery code, passkey).
MFA_METHOD = "mfa"


def has_staff_role(user) -> bool:
    """The account holds staff powers (whether or not they apply now)."""
    return bool(user is not None and user.is_authenticated and (user.is_staff or user.is_superuser))


def session_passed_mfa(request, user) -> bool:
    return any(
        record.get("method") == MFA_METHOD for record in get_authentication_records(request, user)
    )


class WithoutStaffPowers(LazyObject):
    """``user`` as an ordinary member: not staff, not superuser, no model permission.

    Everything else (attributes, relations, ``save``) is the account's own: a write through
    this object never changes the stored staff flags. ``isinstance(obj, User)`` holds.
    """

    is_staff = False
    is_superuser = False
    #: Read by the banner asking the member to set up (or use) two-factor authentication.
    staff_powers_suspended = True
    # ModelBackend's caches: no permission from the account or its groups.
    _perm_cache = frozenset()
    _user_perm_cache = frozenset()
    _group_perm_cache = frozenset()

    def __init__(self, user):
        super().__init__()
        self._wrapped = user

    def _setup(self):  # pragma: no cover - always built with its user
        raise AssertionError("WithoutStaffPowers is built with its user")

    def __copy__(self):
        return type(self)(self._wrapped)

    def __deepcopy__(self, memo):
        return type(self)(self._wrapped)

    @property
    def staff_mfa_url(self):
        return staff_mfa_url(self._wrapped)

    def has_perm(self, perm, obj=None):
        # rules' predicates (object permissions) run with this object: is_staff is false.
        return self.is_active and _user_has_perm(self, perm, obj)

    def has_perms(self, perm_list, obj=None):
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label):
        return False

    def get_all_permissions(self, obj=None):
        return set()

    def get_user_permissions(self, obj=None):
        return set()

    def get_group_permissions(self, obj=None):
        return set()


def staff_mfa_url(user):
    """Where a staff member gets their powers back: set up TOTP, or confirm the factor."""
    if is_mfa_enabled(user):
        return reverse("mfa_reauthenticate")
    return reverse("mfa_activate_totp")


def without_staff_powers(user):
    return user if isinstance(user, WithoutStaffPowers) else WithoutStaffPowers(user)


def staff_user_for_request(request, user):
    """``user`` with staff powers only when its session passed a second factor."""
    if (
        not settings.PARVIS_STAFF_MFA_REQUIRED
        or not has_staff_role(user)
        or (session_passed_mfa(request, user) and is_mfa_enabled(user))
    ):
        return user
    return without_staff_powers(user)


def staff_user_for_token(user, token):
    """A token acts with staff powers only when created after a second factor by an account
    that still has one; otherwise it gives member-level access."""
    if (
        not settings.PARVIS_STAFF_MFA_REQUIRED
        or not has_staff_role(user)
        or (token.created_with_mfa and is_mfa_enabled(user))
    ):
        return user
    return without_staff_powers(user)


@receiver(authenticator_added, dispatch_uid="parvis_staff_mfa_at_activation")
def record_second_factor_at_activation(sender, request, user, authenticator, **kwargs):
    """Setting up TOTP takes a valid code: the session passed a second factor, as at log-in."""
    if request is not None and authenticator.type != Authenticator.Type.RECOVERY_CODES:
        record_authentication(
            request, user, MFA_METHOD, id=authenticator.pk, type=authenticator.type, activated=True
        )
