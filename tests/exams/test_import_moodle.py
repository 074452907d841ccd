"""GIFT and Aiken read as Moodle reads them (issue 17): Moodle's own fixtures and the examples of
its GIFT documentation with the items written out, and each defect seen with real files."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exams import aiken, gift
from exams.admin_forms import detect_format
from exams.bankfile import ParsedItem, ParsedOption, parse
from exams.models import BlueprintRow, ExamDefinition, ExamItem
from exams.rules import FeedbackMode, ItemKind
from exams.selectors import import_plan, items_for_export
from exams.services.bank import items_import
from lms import clock
from tests.factories.exams import T0, signed_in

FIXTURES = Path(__file__).parent / "fixtures" / "moodle"
IMPORT_URL = "/admin/snippets/exams/examitem/import/"
S, M, TF = ItemKind.SINGLE, ItemKind.MULTIPLE, ItemKind.TRUE_FALSE


def _read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _shape(item: ParsedItem) -> tuple:
    return (
        item.line,
        item.title,
        item.prompt,
        item.kind,
        [(o.text, o.correct, o.feedback, o.weight) for o in item.options],
        item.rationale,
    )


# --- Moodle's fixtures -----------------------------------------------------------------------


def test_moodles_questions_gift_fixture_reads_as_moodle_reads_it():
    result = gift.parse(_read("questions.gift.txt"))
    stem = "What's between orange and green in the spectrum?"
    assert [_shape(i) for i in result.items] == [
        (
            14,
            "Q2",
            stem,
            S,
            [
                ("yellow", True, "right; good!", None),
                ("red", False, "wrong, it's yellow", None),  # its [html] tag is gone
                ("blue", False, "wrong, it's yellow", None),  # its [plain] tag is gone
            ],
            "",
        ),
        (
            22,
            "colours",
            stem,
            M,
            [
                ("yellow", True, "right; good!", 50.0),
                ("red", False, "wrong", -100.0),
                ("off-beige", True, "right; good!", 50.0),
                ("blue", False, "wrong", -100.0),
            ],
            "",
        ),
        (
            41,
            "Q1",
            '42 is the Absolute Answer to everything.";',
            TF,
            # FALSE#wrong#right: the first feedback is for those who answer True.
            [
                ("True", False, "42 is the Ultimate Answer.", None),
                ("False", True, "You gave the right answer.", None),
            ],
            "This is, of course, a Hitchiker's Guide to the Galaxy reference.",
        ),
        (
            46,
            "2-08 TSL",
            "TSL is blablabla.",
            TF,
            [("True", True, "", None), ("False", False, "", None)],
            "",
        ),
        (
            49,
            "2-08 TSL",
            "TSL is blablabla.",
            TF,
            [("True", True, "", None), ("False", False, "", None)],
            "",
        ),
    ]
    assert [str(e) for e in result.errors] == [
        "Line 2: essay questions (an empty answer block) are not supported.",
        "Line 6: matching questions are not supported.",
        "Line 31: numerical questions are not supported.",
        "Line 34: short answer questions (no answer marked ~) are not supported.",
    ]


@pytest.mark.django_db
def test_same_stem_different_answers_are_two_items_and_true_duplicates_show_their_line(topics):
    plan = import_plan(text=_read("questions.gift.txt"), fmt="gift", default_topic=topics[0])
    # Q2 and colours share a stem but not their options: both are new (one was lost before).
    assert [(p.parsed.title, p.duplicate, p.duplicate_of) for p in plan.items] == [
        ("Q2", False, None),
        ("colours", False, None),
        ("Q1", False, None),
        ("2-08 TSL", False, None),
        ("2-08 TSL", True, 46),  # {T} and {TRUE}: the same item twice
    ]


def test_moodles_gift_documentation_examples():
    result = gift.parse(_read("examples.txt"))
    grant = "Who's buried in Grant's tomb?"
    shapes = [_shape(i) for i in result.items]
    assert shapes[0] == (
        8,
        grant,
        grant,
        S,
        [("Grant", False, "", None), ("Jefferson", False, "", None), ("no one", True, "", None)],
        "",
    )
    assert shapes[1] == (
        12,
        "Grant is buried in Grant's tomb.",
        "Grant is buried in Grant's tomb.",
        TF,
        [("True", False, "", None), ("False", True, "", None)],
        "",
    )
    assert (
        98,
        [
            ("wrong answer", False, "feedback comment on the wrong answer", None),
            ("another wrong answer", False, "feedback comment on this wrong answer", None),
            ("right answer", True, "Very good!", None),
        ],
    ) in [(s[0], s[4]) for s in shapes]
    assert (
        113,
        [("True", False, "No one is buried in Grant's tomb.", None), ("False", True, "", None)],
    ) in [(s[0], s[4]) for s in shapes]
    by_line = {i.line: i for i in result.items}
    assert [(o.text, o.correct, o.weight) for o in by_line[136].options] == [
        ("No one", False, -50.0),
        ("Grant", True, 50.0),
        ("Grant's wife", True, 50.0),
        ("Grant's father", False, -50.0),
    ]
    assert [o.text for o in by_line[143].options] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    control = by_line[148]
    assert control.title == "GIFT Control Characters"
    assert [(o.text, o.correct) for o in control.options] == [
        ("~", False),
        ("=", False),
        ("#", False),
        ("{", False),
        ("}", False),
        ("\\", True),
    ]
    assert control.options[5].feedback.startswith("Correct! \\ (backslash) is not a control")
    assert len(result.items) == 14
    kinds = sorted({e.message.split(" questions")[0].split(" (")[0] for e in result.errors})
    assert kinds == ["matching", "missing word", "numerical", "partial credit", "short answer"]
    assert all(re.fullmatch(r"Line \d+: .+ not supported\.", str(e)) for e in result.errors)


def test_moodles_aiken_fixtures():
    first = aiken.parse(_read("questions.aiken.txt"))
    assert first.errors == []
    assert [(i.prompt, [(o.text, o.correct) for o in i.options]) for i in first.items] == [
        (
            "The Moodle project was started by:",
            [
                ("Petr Skoda", False),
                ("Martin Dougiamas", True),
                ("Eloy Lafuente", False),
                ("Tim Hunt", False),
            ],
        ),
        (
            "Moodle's abilities include handling user input that includes "
            '<html class="cool"> & images:',
            [("True", True), ("False", False)],
        ),
    ]
    errors = aiken.parse(_read("aiken_errors.txt"))
    # Moodle imports the two good questions, the one without a space after ")" included.
    assert [(i.line, i.prompt, [(o.text, o.correct) for o in i.options]) for i in errors.items] == [
        (9, "A good question", [("Correct", True), ("Incorrect", False)]),
        (
            18,
            "A second good question",
            [("Incorrect (No space)", False), ("Correct (No space)", True)],
        ),
    ]
    assert [e.line for e in errors.errors] == [1, 5, 14]


# --- the defects seen ------------------------------------------------------------------------


def test_format_tags_go_after_a_title_and_before_answers():
    result = gift.parse(
        "::T::[html]<p>Pick <b>one</b></p>{=[plain]a ~[moodle]b ~[markdown]c#[html]<i>no</i>}"
    )
    (item,) = result.items
    assert item.text_format == "html"
    assert item.prompt == "<p>Pick <b>one</b></p>"
    assert [o.text for o in item.options] == ["a", "b", "c"]
    assert item.options[2].feedback == "<i>no</i>"


def test_html_is_sanitized_and_plain_parts_of_an_html_item_are_escaped():
    (item,) = gift.parse(
        '[html]<p onclick="steal()">Which <script>alert(1)</script>tag?</p>'
        "{=[plain]<b> ~<em>i</em>}"
    ).items
    assert item.prompt == "<p>Which tag?</p>"
    assert [o.text for o in item.options] == ["&lt;b&gt;", "<em>i</em>"]
    assert item.title == "Which tag?"


def test_only_gift_escapes_are_escapes_other_backslashes_stay():
    (item,) = gift.parse(
        "What is $\\alpha$ in C:\\Users? {=the first letter ~a folder\\: no}"
    ).items
    assert item.prompt == "What is $\\alpha$ in C:\\Users?"
    assert [o.text for o in item.options] == ["the first letter", "a folder: no"]
    (backslash,) = gift.parse("Which one is a backslash? {= \\ ~ /}").items
    assert [o.text for o in backslash.options] == ["\\", "/"]
    (lines,) = gift.parse("Two\\nlines {=a\\nb ~c}").items
    assert lines.prompt == "Two\nlines" and lines.options[0].text == "a\nb"


def test_an_arrow_in_a_multiple_choice_answer_is_not_a_matching_question():
    result = gift.parse("Which way? {=left -> right ~up}")
    assert result.errors == [] and result.items[0].options[0].text == "left -> right"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("::D:: Just some words.", "description"),
        ("Tell us. {}", "essay"),
        ("Who? {=me =myself}", "short answer"),
        ("How many? {#3:1}", "numerical"),
        ("Match {=a -> 1 =b -> 2}", "matching"),
        ("The sky is {~green =blue} today.", "missing word"),
        ("One {=a ~b} and two {=c ~d}.", "cloze"),
    ],
)
def test_every_unsupported_type_is_refused_by_name_and_line(text, name):
    result = gift.parse(f"// comment\n\n{text}")
    assert result.items == []
    (error,) = result.errors
    assert (
        error.line == 3
        and error.message.startswith(f"{name} ")
        and "not supported" in error.message
    )


def test_aiken_with_braces_is_detected_as_aiken():
    text = "What does {x} mean?\nA) a set\nB) nothing\nANSWER: A\n"
    assert detect_format("bank.txt", text) == "aiken"
    assert detect_format("bank.txt", "Q {=a ~b}") == "gift"
    assert [i.prompt for i in parse(text, "aiken").items] == ["What does {x} mean?"]


@pytest.mark.django_db
def test_two_answers_with_the_same_text_are_a_preview_error_and_the_valid_items_still_import(
    topics, editor
):
    text = "::ok::Fine {=a ~b}\n\n::twice::Same twice {\n=yes\n~yes\n}\n"
    plan = import_plan(text=text, fmt="gift", default_topic=topics[0])
    assert [str(e) for e in plan.errors] == ["Line 3: Two options have the same text."]
    assert [p.parsed.title for p in plan.items] == ["ok"]
    created = items_import(plan=plan, actor=editor, import_valid=True)
    assert [i.title for i in created] == ["ok"]


@pytest.mark.django_db
def test_an_answer_over_500_characters_is_a_preview_error_never_a_500(topics, editor):
    long = "x" * 501
    text = f"::ok::Fine {{=a ~b}}\n\n::long::Too long {{\n=short\n~{long}\n}}\n"
    client = signed_in(editor)
    preview = client.post(
        IMPORT_URL,
        {
            "file": SimpleUploadedFile("b.gift", text.encode()),
            "format": "auto",
            "topic": topics[0].pk,
        },
    )
    assert preview.status_code == 200
    assert "Line 5: an answer is 501 characters long; at most 500 fit." in preview.content.decode()
    done = client.post(
        IMPORT_URL, {"text": text, "format": "gift", "topic": topics[0].pk, "import_valid": "on"}
    )
    assert done.status_code == 302
    assert list(ExamItem.objects.values_list("title", flat=True)) == ["ok"]


@pytest.mark.django_db
def test_the_preview_names_duplicates_with_their_lines(topics, editor):
    text = "::a::Same? {=yes ~no}\n\n::b::Same? {=yes ~no}\n\n::c::Same? {=no ~yes}\n"
    client = signed_in(editor)
    page = client.post(
        IMPORT_URL,
        {
            "file": SimpleUploadedFile("b.gift", text.encode()),
            "format": "auto",
            "topic": topics[0].pk,
        },
    ).content.decode()
    assert "skipped: duplicate of line 1" in page
    assert page.count("skipped: duplicate") == 1  # c has other keys: a different item


@pytest.mark.django_db
def test_nothing_is_half_imported_when_a_save_fails(topics, editor, monkeypatch):
    plan = import_plan(
        text="::a::A? {=y ~n}\n\n::b::B? {=y ~n}\n", fmt="gift", default_topic=topics[0]
    )
    from exams.services import bank

    real = bank.item_create
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["title"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(bank, "item_create", failing)
    with pytest.raises(RuntimeError):
        items_import(plan=plan, actor=editor)
    assert ExamItem.objects.count() == 0


# --- kept, shown, and exported ---------------------------------------------------------------

RICH = """$CATEGORY: DOC

