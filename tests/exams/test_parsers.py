"""GIFT and Aiken: what is understood, what is refused (with its line number), and the round
trip through export. Pure: no database."""

from exams import aiken, gift
from exams.bankfile import ParsedItem, ParsedOption
from exams.rules import ItemKind

GIFT = """// The documentation topic
$CATEGORY: $course$/top/DOC

::DOC-1::Which element belongs in every progress note? {
=Start and stop times
~The member's diagnosis code#Not one of the eleven.
~The case manager's mileage
####Start and stop times are element 3.
}

Case management may be refused by the member.{TRUE####Members have the right to refuse.}

::Billable\\: which?::Which of these are reimbursable? {
~%50%Crisis diversion
~%50%Monitoring the plan of care
~%-100%Transporting the member
}

[markdown]A unit of T1017 is {=15 minutes ~30 minutes ~1 hour} long.
"""


def test_gift_reads_single_true_false_multiple_and_refuses_missing_word():
    result = gift.parse(GIFT)
    # Moodle reads "…{answers} long." as a missing-word question; the bank has no such kind.
    assert [str(e) for e in result.errors] == [
        "Line 19: missing word questions (the answers inside the sentence) are not supported."
    ]
    single, truth, multiple = result.items
    assert (single.line, single.title, single.kind, single.category) == (
        4,
        "DOC-1",
        ItemKind.SINGLE,
        "DOC",
    )
    assert single.prompt == "Which element belongs in every progress note?"
    assert [(o.text, o.correct) for o in single.options] == [
        ("Start and stop times", True),
        ("The member's diagnosis code", False),
        ("The case manager's mileage", False),
    ]
    assert single.rationale == "Start and stop times are element 3."
    assert truth.kind == ItemKind.TRUE_FALSE and truth.line == 11
    assert [(o.text, o.correct) for o in truth.options] == [("True", True), ("False", False)]
    assert truth.rationale == "Members have the right to refuse."
    assert multiple.title == "Billable: which?" and multiple.kind == ItemKind.MULTIPLE
    assert [o.correct for o in multiple.options] == [True, True, False]
    assert [o.weight for o in multiple.options] == [50, 50, -100]
    assert single.options[1].feedback == "Not one of the eleven."


def test_gift_malformed_questions_are_reported_with_their_line_and_the_rest_still_parse():
    text = "\n".join(
        [
            "::ok::Fine {=a ~b}",  # 1
            "",
            "Essay question {}",  # 3
            "",
            "How many? {#16}",  # 5
            "",
            "Unclosed {",  # 7
            "=a",
            "~b",
            "",
            "Two right answers {",  # 11
            "=a",
            "=b",  # 13
            "~c",
            "}",
            "",
            "No answers at all",  # 17
            "",
            "Short answer {=sixteen =16}",  # 19
            "",
            "Match {=a -> 1 =b -> 2}",  # 21
            "",
            "No right answer {~%-50%a ~%-50%b}",  # 23
        ]
    )
    result = gift.parse(text)
    assert [item.title for item in result.items] == ["ok"]
    assert [(e.line, e.message.split(" ")[0]) for e in result.errors] == [
        (3, "essay"),
        (5, "numerical"),
        (7, "the"),
        (13, "more"),
        (17, "description"),
        (19, "short"),
        (21, "matching"),
        (23, "no"),
    ]
    assert "never closed" in result.errors[2].message
    assert str(result.errors[0]).startswith("Line 3: ")


def test_gift_escapes_survive_the_round_trip():
    items = [
        ParsedItem(
            line=0,
            title="Esc: {braces} = ~tilde #hash",
            prompt="Line one\nLine two with a backslash \\ and a colon: here",
            kind=ItemKind.SINGLE,
            options=(ParsedOption("a = b", True), ParsedOption("c ~ d #e", False)),
            rationale="Because {this}.",
            category="DOC",
        ),
        ParsedItem(
            line=0,
            title="TF",
            prompt="False statement.",
            kind=ItemKind.TRUE_FALSE,
            options=(ParsedOption("True", False), ParsedOption("False", True)),
            category="ETH",
        ),
        ParsedItem(
            line=0,
            title="Three of four",
            prompt="Pick three.",
            kind=ItemKind.MULTIPLE,
            options=tuple(ParsedOption(t, t != "d") for t in "abcd"),
            rationale="",
            category="ETH",
        ),
    ]
    text = gift.dump(items, header="Exported for a test.")
    again = gift.parse(text)
    assert again.errors == []
    strip = [(i.title, i.prompt, i.kind, i.options, i.rationale, i.category) for i in items]
    assert [
        (i.title, i.prompt, i.kind, i.options, i.rationale, i.category) for i in again.items
    ] == strip
    assert "%33.33333%" in text and "FALSE" in text


AIKEN = """What is the unit length of T1017?
A. 15 minutes
B) 30 minutes
C. 60 minutes
ANSWER: A

Which modifier does a CM I use?
A. HN
B. HM
ANSWER: B
"""


def test_aiken_reads_questions():
    result = aiken.parse(AIKEN)
    assert result.errors == []
    first, second = result.items
    assert (first.line, first.kind, first.prompt) == (1, ItemKind.SINGLE, first.title)
    assert [(o.text, o.correct) for o in first.options] == [
        ("15 minutes", True),
        ("30 minutes", False),
        ("60 minutes", False),
    ]
    assert second.line == 7 and [o.correct for o in second.options] == [False, True]


def test_aiken_malformed_input_has_line_numbers():
    text = "\n".join(
        [
            "Good one",  # 1
            "A. yes",
            "B. no",
            "ANSWER: A",
            "Letters skip",  # 5
            "A. one",
            "C. three",  # 7
            "ANSWER: A",
            "No answer line",  # 9
            "A. x",
            "B. y",
            "Next question starts",  # 12
            "A. p",
            "B. q",
            "ANSWER: D",  # 15
            "ANSWER: A",  # 16
            "One option",  # 17
            "A. lonely",
            "ANSWER: A",
        ]
    )
    result = aiken.parse(text)
    assert [i.prompt for i in result.items] == ["Good one"]
    assert [(e.line, e.message) for e in result.errors] == [
        (7, "option B expected, found C."),
        (9, "this question has no ANSWER line."),
        (15, "ANSWER: D names no option of the question on line 12."),
        (16, "ANSWER line without a question."),
        (17, "a question needs at least two options (A. …, B. …)."),
    ]
