"""Certification staff land on an admin home that says what needs action: each item a count and
a link to the list filtered to exactly those rows. Runs on both databases (marker `embedded`)."""

import re
from datetime import timedelta

import pytest

from enrollment.models import ApplicationStatus as S
from exams.models import AccommodationRequest
from lms import clock
from payments.models import Payment
from tests.factories.enrollment import ApplicationFactory, make_session

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def _panel(page: str) -> dict[str, tuple[int, str]]:
    """{label: (count, href)} of the "Needs action" panel."""
    found = re.findall(r'<li><a href="([^"]+)"><strong>(\d+)</strong> ([^<]+)</a>', page)
    return {
        label.strip(): (int(count), html_url.replace("&amp;", "&"))
        for html_url, count, label in found
    }


def _listed(client, url: str, needle: str) -> int:
    return client.get(url).content.decode().count(needle)


def test_staff_admin_home_counts_what_needs_action_and_links_to_it(client, cert_staff):
    now = clock.now()
    for name in ("Awaitfirst", "Awaitsecond"):
        ApplicationFactory(status=S.SUBMITTED, legal_last_name=name, last_submitted_at=now)
    ApplicationFactory(
        status=S.SUBMITTED, legal_last_name="Backagain", decided_at=now, last_submitted_at=now
    )
    ApplicationFactory(status=S.TRAINING_COMPLETE, legal_last_name="Trainedone")
    ApplicationFactory(status=S.APPROVED, legal_last_name="Notlisted")
    held = make_session(on=clock.today() - timedelta(days=1), venue="Held Yesterday")
    make_session(on=clock.today() + timedelta(days=5), venue="Next Week")
    paid = ApplicationFactory(status=S.TRAINING_APPROVED)
    Payment.objects.create(application=paid, amount_cents=2500, flagged=True, flag_reason="x")
    Payment.objects.create(application=paid, amount_cents=2500, checkout_session_id="cs_ok")
    AccommodationRequest.objects.create(
        user=paid.user, kind="minutes", amount=10, reason="Reading."
    )

    client.force_login(cert_staff)
    page = client.get("/admin/").content.decode()
    assert "Needs action" in page
    panel = _panel(page)
    assert {label: count for label, (count, _) in panel.items()} == {
        "applications awaiting review": 3,
        "resubmitted after return": 1,
        "training awaiting approval": 1,
        "sessions to lock": 1,
        "extra-time requests": 1,
        "flagged payments": 1,
    }
    review = client.get(panel["applications awaiting review"][1]).content.decode()
    assert "Awaitfirst" in review and "Backagain" in review and "Notlisted" not in review
    resubmitted = client.get(panel["resubmitted after return"][1]).content.decode()
    assert "Backagain" in resubmitted and "Awaitfirst" not in resubmitted
    training = client.get(panel["training awaiting approval"][1]).content.decode()
    assert "Trainedone" in training and "Awaitfirst" not in training
    to_lock = client.get(panel["sessions to lock"][1]).content.decode()
    assert held.venue in to_lock and "Next Week" not in to_lock
    flagged = client.get(panel["flagged payments"][1])
    assert flagged.status_code == 200
    assert client.get(panel["extra-time requests"][1]).status_code == 200


def test_editors_see_no_staff_counts(client, editor):
    ApplicationFactory(status=S.SUBMITTED)
    client.force_login(editor)
    page = client.get("/admin/").content.decode()
    assert "Needs action" not in page and "awaiting review" not in page
