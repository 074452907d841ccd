from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group
from django.utils.html import format_html

from lms.landing import landing_for
from lms.roles import Role

# The seed's "DO NOT CREATE ANOTHER ACCOUNT", enforced: say why and point at recovery.
EMAIL_TAKEN = format_html(
    "An account with this email address already exists, and each person may have only one "
    'account. <a href="{}">Recover your password</a> to use it instead.',
    "/accounts/password/reset/",
)


class AccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up on the site is an applicant; other roles are given by staff."""

    error_messages = {**DefaultAccountAdapter.error_messages, "email_taken": EMAIL_TAKEN}

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            group, _ = Group.objects.get_or_create(name=Role.APPLICANT.value)
            user.groups.add(group)
        return user

    def get_login_redirect_url(self, request):
        """Each role lands on its work (`lms.landing`); an explicit `next` still wins (allauth
        reads it before asking here)."""
        return landing_for(request.user).url
