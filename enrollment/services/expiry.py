"""The six-month clock: reminders before expiry, and expiry itself.

Later capabilities (classroom seats, exam attempts) register an `expiry_hook`; expiry calls every
hook with the ids it just expired, inside the same transaction, so whatever hangs off an expired
application is closed together with it.
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from wagtail import hooks

from enrollment.models import Application, ApplicationReminder, ApplicationStatus
from enrollment.models.applications import CLOCK_RUNNING
from enrollment.selectors.applications import policy_get
from lms.bulk import insert_new_returning
from lms.services import audit_record_many, email_render, emails_send_many

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

    Set-based: the emails are rendered first, without a lock; then one locked select, one
    update, one audit insert and one outbox insert (for the rows this run locked). Running it
    twice is harmless: the second run finds nothing. Nothing is refunded.
    """
    due = Application.objects.filter(status__in=CLOCK_RUNNING, expires_on__lt=today)
    valid_months = policy_get().application_valid_months
    emails = {}
    for application in due.select_related("user"):
        application.status = ApplicationStatus.EXPIRED  # as the email describes it
        emails[application.pk] = email_render(
            template="application_expired",
            to=[application.user.email],
            context={
                "application": application,
                "site_url": settings.WAGTAILADMIN_BASE_URL,
                "valid_months": valid_months,
            },
        )
    if not emails:
        return []
    with transaction.atomic():
        rows = list(
            Application.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(emails), status__in=CLOCK_RUNNING, expires_on__lt=today)
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
        emails_send_many(emails[pk] for pk in ids)
    return ids


def application_missing_items(application: Application) -> list[str]:
    """Hook "application_missing_items": each fn(application) returns a list of short phrases
    naming what the application still lacks ("the competency exam", "verification of
    employment by your employer"); the expiry reminder lists them all, in hook order.
    Hook "application_missing_items_prefetch": each fn() returns the `prefetch_related` lookups
    its "application_missing_items" reads, so a list of applications asks them once."""
    items: list[str] = []
    for fn in hooks.get_hooks("application_missing_items"):
        items.extend(fn(application))
    return items


def _missing_items_prefetch() -> list:
    contributors = hooks.get_hooks("application_missing_items_prefetch")
    return [lookup for fn in contributors for lookup in fn()]


def _reminders_due(today: date, thresholds: list[int]) -> QuerySet[Application]:
    """Open applications inside the widest threshold, each annotated with the most urgent
    threshold it has reached (`threshold`), leaving out those already reminded at it."""
    threshold = Case(
        *[When(expires_on__lte=today + timedelta(days=t), then=Value(t)) for t in thresholds],
        output_field=IntegerField(),
    )
    reminded = ApplicationReminder.objects.filter(
        application=OuterRef("pk"), days_left=OuterRef("threshold")
    )
    return (
        Application.objects.filter(
            status__in=CLOCK_RUNNING,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=thresholds[-1]),
        )
        .annotate(threshold=threshold)
        .exclude(Exists(reminded))
        .select_related("user")
        .prefetch_related(*_missing_items_prefetch())
    )


def application_reminders_send(*, today: date) -> int:
    """Send each open application the most urgent expiry reminder (60, 30, 7 days left by
    default) it has not had yet. Set-based: one read, the emails rendered before any write,
    then one insert of the reminder rows (ON CONFLICT DO NOTHING RETURNING: only the rows this
    run recorded are emailed) and one outbox insert. Safe to run twice, also at once."""
    thresholds = sorted(policy_get().expiry_reminder_days)
    if not thresholds:
        return 0
    emails = {}
    for application in _reminders_due(today, thresholds):
        days_left = (application.expires_on - today).days
        emails[(application.pk, application.threshold)] = email_render(
            template="application_expiry_reminder",
            to=[application.user.email],
            context={
                "application": application,
                "days_left": days_left,
                "missing": application_missing_items(application),
                "site_url": settings.WAGTAILADMIN_BASE_URL,
            },
        )
    if not emails:
        return 0
    with transaction.atomic():
        recorded = insert_new_returning(
            ApplicationReminder,
            ["application", "days_left", "sent_on"],
            [(pk, threshold, today) for pk, threshold in emails],
            returning=["application", "days_left"],
        )
        emails_send_many(emails[key] for key in recorded)
    return len(recorded)
