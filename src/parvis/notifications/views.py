from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from parvis.accounts.models import User
from parvis.core.htmx import render_list
from parvis.core.pagination import Paginator

from . import registry, services
from .emails import DIGEST_SCOPE, notification_text, unsubscribe_read
from .forms import PreferencesForm
from .models import Notification
from .selectors import notifications_for, preferences_of

PAGE_SIZE = 30


def _own_notification(request, pk):
    """The member's notification ``pk``; anyone else's answers 404."""
    notification = get_object_or_404(Notification.objects.select_related("actor"), pk=pk)
    if not request.user.has_perm("notifications.read_notification", notification):
        raise Http404
    return notification


def _back(request, default="notifications:list"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    items = [(notification, notification_text(notification)) for notification in page]
    context = {
        "page": page,
        "items": items,
        "has_unread": any(notification.read_at is None for notification in page),
    }
    return render_list(
        request, "notifications/list.html", "notifications/_list_results.html", context, page
    )


@login_required
def notification_open(request, pk):
    """Follow a notification's link, marking it read."""
    notification = _own_notification(request, pk)
    services.notification_mark_read(notification=notification, member=request.user)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_read(request, pk):
    notification = _own_notification(request, pk)
    services.notification_mark_read(notification=notification, member=request.user)
    return _back(request)


@login_required
@require_POST
def notifications_mark_all_read(request):
    count = services.notifications_mark_all_read(member=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return _back(request)


@login_required
def preferences(request):
    current = preferences_of(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(member=request.user, choices=form.choices())
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe (RFC 8058), without login: the signed token names the member
    and the e-mails to stop. GET asks for confirmation; POST (the mail client's one click,
    or the confirmation button) stops them. A bad token changes nothing and says so."""
    found = unsubscribe_read(token)
    member = None
    if found is not None:
        member = User.objects.filter(pk=found[0], is_active=True).first()
    if member is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    scope = found[1]
    label = _("the daily digest") if scope == DIGEST_SCOPE else registry.get(scope).label
    context = {"label": label, "scope": scope, "token": token}
    if request.method == "POST":
        services.notifications_unsubscribe(member=member, scope=scope)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe.html", context)
