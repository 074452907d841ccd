"""The yearly clock through `manage.py daily --date` (issue 15 item 9, spec section 4): Jul 1
suspends what was not renewed by Jun 30, Jan 1 terminates what was not renewed at all, the
holder and the agency are told once, a terminated person waits 60 days to apply again, and the
holder's renewal reminders go out once each. Every run is safe to repeat."""

import io
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification.models import (
    AgencyAlert,
    AgencyMembership,
    AgencyRole,
    Certification,
    CertificationEvent,
    Employment,
    RenewalReminder,
)
from certification.services.calendar import (
    SUSPENDED,
    TERMINATED,
    calendar_notices_send,
    certifications_suspend,
    certifications_terminate,
    renewal_reminders_send,
)
from certification.services.certificates import certification_issue
from certification.services.credentials import status_lists_publish
from certification.tasks import calendar_notices_task
from enrollment.models import Application
from enrollment.rules import RuleViolation
from enrollment.selectors.applications import policy_get
from enrollment.services.applications import application_start
from lms import clock
from lms.celery import DAILY_JOBS
from lms.models import AuditEvent, OutboxMessage
from tests.factories.certification import bulk_certifications, ready_application
from tests.factories.enrollment import QualifyingAgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
ISSUED = date(2026, 3, 10)  # valid through 2027-06-30


@pytest.fixture
def watched(cert_staff):
    """A CM II certificate (valid through Jun 30, 2027) whose holder works at an agency with
    one user who wants status alerts."""
    with clock.frozen_at(ISSUED):
        application = ready_application()
        certification = certification_issue(application=application, actor=cert_staff)
    member = AgencyMembership.objects.create(
        user=UserFactory(email="alerts@agency.example"),
        agency=application.agency,
        role=AgencyRole.VIEWER,
    )
    mail.outbox.clear()
    return certification, member


@pytest.fixture
def daily(django_capture_on_commit_callbacks):
    """Run `manage.py daily --date <day>` with the clock on that day; returns its output."""

    def run(day: date) -> str:
        out = io.StringIO()
        with clock.frozen_at(day), django_capture_on_commit_callbacks(execute=True):
            call_command("daily", "--date", day.isoformat(), stdout=out)
        return out.getvalue()

    return run


def _sent(template: str, to: str | None = None) -> int:
    rows = OutboxMessage.objects.filter(template=template)
    return sum(1 for row in rows if to is None or row.recipients == [to])


def _verbs(certification) -> list[str]:
    return list(certification.events.values_list("verb", flat=True))


# --- the command ---------------------------------------------------------------------------


def test_the_command_runs_every_daily_job_and_says_what_each_did(daily):
    output = daily(date(2027, 7, 5))  # a Monday
    for job in DAILY_JOBS:
        assert f"  {job.name}: " in output
    assert "agency-weekly-digest: 0 agency digests sent" in output
    assert "certifications-suspend: 0 certifications suspended" in output
    assert "not run (only on mon)" in daily(date(2027, 7, 6))


def test_beat_runs_the_same_list():
    from lms.celery import app

    schedule = app.conf.beat_schedule
    for job in DAILY_JOBS:
        assert schedule[job.name]["task"] == job.task
    daily_tasks = {job.task for job in DAILY_JOBS}
    assert "certification.tasks.certifications_suspend_task" in daily_tasks
    assert "certification.tasks.renewal_reminders_task" in daily_tasks


def test_a_bad_date_is_refused_plainly():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("daily", "--date", "2027-13-01", stdout=io.StringIO())


