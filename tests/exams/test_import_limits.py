"""GIFT and Aiken imports with hard limits: over-long titles, questions, answers and feedback are
refused at the preview with their line numbers (they used to pass it and fail at confirm), a file
over the size limit is refused before it is parsed, and a refusal writes nothing. Moodle's own
GIFT and Aiken test fixtures still import what the bank supports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exams.bankfile import (
    MAX_OPTION_LENGTH,
    MAX_PROMPT_LENGTH,
    MAX_RATIONALE_LENGTH,
    MAX_TITLE_LENGTH,
    parse,
)
from exams.models import ExamItem, ItemOption
from exams.rules import ItemKind
from exams.selectors import import_plan
from lms.models import AuditEvent
from tests.factories.exams import signed_in

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/snippets/exams/examitem/import/"
LONG_ANSWER = "a" * (MAX_OPTION_LENGTH + 1)

GIFT_TOO_LONG = f"""$CATEGORY: DOC

::Fine::Every progress note records… {{=the date ~the weather ####Element 1.}}

::Long answer::Which one?
{{
=right
~{LONG_ANSWER}
}}

::{"t" * (MAX_TITLE_LENGTH + 1)}::Long title? {{T}}

::Long question::{"q" * (MAX_PROMPT_LENGTH + 1)} {{F}}

::Long feedback::Is it so? {{
T
####{"f" * (MAX_RATIONALE_LENGTH + 1)}
}}
"""

AIKEN_TOO_LONG = f"""Unit length of T1017?
A. 15 minutes
B. 30 minutes
ANSWER: A

Which one?
A. right
B. {LONG_ANSWER}
ANSWER: A
"""


def _counts():
    return ExamItem.objects.count(), ItemOption.objects.count(), AuditEvent.objects.count()


def test_the_limits_are_the_bank_column_sizes():
    assert ExamItem._meta.get_field("title").max_length == MAX_TITLE_LENGTH
    assert ItemOption._meta.get_field("text").max_length == MAX_OPTION_LENGTH


def test_over_long_gift_parts_are_errors_on_their_own_lines():
    result = parse(GIFT_TOO_LONG, "gift")

    assert [item.title for item in result.items] == ["Fine"]
    assert [str(error) for error in result.errors] == [
        f"Line 8: an answer is {MAX_OPTION_LENGTH + 1} characters long; at most 500 fit.",
        "Line 11: the title is 201 characters long; at most 200 fit.",
        "Line 13: the question is 5,001 characters long; at most 5,000 fit.",
        "Line 17: the feedback is 5,001 characters long; at most 5,000 fit.",
    ]


def test_over_long_aiken_answer_is_an_error_on_its_line():
    result = parse(AIKEN_TOO_LONG, "aiken")

    assert [item.prompt for item in result.items] == ["Unit length of T1017?"]
    assert [str(error) for error in result.errors] == [
        "Line 8: an answer is 501 characters long; at most 500 fit."
    ]


def test_exactly_the_limit_fits():
    text = f"::{'t' * MAX_TITLE_LENGTH}::Which? {{=yes ~{'n' * MAX_OPTION_LENGTH}}}\n"
    (item,) = parse(text, "gift").items
    assert len(item.options[1].text) == MAX_OPTION_LENGTH


@pytest.mark.parametrize(
    ("fmt", "text", "lines"),
    [("gift", GIFT_TOO_LONG, [8, 11, 13, 17]), ("aiken", AIKEN_TOO_LONG, [8])],
)
def test_the_preview_shows_the_long_fields_with_line_numbers_and_confirm_writes_nothing(
    topics, editor, fmt, text, lines
):
    client = signed_in(editor)
    before = _counts()
    preview = client.post(
        IMPORT_URL,
        {
            "file": SimpleUploadedFile(f"bank.{fmt}.txt", text.encode()),
            "format": fmt,
            "topic": topics[0].pk,
        },
    )
    page = preview.content.decode()
    assert preview.status_code == 200
    for line in lines:
        assert f"Line {line}: " in page
    assert "characters long; at most" in page
    assert _counts() == before

    refused = client.post(IMPORT_URL, {"text": text, "format": fmt, "topic": topics[0].pk})
    assert refused.status_code == 200 and "nothing was imported" in refused.content.decode()
    assert _counts() == before

    done = client.post(
        IMPORT_URL, {"text": text, "format": fmt, "topic": topics[0].pk, "import_valid": "on"}
    )
    assert done.status_code == 302
    assert ExamItem.objects.count() == 1  # only the question that fits
    assert all(len(o.text) <= MAX_OPTION_LENGTH for o in ItemOption.objects.all())


def test_a_file_over_the_size_limit_is_refused_before_parsing(topics, editor):
    client = signed_in(editor)
    big = ("::Q::Which? {=a ~b}\n\n" * 60_000).encode()
    assert len(big) > 1024 * 1024
    before = _counts()

    response = client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("bank.gift", big), "format": "gift"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 1 MB."]
    assert "plan" not in response.context
    assert _counts() == before


# Moodle's own fixtures, verbatim: question/format/gift/tests/fixtures/questions.gift.txt,
# questions_in_category.gift.txt and question/format/aiken/tests/fixtures/questions.aiken.txt
# (moodle/moodle). Types the bank has no place for are refused with their lines.
MOODLE_GIFT = """// essay
::Q8:: How are you? {}

// question: 2  name: Moodle activities
::Moodle activities::[html]Match the <b>activity</b> to the description.{
    =[html]An activity supporting asynchronous discussions. -> Forum
    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice
    =[plain]A bank of record entries which participants can add to. -> Database
    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki
    = -> Chat
}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{
    =yellow # right; good!
    ~red # [html]wrong, it's yellow
    ~[plain]blue # wrong, it's yellow
}

// multiple choice, multiple response with specified feedback for right and wrong answers
::colours:: What's between orange and green in the spectrum?
{
    ~%50%yellow # right; good!
    ~%-100%red # [html]wrong
    ~%50%off-beige # right; good!
    ~%-100%[plain]blue # wrong
}

// math range question
::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}";

// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
    =Frog#Good!
    =%50%Cat#What is it with Moodlers and cats?
    =%0%*#Completely wrong
}

