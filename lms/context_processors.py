from django.conf import settings


def platform(request) -> dict:
    return {"PLATFORM_NAME": settings.WAGTAIL_SITE_NAME}
