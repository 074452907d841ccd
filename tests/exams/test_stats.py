"""Item statistics against a small case worked out by hand, and the score chart."""

import io

import pytest
from PIL import Image

from exams import stats
from exams.chart import score_histogram_png
from exams.models import AttemptItem, AttemptStatus, ExamAttempt
from tests.factories.exams import T0, make_candidate, make_item, signed_in

PERCENTS = [90, 80, 70, 60, 50, 40]
# Item A discriminates well; item B is answered right by the weaker candidates only.
A_RIGHT = [True, True, False, True, False, False]
A_CHOICE = [0, 0, 1, 0, 2, None]  # the option (by place in the item) each candidate chose
B_RIGHT = [False, False, True, True, True, True]


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
    )


@pytest.fixture
def graded(exam, topics):
    a = make_item(topics[0], 10)
    b = make_item(topics[0], 11)
    for percent, a_right, a_src, b_right in zip(PERCENTS, A_RIGHT, A_CHOICE, B_RIGHT, strict=True):
        user, application = make_candidate()
        attempt = ExamAttempt.objects.create(
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
    user, application = make_candidate()
    extra = ExamAttempt.objects.create(
        user=user,
        application=application,
        definition=exam,
        status=AttemptStatus.SUBMITTED,
        time_limit_minutes=30,
        deadline_at=T0,
        pass_mark_percent=60,
        feedback="score",
        percent=100,
    )
    _served(extra, 0, a, True, 0, new_revision.pk)
    per_revision = {(r.item_id, r.revision_id): r for r in stats.item_statistics(item=a)}
    assert per_revision[(a.pk, a.latest_revision_id)].n == 1
    assert per_revision[(a.pk, new_revision.pk)].discrimination is None
    assert len(per_revision) == 2
    assert sorted(stats.score_percents(exam)) == [40, 50, 60, 70, 80, 90, 100]


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
