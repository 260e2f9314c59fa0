"""Pages of the targeted information: the "near me" feed, a post, writing and running posts,
and following territories, organisations and elected officials."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.accounts.models import User, VerificationStatus
from parvis.accounts.selectors import member_is_visible_to
from parvis.core.htmx import fragment, is_htmx, render_list, results_fragment
from parvis.core.pagecache import public_page
from parvis.core.pagination import Paginator
from parvis.core.richtext import render_markdown
from parvis.core.routers import replica_reads
from parvis.groups.models import Group, Thread
from parvis.groups.selectors import group_is_visible_to, thread_is_visible_to
from parvis.moderation.selectors import hidden_from
from parvis.moderation.views import render_hidden
from parvis.organisations.models import Organisation
from parvis.organisations.selectors import organisation_is_visible_to
from parvis.territories.models import Territory

from . import services
from .forms import FeedFilterForm, PostForm, UnpublishForm
from .models import Category, Post, PostStatus
from .selectors import (
    feed_posts,
    following_of,
    follows_of,
    post_for_page,
    post_is_visible_to,
    posts_for_territory,
    posts_managed_by,
    user_manages_post,
)
from .templatetags.news_tags import follow_button_context
from .text import plain_summary

PAGE_SIZE = 20
#: ``?statut=`` of "my posts" → status.
STATUS_PARAMETERS = {
    "brouillons": PostStatus.DRAFT,
    "publiees": PostStatus.PUBLISHED,
    "depubliees": PostStatus.UNPUBLISHED,
}
#: The id of the feed's filter form (``news/_feed_found.html``): htmx names it in ``HX-Trigger``.
FEED_FILTERS_ID = "news-filters"
#: ``kind`` of the follow forms → model.
FOLLOW_KINDS = {
    "territoire": Territory,
    "organisation": Organisation,
    "elu": User,
    "membre": User,
    "groupe": Group,
    "discussion": Thread,
}


# --- the feed -----------------------------------------------------------------------------------


@public_page("news.post", params=(*FeedFilterForm.base_fields, "page"))
@replica_reads
def feed(request):
    """ "Near me": for a member, the posts concerning their commune plus what they follow;
    for a visitor, the posts for the whole département; ``?commune=`` shows a commune's."""
    user = request.user
    categories = list(Category.objects.filter(is_active=True))
    form = FeedFilterForm(request.GET or None, categories=categories)
    commune, category, territory = form.values() if request.GET else (None, None, None)
    following = None
    if territory is not None:  # an intercommunality's or an arrondissement's information
        posts = posts_for_territory(territory)
        if category is not None:
            posts = posts.filter(category=category)
    else:
        if user.is_authenticated and commune is None:
            following = following_of(user)
        posts = feed_posts(user, commune=commune, category=category, following=following)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    home_commune = commune or (user.commune if user.is_authenticated and user.commune_id else None)
    context = {
        "form": form,
        "page": page,
        "posts": page.object_list,
        "commune": commune,
        "territory": territory,
        "place": commune or territory,
        "home_commune": None if territory else home_commune,
        "category": category,
        "following": following,
        "can_publish": user.is_authenticated and user.has_perm("news.write_post"),
    }
    if is_htmx(request) and request.user.is_authenticated:
        if request.headers.get("HX-Trigger") == FEED_FILTERS_ID:  # a new subject, in place
            place = commune or territory
            heading = (
                _("Information for %(name)s") % {"name": place.name} if place else _("Information")
            )
            return fragment(
                request, "news/_feed_found.html", {**context, "retitle": True}, message=heading
            )
        return results_fragment(request, "news/_feed_results.html", context, page)  # another page
    return render(request, "news/feed.html", context)


# --- a post -------------------------------------------------------------------------------------


def _post_or_404(request, pk, slug, *, suffix=""):
    """The post ``pk`` if ``request.user`` may see it (else 404), and a redirect when the slug
    in the address is not its own (``None`` otherwise)."""
    post = post_for_page(pk)
    if post is None or not post_is_visible_to(post, request.user):
        raise Http404
    if slug != post.slug:
        return post, HttpResponsePermanentRedirect(post.get_absolute_url() + suffix)
    return post, None


