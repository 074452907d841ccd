"""The login doors Django and Wagtail would serve next to allauth's, each turned into a redirect
to the one sign-in (`settings.LOGIN_URL`, allauth's), so every login gets allauth's email
verification, rate limits and MFA stage. There is no second way in."""

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from wagtail import views as wagtail_views
from wagtail.documents.views import serve as document_views

from lms.ratelimit import rate_limit


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


# Wagtail's shared-password forms for restricted pages and documents are not account logins,
# but they take guesses: the same limit per client address as a login.
PASSWORD_FORM_RATE = "10/m/ip,50/h/ip"
page_password_form = rate_limit("page_password", PASSWORD_FORM_RATE)(
    wagtail_views.authenticate_with_password
)
document_password_form = rate_limit("document_password", PASSWORD_FORM_RATE)(
    document_views.authenticate_with_password
)
