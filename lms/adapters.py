from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.auth.models import Group
from django.urls import reverse

from lms.landing import landing_for
from lms.roles import Role


class AccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up on the site is an applicant; other roles are given by staff.

    One account per person without telling strangers who has one: a sign-up with a known email
    reads like any other ("check your inbox"), and the owner is emailed to sign in or recover
    the account instead (ACCOUNT_PREVENT_ENUMERATION)."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            group, _ = Group.objects.get_or_create(name=Role.APPLICANT.value)
            user.groups.add(group)
        return user

    def send_mail(self, template_prefix, email, context):
        """allauth's account emails go through the outbox like every other email (written in the
        same transaction as the change, sent on commit, never lost)."""
        from lms.services import email_send_rendered

        message = self.render_mail(template_prefix, email, context)
        email_send_rendered(template=template_prefix, message=message)

    def send_account_already_exists_mail(self, email: str) -> None:
        from allauth.account.internal.flows.password_reset import get_reset_password_url

        request = context.request
        ctx = {
            "email": email,
            "login_url": request.build_absolute_uri(reverse("account_login")),
            "password_reset_url": get_reset_password_url(request),
        }
        self.send_mail("account/email/account_already_exists", email, ctx)

    def get_login_redirect_url(self, request):
        """Each role lands on its work (`lms.landing`); an explicit `next` still wins (allauth
        reads it before asking here)."""
        return landing_for(request.user).url
