"""Item statistics against a small case worked out by hand, and the score chart."""

import importlib
import io
import random

import pytest
from PIL import Image

from exams import stats
from exams.chart import score_histogram_png
from exams.models import AttemptItem, AttemptStatus, AttemptVia, ExamAttempt
from exams.rules import chosen_places
from exams.selectors import attempt_items_served
from exams.services.attempts import attempt_answer_save, attempt_start, attempt_submit
from tests.factories.exams import T0, make_candidate, make_item, signed_in

PERCENTS = [90, 80, 70, 60, 50, 40]
# Item A discriminates well; item B is answered right by the weaker candidates only.
A_RIGHT = [True, True, False, True, False, False]
A_CHOICE = [0, 0, 1, 0, 2, None]  # the option (by place in the item) each candidate chose
B_RIGHT = [False, False, True, True, True, True]


def _attempt(exam, percent):
    user, application = make_candidate()
    return ExamAttempt.objects.create(
        user=user,
        application=application,
        definition=exam,
        status=AttemptStatus.SUBMITTED,
        time_limit_minutes=30,
        deadline_at=T0,
        pass_mark_percent=60,
        feedback="score",
        percent=percent,
    )


def _served(attempt, position, item, right, choice_src, revision_id):
    options = [
        {"key": f"k{attempt.pk}-{src}", "text": option.text, "src": src}
        for src, option in reversed(list(enumerate(item.options.all())))
    ]
    correct = [o["key"] for o in options if o["src"] == 0]
    response = None if choice_src is None else [f"k{attempt.pk}-{choice_src}"]
    return AttemptItem.objects.create(
        attempt=attempt,
        position=position,
        item=item,
        revision_id=revision_id,
        topic=item.topic,
        kind=item.kind,
        prompt=item.prompt,
        options=options,
        correct_keys=correct,
        response=response,
        is_correct=right,
        chosen=chosen_places(options, response),  # as grading stamps it
    )


@pytest.fixture
def graded(exam, topics):
    a = make_item(topics[0], 10)
    b = make_item(topics[0], 11)
    for percent, a_right, a_src, b_right in zip(PERCENTS, A_RIGHT, A_CHOICE, B_RIGHT, strict=True):
        attempt = _attempt(exam, percent)
        _served(attempt, 0, a, a_right, a_src, a.latest_revision_id)
        _served(attempt, 1, b, b_right, 0 if b_right else 1, b.latest_revision_id)
    return exam, a, b


def test_the_measures_by_hand():
    pairs = list(zip(PERCENTS, A_RIGHT, strict=True))
    assert stats.facility(A_RIGHT) == 0.5
    # n = 6 → k = round(1.62) = 2: top (90, 80) both right, bottom (50, 40) both wrong.
    assert stats.discrimination(pairs) == 1.0
    # mean 65, population sd √(1750/6) = 17.078; M1 = 76.667, M0 = 53.333; √(.5 × .5) = .5
    assert stats.point_biserial(pairs) == pytest.approx(0.6831, abs=1e-4)
    assert stats.discrimination(list(zip(PERCENTS, B_RIGHT, strict=True))) == -1.0
    assert stats.discrimination([(50, True)]) is None
    assert stats.point_biserial([(50, True), (50, False)]) is None  # no spread
    assert stats.is_dubious(0.19) and stats.is_dubious(-0.5)
    assert not stats.is_dubious(0.2) and not stats.is_dubious(None)