// true/false, with general feedback
::Q1:: 42 is the Absolute Answer to everything.{
FALSE#42 is the Ultimate Answer.#You gave the right answer.
####This is, of course, a Hitchiker's Guide to the Galaxy reference.}";

// name 0-11
::2-08 TSL::TSL is blablabla.{T}

// name 0-11
::2-08 TSL::TSL is blablabla.{TRUE}
"""

MOODLE_GIFT_IN_CATEGORY = """// question: 0  name: switch category to $course$/Default for New Features
$CATEGORY: $course$/Default for New Features

// question: 44  name: Moodle activities
::Moodle activities::[html]Match the activity to the description.{
\t=An activity supporting asynchronous discussions. -> Forum
\t=A teacher asks a question and specifies a choice of multiple responses. -> Choice
\t=A bank of record entries which participants can add to. -> Database
\t=A collection of web pages that anyone can add to or edit. -> Wiki
\t= -> Chat
}

// question: 43  name: Greeting
::Greeting::[html]<a href\\="http\\://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting\\:</a><br /><br />What language is being spoken?{
\t~English#Sorry, listen again.
\t=French#Yes, well done!
\t~German#Sorry, listen again.
\t~Spanish#Sorry, listen again.
}

// question: 46  name: Moodle user
::Moodle user::[html]Anyone who uses Moodle is a ...{
\t=%100%Moodler#
}

// question: 45  name: Moodle acronym
::Moodle acronym::[html]Moodle is an acronym for <span style\\="font-style\\: italic;">Modular Object-Oriented Dynamic Learning Environment</span>.{TRUE}
"""  # noqa: E501

MOODLE_AIKEN = """The Moodle project was started by:
A) Petr Skoda
B) Martin Dougiamas
C) Eloy Lafuente
D) Tim Hunt
ANSWER: B

Moodle's abilities include handling user input that includes <html class="cool"> & images:
A) True
B) False
ANSWER: A
"""


def test_moodles_gift_fixture_imports_what_the_bank_supports():
    result = parse(MOODLE_GIFT, "gift")

    assert [(i.title, i.kind) for i in result.items] == [
        ("Q2", ItemKind.SINGLE),
        ("colours", ItemKind.MULTIPLE),
        ("Q1", ItemKind.TRUE_FALSE),
        ("2-08 TSL", ItemKind.TRUE_FALSE),
        ("2-08 TSL", ItemKind.TRUE_FALSE),
    ]
    assert [o.text for o in result.items[0].options] == ["yellow", "red", "blue"]
    assert [o.text for o in result.items[1].options if o.correct] == ["yellow", "off-beige"]
    assert result.items[2].rationale.startswith("This is, of course")
    assert [e.line for e in result.errors] == [2, 6, 31, 34]  # essay, matching, numerical, short


def test_moodles_gift_category_fixture_imports_into_its_category():
    result = parse(MOODLE_GIFT_IN_CATEGORY, "gift")

    assert [(i.title, i.category) for i in result.items] == [
        ("Greeting", "Default for New Features"),
        ("Moodle acronym", "Default for New Features"),
    ]
    assert [o.text for o in result.items[0].options if o.correct] == ["French"]
    assert len(result.errors) == 2  # matching, short answer


def test_moodles_aiken_fixture_imports(topics, editor):
    plan = import_plan(text=MOODLE_AIKEN, fmt="aiken", default_topic=topics[0])

    assert plan.errors == []
    assert [p.parsed.prompt for p in plan.items] == [
        "The Moodle project was started by:",
        "Moodle's abilities include handling user input that includes "
        '<html class="cool"> & images:',
    ]
    assert [o.text for o in plan.items[0].parsed.options if o.correct] == ["Martin Dougiamas"]
