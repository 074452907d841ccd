"""Each insight figure against a small case worked out by hand."""

from datetime import date, datetime, time, timedelta

import pytest

from certification.insights import agencies, classroom, pages, season
from certification.insights import exam as exam_insights
from certification.insights.pipeline import list_url, pipeline_counts, pipeline_figure
from certification.models import Renewal, VerificationRequest
from enrollment.models import ClassroomSession, Registration, WaitlistEntry
from exams.models import AttemptItem, AttemptStatus, ExamAttempt
from lms import clock
from lms.clock import LOCAL_TZ
from tests.factories.certification import at, certificate, employ, renewal, returned_event
from tests.factories.enrollment import ApplicationFactory, QualifyingAgencyFactory, UserFactory
from tests.factories.exams import make_candidate, make_item

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)
DUE = date(2026, 6, 30)
NEXT = date(2027, 6, 30)


# --- Pipeline -----------------------------------------------------------------------------------


def test_pipeline_counts_by_status_and_track_with_those_expiring_in_30_days(applicant):
    soon, later = TODAY + timedelta(days=10), TODAY + timedelta(days=40)
    ApplicationFactory(track="cm1", status="submitted", expires_on=soon)
    ApplicationFactory(track="cm1", status="submitted", expires_on=later)
    ApplicationFactory(track="cm2", status="returned", expires_on=TODAY + timedelta(days=30))
    ApplicationFactory(track="cm1", status="draft")
    ApplicationFactory(track="cm2", status="certified", expires_on=soon)
    ApplicationFactory(track="cm2", status="expired", expires_on=soon)
    data = pipeline_counts(TODAY)
    assert data["counts"] == {
        ("submitted", "cm1"): (2, 1),
        ("returned", "cm2"): (1, 1),
        ("draft", "cm1"): (1, 0),
    }
    assert data["accounts"] == 1  # the applicant who has not applied yet

    figure = pipeline_figure(TODAY)
    by_label = {str(row[0]): row for row in figure.rows}
    submitted = by_label["3. Staff review: Submitted, awaiting review"]
    assert [str(c) for c in submitted[1:]] == ["2", "0", "0", "0", "2", "1"]
    assert submitted[1].href == list_url("submitted", "cm1")
    assert submitted[1].href.endswith("?status=submitted&track=cm1")
    assert submitted[2].href == ""  # nothing to click through to
    assert submitted[5].href.endswith("?status=submitted")
    draft = by_label["2. Application: Draft"]
    assert str(draft[1]) == "1" and draft[1].href == ""  # the staff list has no drafts
    assert len(figure.rows) == 10  # step 1 and the nine live statuses
    assert f'href="{list_url("submitted", "cm1")}"' in figure.svg.replace("&amp;", "&")


# --- Renewal season -----------------------------------------------------------------------------


@pytest.fixture
def season_2026(db):
    """Six certificates due in 2026 (A–E, H), one issued in 2026 (not due), one revoked."""
    a = certificate(valid_through=NEXT, name="A")
    renewal(a, 2026, "approved", submitted=date(2026, 2, 2), decided_at=at(date(2026, 2, 20)))
    b = certificate(valid_through=DUE, name="B")
    renewal(b, 2026, "submitted", submitted=date(2026, 2, 10), audit_selected=True)
    c = certificate(valid_through=DUE, name="C")
    returned_event(renewal(c, 2026, "returned", submitted=date(2026, 2, 15)), date(2026, 3, 1))
    d = certificate(valid_through=DUE, name="D")
    renewal(d, 2026, "draft", started=date(2026, 3, 10))
    certificate(valid_through=DUE, name="E")
    certificate(valid_through=NEXT, issued_on=date(2026, 2, 1), name="F")
    certificate(valid_through=DUE, revoked_on=date(2026, 1, 15), name="G")
    h = certificate(valid_through=DUE, issued_on=date(2024, 5, 1), name="H")
    renewal(
        h,
        2025,
        "approved",
        started=date(2025, 2, 1),
        submitted=date(2025, 2, 20),
        decided_at=at(date(2025, 3, 1)),
    )


