import itertools
import os
import subprocess
import sys
from datetime import date, time, timedelta
from pathlib import Path

import factory
from allauth.account.models import EmailAddress
from django.core import mail
from icalendar import Calendar

from enrollment.models import Application, ApplicationStatus, ClassroomSession, EmployeeConfirmation
from enrollment.rules import application_expires_on
from lms import clock
from lms.models import User
from payments.models import Payment, PaymentLineItem, PaymentStatus

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class QualifyingAgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrollment.QualifyingAgency"

    name = factory.Sequence(lambda n: f"Community Mental Health Center {n}")
    contract_type = "111"
    city = "Norman"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft whose four sections are complete for its track (a high-school CM I by default)."""

    class Meta:
        model = "enrollment.Application"

    user = factory.SubFactory(UserFactory)
    track = "cm1"
    legal_first_name = factory.LazyAttribute(lambda o: o.user.first_name)
    legal_last_name = factory.LazyAttribute(lambda o: o.user.last_name)
    date_of_birth = factory.Sequence(lambda n: date(1980, 1, 1) + timedelta(days=n))
    phone = "405-555-0100"
    address_line1 = "1200 N Lincoln Blvd"
    city = "Oklahoma City"
    state = "OK"
    postal_code = "73105"
    county = "Oklahoma"
    highest_education = "high_school"
    months_experience = 40
    agency = factory.SubFactory(QualifyingAgencyFactory)
    job_title = "Case manager"
    employment_start_date = date(2024, 3, 1)


# --- Applications ready to book, paid days, sessions, calendar files ---------------------------


def pay(application: Application, day: int) -> PaymentLineItem:
    """A paid day fee, as a verified Stripe webhook leaves it."""
    payment = Payment.objects.create(
        application=application,
        status=PaymentStatus.PAID,
        amount_cents=2500,
        paid_at=clock.now(),
    )
    return PaymentLineItem.objects.create(
        payment=payment,
        kind=PaymentLineItem.Kind.DAY_FEE,
        day=day,
        description=f"Classroom training fee, Day {day}",
        amount_cents=2500,
    )


def confirm_employee(application: Application) -> None:
    """Certification staff confirmed the applicant's ODMHSAS employment."""
    EmployeeConfirmation.objects.create(application=application)


def application_at(
    status: str = ApplicationStatus.SUBMITTED, *, submitted_on: date | None = None, **fields
) -> Application:
    """An application put straight at `status`, dated as the steps before it leave it: first and
    last submitted on `submitted_on` (30 days ago by default), alive for the policy's six months
    from then. A draft has no dates. The steps in between are other tests' job; `fields` override
    anything (an `expires_on` of a test's own, a track, a person)."""
    if status == ApplicationStatus.DRAFT:
        return ApplicationFactory(status=status, **fields)
    submitted_on = submitted_on or clock.today() - timedelta(days=30)
    defaults = {
        "status": status,
        "submitted_on": submitted_on,
        "last_submitted_at": clock.local_midnight(submitted_on) + timedelta(hours=9),
        "expires_on": application_expires_on(submitted_on),
    }
    return ApplicationFactory(**{**defaults, **fields})


def ready(
    *, track="cm1", paid=(1, 2), status=ApplicationStatus.TRAINING_APPROVED, **fields
) -> Application:
    """An application whose web-based training is approved, with the given days paid."""
    application = application_at(status, track=track, **fields)
    for day in paid:
        pay(application, day)
    return application


def nothing_written(application: Application) -> bool:
    """A refused booking left no registration, no registration audit and no email."""
    from django.core import mail

    from enrollment.models import Registration
    from lms.models import AuditEvent

    return (
        not Registration.objects.filter(application=application).exists()
        and not AuditEvent.objects.filter(verb__startswith="registration.").exists()
        and not mail.outbox
    )


def make_session(*, day=1, on=None, capacity=20, start=time(9), end=time(16), **fields):
    """A scheduled session, by default two weeks ahead."""
    defaults = {
        "venue": "ODMHSAS Training Center",
        "address": "2000 N Classen Blvd, Oklahoma City, OK",
        "room": "Room 210",
    }
    return ClassroomSession.objects.create(
        day=day,
        date=on or clock.today() + timedelta(days=14),
        start_time=start,
        end_time=end,
        capacity=capacity,
        **{**defaults, **fields},
    )


def ics_of(message) -> Calendar:
    """The calendar file attached to an email, parsed."""
    files = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(files) == 1, message.attachments
    assert files[0][2] == "text/calendar"
    return Calendar.from_ical(files[0][1])


def event_of(message):
    calendar = ics_of(message)
    return calendar, calendar.walk("VEVENT")[0]


# --- The certification policy form, and a production process's environment ----------------

POLICY_FORM = {
    "day_fee": "30.00",
    "reapplication_fee": "15.00",
    "renewal_fee": "15.00",
    "late_fee": "25.00",
    "application_valid_months": "6",
    "reapply_wait_days": "60",
    "ceu_total_hours": "12",
    "ceu_ethics_hours": "3",
    "ceu_strengths_hours": "3",
    "audit_rate_percent": "10",
    "waitlist_offer_hours": "48",
    "expiry_reminder_days": "60,30,7",
    "session_reminder_days": "3",
}


EXAMPLE_ENV = {
    "SECRET_KEY": "an-example-production-secret-key-that-is-long-and-random-4f8a1c9e2b7d",
    "ALLOWED_HOSTS": "bhcm.example.org",
    "DATABASE_URL": "postgres://lms:pw@db.example.org:5432/lms",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
    "CACHE_URL": "redis://redis.example.org:6379/1",
    "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
    "EMAIL_HOST": "smtp.example.org",
    "WAGTAILADMIN_BASE_URL": "https://bhcm.example.org",
    # an example Ed25519 seed (32 bytes, base64): never a real key
    "CREDENTIAL_SIGNING_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "AWS_STORAGE_BUCKET_NAME": "bhcm-private",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "example-object-store-secret",
    "AWS_S3_REGION_NAME": "us-east-2",
}

# Where the embedded default would write files: never set for production.
LOCAL_PATHS = ("LMS_VAR_DIR", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "AWS_S3_ENDPOINT_URL")


def manage_production(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """manage.py under the production settings with `env`, as a fresh production process."""
    # A production process starts with none of the test run's own variables.
    dropped = {*EXAMPLE_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", *LOCAL_PATHS}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=lms.settings.production"],
        cwd=Path(__file__).resolve().parents[2],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- Many rows at once (the query-count tests of sweeps and lists) ----------------------------

_batch = itertools.count()


def bulk_applications(n: int, **fields) -> list[Application]:
    """`n` applications like one ApplicationFactory(**fields), each with its own person."""
    template = ApplicationFactory(**fields)
    tag = next(_batch)
    users = User.objects.bulk_create(
        User(email=f"bulk{tag}-{i}@example.org", first_name=f"Person{i}") for i in range(n - 1)
    )
    values = {
        f.attname: getattr(template, f.attname)
        for f in Application._meta.concrete_fields
        if not f.primary_key and f.name != "user"
    }
    return [
        template,
        *Application.objects.bulk_create(Application(**values, user=u) for u in users),
    ]


def set_status(application: Application, status: ApplicationStatus) -> Application:
    """Put an application at a later step directly (the steps between are other tests' job)."""
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    mail.outbox.clear()
    return application