# --- Jun 30 / Jul 1 / Dec 30 / Dec 31 / Jan 1 ----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "status", "verbs", "suspended_mails", "terminated_mails"),
    [
        (date(2027, 6, 30), "active", ["issued"], 0, 0),
        (date(2027, 7, 1), "suspended", ["issued", "suspended"], 1, 0),
        (date(2027, 12, 30), "suspended", ["issued", "suspended"], 0, 0),
        (date(2027, 12, 31), "suspended", ["issued", "suspended"], 0, 0),
        (date(2028, 1, 1), "terminated", ["issued", "terminated"], 0, 1),
    ],
)
def test_one_day_of_the_calendar(
    client, watched, daily, day, status, verbs, suspended_mails, terminated_mails
):
    certification, member = watched
    daily(day)
    assert _verbs(certification) == verbs
    assert _sent("certificate_suspended", certification.holder.email) == suspended_mails
    assert _sent("certificate_terminated", certification.holder.email) == terminated_mails
    with clock.frozen_at(day):
        facts = client.get(f"/verify/{certification.number}.json").json()
    assert facts["status"] == status
    assert facts["may_bill_t1017"] is (status == "active")


@pytest.mark.embedded  # `make run` is SQLite: the INSERT … SELECT must work there too
def test_jul_1_suspends_once_however_often_it_runs(watched, daily):
    certification, member = watched
    for day in (date(2027, 7, 1), date(2027, 7, 1), date(2027, 7, 2)):
        daily(day)
    event = certification.events.get(verb="suspended")
    assert (event.from_state, event.to_state, event.effective_on) == (
        "active",
        "suspended",
        date(2027, 7, 1),
    )
    assert _sent("certificate_suspended") == 1
    assert list(AgencyAlert.objects.values_list("change", flat=True)) == ["suspended"]
    assert _sent("agency_alert", member.user.email) == 1
    assert AuditEvent.objects.filter(verb="certification.suspended").count() == 1
    holder_mail = next(m for m in mail.outbox if m.to == [certification.holder.email])
    assert "December 30, 2027" in holder_mail.body
    assert "may not bill" in holder_mail.body


def test_the_suspension_bit_is_published_on_jul_1(client, watched, daily):
    from certification.credentials.status_list import decode_status_list, status_bit

    certification, _ = watched
    daily(date(2027, 7, 1))
    subject = client.get("/credentials/status/suspension").json()["credentialSubject"]
    bits = decode_status_list(subject["encodedList"])
    assert status_bit(bits, certification.status_index) == 1


def test_a_renewed_certification_is_left_alone(watched, daily):
    certification, _ = watched
    Certification.objects.filter(pk=certification.pk).update(valid_through=date(2028, 6, 30))
    daily(date(2027, 7, 1))
    daily(date(2028, 1, 1))
    assert _verbs(certification) == ["issued"]
    assert _sent("certificate_suspended") == _sent("certificate_terminated") == 0


@pytest.mark.embedded  # `make run` is SQLite: the INSERT … SELECT must work there too
def test_jan_1_terminates_once_and_tells_holder_and_agency(watched, daily):
    certification, member = watched
    daily(date(2027, 7, 1))
    for day in (date(2027, 12, 30), date(2027, 12, 31), date(2028, 1, 1), date(2028, 1, 1)):
        daily(day)
    assert _verbs(certification) == ["issued", "suspended", "terminated"]
    terminated = certification.events.get(verb="terminated")
    assert (terminated.from_state, terminated.effective_on) == ("suspended", date(2028, 1, 1))
    assert _sent("certificate_terminated") == 1
    assert sorted(AgencyAlert.objects.values_list("change", flat=True)) == [
        "suspended",
        "terminated",
    ]
    holder_mail = next(m for m in mail.outbox if m.subject == "Your certificate is terminated")
    assert "You may apply again from March 1, 2028" in holder_mail.body  # 2028 is a leap year


def test_a_late_back_fill_writes_history_but_no_old_news(watched, daily):
    certification, _ = watched
    daily(date(2027, 9, 1))  # the job never ran in July
    assert _verbs(certification) == ["issued", "suspended"]
    assert _sent("certificate_suspended") == 0