def test_season_counts_today(season_2026):
    assert season.season_counts(2026, TODAY) == {
        "due": 6,
        "renewed": 1,
        "submitted": 1,
        "returned": 1,
        "drawn": 1,
        "in_progress": 1,
        "denied": 0,
        "not_started": 2,
    }


def test_season_week_by_week_against_last_year(season_2026):
    weeks = season.season_weeks(2026, TODAY)
    assert len(weeks) == 26
    assert weeks[0].ends_on == date(2026, 1, 7) and weeks[-1].ends_on == date(2026, 6, 30)
    by_end = {w.ends_on: w for w in weeks}

    def row(day):
        w = by_end[day]
        return (w.renewed, w.submitted, w.returned, w.drawn, w.not_started)

    assert row(date(2026, 1, 7)) == (0, 0, 0, 0, 3)  # A, B, C started on Jan 5
    assert row(date(2026, 2, 4)) == (0, 1, 0, 0, 3)
    assert row(date(2026, 2, 11)) == (0, 2, 0, 1, 3)
    assert row(date(2026, 2, 18)) == (0, 3, 0, 1, 3)
    assert row(date(2026, 2, 25)) == (1, 3, 0, 1, 3)
    assert row(date(2026, 3, 4)) == (1, 3, 1, 1, 3)
    assert row(date(2026, 3, 11)) == (1, 3, 1, 1, 2)  # D started on Mar 10
    assert row(date(2026, 3, 18)) == (1, 3, 1, 1, 2)  # this week (began Mar 12)
    assert row(date(2026, 3, 25)) == (None,) * 5  # not begun yet
    # Last year's curve: H's 2025 renewal, submitted Feb 20 and approved Mar 1, 2025.
    assert [(w.last_year_submitted, w.last_year_renewed) for w in weeks[6:9]] == [
        (0, 0),
        (1, 0),
        (1, 1),
    ]
    figure = pages.renewals_page(TODAY)[1]
    assert figure.rows[7][:3] == [*map(figure.rows[7][0].__class__, ["2026-02-25", 1, 3])]
    assert "<polyline" in figure.svg and 'role="img"' in figure.svg


def _suspension(moment: datetime):
    with clock.frozen_at(moment):
        return pages.renewals_page(clock.today())[2]


def test_who_will_be_suspended_on_jul_1_across_the_jun_30_jul_1_edge():
    red_rock = QualifyingAgencyFactory(name="Red Rock Behavioral Health")
    prairie = QualifyingAgencyFactory(name="Prairie Wraparound")
    x = certificate(valid_through=DUE, name="Xavier Lane", agency=red_rock)
    employ(x.holder, agency=prairie)
    y = certificate(valid_through=DUE, name="Yara Moss")
    renewal(y, 2026, "submitted", submitted=date(2026, 6, 20))
    certificate(valid_through=NEXT, name="Zed Renewed", agency=red_rock)
    certificate(valid_through=date(2025, 6, 30), name="Terry Lapsed")
    certificate(valid_through=DUE, name="Newly Issued", issued_on=date(2026, 7, 2))

    last_minute = datetime.combine(DUE, time(23, 59), tzinfo=LOCAL_TZ)
    figure = _suspension(last_minute)
    assert figure.title == "Suspended on Jul 1, 2026 if nothing changes"
    assert [[str(c) for c in row[1:]] for row in figure.rows] == [
        ["Xavier Lane", "CM II", "Not started", "Prairie Wraparound, Red Rock Behavioral Health"],
        ["Yara Moss", "CM II", "Submitted: waiting for review", "No confirmed employer"],
    ]
    assert figure.rows[0][0].href.endswith(f"/certificates/{x.pk}/")
    assert figure.extra == {"count": 2, "suspended": None, "terminated": 1, "before": True}

    first_minute = datetime.combine(date(2026, 7, 1), time(0, 0), tzinfo=LOCAL_TZ)
    figure = _suspension(first_minute)
    assert figure.title == "Suspended since Jul 1, 2026 (not renewed)"
    assert figure.extra == {"count": 2, "suspended": 2, "terminated": 1, "before": False}

    # Yara's renewal is approved on Jul 1: she is no longer suspended.
    y.valid_through = NEXT
    y.save(update_fields=["valid_through"])
    Renewal.objects.filter(certification=y).update(status="approved")
    figure = _suspension(first_minute)
    assert [str(row[1]) for row in figure.rows] == ["Xavier Lane"]
    assert figure.extra["suspended"] == 1