@pytest.mark.django_db
def test_item_statistics_per_revision_from_graded_attempts(graded):
    exam, a, b = graded
    rows = {row.item_id: row for row in stats.item_statistics(definition=exam)}
    row_a, row_b = rows[a.pk], rows[b.pk]
    assert (row_a.n, row_a.facility, row_a.discrimination, row_a.dubious) == (6, 0.5, 1.0, False)
    assert row_a.point_biserial == pytest.approx(0.6831, abs=1e-4)
    assert [(o.text, o.correct, o.count) for o in row_a.options] == [
        ("right 10", True, 3),
        ("wrong 10a", False, 1),
        ("wrong 10b", False, 1),
    ]
    assert row_a.blank == 1
    assert (row_b.facility, row_b.discrimination, row_b.dubious) == (4 / 6, -1.0, True)

    # A new revision of A is measured on its own.
    new_revision = a.save_revision()
    extra = _attempt(exam, 100)
    _served(extra, 0, a, True, 0, new_revision.pk)
    per_revision = {(r.item_id, r.revision_id): r for r in stats.item_statistics(item=a)}
    assert per_revision[(a.pk, a.latest_revision_id)].n == 1
    assert per_revision[(a.pk, new_revision.pk)].discrimination is None
    assert len(per_revision) == 2
    assert sorted(stats.score_percents(exam)) == [40, 50, 60, 70, 80, 90, 100]


@pytest.mark.django_db
def test_postgresql_computes_the_same_measures_as_the_pure_functions(exam, topics):
    """The statistics page reads the database's sums; they must equal the formulas above on
    data with tied percentages (the ranking's tie-break decides who is in the upper 27%), blank
    answers, an item everyone got right (no point-biserial) and an item seen once."""
    chance = random.Random(19)
    items = [make_item(topics[0], n) for n in (20, 21, 22)]
    once = make_item(topics[1], 23)
    for n in range(37):
        attempt = _attempt(exam, chance.choice([40, 55, 55, 70, 70, 70, 85, 100]))
        for position, item in enumerate(items):
            choice = chance.choice([0, 0, 1, 2, None])
            right = choice == 0 or position == 2  # the third item: everyone right
            _served(attempt, position, item, right, choice, item.latest_revision_id)
        if n == 0:
            _served(attempt, 3, once, True, 0, once.latest_revision_id)
    # A blank answered before `chosen` was stamped ('') and one never stamped (None) are both
    # counted blank, once each.
    blank = AttemptItem.objects.filter(item=items[0], response__isnull=True).order_by("pk")
    AttemptItem.objects.filter(pk=blank.first().pk).update(chosen=None)

    served = attempt_items_served(definition=exam)
    in_sql, in_python = stats._tallies_sql(served), stats._tallies(served)
    assert in_sql.keys() == in_python.keys() and len(in_sql) == 4
    for key, expected in in_python.items():
        got = in_sql[key]
        assert (got.n, got.first, got.choices) == (expected.n, expected.first, expected.choices)
        assert got.facility == pytest.approx(expected.facility)
        assert got.discrimination == pytest.approx(expected.discrimination)
        assert got.point_biserial == pytest.approx(expected.point_biserial)
    third, single = (
        in_python[(items[2].pk, items[2].latest_revision_id)],
        in_python[(once.pk, once.latest_revision_id)],
    )
    assert third.facility == 1 and third.point_biserial is None
    assert single.n == 1 and single.discrimination is None and single.point_biserial is None
    assert sum(in_python[(items[0].pk, items[0].latest_revision_id)].choices.values()) == 37


@pytest.mark.django_db
def test_the_choices_a_candidate_submitted_are_what_the_statistics_count(exam, candidate, rng):
    """Grading keeps each answer's chosen options; the option counts staff read come from it."""
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    served = {i.position: i for i in attempt.items.all()}
    wrong = next(k for k in served[1].option_keys if k not in served[1].correct_keys)
    for position, keys in ((0, served[0].correct_keys), (1, [wrong])):
        attempt_answer_save(
            user=candidate, attempt_id=attempt.pk, position=position, choice=keys, now=T0
        )
    attempt_submit(attempt=attempt, actor=candidate, via=AttemptVia.CANDIDATE, now=T0)

    rows = {row.item_id: row for row in stats.item_statistics(definition=exam)}
    chosen_text = {o["key"]: o["text"] for i in served.values() for o in i.options}
    first, second = rows[served[0].item_id], rows[served[1].item_id]
    assert [(o.text, o.count) for o in first.options if o.count] == [
        (chosen_text[served[0].correct_keys[0]], 1)
    ]
    assert [o.correct for o in first.options if o.count] == [True]
    assert [(o.text, o.correct, o.count) for o in second.options if o.count] == [
        (chosen_text[wrong], False, 1)
    ]
    assert (first.blank, second.blank) == (0, 0)
    assert all(rows[served[p].item_id].blank == 1 for p in range(2, len(served)))


