"""Agency accounts: certification staff invite agency users by email, change their role or
remove them. An invited user gets an account with no usable password and an allauth
set-password link (the password-reset-from-key page), so the first sign-in proves the address.
"""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from certification.models import AgencyMembership, AgencyRole
from certification.services._common import is_certification_staff, mail
from enrollment.models import QualifyingAgency
from enrollment.rules import RuleViolation
from lms.models import User
from lms.roles import Role
from lms.services import audit_record


def _require_staff(actor: User) -> None:
    if not is_certification_staff(actor):
        raise RuleViolation("Only certification staff can manage agency users.")


def set_password_path(user: User) -> str:
    """allauth's password-reset-from-key address for `user` (valid until the password is set)."""
    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )


def agency_user_invite(
    *, email: str, agency: QualifyingAgency, role: str, actor: User
) -> AgencyMembership:
    """Invite `email` to act for `agency` as `role`. An existing account is added (and told);
    a new one is created without a usable password and sent a set-password link. Raises
    RuleViolation, writing nothing, when the person already belongs to an agency or is staff."""
    _require_staff(actor)
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email or "@" not in email:
        raise RuleViolation("Enter the person's email address.")
    role = AgencyRole(role)
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if created:
            user = User(email=email)
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        elif AgencyMembership.objects.filter(user=user).exists():
            raise RuleViolation(
                "This person already belongs to an agency; remove them there first."
            )
        elif is_certification_staff(user):
            raise RuleViolation("Certification staff cannot also be agency users.")
        membership = AgencyMembership.objects.create(
            user=user, agency=agency, role=role, invited_by=actor
        )
        user.groups.add(Group.objects.get(name=Role.AGENCY.value))
        audit_record(actor=actor, verb="agency_user.invited", obj=membership, to_state=role)
        link = set_password_path(user) if created else reverse("certification:agency-portal")
        mail("agency_invite", [email], membership=membership, link=link, new_account=created)
    return membership


def agency_user_role_change(
    *, membership: AgencyMembership, role: str, actor: User
) -> AgencyMembership:
    """Make an agency user an attester or a viewer; a no-op when already so."""
    _require_staff(actor)
    role = AgencyRole(role)
    with transaction.atomic():
        locked = AgencyMembership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == role:
            return locked
        from_state, locked.role = locked.role, role
        locked.save(update_fields=["role"])
        audit_record(
            actor=actor,
            verb="agency_user.role_changed",
            obj=locked,
            from_state=from_state,
            to_state=role,
        )
        mail("agency_role_changed", [locked.user.email], membership=locked)
    return locked


def agency_user_remove(*, membership: AgencyMembership, actor: User) -> None:
    """Remove an agency user: the membership goes and so does the Agency group; the account
    stays (it may hold an application of its own)."""
    _require_staff(actor)
    with transaction.atomic():
        locked = AgencyMembership.objects.select_for_update().get(pk=membership.pk)
        user, agency_name = locked.user, locked.agency.name
        audit_record(actor=actor, verb="agency_user.removed", obj=locked, from_state=locked.role)
        locked.delete()
        user.groups.remove(Group.objects.get(name=Role.AGENCY.value))
        mail("agency_removed", [user.email], agency_name=agency_name)


def agency_alerts_choose(
    *, membership: AgencyMembership, status_changes: bool, weekly_digest: bool
) -> AgencyMembership:
    """The agency user chooses which alerts they get."""
    with transaction.atomic():
        locked = AgencyMembership.objects.select_for_update().get(pk=membership.pk)
        before = f"changes={locked.alert_status_changes},digest={locked.alert_weekly_digest}"
        locked.alert_status_changes, locked.alert_weekly_digest = status_changes, weekly_digest
        locked.save(update_fields=["alert_status_changes", "alert_weekly_digest"])
        after = f"changes={status_changes},digest={weekly_digest}"
        if before != after:
            audit_record(
                actor=locked.user,
                verb="agency_user.alerts_chosen",
                obj=locked,
                from_state=before,
                to_state=after,
            )
    return locked