# --- Classroom ----------------------------------------------------------------------------------


def _session(on: date, day: int, capacity: int, **kwargs):
    return ClassroomSession.objects.create(
        day=day,
        date=on,
        start_time=time(9),
        end_time=time(16),
        venue=kwargs.pop("venue", "Norman"),
        address="1 Main St",
        capacity=capacity,
        **kwargs,
    )


def _book(session, n: int, **kwargs):
    for _ in range(n):
        Registration.objects.create(
            application=ApplicationFactory(status="training_approved"),
            session=session,
            day=session.day,
            **kwargs,
        )


def test_classroom_fill_waitlists_and_no_shows():
    tomorrow = TODAY + timedelta(days=1)
    s1 = _session(tomorrow, 1, 10, venue="Norman")
    _book(s1, 3)
    _book(s1, 1, status="cancelled")
    for status in ("waiting", "waiting", "lapsed"):
        WaitlistEntry.objects.create(
            session=s1, application=ApplicationFactory(status="training_approved"), status=status
        )
    s2 = _session(tomorrow, 2, 5, venue="Tulsa")
    _book(s2, 5)
    _session(TODAY + timedelta(weeks=11), 1, 10)  # beyond the coming eight weeks
    _session(TODAY + timedelta(days=2), 1, 10, status="cancelled")
    past = _session(TODAY - timedelta(days=3), 1, 8)
    for attendance in ("present", "absent", "late", ""):
        _book(past, 1, attendance=attendance)
    _book(past, 1, status="cancelled", attendance="absent")

    sessions = classroom.session_fill(TODAY)
    assert [(s.pk, s.capacity, s.confirmed, s.waiting) for s in sessions] == [
        (s1.pk, 10, 3, 2),
        (s2.pk, 5, 5, 0),
    ]
    session_fig, day_fig, absent_fig = pages.classroom_page(TODAY)
    assert [[str(c) for c in row[1:]] for row in session_fig.rows] == [
        ["10", "3", "30.0", "2"],
        ["5", "5", "100.0", "0"],
    ]
    assert [[str(c) for c in row] for row in day_fig.rows] == [
        ["2026-03-17", "15", "8", "53.3", "2"]
    ]
    assert [[str(c) for c in row] for row in absent_fig.rows] == [
        ["2026-03-13", "4", "3", "1", "33.3"]
    ]


# --- Exam ---------------------------------------------------------------------------------------


def _attempt(application, number, percent, passed, finished_on):
    return ExamAttempt.objects.create(
        user=application.user,
        application=application,
        definition=application._exam,
        number=number,
        status=AttemptStatus.SUBMITTED,
        time_limit_minutes=30,
        deadline_at=at(finished_on),
        finished_at=at(finished_on),
        pass_mark_percent=60,
        feedback="score",
        percent=percent,
        passed=passed,
    )


def _served(attempt, position, item, right):
    AttemptItem.objects.create(
        attempt=attempt,
        position=position,
        item=item,
        revision_id=item.latest_revision_id,
        topic=item.topic,
        kind=item.kind,
        prompt=item.prompt,
        options=[],
        correct_keys=[],
        is_correct=right,
    )