@pytest.mark.django_db
def test_attempts_graded_before_the_upgrade_have_their_choices_counted(graded, monkeypatch):
    """The migration that adds `chosen` stamps it on attempts graded before it existed, from
    their saved answers, so the option counts on the statistics page stay what they were."""
    from django.apps import apps

    migration = importlib.import_module("exams.migrations.0006_attempt_item_chosen")
    exam, a, _ = graded
    before = [(o.text, o.count) for o in _row(exam, a).options]
    AttemptItem.objects.update(chosen=None)
    assert [o.count for o in _row(exam, a).options] == [0, 0, 0]  # what it would show unstamped
    monkeypatch.setattr(migration, "BATCH", 4)  # more than one batch of the twelve rows
    migration.stamp_graded(apps, None)
    assert [(o.text, o.count) for o in _row(exam, a).options] == before
    assert _row(exam, a).blank == 1


def _row(exam, item):
    return next(r for r in stats.item_statistics(definition=exam) if r.item_id == item.pk)


def test_histogram_bins_and_the_chart_is_a_png():
    assert stats.histogram([0, 9.99, 10, 59.5, 100, 100]) == [
        (0, 10, 2),
        (10, 20, 1),
        (20, 30, 0),
        (30, 40, 0),
        (40, 50, 0),
        (50, 60, 1),
        (60, 70, 0),
        (70, 80, 0),
        (80, 90, 0),
        (90, 100, 2),
    ]
    png = score_histogram_png([40, 55, 75, 80, 95], pass_mark=75, title="Exam")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (720, 360)
    image = image.convert("RGB")
    bar, red = (0x0B, 0x5D, 0x7A), (0xB4, 0x23, 0x18)
    plot_w, base, slot = 720 - 56 - 20, 360 - 48, (720 - 56 - 20) / 10

    def bar_height(band: int) -> int:  # the bar pixels in the band column
        x = int(56 + band * slot + slot / 3)  # off the centre: the pass line is at 75
        return sum(image.getpixel((x, y)) == bar for y in range(56, base + 1))

    heights = [bar_height(band) for band in range(10)]
    # One attempt each in 40-50, 50-60, 70-80, 80-90 and 90-100; nothing elsewhere.
    assert [h > 0 for h in heights] == [False] * 4 + [True, True, False, True, True, True]
    assert len({h for h in heights if h}) == 1  # equal counts, equal bars
    # The pass mark is a red line at 75% of the plot's width.
    x_pass = int(56 + plot_w * 75 / 100)
    assert sum(image.getpixel((x_pass, y)) == red for y in range(56, base)) > 200


@pytest.mark.django_db
def test_statistics_pages_for_editors_and_staff_but_not_candidates(graded, editor, cert_staff):
    exam, a, _ = graded
    as_editor = signed_in(editor)
    page = as_editor.get(f"/admin/snippets/exams/examitem/stats/{a.pk}/")
    assert page.status_code == 200 and "0.50" in page.content.decode()
    as_staff = signed_in(cert_staff)
    page = as_staff.get(f"/admin/exam-definitions/stats/{exam.pk}/")
    assert page.status_code == 200 and "Dubious item" in page.content.decode()
    chart = as_staff.get(f"/admin/exam-definitions/stats/{exam.pk}/chart.png")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/png"
    candidate, _ = make_candidate()
    assert signed_in(candidate).get(f"/admin/exam-definitions/stats/{exam.pk}/").status_code in (
        302,
        403,
    )
