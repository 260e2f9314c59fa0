"""Decisions where the moderator is: Approve / Refuse (with a reason) / Request changes
buttons on the page of an item waiting in a queue (an event to review, a mandate or an
organisation to verify), calling the app's services, then offering the queue's next item.

A ``ModelAdmin`` mixes in ``ReviewDecisionsMixin`` and says which queue it serves
(``backoffice.Queue.key``), when an item is waiting, and its decisions::

    class EventAdmin(ReviewDecisionsMixin, admin.ModelAdmin):
        review_queue = "events"
        review_decisions = (
            ReviewDecision("approve", _("Approve and publish"), perform=_approve),
            ReviewDecision("refuse", _("Refuse"), perform=_reject, needs_reason=True, ...),
        )

        def review_is_waiting(self, obj):
            return obj.status == EventStatus.SUBMITTED

Every decision is a POST (a button in a form with its CSRF token, reachable with the
keyboard); a decision that needs a reason first shows a page asking for it. A service's
``ValidationError`` or ``PermissionDenied`` is shown and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from parvis.core.admin import ReasonForm

from . import backoffice


@dataclass(frozen=True)
class ReviewDecision:
    key: str  # "approve", "refuse", "changes"
    label: Any
    perform: Callable[..., Any]  # (obj, moderator) or (obj, moderator, *, reason)
    needs_reason: bool = False
    style: str = "approve"  # the button's class: approve, refuse, changes
    intro: Any = ""  # on the page asking for the reason
    done: Any = ""  # the message after the decision


class ReviewDecisionsMixin:
    review_queue = ""
    review_decisions: tuple[ReviewDecision, ...] = ()
    change_form_template = "moderation/admin/review_change_form.html"

    def review_is_waiting(self, obj) -> bool:
        raise NotImplementedError

    # --- URLs and pages --------------------------------------------------------------------

    def _review_url_name(self):
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_decide"

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/decision/<slug:decision>/",
                self.admin_site.admin_view(self.review_view),
                name=self._review_url_name(),
            )
        ]
        return urls + super().get_urls()

    def _decision(self, key):
        for decision in self.review_decisions:
            if decision.key == key:
                return decision
        raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if (
            obj is not None
            and self.review_is_waiting(obj)
            and self.has_change_permission(request, obj)
        ):
            name = f"{self.admin_site.name}:{self._review_url_name()}"
            extra_context["review_decisions"] = [
                {
                    "decision": decision,
                    "url": reverse(name, args=[obj.pk, decision.key]),
                }
                for decision in self.review_decisions
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request, object_id, decision):
        decision = self._decision(decision)
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        change_url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
        )
        if not self.review_is_waiting(obj):
            self.message_user(request, _("This item is no longer waiting: nothing was changed."),
                              messages.WARNING)  # fmt: skip
            return redirect(change_url)
        form = ReasonForm(request.POST or None) if decision.needs_reason else None
        if request.method == "POST" and (form is None or form.is_valid()):
            kwargs = {"reason": form.cleaned_data["reason"]} if form is not None else {}
            try:
                log_message = decision.perform(obj, request.user, **kwargs)
            except (ValidationError, PermissionDenied) as error:
                detail = "; ".join(getattr(error, "messages", None) or [str(error)])
                self.message_user(request, detail, messages.ERROR)
                return redirect(change_url)
            self.log_change(request, obj, str(log_message))
            self.message_user(request, str(decision.done or log_message), messages.SUCCESS)
            return self._redirect_next(request, obj)
        if request.method == "POST":
            self.message_user(request, _("Give the reason: nothing was changed."), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(decision)s: %(item)s") % {"decision": decision.label, "item": obj},
            "opts": opts,
            "app_label": opts.app_label,
            "original": obj,
            "decision": decision,
            "form": form,
            "change_url": change_url,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "moderation/admin/review_reason.html", context)

    def _redirect_next(self, request, obj):
        queue = backoffice.get(self.review_queue)
        following = queue.next_item(exclude_pk=obj.pk) if queue else None
        if following is None:
            self.message_user(request, _("The queue is empty: well done."), messages.INFO)
            return redirect(reverse(f"{self.admin_site.name}:index"))
        self.message_user(
            request, _("Next in the queue: %(item)s") % {"item": following}, messages.INFO
        )
        return redirect(queue.change_url(following.pk))
