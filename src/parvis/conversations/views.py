"""Pages of the private messages: thin views over ``selectors`` and ``services``. Every page
is for one member (``login_required``), never in the page cache; a conversation the member
takes no part in answers 404, as does a conversation for a moderator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from parvis.accounts.models import User
from parvis.accounts.selectors import member_is_visible_to
from parvis.agenda.models import Event
from parvis.agenda.selectors import user_organises
from parvis.core.pagination import Paginator
from parvis.directory.selectors import listed_members
from parvis.groups.mentions import link_in_text
from parvis.moderation.models import ModerationCase
from parvis.organisations.models import Organisation
from parvis.organisations.selectors import organisation_is_visible_to

from . import selectors, services
from .forms import DelegationForm, MessageForm, PreferenceForm, StartForm
from .models import Message, ParticipantRole

PER_PAGE = 20
MESSAGES_PER_PAGE = 30
MAX_RECIPIENT_IDS = 19


def _page(request, queryset, per_page, *, default_last=False):
    paginator = Paginator(queryset, per_page)
    number = request.GET.get("page") or ("last" if default_last else 1)
    return paginator.get_page(paginator.num_pages if number == "last" else number)


def _refuse(form, error):
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
    else:
        form.add_service_errors(error)


@never_cache
@login_required
def conversation_list(request):
    query = request.GET.get("q", "").strip()[:100]
    page = _page(request, selectors.conversations_of(request.user, query=query), PER_PAGE)
    for conversation in page:
        conversation.title = selectors.conversation_title(conversation, request.user)
        conversation.names = selectors.counterparts(conversation, request.user)
    return render(request, "conversations/conversation_list.html", {"page": page, "query": query})


def _start(request, *, template, context, start):
    """The "write to …" pages: a form; on success, the new conversation (post/redirect/get)."""
    form = StartForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = start(
                author=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
        except (ValidationError, PermissionDenied) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect(conversation)
    return render(request, template, {"form": form, **context})


def _recipient_ids(request):
    ids = []
    for value in request.GET.getlist("a")[:MAX_RECIPIENT_IDS]:
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


@never_cache
@login_required
def compose(request):
    """Write to one member or a few (``?a=<id>&a=<id>``), adding others by name."""
    ids = _recipient_ids(request)
    found = {member.pk: member for member in User.objects.filter(pk__in=ids, is_active=True)}
    recipients = [
        found[pk]
        for pk in ids
        if pk in found and member_is_visible_to(found[pk], request.user) and pk != request.user.pk
    ]
    search = request.GET.get("cherche", "").strip()[:80]
    candidates = []
    if search:
        words = search.split()[:3]
        queryset = listed_members(request.user).exclude(pk__in=[request.user.pk, *ids])
        for word in words:
            queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        candidates = list(queryset.order_by("last_name", "first_name", "pk")[:10])
    refusals = [selectors.refusal_to_write(request.user, member) for member in recipients]
    return _start(
        request,
        template="conversations/compose.html",
        context={
            "recipients": recipients,
            "refusals": [refusal for refusal in refusals if refusal],
            "candidates": candidates,
            "search": search,
            "recipient_query": "&".join(f"a={member.pk}" for member in recipients),
        },
        start=lambda **kwargs: (
            services.conversation_start(recipients=recipients, **kwargs)
            if recipients
            else _no_recipient()
        ),
    )


def _no_recipient():
    raise ValidationError(_("Choose at least one member to write to."))


@never_cache
@login_required
def contact_organisation(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not organisation_is_visible_to(organisation, request.user):
        raise Http404
    return _start(
        request,
        template="conversations/contact.html",
        context={
            "heading": _("Contact %(name)s") % {"name": organisation.name},
            "explanation": _(
                "Your message reaches the managers of the organisation, who answer in its name."
            ),
            "back": organisation,
            "closed": not selectors.organisation_contact_open(organisation),
        },
        start=lambda **kwargs: services.conversation_start(organisation=organisation, **kwargs),
    )


@never_cache
@login_required
def contact_official(request, pk):
    official = get_object_or_404(User, pk=pk, is_active=True)
    if not member_is_visible_to(official, request.user) or not selectors.is_verified_official(
        official
    ):
        raise Http404
    return _start(
        request,
        template="conversations/contact.html",
        context={
            "heading": _("Write to %(name)s") % {"name": official.get_full_name()},
            "explanation": _(
                "Your message reaches the elected official and the members of their team "
                "they chose to answer their messages."
            ),
            "back": None,
            "closed": not selectors.preference_of(official).official_contact_open,
        },
        start=lambda **kwargs: services.conversation_start(official=official, **kwargs),
    )


@never_cache
@login_required
def contact_participants(request, pk):
    event = get_object_or_404(Event, pk=pk)
    if not user_organises(request.user, event):
        raise Http404
    return _start(
        request,
        template="conversations/contact.html",
        context={
            "heading": _("Write to the participants of “%(title)s”") % {"title": event.title},
            "explanation": _(
                "Every member who said they are going receives it, except those who do not "
                "receive messages; they may all read the answers."
            ),
            "back": event,
            "closed": False,
        },
        start=lambda **kwargs: services.conversation_start(event=event, **kwargs),
    )


def _conversation_or_404(request, pk):
    conversation = selectors.conversation_for(pk, request.user)
    if conversation is None:
        raise Http404
    return conversation


@never_cache
@login_required
def conversation_detail(request, pk):
    conversation = _conversation_or_404(request, pk)
    participation = conversation.participation
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_send(
                conversation=conversation,
                sender=request.user,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
        except (ValidationError, PermissionDenied) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect(message.get_absolute_url())
    page = _page(
        request,
        selectors.messages_for(conversation, request.user),
        MESSAGES_PER_PAGE,
        default_last=True,
    )
    people = [
        participant.user
        for participant in conversation.active_participants
        if participant.user.is_active and not participant.user.is_erased
    ]
    for message in page:
        message.label = selectors.sender_label(message, conversation)
        message.mine = message.sender_id == request.user.pk
        # "@first-last" of a participant links to their profile.
        message.body_html = link_in_text(message.body, people)
    read_at = participation.last_read_at
    if request.method == "GET" and (read_at is None or read_at < conversation.last_message_at):
        services.conversation_mark_read(participant=participation)
    return render(
        request,
        "conversations/conversation_detail.html",
        {
            "conversation": conversation,
            "title": selectors.conversation_title(conversation, request.user),
            "names": selectors.counterparts(conversation, request.user),
            "page": page,
            "form": form,
            "on_team": participation.role == ParticipantRole.TEAM,
            # Who the member may block from here: the people writing in their own name.
            "others": [
                p.user
                for p in conversation.active_participants
                if p.user_id != request.user.pk
                and p.role == ParticipantRole.MEMBER
                and p.user.is_active
                and not p.user.is_erased
            ],
        },
    )


@require_POST
@login_required
def leave(request, pk):
    conversation = _conversation_or_404(request, pk)
    try:
        services.conversation_leave(conversation=conversation, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(conversation)
    messages.success(request, _("You left the conversation."))
    return redirect("conversations:list")


@never_cache
@login_required
def attachment(request, pk, message_pk):
    """A message's image, for the conversation's participants; for a moderator, only the
    image of a reported message (its moderation case)."""
    message = get_object_or_404(
        Message.objects.select_related("conversation", "sender"),
        pk=message_pk,
        conversation_id=pk,
    )
    allowed = selectors.message_is_visible_to(message, request.user)
    if not allowed and request.user.has_perm("moderation.change_moderationcase"):
        allowed = ModerationCase.objects.filter(
            content_type__app_label="conversations",
            content_type__model="message",
            object_id=message.pk,
        ).exists()
    if not allowed or not message.attachment:
        raise Http404
    # ``?w=640``: one of its WebP renditions (core.pictures), else the original.
    name, content_type = message.attachment.name, "image/jpeg"
    for rendition in message.attachment.renditions:
        if request.GET.get("w") == str(rendition.width):
            name, content_type = rendition.name, "image/webp"
    try:
        stored = message.attachment.storage.open(name, "rb")
    except FileNotFoundError:  # renditions not written yet: the original
        stored, content_type = message.attachment.open("rb"), "image/jpeg"
    response = FileResponse(stored, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _next_or(request, default):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require_POST
@login_required
def block(request, pk):
    member = get_object_or_404(User, pk=pk)
    try:
        services.block_create(blocker=request.user, blocked=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "You blocked %(name)s: they can no longer write to you and you no longer see "
                "their messages."
            )
            % {"name": selectors.person_label(member)},
        )
    return redirect(_next_or(request, "conversations:settings"))


@require_POST
@login_required
def unblock(request, pk):
    member = get_object_or_404(User, pk=pk)
    services.block_delete(blocker=request.user, blocked=member)
    messages.success(
        request, _("You unblocked %(name)s.") % {"name": selectors.person_label(member)}
    )
    return redirect(_next_or(request, "conversations:settings"))


@never_cache
@login_required
def settings_page(request):
    user = request.user
    preference = selectors.preference_of(user)
    action = request.POST.get("action") if request.method == "POST" else None
    preference_form = PreferenceForm(
        request.POST if action == "preference" else None,
        initial={
            "accept_from": preference.accept_from,
            "official_contact_open": preference.official_contact_open,
        },
    )
    delegation_form = DelegationForm(request.POST if action == "delegate" else None)
    is_official = selectors.is_verified_official(user)
    if action == "preference" and preference_form.is_valid():
        choices = dict(preference_form.cleaned_data)
        if not is_official:  # the field is not shown: keep the former choice
            choices["official_contact_open"] = preference.official_contact_open
        services.preference_set(user=user, **choices)
        messages.success(request, _("Your choices were saved."))
        return redirect("conversations:settings")
    if action == "delegate" and delegation_form.is_valid():
        try:
            services.delegation_add(official=user, email=delegation_form.cleaned_data["email"])
        except (ValidationError, PermissionDenied) as error:
            _refuse(delegation_form, error)
        else:
            messages.success(request, _("The member of your team may now answer your messages."))
            return redirect("conversations:settings")
    if action == "undelegate":
        delegate_id = request.POST.get("delegate", "")
        if delegate_id.isdigit():
            services.delegation_remove(official=user, delegate_id=int(delegate_id))
            messages.success(request, _("They no longer answer your messages."))
        return redirect("conversations:settings")
    if action == "organisation":
        organisation = get_object_or_404(Organisation, slug=request.POST.get("slug", ""))
        try:
            services.organisation_contact_set(
                organisation=organisation, actor=user, open=request.POST.get("open") == "1"
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your choices were saved."))
        return redirect("conversations:settings")
    return render(
        request,
        "conversations/settings.html",
        {
            "preference_form": preference_form,
            "delegation_form": delegation_form,
            "is_official": is_official,
            "delegations": selectors.delegations_of(user) if is_official else [],
            "organisations": selectors.managed_organisations(user),
            "blocks": selectors.blocks_of(user),
        },
    )
