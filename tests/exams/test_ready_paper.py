"""Papers drawn ahead: the exam's front page draws the person's paper when they may start (an
attempt in status READY, with its items and its page), and Start only stamps it (the time and
the deadline), keeping every guarantee."""

from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Revision

from enrollment.models import Application, ApplicationStatus
from enrollment.services.expiry import applications_expire
from exams.models import (
    AttemptStatus,
    BlueprintRow,
    ExamAttempt,
    ExamDefinition,
    ExamItem,
    ItemStatus,
)
from exams.rules import RuleViolation
from exams.selectors import exam_availability
from exams.services.access import accommodation_approve, accommodation_request_create
from exams.services.attempts import (
    AttemptNotFound,
    attempt_answer_save,
    attempt_start,
    attempt_submit,
    paper_prepare,
)
from exams.services.bank import item_status_set
from lms import clock
from lms.models import AuditEvent
from tests.factories.exams import T0, later, make_candidate, signed_in

pytestmark = pytest.mark.django_db


def _ids(paper_or_attempt) -> list[int]:
    return list(paper_or_attempt.items.order_by("position").values_list("item_id", flat=True))


def _ready(user) -> list[ExamAttempt]:
    return list(ExamAttempt.all_objects.filter(user=user, status=AttemptStatus.READY))


def _topics(paper_or_attempt) -> Counter:
    return Counter(paper_or_attempt.items.values_list("topic_id", flat=True))


def test_the_front_page_draws_the_paper_and_start_serves_it(exam, candidate):
    assert signed_in(candidate).get("/exam/").status_code == 200
    (paper,) = _ready(candidate)
    assert _topics(paper) == Counter(dict(exam.blueprint.values_list("topic_id", "item_count")))
    assert all(paper.items.values_list("correct_keys", flat=True))
    drawn = paper.items.get(position=0)
    with CaptureQueriesContext(connection) as captured:
        attempt = attempt_start(user=candidate, now=T0)
    assert attempt.pk == paper.pk and _ids(attempt) == _ids(paper)  # the paper, started
    assert not _ready(candidate)
    # no draw at Start: the bank's items and options are not read
    assert not [q for q in captured if '"exams_itemoption"' in q["sql"]]
    assert attempt.deadline_at == later(30) and attempt.started_at == T0
    served = attempt.items.get(position=0)
    assert served.options == drawn.options
    assert served.revision_id == drawn.revision_id is not None


def test_drawing_again_is_a_no_op_and_refused_when_they_may_not_start(exam, candidate, applicant):
    first = paper_prepare(user=candidate, now=T0)
    assert paper_prepare(user=candidate, now=T0).pk == first.pk
    assert [p.pk for p in _ready(candidate)] == [first.pk]
    assert paper_prepare(user=applicant, now=T0) is None  # no application: nothing drawn
    assert not _ready(applicant)


def test_one_active_attempt_even_with_a_paper(exam, candidate):
    paper_prepare(user=candidate, now=T0)
    attempt = attempt_start(user=candidate, now=T0)
    assert paper_prepare(user=candidate, now=later(1)) is None  # under way: no new paper
    assert attempt_start(user=candidate, now=later(1)).pk == attempt.pk
    assert ExamAttempt.objects.filter(user=candidate).count() == 1


def test_start_resumes_the_attempt_under_way_after_the_window_closed_despite_a_late_paper(
    exam, candidate
):
    # The front page read "may start" while Start in another tab began the attempt, then drew
    # a paper: the person has an attempt under way and a paper.
    front_page = exam_availability(user=candidate, now=T0)
    attempt = attempt_start(user=candidate, now=T0)
    assert paper_prepare(user=candidate, availability=front_page, now=T0) is not None
    ExamDefinition.objects.filter(pk=exam.pk).update(closes_at=later(10))
    # Past the window, within the 30 minutes: Start takes them back to their attempt.
    assert attempt_start(user=candidate, now=later(15)).pk == attempt.pk


