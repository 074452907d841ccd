"""What the GIFT and Aiken parsers produce: items and line-numbered errors. Pure data.

`parse` also refuses, with the line of the offending part, any title, question, answer or
feedback longer than the bank can hold, so that the preview shows every problem the confirm
step would meet.
"""

from dataclasses import dataclass, field

# How long each part may be: the bank's column sizes where it has them (ExamItem.title,
# ItemOption.text), and for the free-text fields more than any real question needs.
MAX_TITLE_LENGTH = 200
MAX_PROMPT_LENGTH = 5000
MAX_OPTION_LENGTH = 500
MAX_RATIONALE_LENGTH = 5000


@dataclass(frozen=True)
class ParsedOption:
    text: str
    correct: bool
    line: int = field(default=0, compare=False)  # where the answer is in the file
    feedback: str = ""  # what a candidate who chose it reads in review
    # GIFT's %weight% (percent of the mark), None when not given. Not part of an option's
    # identity: an export writes the weights the keys imply when none were stored.
    weight: float | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ParsedItem:
    line: int  # where the question starts in the file (1-based)
    title: str
    prompt: str
    kind: str  # an exams.rules.ItemKind value
    options: tuple[ParsedOption, ...]
    rationale: str = ""
    category: str = ""  # the GIFT $CATEGORY in force, "" when none
    rationale_line: int = field(default=0, compare=False)
    text_format: str = "plain"  # "plain" or "html" (sanitized): prompt, options and feedback


@dataclass(frozen=True)
class ParseError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass
class ParseResult:
    items: list[ParsedItem] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)


def parse(text: str, fmt: str) -> ParseResult:
    """Parse a bank file in `fmt` ("gift" or "aiken")."""
    from exams import aiken, gift

    parsers = {"gift": gift.parse, "aiken": aiken.parse}
    if fmt not in parsers:
        raise ValueError(f"Unknown format {fmt!r}")
    parsed = parsers[fmt](text)
    result = ParseResult(errors=list(parsed.errors))
    for item in parsed.items:
        problems = length_errors(item)
        result.errors.extend(problems)
        if not problems:
            result.items.append(item)
    result.errors.sort(key=lambda e: e.line)
    return result


def length_errors(item: ParsedItem) -> list[ParseError]:
    """A line-numbered error for each part of `item` that is longer than the bank allows."""
    parts = [
        ("the title", item.title, item.line, MAX_TITLE_LENGTH),
        ("the question", item.prompt, item.line, MAX_PROMPT_LENGTH),
        *(("an answer", o.text, o.line or item.line, MAX_OPTION_LENGTH) for o in item.options),
        *(
            ("an answer's feedback", o.feedback, o.line or item.line, MAX_RATIONALE_LENGTH)
            for o in item.options
        ),
        ("the feedback", item.rationale, item.rationale_line or item.line, MAX_RATIONALE_LENGTH),
    ]
    return [
        ParseError(line, f"{what} is {len(text):,} characters long; at most {limit:,} fit.")
        for what, text, line, limit in parts
        if len(text) > limit
    ]


def auto_title(prompt: str, limit: int = 60) -> str:
    """A short title from the first words of a prompt."""
    flat = " ".join(prompt.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"
