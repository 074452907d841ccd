"""`seed_demo` makes the whole path visible at once: upcoming sessions of Days 1-4 with the demo
trainer and seats, one demo applicant standing at each step, each able to sign in with the
README's password; running it again changes nothing. Both databases (marker `embedded`)."""

import pytest
from django.core.management import call_command

from enrollment.models import ClassroomSession, Registration, RegistrationStatus
from lms import clock
from lms.management.commands.seed_demo import DEMO_ACCOUNTS
from lms.models import AuditEvent, User

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

STEPS = {
    "submitted": "submitted",
    "returned": "returned",
    "approved": "approved",
    "trained": "training_complete",
    "booked": "training_approved",
    "attended": "training_approved",
    "examopen": "classroom_complete",
    "passed": "exam_passed",
}


def _seed(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_upcoming_sessions_of_each_day_with_the_demo_trainer_and_seats(settings):
    _seed(settings)
    upcoming = ClassroomSession.objects.filter(date__gt=clock.today()).order_by("day")
    assert [s.day for s in upcoming] == [1, 2, 3, 4]
    trainer = User.objects.get(email="trainer@demo.bhcm.test")
    assert all(list(s.trainers.all()) == [trainer] and s.capacity == 20 for s in upcoming)
    assert AuditEvent.objects.filter(verb="session.scheduled").count() == 4


def test_one_demo_applicant_at_each_step_with_a_login(client, settings):
    _seed(settings)
    for word, status in STEPS.items():
        user = User.objects.get(email=f"{word}@demo.bhcm.test")
        assert user.applications.get().status == status, word
        assert client.login(username=user.email, password=f"demo-{word}-pass"), word
    returned = User.objects.get(email="returned@demo.bhcm.test").applications.get()
    assert "phone" in returned.corrections
    booked = User.objects.get(email="booked@demo.bhcm.test").applications.get()
    confirmed = booked.registrations.filter(status=RegistrationStatus.CONFIRMED)
    assert sorted(confirmed.values_list("day", flat=True)) == [2, 3, 4]
    attended = User.objects.get(email="attended@demo.bhcm.test").applications.get()
    assert attended.registrations.filter(attendance="present").count() == 1


def test_running_it_again_changes_nothing(settings):
    _seed(settings)
    counts = (ClassroomSession.objects.count(), Registration.objects.count(), User.objects.count())
    _seed(settings)
    assert (
        ClassroomSession.objects.count(),
        Registration.objects.count(),
        User.objects.count(),
    ) == counts
    # lms's own accounts, plus the certificate holders certification's demo seeder adds
    certification_demo = {"certified", "lapsed", "ready", "renewing", "audited", "corrections"}
    expected = len(DEMO_ACCOUNTS) + len(certification_demo)
    assert expected == User.objects.filter(email__endswith="@demo.bhcm.test").count()
