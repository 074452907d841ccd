"""The six-month clock: reminders before expiry, and expiry itself.

Later capabilities (classroom seats, exam attempts) register an `expiry_hook`; expiry calls every
hook with the ids it just expired, inside the same transaction, so whatever hangs off an expired
application is closed together with it.
"""

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import transaction
from wagtail import hooks

from enrollment.models import Application, ApplicationReminder, ApplicationStatus
from enrollment.models.applications import CLOCK_RUNNING
from enrollment.selectors.applications import policy_get
from lms.services import audit_record_many, email_send

ExpiryHook = Callable[[list[int], date], None]
_EXPIRY_HOOKS: list[ExpiryHook] = []
ClosedHook = Callable[[list[int], str], None]
_CLOSED_HOOKS: list[ClosedHook] = []


def closed_hook(fn: ClosedHook) -> ClosedHook:
    """Register `fn(application_ids, why)` to run, inside the same transaction, whenever
    applications end (expired, denied, certified): what they had open (checkouts) closes too."""
    if fn not in _CLOSED_HOOKS:
        _CLOSED_HOOKS.append(fn)
    return fn


def applications_closed(application_ids: list[int], why: str) -> None:
    """Tell every `closed_hook` that these applications have ended. Call it inside the
    transaction that ends them."""
    for hook in _CLOSED_HOOKS:
        hook(list(application_ids), why)


def expiry_hook(fn: ExpiryHook) -> ExpiryHook:
    """Register `fn(application_ids, today)` to run when applications expire."""
    if fn not in _EXPIRY_HOOKS:
        _EXPIRY_HOOKS.append(fn)
    return fn


def applications_expire(*, today: date) -> list[int]:
    """Expire every application whose last day (`expires_on`) is before `today`.

    Set-based: one locked select, one update, one audit insert. Running it twice is harmless:
    the second run finds nothing. Nothing is refunded.
    """
    with transaction.atomic():
        rows = list(
            Application.objects.select_for_update(skip_locked=True)
            .filter(status__in=CLOCK_RUNNING, expires_on__lt=today)
            .values_list("pk", "status")
        )
        if not rows:
            return []
        ids = [pk for pk, _ in rows]
        Application.objects.filter(pk__in=ids).update(status=ApplicationStatus.EXPIRED)
        audit_record_many(
            actor=None,
            verb="application.expired",
            model=Application,
            changes=[(pk, status, ApplicationStatus.EXPIRED) for pk, status in rows],
            reason=f"Not completed within the time allowed (checked on {today.isoformat()}).",
        )
        for hook in _EXPIRY_HOOKS:
            hook(ids, today)
        applications_closed(ids, f"Application expired (checked on {today.isoformat()}).")
        valid_months = policy_get().application_valid_months
        for application in Application.objects.filter(pk__in=ids).select_related("user"):
            email_send(
                template="application_expired",
                to=[application.user.email],
                context={
                    "application": application,
                    "site_url": settings.WAGTAILADMIN_BASE_URL,
                    "valid_months": valid_months,
                },
            )
    return ids


def application_missing_items(application: Application) -> list[str]:
    """Hook "application_missing_items": each fn(application) returns a list of short phrases
    naming what the application still lacks ("the competency exam", "verification of
    employment by your employer"); the expiry reminder lists them all, in hook order."""
    items: list[str] = []
    for fn in hooks.get_hooks("application_missing_items"):
        items.extend(fn(application))
    return items


def application_reminders_send(*, today: date) -> int:
    """Send each open application the most urgent expiry reminder (60, 30, 7 days left by
    default) it has not had yet. Safe to run twice: a reminder is recorded before it is sent."""
    thresholds = sorted(policy_get().expiry_reminder_days)
    if not thresholds:
        return 0
    sent = 0
    candidates = Application.objects.filter(
        status__in=CLOCK_RUNNING, expires_on__gte=today
    ).select_related("user")
    for application in candidates.iterator():
        days_left = (application.expires_on - today).days
        due = [t for t in thresholds if days_left <= t]
        if not due:
            continue
        with transaction.atomic():
            _, created = ApplicationReminder.objects.get_or_create(
                application=application, days_left=due[0], defaults={"sent_on": today}
            )
            if created:
                email_send(
                    template="application_expiry_reminder",
                    to=[application.user.email],
                    context={
                        "application": application,
                        "days_left": days_left,
                        "missing": application_missing_items(application),
                        "site_url": settings.WAGTAILADMIN_BASE_URL,
                    },
                )
                sent += 1
    return sent
