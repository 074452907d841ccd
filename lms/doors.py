"""The login doors Django and Wagtail would serve next to allauth's, each turned into a redirect
to the one sign-in (`settings.LOGIN_URL`, allauth's), so every login gets allauth's email
verification, rate limits and MFA stage. There is no second way in."""

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache


@never_cache
def login_door(request, *args, **kwargs):
    """Wagtail's `/admin/login/`, `/_util/login/` and Django admin's login: go to allauth's login,
    keeping `next` (allauth checks it is a safe, same-site address before following it)."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME) or "/"
    return redirect_to_login(next_url, login_url=settings.LOGIN_URL)


@never_cache
def password_reset_door(request, *args, **kwargs):
    """Wagtail's own password reset pages: allauth's reset is the only one (rate limited, and it
    reads the same whether or not the address has an account)."""
    return HttpResponseRedirect(reverse("account_reset_password"))