def test_exam_pass_rates_topics_and_dubious_items_over_a_period(exam, topics):
    doc, bil = topics[0], topics[1]
    item_a, item_b = make_item(doc, 20), make_item(bil, 21)
    may = date(2026, 5, 10)

    def candidate(track):
        _, application = make_candidate()
        application.track = track
        application.save(update_fields=["track"])
        application._exam = exam
        return application

    u1, u2, u3, u4 = candidate("cm1"), candidate("cm1"), candidate("cm2"), candidate("cm2")
    graded = [
        (_attempt(u1, 1, 80, True, may), True, False),
        (_attempt(u2, 1, 40, False, may), False, True),
        (_attempt(u2, 2, 70, True, may + timedelta(days=2)), True, False),
        (_attempt(u3, 1, 90, True, may), True, False),
    ]
    for attempt, a_right, b_right in graded:
        _served(attempt, 0, item_a, a_right)
        _served(attempt, 1, item_b, b_right)
    outside = _attempt(u4, 1, 30, False, date(2026, 4, 30))
    _served(outside, 0, item_a, False)

    start, end = date(2026, 5, 1), date(2026, 5, 31)
    figures = {f.key: f for f in pages.exam_page(start, end)}
    assert [[str(c) for c in r] for r in figures["pass-by-track"].rows] == [
        ["CM I", "3", "2", "66.7"],
        ["CM II New Applicant", "1", "1", "100.0"],
    ]
    assert [[str(c) for c in r] for r in figures["pass-by-attempt"].rows] == [
        ["Attempt 1", "3", "2", "66.7"],
        ["Attempt 2", "1", "1", "100.0"],
    ]
    assert [[str(c) for c in r] for r in figures["topics"].rows] == [
        ["Billing", "4", "1", "25.0"],
        ["Documentation", "4", "3", "75.0"],
    ]
    # Item B is answered right only by the weakest candidate: discrimination −1.
    assert [[str(c) for c in r] for r in figures["dubious"].rows] == [
        ["BIL-21", "Billing", "4", "0.25", "-1.00"]
    ]
    # April 30 counts once the period includes it.
    assert exam_insights.pass_rates(date(2026, 4, 30), end, "number")[0] == {
        "key": 1,
        "attempts": 4,
        "passed": 2,
    }


# --- Agencies -----------------------------------------------------------------------------------


def test_agencies_may_bill_renewals_outstanding_and_verifications_pending():
    red_rock = QualifyingAgencyFactory(name="Red Rock Behavioral Health")
    prairie = QualifyingAgencyFactory(name="Prairie Wraparound")
    QualifyingAgencyFactory(name="Closed Agency", active=False)
    due = certificate(valid_through=DUE, agency=red_rock)  # may bill, renewal outstanding
    employ(due.holder, agency=prairie, ended_on=date(2026, 1, 1))  # left Prairie in January
    certificate(valid_through=NEXT, agency=red_rock)  # renewed: may bill
    certificate(valid_through=date(2025, 6, 30), agency=red_rock)  # terminated
    unconfirmed = certificate(valid_through=NEXT)
    employ(unconfirmed.holder, agency=red_rock, confirmed=False)
    for status in ("pending", "pending", "unlisted", "confirmed"):
        application = ApplicationFactory(agency=red_rock, status="approved")
        VerificationRequest.objects.create(
            application=application, person=application.user, agency=red_rock, status=status
        )
    rows = agencies.agency_rows(TODAY)
    assert [(r["name"], r["may_bill"], r["outstanding"], r["pending"]) for r in rows] == [
        ("Prairie Wraparound", 0, 0, 0),
        ("Red Rock Behavioral Health", 2, 1, 3),
    ]
    figure = pages.agencies_page(TODAY)[0]
    assert figure.rows[1][3].href.endswith(f"?agency={red_rock.pk}")
    assert "<svg" in figure.svg


def test_an_unemployed_holder_counts_nowhere():
    certificate(valid_through=DUE, holder=UserFactory())
    assert agencies.agency_rows(TODAY) == []
