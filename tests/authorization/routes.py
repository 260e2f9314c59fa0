"""Every route of the URL configuration and every operation of the API schema, with the URL
kwargs filled from the world (``world.build_world``)."""

import uuid

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

#: A placeholder of ``build_world``'s kwargs for each URL kwarg, by route (name or namespace).
#: A route with kwargs that no entry fills fails the matrix: say where its objects come from.
KWARGS = {
    "accounts:mandate_withdraw": {"pk": "pk:mandate"},
    "accounts:mandate_resubmit": {"pk": "pk:mandate"},
    "accounts:token_revoke": {"pk": "pk:token"},
    "members:profile": {"pk": "pk:member"},
    "organisations:invitation_accept": {"pk": "pk:org_invitation"},
    "organisations:invitation_decline": {"pk": "pk:org_invitation"},
    "organisations:invitation_cancel": {"slug": "slug:organisation", "pk": "pk:org_invitation"},
    "organisations:membership_role": {"slug": "slug:organisation", "pk": "pk:team_membership"},
    "organisations:membership_remove": {"slug": "slug:organisation", "pk": "pk:team_membership"},
    "organisations": {"slug": "slug:organisation"},
    "agenda:organisation_feed": {"slug": "slug:organisation"},
    "agenda:commune_feed": {"insee": "code:beauvais"},
    "agenda": {"pk": "pk:event", "slug": "slug:event"},
    "groups": {"slug": "slug:group", "pk": "pk:thread"},
    "notifications": {"pk": "pk:notification", "token": "=not-a-token"},
    "news:commune_rss": {"insee": "code:beauvais"},
    "news:commune_atom": {"insee": "code:beauvais"},
    "news": {"pk": "pk:post", "slug": "slug:post"},
    "officials": {"pk": "pk:official"},
    "consultations": {"pk": "pk:consultation", "slug": "slug:consultation"},
    "moderation:report": {"key": "=agenda.event", "pk": "pk:report_target"},
    "moderation": {"pk": "pk:decision"},
    "territories:commune": {"code": "code:beauvais", "slug": "slug:beauvais"},
    "territories:commune_short": {"code": "code:beauvais"},
    "territories:epci": {"code": "code:epci", "slug": "slug:epci"},
    "territories:epci_short": {"code": "code:epci"},
    "territories:arrondissement": {"code": "code:arrondissement", "slug": "slug:arrondissement"},
    "territories:arrondissement_short": {"code": "code:arrondissement"},
    "territories:departement": {"code": "code:departement", "slug": "slug:departement"},
    "territories:departement_short": {"code": "code:departement"},
    "privacy:download": {"public_id": "uuid"},
    "comments:create": {"target": "target:event"},
    "comments:react": {"target": "target:event"},
    "comments:reactions": {"target": "target:event"},
    "comments": {"pk": "pk:comment"},
    "conversations:organisation": {"slug": "slug:organisation"},
    "conversations:official": {"pk": "pk:official"},
    "conversations:event": {"pk": "pk:event"},
    "conversations:block": {"pk": "pk:blocked"},
    "conversations:unblock": {"pk": "pk:blocked"},
    "conversations": {"pk": "pk:conversation"},
    "localreports": {"pk": "pk:local_report"},
    "questions": {"pk": "pk:question", "slug": "slug:question"},
    "volunteers": {"pk": "pk:call", "slug": "slug:call"},
    "media": {"path": "=absent.png"},
    "account_confirm_email": {"key": "=not-a-key"},
    "account_reset_password_from_key": {"uidb36": "=0", "key": "=not-a-key"},
}
#: Placeholders of the API schema's path parameters, by path prefix.
API_PARAMS = {
    "/api/actualites/": {"id": "pk:post"},
    "/api/consultations/": {"id": "pk:consultation"},
    "/api/elus/": {"id": "pk:official"},
    "/api/evenements/": {"id": "pk:event", "occurrence_id": "occurrence_id"},
    "/api/groupes/": {
        "slug": "slug:group",
        "group_slug": "slug:group",
        "thread_pk": "pk:thread",
        "id": "message",
    },
    "/api/membres/": {"id": "pk:member"},
    "/api/organisations/": {"id": "organisation_pk"},
    "/api/territoires/": {"id": "territory_pk"},
    "/api/abonnements/": {"id": "pk:follow"},
    "/api/benevolat/": {"id": "pk:call"},
    "/api/commentaires/": {"id": "pk:comment"},
    "/api/messages/": {"id": "pk:conversation"},
    "/api/questions/": {"id": "pk:question"},
    "/api/signalements/": {"id": "pk:local_report"},
}
#: The thread's own id on the discussion detail (``id`` is the message elsewhere).
API_PARAMS_EXACT = {"/api/groupes/{group_slug}/discussions/{id}/": {"id": "pk:thread"}}