def test_revoked_and_not_yet_issued_certifications_are_not_suspended(daily):
    revoked, *_ = bulk_certifications(1, valid_through=date(2027, 6, 30))
    Certification.objects.filter(pk=revoked.pk).update(
        revoked_on=date(2027, 5, 1), revocation_reason="Fraud."
    )
    daily(date(2027, 7, 1))
    assert not CertificationEvent.objects.filter(verb="suspended").exists()


# --- reapplying after termination ------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_through", "day", "refused"),
    [
        (date(2027, 6, 30), date(2028, 1, 1), True),
        (date(2027, 6, 30), date(2028, 2, 29), True),  # leap year: Jan 1 + 60 days = Mar 1
        (date(2027, 6, 30), date(2028, 3, 1), False),
        (date(2026, 6, 30), date(2027, 3, 1), True),  # Jan 1 + 60 days = Mar 2
        (date(2026, 6, 30), date(2027, 3, 2), False),
        (date(2027, 6, 30), date(2027, 12, 31), False),  # suspended: may still renew
    ],
)
def test_a_new_application_waits_60_days_after_termination(valid_through, day, refused):
    (certification,) = bulk_certifications(1, valid_through=valid_through)
    holder = certification.holder
    with clock.frozen_at(day):
        if refused:
            with pytest.raises(RuleViolation, match="may start a new application on or after"):
                application_start(user=holder, track="cm2")
            assert not Application.objects.filter(user=holder).exists()
        else:
            application_start(user=holder, track="cm2")
            assert Application.objects.filter(user=holder).count() == 1


def test_the_apply_page_and_the_start_button_say_the_date(client):
    (certification,) = bulk_certifications(1, valid_through=date(2027, 6, 30))
    from django.contrib.auth.models import Group

    from lms.roles import Role

    holder = certification.holder
    holder.groups.add(Group.objects.get(name=Role.APPLICANT.value))
    client.force_login(holder)
    with clock.frozen_at(date(2028, 2, 1)):
        page = client.get("/apply/").content.decode()
        response = client.post("/apply/start/", {"track": "cm2"}, follow=True)
    message = (
        f"Your certificate {certification.number} was terminated on January 1, 2028 because it "
        "was not renewed. You may start a new application on or after March 1, 2028"
    )
    assert message in page
    assert 'name="track"' not in page.split("Already know your track?")[1].split("</section>")[0]
    assert message in response.content.decode()
    assert not Application.objects.filter(user=holder).exists()


# --- reminders -------------------------------------------------------------------------------

REMINDER_DAYS = [
    (date(2027, 1, 1), "opens"),
    (date(2027, 5, 31), "due_30"),
    (date(2027, 6, 23), "due_7"),
    (date(2027, 6, 29), "due_1"),
    (date(2027, 12, 23), "late_closes"),
]


@pytest.mark.embedded  # `make run` is SQLite: the INSERT … SELECT must work there too
def test_each_reminder_goes_once_on_its_day(watched, daily):
    certification, _ = watched
    for day, kind in REMINDER_DAYS:
        before = _sent("renewal_reminder")
        daily(day)
        daily(day)
        assert _sent("renewal_reminder") == before + 1, kind
        latest = RenewalReminder.objects.get(certification=certification, kind=kind)
        assert (latest.year, latest.sent_on) == (2027, day)
    daily(date(2027, 6, 30))
    daily(date(2027, 12, 30))
    assert _sent("renewal_reminder") == len(REMINDER_DAYS)
    subjects = [m.subject for m in mail.outbox if m.to == [certification.holder.email]]
    assert "Renew your certificate by June 30: 1 day left" in subjects
    assert "Last days to renew your suspended certificate (by December 30)" in subjects


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 12, 31), None),
        (date(2027, 5, 30), "opens"),  # a missed Jan 1 catches up
        (date(2027, 7, 1), None),  # June's reminders stop when the suspension starts
        (date(2027, 12, 22), None),
        (date(2027, 12, 31), None),
    ],
)
def test_reminders_between_the_dates(watched, daily, day, kind):
    daily(day)
    assert list(RenewalReminder.objects.values_list("kind", flat=True)) == ([kind] if kind else [])


