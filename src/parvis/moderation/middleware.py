from django.contrib import messages
from django.contrib.auth import logout

from .safeguards import sanction_message
from .selectors import active_sanction


class SanctionMiddleware:
    """A member suspended or banned while logged in is logged out at their next request.

    The request then goes on as a visitor's: pages that need an account send them to the login
    page (which refuses them with the same message, see ``AccountAdapter.pre_login``), while
    the statement of reasons and the appeal form, opened from the e-mail's link, still work.
    The check is one cache read per request of a logged-in member.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            sanction = active_sanction(user)
            if sanction is not None:
                message = sanction_message(sanction)
                logout(request)
                messages.error(request, message)
        return self.get_response(request)
