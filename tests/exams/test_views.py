"""The candidate's pages and the autosave endpoint: keys never sent, resume across sessions, the
server's deadline, and who may see what."""

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exams.models import AccommodationRequest, AttemptStatus, ExamAttempt
from exams.services.attempts import attempt_start
from lms import clock
from tests.factories.exams import T0, later, make_candidate, signed_in, started_attempt
from tests.samples import pdf_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()


def _start(client) -> ExamAttempt:
    with clock.frozen_at(T0):
        response = client.post("/exam/start/")
    return started_attempt(response)


def _save(client, attempt, position, choice, at):
    with clock.frozen_at(at):
        return client.post(
            f"/exam/attempt/{attempt.pk}/answer/",
            data=json.dumps({"position": position, "choice": choice}),
            content_type="application/json",
        )


def _page(client, attempt, at=None) -> str:
    with clock.frozen_at(at or later(1)):
        response = client.get(f"/exam/attempt/{attempt.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_page_and_the_json_never_carry_the_keys(exam, candidate):
    client = signed_in(candidate)
    attempt = _start(client)
    html = _page(client, attempt)
    items = list(attempt.items.all())
    for item in items:
        assert item.prompt in html
        assert all(f'value="{key}"' in html for key in item.option_keys)
        assert item.rationale not in html
    assert "correct" not in html.lower() and "rationale" not in html.lower()
    # The page is the same whichever option is the key: it cannot reveal it.
    for item in items:
        item.correct_keys = [k for k in item.option_keys if k not in item.correct_keys][:1]
        item.save()
    assert _without_csrf(_page(client, attempt)) == _without_csrf(html)

    saved = _save(client, attempt, 0, [items[0].option_keys[0]], later(2))
    assert saved.status_code == 200
    body = saved.json()
    assert set(body) == {"saved", "position", "remaining_seconds"}
    assert not any(key in json.dumps(body) for item in items for key in item.correct_keys)


def _shown_options(html: str) -> list[list[str]]:
    """Each question's option texts, in the order the page shows them."""
    return [
        re.findall(r"<span>([^<]*)</span>", block)
        for block in re.findall(r'<div class="exam-options">(.*?)</div>', html, re.S)
    ]


def test_candidates_see_the_options_in_different_orders_not_the_key_first(exam):
    """The bank lists each item's key first ("right N"); the page must not."""
    key_first, key_later = 0, 0
    for _ in range(4):
        user, _ = make_candidate()
        client = signed_in(user)
        shown = _shown_options(_page(client, _start(client)))
        assert len(shown) == 6 and all(len(texts) == 3 for texts in shown)
        for texts in shown:
            assert sum(text.startswith("right") for text in texts) == 1
            if texts[0].startswith("right"):
                key_first += 1
            else:
                key_later += 1
    # 24 questions shown: were the key placed at random, it is never first with odds (2/3)^24.
    assert key_first and key_later


def test_autosave_and_resume_across_two_sessions(exam, candidate):
    laptop, phone = signed_in(candidate), signed_in(candidate)
    attempt = _start(laptop)
    first, fourth = attempt.items.get(position=0), attempt.items.get(position=3)
    assert _save(laptop, attempt, 0, [first.option_keys[1]], later(1)).status_code == 200
    assert _save(laptop, attempt, 3, [fourth.option_keys[2]], later(2)).status_code == 200
    # The other device starting again lands in the same attempt, at the same place.
    assert _start(phone) == attempt
    html = _page(phone, attempt, later(3))
    assert re.search(rf'value="{first.option_keys[1]}" checked', html)
    assert re.search(rf'value="{fourth.option_keys[2]}" checked', html)
    assert 'data-position="3"' in html
    assert "2 of 6 answered" in html
    assert 'data-remaining="1620"' in html  # 27 minutes left, by the server's clock
    # The phone changes an answer; the laptop reloads and sees it.
    assert _save(phone, attempt, 0, [first.option_keys[2]], later(4)).status_code == 200
    assert re.search(rf'value="{first.option_keys[2]}" checked', _page(laptop, attempt, later(5)))


def test_a_save_after_the_grace_period_is_refused_with_a_json_message(exam, candidate):
    client = signed_in(candidate)
    attempt = _start(client)
    first, second = attempt.items.get(position=0), attempt.items.get(position=1)
    in_grace = attempt.deadline_at + timedelta(seconds=20)
    assert _save(client, attempt, 0, [first.option_keys[0]], in_grace).status_code == 200
    # Question 1's own option: only the time can be why it is refused.
    late = attempt.deadline_at + timedelta(seconds=40)
    response = _save(client, attempt, 1, [second.option_keys[0]], late)
    assert response.status_code == 409
    assert response.json()["closed"] is True and "Time is up" in response.json()["message"]
    assert attempt.items.get(position=1).response is None
    assert attempt.items.get(position=0).response == [first.option_keys[0]]


def test_opening_an_overdue_attempt_submits_the_saved_answers(exam, candidate):
    client = signed_in(candidate)
    attempt = _start(client)
    item = attempt.items.get(position=0)
    _save(client, attempt, 0, item.correct_keys, later(3))
    with clock.frozen_at(attempt.deadline_at + timedelta(minutes=2)):
        response = client.get(f"/exam/attempt/{attempt.pk}/")
        assert response.status_code == 302 and response.url.endswith("/result/")
        result = client.get(response.url)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.finished_via == "time"
    assert attempt.score == 1
    page = result.content.decode()
    assert "1 of 6 correct" in page and item.rationale in page  # REVIEW feedback shows it


def test_submit_form_and_the_result_respects_the_feedback_setting(exam, candidate):
    exam.feedback = "pass_fail"
    exam.save()
    client = signed_in(candidate)
    attempt = _start(client)
    posted = {f"q-{i.position}": i.correct_keys for i in attempt.items.all()}
    with clock.frozen_at(later(5)):
        response = client.post(f"/exam/attempt/{attempt.pk}/submit/", posted)
        result = client.get(response.url).content.decode()
    assert "You passed" in result
    assert "Score:" not in result and "By topic" not in result and "Rationale" not in result


def test_someone_elses_attempt_is_a_404_everywhere(exam, candidate, other_candidate):
    attempt = _start(signed_in(candidate))
    intruder = signed_in(other_candidate)
    base = f"/exam/attempt/{attempt.pk}/"
    with clock.frozen_at(later(1)):
        assert intruder.get(base).status_code == 404
        assert intruder.get(f"{base}result/").status_code == 404
        assert intruder.post(f"{base}submit/").status_code == 404
    assert _save(intruder, attempt, 0, [], later(1)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS


def test_an_editor_cannot_see_candidate_answers(exam, candidate, editor, cert_staff):
    attempt = _start(signed_in(candidate))
    as_editor = signed_in(editor)
    assert as_editor.get(f"/exam/attempt/{attempt.pk}/").status_code == 404
    assert as_editor.get("/admin/exam-attempts/").status_code in (302, 403)
    assert as_editor.get(f"/admin/exam-attempts/inspect/{attempt.pk}/").status_code in (302, 403)
    as_staff = signed_in(cert_staff)
    assert as_staff.get("/admin/exam-attempts/").status_code == 200
    assert as_staff.get(f"/admin/exam-attempts/inspect/{attempt.pk}/").status_code == 200


def test_signed_out_saves_get_json_and_pages_redirect(exam, client, candidate):
    attempt = attempt_start(user=candidate, now=T0)
    response = _save(client, attempt, 0, [], later(1))
    assert response.status_code == 403 and "signed out" in response.json()["message"]
    assert client.get("/exam/").status_code == 302


def test_malformed_saves_are_400(exam, candidate):
    client = signed_in(candidate)
    attempt = _start(client)
    with clock.frozen_at(later(1)):
        url = f"/exam/attempt/{attempt.pk}/answer/"
        assert client.post(url, "not json", content_type="application/json").status_code == 400
        assert (
            client.post(url, '{"position": "0"}', content_type="application/json").status_code
            == 400
        )
    assert _save(client, attempt, 0, ["a", "b"], later(1)).status_code == 400


def test_overview_shows_the_exam_extra_time_and_refusals(exam, candidate, other_candidate):
    client = signed_in(candidate)
    with clock.frozen_at(T0):
        page = client.get("/exam/").content.decode()
    assert "Start the exam" in page and "30 minutes" in page
    AccommodationRequest.objects.create(
        user=candidate, kind="minutes", amount=10, reason="x", status="approved"
    )
    with clock.frozen_at(T0):
        page = client.get("/exam/").content.decode()
    assert "40 minutes (30 + 10 extra)" in page
    from enrollment.models import Application

    Application.objects.filter(user=other_candidate).update(status="training_approved")
    with clock.frozen_at(T0):
        page = signed_in(other_candidate).get("/exam/").content.decode()
    assert "Start the exam" not in page and "classroom day" in page


def test_accommodation_request_with_a_document(exam, candidate, cert_staff, other_candidate):
    client = signed_in(candidate)
    refused = client.post(
        "/exam/extra-time/",
        {
            "kind": "percent",
            "amount": "50",
            "reason": "Reading disorder.",
            "document": SimpleUploadedFile("note.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert refused.status_code == 200 and "not a PDF, PNG or JPEG" in refused.content.decode()
    assert not AccommodationRequest.objects.exists()
    polyglot = client.post(
        "/exam/extra-time/",
        {
            "kind": "percent",
            "amount": "50",
            "reason": "Reading disorder.",
            "document": SimpleUploadedFile("letter.pdf", PDF + b"<html><script>x()</script>"),
        },
    )
    assert polyglot.status_code == 200
    assert "This PDF has extra data after its end" in polyglot.context["form"].errors["document"][0]
    assert not AccommodationRequest.objects.exists()
    response = client.post(
        "/exam/extra-time/",
        {
            "kind": "percent",
            "amount": "50",
            "reason": "Reading disorder.",
            "document": SimpleUploadedFile("letter.html", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    request = AccommodationRequest.objects.get()
    assert (request.status, request.document_kind, request.document_name) == (
        "pending",
        "pdf",
        "letter.pdf",
    )
    url = f"/exam/extra-time/{request.pk}/document/"
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert signed_in(cert_staff).get(url).status_code == 200
    assert signed_in(other_candidate).get(url).status_code == 404


def test_ping_is_a_trivial_json_view(client):
    assert client.get("/exam/ping/").json() == {"ok": True, "signed_in": False}


def test_an_autosave_asks_one_statement_more_than_the_trivial_view(exam, candidate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(candidate)
    attempt = _start(client)
    keys = attempt.items.get(position=1).option_keys
    _save(client, attempt, 0, [attempt.items.get(position=0).option_keys[0]], later(1))
    client.get("/exam/ping/")
    with CaptureQueriesContext(connection) as ping:
        assert client.get("/exam/ping/").status_code == 200
    with CaptureQueriesContext(connection) as save:
        assert _save(client, attempt, 1, [keys[1]], later(2)).status_code == 200
    assert len(save) == len(ping) + 1, [q["sql"][:80] for q in save]
    assert attempt.items.get(position=1).response == [keys[1]]