def test_a_renewed_holder_is_not_reminded(watched, daily):
    certification, _ = watched
    Certification.objects.filter(pk=certification.pk).update(valid_through=date(2028, 6, 30))
    daily(date(2027, 5, 31))
    assert _sent("renewal_reminder") == 0


# --- set-based: the same number of queries for 10 and for 1,000 ----------------------------


def _queries(job, day: date) -> tuple[int, int]:
    ContentType.objects.get_for_model(Certification)  # the cache, warm as in production
    with clock.frozen_at(day), CaptureQueriesContext(connection) as queries:
        done = job(today=day)
    return len(queries), done if isinstance(done, int) else len(done)


@pytest.mark.parametrize(
    ("job", "valid_through", "day"),
    [
        (certifications_suspend, date(2027, 6, 30), date(2027, 7, 1)),
        (certifications_terminate, date(2027, 6, 30), date(2028, 1, 1)),
        (renewal_reminders_send, date(2027, 6, 30), date(2027, 6, 23)),
    ],
    ids=["suspend", "terminate", "remind"],
)
def test_a_sweep_costs_the_same_queries_for_10_and_1000(job, valid_through, day):
    counts = []
    for size, year in ((10, 0), (1000, 1)):  # next year's crowd, a hundred times larger
        on = day.replace(year=day.year + year)
        bulk_certifications(
            size, valid_through=valid_through.replace(year=valid_through.year + year)
        )
        with clock.frozen_at(on):
            status_lists_publish(today=on)  # the lists as the day's earlier runs left them
        queries, done = _queries(job, on)
        assert done == size
        counts.append(queries)
    assert counts[0] == counts[1]


def _employed_at_two_agencies(certifications) -> None:
    """Each holder confirmed at one of two agencies, each agency with one user who wants status
    alerts (and one who does not)."""
    agencies = [QualifyingAgencyFactory(), QualifyingAgencyFactory()]
    for agency in agencies:
        for wants in (True, False):
            AgencyMembership.objects.create(
                user=UserFactory(),
                agency=agency,
                role=AgencyRole.VIEWER,
                alert_status_changes=wants,
            )
    Employment.objects.bulk_create(
        Employment(
            person_id=c.holder_id,
            agency=agencies[i % 2],
            started_on=date(2020, 1, 1),
            confirmed_at=clock.now(),
        )
        for i, c in enumerate(certifications)
    )


@pytest.mark.parametrize(
    ("notice", "day"),
    [
        (SUSPENDED, date(2027, 7, 1)),
        (TERMINATED, date(2028, 1, 1)),
        ("reminder:7", date(2027, 6, 23)),
    ],
)
def test_a_batch_of_notices_costs_the_same_queries_for_10_and_1000(notice, day):
    counts = []
    for size, year in ((10, 0), (1000, 1)):
        on = day.replace(year=day.year + year)
        made = bulk_certifications(size, valid_through=date(2027 + year, 6, 30))
        _employed_at_two_agencies(made)
        ids = [c.pk for c in made]
        ContentType.objects.get_for_model(AgencyAlert)  # the caches, warm as in production
        policy_get()
        with clock.frozen_at(on), CaptureQueriesContext(connection) as queries:
            sent = calendar_notices_send(notice=notice, certification_ids=ids, today=on)
        assert sent == size
        counts.append(len(queries))
        holders = OutboxMessage.objects.filter(
            recipients__contains=made[-1].holder.email
        ).values_list("template", flat=True)
        template = {SUSPENDED: "certificate_suspended", TERMINATED: "certificate_terminated"}
        assert list(holders) == [template.get(notice, "renewal_reminder")]
        alerts = AgencyAlert.objects.filter(person__in=[c.holder_id for c in made])
        assert alerts.count() == (size if notice in (SUSPENDED, TERMINATED) else 0)
    assert counts[0] == counts[1]


