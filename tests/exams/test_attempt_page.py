"""The attempt page's questions rendered once, when the paper is drawn, and marked per visit;
and Start serving the ready paper in a constant number of statements."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import AttemptPage, AttemptStatus, ExamAttempt
from lms import clock
from tests.factories.exams import T0, later, signed_in, started_attempt

pytestmark = pytest.mark.django_db


def _open_and_start(client) -> ExamAttempt:
    with clock.frozen_at(T0):
        assert client.get("/exam/").status_code == 200  # draws the paper and its page
        response = client.post("/exam/start/")
    return started_attempt(response)


def _visit(client, attempt):
    with clock.frozen_at(later(1)):
        response = client.get(f"/exam/attempt/{attempt.pk}/")
    assert response.status_code == 200
    return response


def _save(client, attempt, position, keys):
    with clock.frozen_at(later(1)):
        response = client.post(
            f"/exam/attempt/{attempt.pk}/answer/",
            data=json.dumps({"position": position, "choice": keys}),
            content_type="application/json",
        )
    assert response.status_code == 200


def _buttons(html: str) -> list[str]:
    return re.findall(r'<button type="button" class="exam-goto[^>]*>', html)


def test_the_page_drawn_with_the_paper_is_served_without_rendering_the_questions(exam, candidate):
    client = signed_in(candidate)
    with clock.frozen_at(T0):
        client.get("/exam/")
    ready = ExamAttempt.all_objects.get(user=candidate, status=AttemptStatus.READY)
    assert AttemptPage.objects.get(attempt=ready).html
    attempt = _open_and_start(client)
    page = AttemptPage.objects.get(attempt=attempt)
    response = _visit(client, attempt)
    assert "exams/_attempt_items.html" not in [t.name for t in response.templates]
    html = response.content.decode()
    assert page.html.strip()[:40] in html
    for item in attempt.items.all():
        assert item.prompt in html
        assert item.rationale not in html
        for key in item.option_keys:
            assert f'name="q-{item.position}" value="{key}">' in html  # nothing chosen yet


def test_saved_answers_are_marked_on_the_kept_page(exam, candidate):
    client = signed_in(candidate)
    attempt = _open_and_start(client)
    second = attempt.items.get(position=1)
    _save(client, attempt, 1, [second.option_keys[2]])
    html = _visit(client, attempt).content.decode()
    assert f'name="q-1" value="{second.option_keys[2]}" checked>' in html
    assert html.count(" checked>") == 1
    buttons = _buttons(html)
    assert buttons[1] == (
        '<button type="button" class="exam-goto is-answered" data-goto="1" '
        'aria-label="Question 2, answered">'
    )
    assert [b for b in buttons if "is-answered" in b] == [buttons[1]]
    assert "1 of 6 answered" in html


def test_an_attempt_without_a_kept_page_shows_the_same_page(exam, candidate):
    client = signed_in(candidate)
    attempt = _open_and_start(client)
    first = attempt.items.get(position=0)
    _save(client, attempt, 0, [first.option_keys[0]])
    kept = _visit(client, attempt).content.decode()
    AttemptPage.objects.filter(attempt=attempt).delete()  # e.g. started before pages were kept
    rendered = _visit(client, attempt).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", rendered) == strip.sub("", kept)


def test_a_visit_reads_the_same_few_rows_however_many_answers(exam, candidate):
    client = signed_in(candidate)
    attempt = _open_and_start(client)
    with CaptureQueriesContext(connection) as before:
        _visit(client, attempt)
    for item in attempt.items.all():
        _save(client, attempt, item.position, [item.option_keys[0]])
    with CaptureQueriesContext(connection) as after:
        html = _visit(client, attempt).content.decode()
    assert len(after) == len(before) <= 6
    assert html.count(" checked>") == attempt.items.count()


def test_start_answers_with_the_first_page_in_a_constant_number_of_statements(exam, candidate):
    client = signed_in(candidate)
    with clock.frozen_at(T0):
        client.get("/exam/")
    with CaptureQueriesContext(connection) as captured, clock.frozen_at(T0):
        response = client.post("/exam/start/")
    attempt = started_attempt(response)  # the page itself, not a redirect to it
    html = response.content.decode()
    assert attempt.items.count() == 6 and AttemptPage.objects.filter(attempt=attempt).exists()
    for item in attempt.items.all():
        assert item.prompt in html and item.rationale not in html
        assert f'name="q-{item.position}" value="{item.option_keys[0]}">' in html  # none chosen
    assert "30:00" in html and "0 of 6 answered" in html
    # one statement for the attempt, its items and page: none per item; and the page needs no
    # read of its own (the session, the user, the facts, that statement, the audit entry)
    inserts = [q["sql"] for q in captured if '"exams_attemptitem"' in q["sql"]]
    assert len(inserts) == 1
    assert len(captured) <= 8, [q["sql"][:60] for q in captured]
    # the same page as a visit to the attempt's own address shows
    assert _visit(client, attempt).content.decode().count("exam-item") == html.count("exam-item")