::rich::[html]<p>Which is <b>billable</b>?</p>{
=<i>Crisis</i> diversion#[html]<b>Yes</b>: it is T1017.
~Transport#Transport is never billable.
####[html]<p>See the <em>manual</em>.</p>
}

::tf::Members may refuse.{TRUE#No: they may.#Right: they may.####They have that right.}

::multi::Which are reimbursable? {
~%50%Crisis diversion#yes
~%50%Monitoring#yes
~%-100%Transport#no
}
"""


@pytest.mark.django_db
def test_html_and_feedback_are_stored_and_shown_where_the_exam_shows_rationale(topics, editor):
    plan = import_plan(text=RICH, fmt="gift", default_topic=None)
    assert plan.errors == []
    items_import(plan=plan, actor=editor, activate=True)
    rich = ExamItem.objects.get(title="rich")
    assert rich.text_format == "html" and rich.prompt == "<p>Which is <b>billable</b>?</p>"
    assert [(o.text, o.feedback) for o in rich.options.all()] == [
        ("<i>Crisis</i> diversion", "<b>Yes</b>: it is T1017."),
        ("Transport", "Transport is never billable."),
    ]
    tf = ExamItem.objects.get(title="tf")
    assert [(o.text, o.is_correct, o.feedback) for o in tf.options.all()] == [
        ("True", True, "Right: they may."),
        ("False", False, "No: they may."),
    ]
    assert [float(o.weight) for o in ExamItem.objects.get(title="multi").options.all()] == [
        50,
        50,
        -100,
    ]

    definition = ExamDefinition.objects.create(
        title="Exam",
        is_active=True,
        time_limit_minutes=30,
        pass_mark_percent=60,
        attempts_allowed=2,
        retake_wait_hours=24,
        feedback=FeedbackMode.REVIEW,
    )
    BlueprintRow.objects.create(definition=definition, topic=topics[0], item_count=2)  # rich, tf
    from tests.factories.exams import make_candidate, started_attempt

    user, _ = make_candidate()
    client = signed_in(user)
    with clock.frozen_at(T0):
        start = client.post("/exam/start/")
    attempt = started_attempt(start)
    with clock.frozen_at(T0 + timedelta(minutes=1)):
        page = client.get(f"/exam/attempt/{attempt.pk}/").content.decode()
    assert "<p>Which is <b>billable</b>?</p>" in page and "<i>Crisis</i> diversion" in page
    assert "Transport is never billable" not in page  # feedback only after submission
    with clock.frozen_at(T0 + timedelta(minutes=2)):
        result = client.post(f"/exam/attempt/{attempt.pk}/submit/", follow=True).content.decode()
    assert "<b>Yes</b>: it is T1017." in result and "Transport is never billable." in result
    assert "<p>See the <em>manual</em>.</p>" in result and "Right: they may." in result


@pytest.mark.django_db
def test_the_gift_export_reimports_to_the_same_items_with_feedback_html_and_weights(topics, editor):
    items_import(plan=import_plan(text=RICH, fmt="gift", default_topic=None), actor=editor)
    exported = items_for_export()
    text = gift.dump(exported)
    ExamItem.objects.all().delete()
    again = import_plan(text=text, fmt="gift", default_topic=None)
    assert again.errors == []
    items_import(plan=again, actor=editor)
    assert items_for_export() == exported
    weights = [o.weight for i in items_for_export() for o in i.options]
    assert weights == [o.weight for i in exported for o in i.options]
    assert "[html]" in text and "#\\[html\\]" not in text


def test_the_round_trip_keeps_a_plain_text_that_looks_like_a_tag():
    item = ParsedItem(
        line=0,
        title="t",
        prompt="[html] is a tag",
        kind=S,
        options=(ParsedOption("[plain] too", True, feedback="why"), ParsedOption("b", False)),
    )
    (again,) = gift.parse(gift.dump([item])).items
    assert (again.prompt, again.options, again.text_format) == (item.prompt, item.options, "plain")
