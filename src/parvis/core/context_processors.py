from django.conf import settings


def site(request):
    return {"site_name": settings.PARVIS_SITE_NAME}
