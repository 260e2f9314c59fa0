import rules
from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors, services
from .forms import AccountDeleteForm


@login_required
@require_http_methods(["GET", "POST"])
def data_home(request):
    """ "My data": ask for an archive, download the ready ones, go to the account deletion."""
    if request.method == "POST":
        try:
            services.export_request(member=request.user, language=get_language())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "Your archive is being prepared. You will be told in your notifications "
                    "and by e-mail when it is ready."
                ),
            )
        return redirect("privacy:home")
    return render(
        request,
        "privacy/data.html",
        {
            "exports": list(selectors.exports_of(request.user)[:10]),
            "retention_days": settings.PARVIS_EXPORT_RETENTION_DAYS,
        },
    )


@login_required
@require_GET
def export_download(request, public_id):
    """The member's own archive, while it lasts; anyone else gets a 404."""
    export = selectors.export_for_download(public_id, request.user)
    if export is None or not request.user.has_perm("privacy.download_export", export):
        raise Http404
    try:
        handle = services.private_storage().open(export.file_name, "rb")
    except OSError:
        raise Http404 from None
    services.export_mark_downloaded(export=export)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"parvis-mes-donnees-{export.ready_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@reauthentication_required(allow_get=True)
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """The warning (what will be handed over, closed, kept or deleted), the member's choice
    and, after re-authentication (allauth asks for the password again), the erasure."""
    allowed = rules.test_rule("privacy.delete_own_account", request.user)
    plan = selectors.erasure_plan(request.user)
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and allowed and form.is_valid():
        services.account_erase(
            member=request.user,
            actor=request.user,
            delete_contributions=form.delete_contributions,
            language=get_language(),
        )
        logout(request)
        return redirect("privacy:deleted")
    return render(request, "privacy/delete.html", {"form": form, "plan": plan, "allowed": allowed})


@require_GET
def account_deleted(request):
    return render(request, "privacy/deleted.html")