def _walk(patterns, namespace=None, prefix=""):
    """(name, pattern, full route) of every URL pattern."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if namespace and name:
                name = f"{namespace}:{name}"
            elif namespace == "admin":  # the admin's unnamed redirects and catch-all
                name = "admin:<unnamed>"
            yield name, pattern, prefix + str(pattern.pattern)


def url_routes():
    """{route name: URL kwarg names} of every named route, the admin's apart. An unnamed
    route without kwargs (allauth's redirects of its old social-account addresses) is listed
    under ``"/" + its path``; unnamed routes with kwargs under ``None``."""
    routes = {}
    for name, pattern, full in _walk(get_resolver().url_patterns):
        if name is None:
            if pattern.pattern.regex.groupindex or not str(pattern.pattern).endswith("/"):
                routes.setdefault(None, []).append(full)
            else:
                routes["/" + full] = set()
            continue
        if name.startswith("admin:"):
            continue
        if name.startswith("api-") and name not in {"api-root", "api-token-current"}:
            continue  # the API's routes: their operations come from the schema
        kwargs = set(pattern.pattern.regex.groupindex) - {"format"}
        routes.setdefault(name, set()).update(kwargs)
    return routes


def admin_routes():
    return sorted(
        name
        for name, pattern, _full in _walk(get_resolver().url_patterns)
        if name and name.startswith("admin:") and not pattern.pattern.regex.groupindex
    )


def _placeholder(value, world):
    if value.startswith("="):
        return value[1:]
    if value == "uuid":
        return str(uuid.UUID(int=1))
    return world[value]


def route_url(name, kwarg_names, world):
    if name.startswith("/"):  # an unnamed route, by its path
        return name
    if not kwarg_names:
        return reverse(name)
    sources = KWARGS.get(name) or KWARGS.get(name.split(":")[0], {})
    today = timezone.localdate()
    dates = {"year": today.year, "month": f"{today.month:02d}", "day": f"{today.day:02d}"}
    kwargs = {}
    for kwarg in kwarg_names:
        if kwarg in sources:
            kwargs[kwarg] = _placeholder(sources[kwarg], world)
        elif kwarg in dates:
            kwargs[kwarg] = dates[kwarg]
        elif kwarg in world:  # named after the object (``message``, ``ban_id``...)
            kwargs[kwarg] = world[kwarg]
        else:
            raise AssertionError(f"No value for the kwarg {kwarg!r} of route {name!r}: add it")
    return reverse(name, kwargs=kwargs)


def schema_operations():
    """{(path template, METHOD)} of the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method.upper())
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def api_url(path, world):
    params = dict(API_PARAMS_EXACT.get(path, {}))
    for prefix, values in API_PARAMS.items():
        if path.startswith(prefix):
            params = {**values, **params}
    url = path
    for name, placeholder in params.items():
        url = url.replace("{" + name + "}", str(world[placeholder]))
    assert "{" not in url, f"No value for a parameter of {path}: add it to API_PARAMS"
    return url
