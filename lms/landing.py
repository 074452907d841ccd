"""Where each role's work is: the page a person lands on after signing in, and the way out
offered on the 403 page. One table, read by the login adapter, the error pages and the
dashboard's "your work is elsewhere" note."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from lms.roles import Capability, Role, can, roles_of


@dataclass(frozen=True)
class Landing:
    url: str
    label: str  # a link text: what the person will do there
    admin: bool  # the page is in the Wagtail admin


def landing_for(user) -> Landing:
    """The one place a signed-in `user` starts from, by their strongest role: certification
    staff (and superusers) on the admin home with its "needs action" panels, content editors on
    the page tree, trainers on their sessions, agency users on the agency portal, everyone else
    (applicants) on the dashboard. Anonymous visitors get the sign-in page."""
    if not user.is_authenticated:
        return Landing(reverse("account_login"), "Sign in", admin=False)
    roles = roles_of(user)
    if user.is_superuser or Role.CERTIFICATION_STAFF in roles:
        return Landing(reverse("wagtailadmin_home"), "Open the staff admin", admin=True)
    if Role.CONTENT_EDITOR in roles:
        return Landing(reverse("wagtailadmin_explore_root"), "Open the page tree", admin=True)
    if Role.TRAINER in roles:
        return Landing(reverse("classroom:trainer-session-list"), "See your sessions", admin=False)
    if can(user, Capability.AGENCY_STAFF):
        portal = reverse("certification:agency-portal")
        return Landing(portal, "Open the agency portal", admin=False)
    return Landing(reverse("enrollment:dashboard"), "Go to your dashboard", admin=False)