def test_a_paper_drawn_before_an_item_was_flagged_is_redrawn(exam, candidate, editor):
    paper = paper_prepare(user=candidate, now=T0)
    flagged = ExamItem.objects.get(pk=_ids(paper)[0])
    item_status_set(item=flagged, to=ItemStatus.NEEDS_REVIEW, actor=editor, reason="Check it.")
    assert not ExamAttempt.all_objects.filter(pk=paper.pk).exists()  # dropped, with its items
    attempt = attempt_start(user=candidate, now=T0)
    assert flagged.pk not in _ids(attempt)
    assert Counter(attempt.items.values_list("topic_id", flat=True)) == Counter(
        dict(exam.blueprint.values_list("topic_id", "item_count"))
    )


def test_start_checks_the_paper_itself(exam, candidate):
    """Changed behind the services' back (no flag hook ran): Start still draws again."""
    paper = paper_prepare(user=candidate, now=T0)
    retired = _ids(paper)[1]
    ExamItem.objects.filter(pk=retired).update(status=ItemStatus.RETIRED)
    attempt = attempt_start(user=candidate, now=T0)
    assert retired not in _ids(attempt)
    assert all(i.item.status == ItemStatus.ACTIVE for i in attempt.items.select_related("item"))


def test_drawing_a_paper_adds_no_revision_to_the_items(exam, candidate):
    # the editors' history of an item holds their edits, not one entry per candidate's draw
    before = Revision.objects.count()
    paper = paper_prepare(user=candidate, now=T0)
    attempt_start(user=candidate, now=T0)
    assert Revision.objects.count() == before
    served = dict(paper.items.values_list("item_id", "revision_id"))
    latest = dict(ExamItem.objects.filter(pk__in=served).values_list("pk", "latest_revision_id"))
    assert served == latest


def test_an_item_edited_after_the_draw_is_served_at_its_new_revision(exam, candidate):
    paper = paper_prepare(user=candidate, now=T0)
    item = ExamItem.objects.get(pk=_ids(paper)[0])
    item.prompt = "Rewritten question?"
    item.save()
    revision = item.save_revision()
    attempt = attempt_start(user=candidate, now=T0)
    served = attempt.items.filter(item=item).first()
    if served is not None:  # drawn again (at random): if it is on the new paper, it is current
        assert (served.prompt, served.revision_id) == ("Rewritten question?", revision.pk)
    assert all(
        i.revision_id == i.item.latest_revision_id for i in attempt.items.select_related("item")
    )


def test_after_an_attempt_the_next_paper_is_drawn_afresh(exam, candidate):
    first = attempt_start(user=candidate, now=T0)
    attempt_submit(attempt=first, actor=candidate, via="candidate", now=later(5))
    assert paper_prepare(user=candidate, now=later(10)) is None  # the retake wait (24 h)
    paper = paper_prepare(user=candidate, now=later(25 * 60))
    second = attempt_start(user=candidate, now=later(25 * 60))
    assert second.number == 2 and _ids(second) == _ids(paper)


# --- Start with a ready paper decides as the exam's page does, at the moment of Start ---------


def _expire(application):
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.EXPIRED)


def _pass(application):
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.EXAM_PASSED)


def _close(application):
    ExamDefinition.objects.filter(is_active=True).update(closes_at=T0 - timedelta(minutes=1))


def _no_attempts_left(application):
    ExamDefinition.objects.filter(is_active=True).update(attempts_allowed=0)


@pytest.mark.parametrize(
    "change, message",
    [
        (_expire, "classroom day"),
        (_pass, "passed"),
        (_close, "closed"),
        (_no_attempts_left, "attempts"),
    ],
)
def test_what_changed_after_the_paper_was_drawn_refuses_start(exam, change, message):
    user, application = make_candidate()
    paper = paper_prepare(user=user, now=T0)
    change(application)
    expected = exam_availability(user=user, now=T0).refusal
    assert expected and message in expected.lower()
    with pytest.raises(RuleViolation) as refused:
        attempt_start(user=user, now=T0)
    assert str(refused.value) == expected  # the message the exam's page shows
    assert not ExamAttempt.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(verb="exam_attempt.started").exists()
    if change is not _expire:  # a refused Start changes nothing (an ended application
        assert [p.pk for p in _ready(user)] == [paper.pk]  # has no paper to keep)


