from django.conf import settings


def site(request):
    return {
        "site_name": settings.PARVIS_SITE_NAME,
        "contact_email": settings.PARVIS_CONTACT_EMAIL,
    }