@public_page("news.post:{pk}", params=("commentaires",))
def post_detail(request, pk, slug):
    post, redirect_response = _post_or_404(request, pk, slug)
    if redirect_response:
        return redirect_response
    if hidden_from(post, request.user):  # hidden by moderation: a notice instead
        return render_hidden(request, post)
    user = request.user
    url = request.build_absolute_uri(post.get_absolute_url())
    if post.organisation_id:
        publisher = post.organisation
        publisher_linked = organisation_is_visible_to(post.organisation, user)
        official = False
    else:
        publisher = post.author
        publisher_linked = member_is_visible_to(post.author, user)
        official = post.author.mandates.filter(status=VerificationStatus.VERIFIED).exists()
    context = {
        "post": post,
        "body_html": render_markdown(post.body),
        "summary": plain_summary(post),
        "audience": list(post.audience.all()),
        "publisher": publisher,
        "publisher_linked": publisher_linked,
        "official": official,
        "is_live": post.is_live(),
        "absolute_url": url,
        "image_url": request.build_absolute_uri(post.image.url) if post.image else "",
        "can_edit": user.has_perm("news.edit_post", post),
        "can_publish": user.has_perm("news.publish_post", post),
        "can_unpublish": user.has_perm("news.unpublish_post", post),
        "can_discard": user.has_perm("news.discard_post", post),
        "is_team": user.is_authenticated and (user.is_staff or user_manages_post(user, post)),
    }
    return render(request, "news/post_detail.html", context)


# --- writing and running posts ------------------------------------------------------------------


def _post_for_team(request, pk, permission):
    """The post ``pk`` if the member may act on it with ``permission``: 404 when they may not
    see it, 403 when they may see it but not do this."""
    post = Post.objects.select_related("category", "organisation", "author").filter(pk=pk).first()
    if post is None or not post_is_visible_to(post, request.user):
        raise Http404
    if not request.user.has_perm(permission, post):
        raise PermissionDenied
    return post


def _status_message(request, post):
    if post.status == PostStatus.PUBLISHED and post.is_scheduled:
        messages.success(
            request,
            _("Your post is scheduled: it will appear in the feeds on %(date)s.")
            % {"date": _local(post.publish_at)},
        )
    elif post.status == PostStatus.PUBLISHED:
        messages.success(request, _("Your post is published: it now appears in the feeds."))
    elif post.status == PostStatus.DRAFT:
        messages.info(
            request, _("Draft saved. Only you and your team see it until you publish it.")
        )
    else:
        messages.success(request, _("Your changes are saved."))