def test_start_with_a_paper_stores_what_a_paper_drawn_at_start_stores(
    exam, cert_staff, django_capture_on_commit_callbacks
):
    """An allowance approved after the paper was drawn, and a second sitting: the attempt
    served from the paper and one drawn at Start (no paper) carry the same stamps."""
    stamps = []
    for prepared in (True, False):
        user, _ = make_candidate()
        first = attempt_start(user=user, now=T0)
        attempt_submit(attempt=first, actor=user, via="candidate", now=later(5))
        start_at = later(25 * 60)
        if prepared:
            assert paper_prepare(user=user, now=start_at) is not None
        request = accommodation_request_create(
            user=user, kind="percent", amount=50, reason="Reading disorder."
        )
        with django_capture_on_commit_callbacks(execute=True):
            accommodation_approve(request=request, actor=cert_staff, note="Agreed.")
        second = attempt_start(user=user, now=start_at)
        assert not _ready(user)
        stored = ExamAttempt.objects.filter(pk=second.pk).values().get()
        assert stored == {
            **{k: getattr(second, k) for k in stored if k not in ("topic_scores",)},
            "topic_scores": {},
        }  # the returned attempt is what was stored
        assert (stored["number"], stored["extra_minutes"]) == (2, 15)
        assert stored["deadline_at"] == start_at + timedelta(minutes=45)
        event = AuditEvent.objects.get(verb="exam_attempt.started", object_id=str(second.pk))
        assert (event.actor, event.reason) == (user, "6 items, 30 minutes + 15 extra.")
        stamps.append(
            {k: v for k, v in stored.items() if k not in ("id", "user_id", "application_id")}
        )
    assert stamps[0] == stamps[1]


@pytest.mark.parametrize("per_topic", [(3, 2, 1), (5, 5, 5)])
def test_start_with_a_paper_takes_the_same_statements_however_long_the_paper(
    exam, candidate, per_topic
):
    for row, count in zip(exam.blueprint.order_by("pk"), per_topic, strict=True):
        row.item_count = count
        row.save()
    paper_prepare(user=candidate, now=T0)
    ContentType.objects.get_for_model(ExamAttempt)  # the audit's per-process cache, warm
    with CaptureQueriesContext(connection) as captured:
        attempt = attempt_start(user=candidate, now=T0)
    assert attempt.items.count() == sum(per_topic)
    # the facts (application locked), the ready attempt stamped, the audit entry; and the
    # savepoint around them
    statements = [q["sql"].split()[0].upper() for q in captured]
    assert statements == ["SAVEPOINT", "WITH", "WITH", "INSERT", "RELEASE"], statements


def test_a_paper_for_an_exam_since_replaced_is_drawn_again_and_start_serves_it_at_once(
    exam, candidate
):
    paper_prepare(user=candidate, now=T0)
    # staff open a new exam (the newest active one is the exam candidates take)
    replacement = ExamDefinition.objects.create(
        title="Competency exam (2026)",
        is_active=True,
        time_limit_minutes=exam.time_limit_minutes,
        pass_mark_percent=exam.pass_mark_percent,
        attempts_allowed=exam.attempts_allowed,
        feedback=exam.feedback,
    )
    for row in exam.blueprint.all():
        BlueprintRow.objects.create(
            definition=replacement, topic_id=row.topic_id, item_count=row.item_count
        )
    paper = paper_prepare(user=candidate, now=later(1))  # the front page, seen again
    assert paper.definition_id == replacement.pk and paper.items.count() == 6  # drawn again
    with CaptureQueriesContext(connection) as captured:
        attempt = attempt_start(user=candidate, now=later(2))
    assert attempt.definition_id == replacement.pk and _ids(attempt) == _ids(paper)
    assert not [q for q in captured if '"exams_itemoption"' in q["sql"]]  # no draw at Start
    stored = ExamAttempt.objects.get(pk=attempt.pk)  # started (READY ones are not found)
    assert (stored.definition_id, stored.started_at) == (replacement.pk, later(2))


def test_a_blueprint_changed_after_the_draw_gets_a_new_paper_on_the_front_page(exam, candidate):
    stale = paper_prepare(user=candidate, now=T0)
    row = exam.blueprint.order_by("pk").first()
    row.item_count = 1  # staff trim a topic after the paper was drawn (3 → 1)
    row.save()
    paper = paper_prepare(user=candidate, now=later(1))  # the front page, seen again
    assert paper.items.count() == 4 and not ExamAttempt.all_objects.filter(pk=stale.pk).exists()
    with CaptureQueriesContext(connection) as captured:
        attempt = attempt_start(user=candidate, now=later(2))
    assert _ids(attempt) == _ids(paper)
    assert not [q for q in captured if '"exams_itemoption"' in q["sql"]]  # no draw at Start