@pytest.mark.embedded  # `make run` is SQLite: the alerts' INSERT … RETURNING too
def test_a_batch_of_status_notices_tells_each_holder_and_agency_once_by_name(
    django_capture_on_commit_callbacks,
):
    made = bulk_certifications(3, valid_through=date(2027, 6, 30))
    _employed_at_two_agencies(made)
    day = date(2027, 7, 1)
    with clock.frozen_at(day):
        first = calendar_notices_send(
            notice=SUSPENDED, certification_ids=[c.pk for c in made], today=day
        )
        again = calendar_notices_send(
            notice=SUSPENDED, certification_ids=[c.pk for c in made], today=day
        )
    assert (first, again) == (3, 0)
    assert OutboxMessage.objects.filter(template="certificate_suspended").count() == 3
    alerts = OutboxMessage.objects.filter(template="agency_alert")
    told = {m.subject.partition(": ")[2]: (m.recipients, m.subject, m.text) for m in alerts}
    assert len(alerts) == 3  # one per holder, to the one user at their agency who wants them
    wanted = AgencyMembership.objects.filter(alert_status_changes=True)
    by_agency = {m.agency.name: m.user.email for m in wanted}
    for certification in made:
        name = certification.holder.get_full_name()
        agency = certification.holder.employments.get().agency.name
        recipients, subject, text = told[name]
        assert recipients == [by_agency[agency]]
        assert subject == f"Certification suspended: {name}"
        assert f"case managers at {agency}: {name}" in text
    assert AuditEvent.objects.filter(verb="agency.alert_sent").count() == 3


@pytest.mark.embedded
@pytest.mark.parametrize(
    "notice, day, template",
    [
        (SUSPENDED, date(2027, 7, 1), "certificate_suspended"),
        (TERMINATED, date(2028, 1, 1), "certificate_terminated"),
        ("reminder:due_7", date(2027, 6, 23), "renewal_reminder"),
    ],
)
def test_a_notice_task_run_again_after_it_committed_emails_each_holder_once(notice, day, template):
    # acks_late: a worker lost after the task committed gets the same batch delivered again
    made = bulk_certifications(3, valid_through=date(2027, 6, 30))
    args = (notice, [c.pk for c in made], day.isoformat())
    with clock.frozen_at(day):
        first = calendar_notices_task.apply(args=args).get()
        again = calendar_notices_task.apply(args=args).get()
    assert (first, again) == (3, 0)
    written = OutboxMessage.objects.all()
    assert sorted(r for m in written for r in m.recipients) == sorted(c.holder.email for c in made)
    assert {m.template for m in written} == {template}


def test_the_same_notice_of_another_year_is_sent_again():
    made = bulk_certifications(1, valid_through=date(2027, 6, 30))
    certification = made[0]
    with clock.frozen_at(date(2027, 7, 1)):
        calendar_notices_send(
            notice=SUSPENDED, certification_ids=[certification.pk], today=date(2027, 7, 1)
        )
    # renewed late, then not renewed the next year: suspended again on Jul 1, 2028
    Certification.objects.filter(pk=certification.pk).update(valid_through=date(2028, 6, 30))
    with clock.frozen_at(date(2028, 7, 1)):
        again = calendar_notices_send(
            notice=SUSPENDED, certification_ids=[certification.pk], today=date(2028, 7, 1)
        )
    assert again == 1
    suspended = OutboxMessage.objects.filter(template="certificate_suspended")
    assert [m.recipients for m in suspended] == [[certification.holder.email]] * 2


@pytest.mark.parametrize(
    "day",
    [date(2027, 1, 1), date(2027, 5, 31), date(2027, 7, 5), date(2027, 12, 23), date(2028, 1, 3)],
)
def test_a_second_run_sends_and_writes_nothing(watched, daily, day):
    def counts():
        return [
            model.objects.count()
            for model in (
                OutboxMessage,
                CertificationEvent,
                RenewalReminder,
                AuditEvent,
                AgencyAlert,
            )
        ]

    daily(day)
    first = counts()
    daily(day)
    assert counts() == first
