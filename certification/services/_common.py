"""Small helpers the certification services share: mail with the site address, who staff are."""

from collections.abc import Iterable

from django.conf import settings

from lms.models import User
from lms.roles import Role
from lms.services import RenderedEmail, email_render, emails_send_many


def mail(template: str, to: Iterable[str], **context) -> None:
    """One email per recipient (agency users never see each other's addresses)."""
    emails_send_many(mail_render(template, to, **context))


def mail_render(template: str, to: Iterable[str], **context) -> list[RenderedEmail]:
    """`mail`'s emails rendered, not yet in the outbox (to write many in one insert)."""
    context = {"site_url": settings.WAGTAILADMIN_BASE_URL, **context}
    return [
        email_render(template=template, to=[address], context=context)
        for address in sorted(set(to))
    ]


def staff_emails() -> list[str]:
    """Certification staff, who are told about employment that ends and employers to add."""
    return list(
        User.objects.filter(groups__name=Role.CERTIFICATION_STAFF.value, is_active=True)
        .values_list("email", flat=True)
        .distinct()
    )


def is_certification_staff(user: User) -> bool:
    return user.has_perm("enrollment.decide_application")
