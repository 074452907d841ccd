"""Papers drawn ahead: the exam's front page draws the person's paper when they may start, and
Start only turns it into an attempt (the time and the deadline), keeping every guarantee."""

from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Revision

from enrollment.models import Application, ApplicationStatus
from exams.models import ExamAttempt, ExamDefinition, ExamItem, ItemStatus, ReadyPaper
from exams.rules import RuleViolation
from exams.selectors import exam_availability
from exams.services.access import accommodation_approve, accommodation_request_create
from exams.services.attempts import attempt_start, attempt_submit, paper_prepare
from exams.services.bank import item_status_set
from lms.models import AuditEvent
from tests.factories.exams import T0, later, make_candidate, signed_in

pytestmark = pytest.mark.django_db


def _ids(paper_or_attempt) -> list[int]:
    if isinstance(paper_or_attempt, ReadyPaper):
        return [entry["item_id"] for entry in paper_or_attempt.items]
    return list(paper_or_attempt.items.order_by("position").values_list("item_id", flat=True))


def test_the_front_page_draws_the_paper_and_start_serves_it(exam, candidate):
    assert signed_in(candidate).get("/exam/").status_code == 200
    paper = ReadyPaper.objects.get(user=candidate)
    assert Counter(e["topic_id"] for e in paper.items) == Counter(
        dict(exam.blueprint.values_list("topic_id", "item_count"))
    )
    assert all(e["correct_keys"] for e in paper.items)
    with CaptureQueriesContext(connection) as captured:
        attempt = attempt_start(user=candidate, now=T0)
    assert _ids(attempt) == _ids(paper)
    assert not ReadyPaper.objects.filter(user=candidate).exists()
    # no draw at Start: the bank's items and options are not read
    assert not [q for q in captured if '"exams_itemoption"' in q["sql"]]
    assert attempt.deadline_at == later(30) and attempt.started_at == T0
    served = attempt.items.get(position=0)
    assert served.options == paper.items[0]["options"]
    assert served.revision_id == paper.items[0]["revision_id"] is not None


def test_drawing_again_is_a_no_op_and_refused_when_they_may_not_start(exam, candidate, applicant):
    first = paper_prepare(user=candidate, now=T0)
    assert paper_prepare(user=candidate, now=T0).pk == first.pk
    assert _ids(ReadyPaper.objects.get(pk=first.pk)) == _ids(first)
    assert paper_prepare(user=applicant, now=T0) is None  # no application: nothing drawn
    assert not ReadyPaper.objects.filter(user=applicant).exists()


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
    flagged = ExamItem.objects.get(pk=paper.items[0]["item_id"])
    item_status_set(item=flagged, to=ItemStatus.NEEDS_REVIEW, actor=editor, reason="Check it.")
    assert not ReadyPaper.objects.filter(pk=paper.pk).exists()
    attempt = attempt_start(user=candidate, now=T0)
    assert flagged.pk not in _ids(attempt)
    assert Counter(attempt.items.values_list("topic_id", flat=True)) == Counter(
        dict(exam.blueprint.values_list("topic_id", "item_count"))
    )


def test_start_checks_the_paper_itself(exam, candidate):
    """Changed behind the services' back (no flag hook ran): Start still draws again."""
    paper = paper_prepare(user=candidate, now=T0)
    retired = paper.items[1]["item_id"]
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
    served = {e["item_id"]: e["revision_id"] for e in paper.items}
    latest = dict(ExamItem.objects.filter(pk__in=served).values_list("pk", "latest_revision_id"))
    assert served == latest


def test_an_item_edited_after_the_draw_is_served_at_its_new_revision(exam, candidate):
    paper = paper_prepare(user=candidate, now=T0)
    item = ExamItem.objects.get(pk=paper.items[0]["item_id"])
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
        assert ReadyPaper.objects.filter(pk=paper.pk).exists()  # has no paper to keep)


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
        assert ReadyPaper.objects.filter(user=user).exists() is False
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
    # the facts (application locked), the attempt with its items and page, the audit entry;
    # and the savepoint around them
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
        replacement.blueprint.create(topic_id=row.topic_id, item_count=row.item_count)
    paper = paper_prepare(user=candidate, now=later(1))  # the front page, seen again
    with CaptureQueriesContext(connection) as captured:
        attempt = attempt_start(user=candidate, now=later(2))
    assert attempt.definition_id == replacement.pk and _ids(attempt) == _ids(paper)
    assert not [q for q in captured if '"exams_itemoption"' in q["sql"]]  # no draw at Start


def test_a_blueprint_changed_after_the_draw_gets_a_new_paper_on_the_front_page(exam, candidate):
    stale = paper_prepare(user=candidate, now=T0)
    row = exam.blueprint.order_by("pk").first()
    row.item_count = 1  # staff trim a topic after the paper was drawn (3 → 1)
    row.save()
    paper = paper_prepare(user=candidate, now=later(1))  # the front page, seen again
    assert len(paper.items) == len(stale.items) - 2 == 4
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
    assert attempt.items.count() == len(paper.items) - 2 == 4
    assert Counter(attempt.items.values_list("topic_id", flat=True)) == Counter(
        dict(exam.blueprint.values_list("topic_id", "item_count"))
    )
    assert attempt.served_page[1] == 4 and attempt.served_page[0].count('class="exam-item') == 4
