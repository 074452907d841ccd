"""`seed_certification_demo`: the certified demo person may bill today, the lapsed one may not,
one application waits to be certified; running it again changes nothing."""

import pytest

from certification.demo import seed_certification_demo
from certification.models import Certification
from certification.selectors.certificates import ready_to_certify_list
from enrollment.rules import renewal_phase
from lms import clock
from lms.models import User

pytestmark = pytest.mark.django_db


def test_demo_certificates_and_idempotence(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://bhcm.example.org"
    numbers = seed_certification_demo()
    again = seed_certification_demo()
    assert numbers == again
    # certification's renewal demo adds three holders whenever a renewal is accepted today
    today = clock.today()
    renewals = renewal_phase(today.year, today) in ("open", "late")
    renewal_holders = {"renewing", "audited", "corrections"} if renewals else set()
    assert Certification.objects.count() == 2 + len(renewal_holders)
    assert numbers["ready@demo.bhcm.test"] == ""
    assert [a.user.email for a in ready_to_certify_list()] == ["ready@demo.bhcm.test"]

    certified = client.get(f"/verify/{numbers['certified@demo.bhcm.test']}.json").json()
    assert (certified["level"], certified["status"]) == ("CM II", "active")
    assert (certified["may_bill_t1017"], certified["modifier"]) == (True, "HN")
    lapsed = client.get(f"/verify/{numbers['lapsed@demo.bhcm.test']}.json").json()
    assert lapsed["status"] == "terminated" and lapsed["may_bill_t1017"] is False

    assert client.login(email="certified@demo.bhcm.test", password="demo-certified-pass")
    assert numbers["certified@demo.bhcm.test"] in client.get("/certificate/").text
    demo = set(
        User.objects.filter(email__endswith="@demo.bhcm.test").values_list("email", flat=True)
    )
    assert demo == {
        "agency@demo.bhcm.test",  # the agency part: the demo agency's attester
        "certified@demo.bhcm.test",
        "lapsed@demo.bhcm.test",
        "ready@demo.bhcm.test",
    } | {f"{word}@demo.bhcm.test" for word in renewal_holders}


def test_daily_task_publishes_the_calendar_suspension(settings, cert_staff):
    from datetime import date

    from certification.models import PublishedStatusList
    from certification.services.certificates import certification_issue
    from certification.tasks import status_lists_publish_task
    from lms import clock
    from tests.factories.certification import ready_application

    settings.WAGTAILADMIN_BASE_URL = "https://bhcm.example.org"
    with clock.frozen_at(date(2026, 3, 1)):
        cm2 = certification_issue(application=ready_application(), actor=cert_staff)
    assert PublishedStatusList.objects.count() == 2  # published at the first issue
    assert status_lists_publish_task.delay(today="2027-06-30").get() == []
    assert status_lists_publish_task.delay(today="2027-07-01").get() == ["suspension"]
    assert status_lists_publish_task.delay(today="2027-07-01").get() == []
    suspension = PublishedStatusList.objects.get(purpose="suspension")
    assert suspension.set_indexes == [cm2.status_index]


def test_dashboard_step_locked_current_done(settings, cert_staff):
    from certification.selectors.certificates import certification_dashboard_step
    from certification.services.certificates import certification_issue
    from tests.factories.certification import ready_application
    from tests.factories.enrollment import UserFactory

    settings.WAGTAILADMIN_BASE_URL = "https://bhcm.example.org"
    assert certification_dashboard_step(UserFactory())["state"] == "locked"
    application = ready_application()
    step = certification_dashboard_step(application.user)
    assert (step["state"], step["action_url"]) == ("current", "")
    certification = certification_issue(application=application, actor=cert_staff)
    step = certification_dashboard_step(application.user)
    assert step["state"] == "done" and certification.number in step["detail"]
    assert (step["action_url"], step["title"]) == ("/certificate/", "Certification")
