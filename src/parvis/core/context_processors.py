from django.conf import settings

from . import pagecache


def site(request):
    return {
        "site_name": settings.PARVIS_SITE_NAME,
        "contact_email": settings.PARVIS_CONTACT_EMAIL,
    }


def page_cache_placeholders(request):
    """While a visitor's page (or a member's fragment holding a form) is rendered for the page
    cache (``core.pagecache``), the CSRF token and the CSP nonce are placeholders: each
    response gets its own. Listed after Django's ``csrf`` (built in) and ``csp`` processors,
    which it overrides then only."""
    marks = getattr(request, pagecache.RENDERING, None)
    if marks:
        csrf, nonce = marks[:2]
        return {"csrf_token": csrf, "csp_nonce": nonce}
    return {}
