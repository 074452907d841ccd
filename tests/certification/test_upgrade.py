"""The CM I Upgrade as a real reapplication: it starts from the person's own active CM I
certificate (found, not typed), is refused without one, and issuing the CM II supersedes the
CM I, whose public page says so."""

from datetime import date

import pytest

from certification.services.certificates import certification_issue
from enrollment.models import Application
from enrollment.rules import RuleViolation
from enrollment.services.applications import application_start
from lms import clock
from tests.factories.certification import employ, ready_application
from tests.factories.enrollment import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://bhcm.example.org"


def test_upgrade_refused_without_an_active_cm1(client):
    person = UserFactory()
    with pytest.raises(RuleViolation, match="active CM I certification"):
        application_start(user=person, track="cm1_upgrade")
    assert not Application.objects.filter(user=person).exists()
    client.force_login(person)
    response = client.post("/apply/start/", {"track": "cm1_upgrade"}, follow=True)
    assert "active CM I certification" in response.text
    assert not Application.objects.filter(user=person).exists()


def test_other_tracks_are_not_affected():
    assert application_start(user=UserFactory(), track="cm2").cm1_certificate_number == ""


def test_upgrade_starts_from_the_cm1_and_supersedes_it(client, cert_staff):
    with clock.frozen_at(date(2026, 2, 1)):
        cm1 = certification_issue(
            application=ready_application(track="cm1", highest_education="high_school"),
            actor=cert_staff,
        )
    person = cm1.holder
    with clock.frozen_at(date(2026, 4, 1)):
        upgrade = application_start(user=person, track="cm1_upgrade")
    assert upgrade.cm1_certificate_number == cm1.number

    Application.objects.filter(pk=upgrade.pk).update(status="employment_verified")
    employ(person)
    with clock.frozen_at(date(2026, 9, 1)):
        cm2 = certification_issue(application=upgrade, actor=cert_staff)
    cm1.refresh_from_db()
    assert cm2.level == "CM II"
    assert cm1.superseded_by == cm2 and cm1.superseded_on == date(2026, 9, 1)
    assert list(cm1.events.values_list("verb", flat=True)) == ["issued", "superseded"]

    before = client.get(f"/verify/{cm1.number}.json?on=2026-08-31").json()
    after = client.get(f"/verify/{cm1.number}.json?on=2026-09-01").json()
    assert (before["status"], before["modifier"]) == ("active", "HM")
    assert (after["status"], after["may_bill_t1017"]) == ("superseded", False)
    page = client.get(f"/verify/{cm1.number}/?on=2026-09-02")
    assert page.status_code == 200 and "Superseded" in page.text and cm2.number in page.text
    assert client.get(f"/verify/{cm2.number}.json?on=2026-09-02").json()["modifier"] == "HN"
