"""Copy that read wrong: "Not quite. Not quite.", "1:17 p.m..", "After this lesson you can: The
learner can…", and texts that must say what the policy says (the home page's day fee, the
expiry email's months), not what it said once."""

import glob
import re
from datetime import date, timedelta

import pytest
from django.core import mail

from courses.selectors import feedback_after_verdict, objective_phrase
from enrollment.models import ApplicationStatus, CertificationPolicy
from enrollment.services import expiry
from tests.factories.enrollment import ApplicationFactory


@pytest.mark.parametrize(
    ("feedback", "correct", "shown"),
    [
        (
            "Not quite. The member defines their supports.",
            False,
            "The member defines their supports.",
        ),
        ("not quite. Lower case too.", False, "Lower case too."),
        ("No. A physician may be one.", False, "No. A physician may be one."),
        ("Correct. Fifteen minutes.", True, "Fifteen minutes."),
        ("Right. As defined by the consumer.", True, "Right. As defined by the consumer."),
        ("", False, ""),
    ],
)
def test_the_verdict_is_said_once(feedback, correct, shown):
    assert feedback_after_verdict(feedback, correct) == shown


@pytest.mark.parametrize(
    ("objective", "phrase"),
    [
        (
            "The learner can describe case management as linkage.",
            "describe case management as linkage.",
        ),
        ("Learners will be able to state the aims.", "state the aims."),
        ("Identify a person's strengths.", "Identify a person's strengths."),
    ],
)
def test_objectives_read_after_after_this_lesson_you_can(objective, phrase):
    assert objective_phrase(objective) == phrase


def test_no_time_is_written_with_a_dotted_pm_that_a_sentence_doubles():
    # "g:i a" renders "1:17 p.m."; a sentence's own period then makes "1:17 p.m..".
    offenders = [
        path
        for path in glob.glob("templates/**/*.*", recursive=True)
        if re.search(r'g:i a"', open(path, encoding="utf-8").read())
    ]
    assert offenders == []


@pytest.mark.django_db
def test_the_home_page_states_the_fee_and_the_deadline_the_policy_sets(client):
    policy = CertificationPolicy.load()
    policy.day_fee = 30
    policy.application_valid_months = 9
    policy.save()
    page = client.get("/").content.decode()
    assert "$30 per day" in page and "within 9 months" in page
    assert "$25" not in page and "six months" not in page


@pytest.mark.django_db
def test_the_expiry_email_states_the_months_the_policy_sets(django_capture_on_commit_callbacks):
    policy = CertificationPolicy.load()
    policy.application_valid_months = 9
    policy.save()
    ApplicationFactory(
        status=ApplicationStatus.APPROVED,
        submitted_on=date(2026, 4, 10),
        expires_on=date(2027, 1, 10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        expiry.applications_expire(today=date(2027, 1, 10) + timedelta(days=1))
    (message,) = mail.outbox
    assert "within 9 months of April 10, 2026" in message.body
    assert "six months" not in message.body and "six months" not in message.alternatives[0][0]
