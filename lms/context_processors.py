from django.conf import settings

from lms.roles import Role, has_role


def platform(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "PLATFORM_NAME": settings.WAGTAIL_SITE_NAME,
        "nav_trainer": bool(user and has_role(user, Role.TRAINER)),
    }