def test_a_paper_drawn_before_the_blueprint_changed_is_drawn_again(exam, candidate):
    paper = paper_prepare(user=candidate, now=T0)
    row = exam.blueprint.order_by("pk").first()
    row.item_count = 1  # staff trim a topic after the paper was drawn (3 → 1)
    row.save()
    attempt = attempt_start(user=candidate, now=T0)
    assert attempt.items.count() == 4 and not ExamAttempt.all_objects.filter(pk=paper.pk).exists()
    assert Counter(attempt.items.values_list("topic_id", flat=True)) == Counter(
        dict(exam.blueprint.values_list("topic_id", "item_count"))
    )
    assert attempt.served_page[1] == 4 and attempt.served_page[0].count('class="exam-item') == 4


# --- a paper drawn ahead is nobody's attempt until Start -------------------------------------


@pytest.mark.embedded
def test_a_paper_drawn_ahead_is_in_no_list_count_or_page_until_start(exam, candidate, cert_staff):
    client = signed_in(candidate)
    front = client.get("/exam/").content.decode()
    (paper,) = _ready(candidate)
    assert "Your attempts" not in front and "under way" not in front
    allowed = exam.attempts_allowed
    assert f"Attempts left</dt><dd>{allowed} of {allowed}</dd>" in front  # none used
    assert client.get(f"/exam/attempt/{paper.pk}/").status_code == 404
    with pytest.raises(AttemptNotFound):
        attempt_answer_save(
            user=candidate, attempt_id=paper.pk, position=0, choice=paper.items.first().option_keys
        )
    assert paper.items.filter(response__isnull=False).count() == 0
    assert not ExamAttempt.objects.filter(user=candidate).exists()
    staff = signed_in(cert_staff)
    listing = staff.get("/admin/exam-attempts/").content.decode()
    assert f"/admin/exam-attempts/inspect/{paper.pk}/" not in listing
    assert "Drawn ahead" not in listing and 'value="in_progress"' in listing  # the filter
    assert staff.get(f"/admin/exam-attempts/inspect/{paper.pk}/").status_code == 404
    availability = exam_availability(user=candidate, now=clock.now())
    assert availability.can_start and availability.active_attempt is None
    # Start (on SQLite the general path) starts that very paper
    attempt = attempt_start(user=candidate)
    assert attempt.pk == paper.pk and attempt.number == 1 and not _ready(candidate)
    assert client.get(f"/exam/attempt/{paper.pk}/").status_code == 200


def test_an_item_only_on_papers_drawn_ahead_can_be_deleted_and_the_papers_are_drawn_again(
    exam, candidate, other_candidate, editor
):
    mine = paper_prepare(user=candidate, now=T0)
    started = attempt_start(user=other_candidate, now=T0)
    on_mine = set(_ids(mine)) - set(_ids(started))
    assert on_mine  # 6 of the exam's items each: some are only on the paper drawn ahead
    item = ExamItem.objects.get(pk=min(on_mine))
    response = signed_in(editor).post(f"/admin/snippets/exams/examitem/delete/{item.pk}/")
    assert response.status_code == 302
    assert not ExamItem.objects.filter(pk=item.pk).exists()
    assert not ExamAttempt.all_objects.filter(pk=mine.pk).exists()  # drawn again at Start
    assert ExamAttempt.objects.get(pk=started.pk).items.count() == 6  # the started one is kept
    attempt = attempt_start(user=candidate, now=T0)
    assert item.pk not in _ids(attempt) and attempt.items.count() == 6


def test_an_expired_application_leaves_no_paper_drawn_ahead(exam):
    user, application = make_candidate()
    paper_prepare(user=user, now=T0)
    Application.objects.filter(pk=application.pk).update(expires_on=T0.date() - timedelta(days=1))
    applications_expire(today=T0.date())
    application.refresh_from_db()
    assert application.status == ApplicationStatus.EXPIRED
    assert not ExamAttempt.all_objects.filter(user=user).exists()