def _local(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


@login_required
def post_create(request):
    if not request.user.has_perm("news.write_post"):
        return render(request, "news/publish_denied.html", status=403)
    form = PostForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                author=request.user,
                data=form.service_data(),
                publish="save_draft" not in request.POST,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            form.add_error("publisher", str(error))
        else:
            _status_message(request, post)
            return redirect(post)
    return render(request, "news/post_form.html", {"form": form, "post": None})


@login_required
def post_edit(request, pk, slug):
    post = _post_for_team(request, pk, "news.edit_post")
    form = PostForm(request.POST or None, request.FILES or None, user=request.user, post=post)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                post = services.post_update(
                    post=post, editor=request.user, data=form.service_data()
                )
                if "publish" in request.POST and request.user.has_perm("news.publish_post", post):
                    post = services.post_publish(post=post, actor=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            form.add_error("publisher", str(error))
        else:
            _status_message(request, post)
            return redirect(post)
    return render(
        request,
        "news/post_form.html",
        {
            "form": form,
            "post": post,
            "can_publish": request.user.has_perm("news.publish_post", post),
        },
    )


@login_required
@require_POST
def post_publish(request, pk, slug):
    post = _post_for_team(request, pk, "news.publish_post")
    try:
        post = services.post_publish(post=post, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
        return redirect("news:edit", pk=post.pk, slug=post.slug)
    _status_message(request, post)
    return redirect(post)


@login_required
def post_unpublish(request, pk, slug):
    post = _post_for_team(request, pk, "news.unpublish_post")
    as_moderator = not user_manages_post(request.user, post)
    form = UnpublishForm(request.POST or None, as_moderator=as_moderator)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_unpublish(
                post=post, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The post is unpublished: only its team sees it now."))
            return redirect(post)
    return render(
        request,
        "news/post_unpublish.html",
        {"post": post, "form": form, "as_moderator": as_moderator},
    )


@login_required
def post_discard(request, pk, slug):
    post = _post_for_team(request, pk, "news.discard_post")
    if request.method == "POST":
        try:
            services.post_discard(post=post, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(post)
        messages.success(request, _("The draft is deleted."))
        return redirect("news:my_posts")
    return render(request, "news/post_discard.html", {"post": post})


@login_required
def my_posts(request):
    """The posts the member runs (their own as an official, their organisations'), drafts and
    scheduled ones included, latest change first."""
    parameter = request.GET.get("statut", "")
    status = STATUS_PARAMETERS.get(parameter)
    if parameter and status is None:
        messages.warning(request, _("Unknown status: all your posts are shown."))
    page = Paginator(posts_managed_by(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_list(
        request,
        "news/my_posts.html",
        "news/_my_posts_results.html",
        {
            "page": page,
            "posts": page.object_list,
            "status_parameter": parameter if status else "",
            "status_choices": [
                ("", _("All")),
                ("brouillons", _("Drafts")),
                ("publiees", _("Published and scheduled")),
                ("depubliees", _("Unpublished")),
            ],
            "can_publish": request.user.has_perm("news.write_post"),
        },
        page,
    )


# --- following ----------------------------------------------------------------------------------


def _follow_target(request):
    """The territory, organisation or official named by the form (``kind``, ``id``), or
    ``None`` when the form names nothing that exists (and may be seen)."""
    model = FOLLOW_KINDS.get(request.POST.get("kind", ""))
    raw = request.POST.get("id", "")
    if model is None or not raw.isdigit() or len(raw) > 12:
        return None
    target = model.objects.filter(pk=int(raw)).first()
    if isinstance(target, Organisation) and not organisation_is_visible_to(target, request.user):
        return None
    if isinstance(target, User) and not target.is_active:
        return None
    if isinstance(target, Group) and not group_is_visible_to(target, request.user):
        return None
    if isinstance(target, Thread) and not thread_is_visible_to(target, request.user):
        return None
    return target


def _back(request, fallback):
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect(fallback)


@require_POST
def follow(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.POST.get("next") or reverse("news:index"))
    target = _follow_target(request)
    if target is None:
        messages.error(request, _("There is nothing to follow here: nothing was changed."))
        return _back(request, "news:index")
    try:
        services.follow_create(user=request.user, target=target)
    except (ValidationError, PermissionDenied) as error:
        texts, level = getattr(error, "messages", [str(error)]), messages.ERROR
    else:
        texts, level = [_("You now follow %(name)s.") % {"name": target}], messages.SUCCESS
    return _follow_answer(request, target, texts, level, "news:index")


@require_POST
def unfollow(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.POST.get("next") or reverse("news:index"))
    target = _follow_target(request)
    if target is not None and services.follow_delete(user=request.user, target=target):
        texts, level = [_("You no longer follow %(name)s.") % {"name": target}], messages.SUCCESS
    else:
        texts, level = [_("You did not follow this: nothing was changed.")], messages.INFO
    return _follow_answer(request, target, texts, level, "news:follows")


def _follow_answer(request, target, texts, level, fallback):
    """Back to the page (with the message), or, for htmx, the button in its new state."""
    if is_htmx(request) and target is not None:
        return fragment(
            request,
            "news/_follow_button.html",
            follow_button_context(target, request.user, request.POST.get("next", "")),
            message=" ".join(str(text) for text in texts),
        )
    for text in texts:
        messages.add_message(request, level, text)
    return _back(request, fallback)


@login_required
def follows(request):
    """ "Mes abonnements": everything the member follows, each with a one-click unfollow."""
    follows = list(follows_of(request.user))
    return render(
        request,
        "news/follows.html",
        {
            "territories": [f.territory for f in follows if f.territory_id],
            "organisations": [f.organisation for f in follows if f.organisation_id],
            "members": [f.followed_user for f in follows if f.followed_user_id],
            "groups": [f.group for f in follows if f.group_id],
            "threads": [f.thread for f in follows if f.thread_id],
        },
    )
