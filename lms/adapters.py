from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group

from lms.roles import Role


class AccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up on the site is an applicant; other roles are given by staff."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            group, _ = Group.objects.get_or_create(name=Role.APPLICANT.value)
            user.groups.add(group)
        return user
