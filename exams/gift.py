"""Moodle GIFT: parse (multiple choice, multiple answer, true/false) and export, so a bank can make
the round trip. Read as Moodle's `question/format/gift/format.php` reads it: an optional
`::title::`, a format tag (`[html]`, `[plain]`, `[moodle]`, `[markdown]`) before the question and
before any answer or feedback, answers with `%weight%` and `#feedback`, true/false with its two
feedbacks, `####` general feedback (the rationale), and only `\\\\ \\: \\# \\= \\{ \\} \\~` and
`\\n` as escapes (any other backslash is text). Every other GIFT type (description, essay, short
answer, numerical, matching, missing word, cloze) is refused by name with its line. Pure: text in,
data out.

    $CATEGORY: DOC
    ::DOC-1::Which element is required in every progress note? {
    =Start and stop times#Right: the note needs them.
    ~The member's diagnosis code
    ####Start and stop times are one of the eleven elements.
    }
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from exams import richtext
from exams.bankfile import ParsedItem, ParsedOption, ParseError, ParseResult, auto_title
from exams.rules import ItemKind

# Escaped control characters are hidden behind private-use characters while the text is cut up
# (as Moodle's escapedchar_pre/escapedchar_post do), then shown again as what they stand for.
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_HIDE = {c: chr(0xE000 + i) for i, c in enumerate("\\:#={}~n")}
_SHOW = str.maketrans({chr(0xE000 + i): c for i, c in enumerate("\\:#={}~\n")})
_FORMAT_TAG = re.compile(r"\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WORD = re.compile(r"\w")


class _Refused(Exception):
    def __init__(self, offset: int, message: str):
        self.offset = offset
        self.message = message


@dataclass
class _Part:
    """A piece of text as written, and its format ("html", "plain", "moodle" or "markdown")."""

    text: str
    fmt: str

    @property
    def is_html(self) -> bool:
        return self.fmt == richtext.HTML


@dataclass
class _Answer:
    text: _Part
    correct: bool
    weight: float | None
    feedback: _Part
    offset: int


@dataclass
class _Question:
    title: str
    prompt: _Part
    kind: str
    answers: list[_Answer]
    general: _Part | None = None
    general_offset: int = 0
    extra: list[_Part] = field(default_factory=list)


def _protect(text: str) -> str:
    return _ESCAPE.sub(lambda m: _HIDE[m.group(1)], text)


def _restore(text: str) -> str:
    return text.translate(_SHOW)


def _formatted(raw: str, default: str) -> _Part:
    """A part's text without its leading format tag (Moodle's parse_text_with_format)."""
    text = raw.strip()
    tag = _FORMAT_TAG.match(text)
    fmt = default
    if tag:
        fmt, text = tag.group(1).lower(), text[tag.end() :]
    return _Part(_restore(text).strip(), fmt)


def _escape(text: str) -> str:
    """GIFT text for `text` (Moodle's repchar): the control characters escaped, lines joined."""
    text = text.replace("\\", "\\\\")
    for char in "#=~{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "").replace("\n", "\\n")


# --- parsing ---------------------------------------------------------------------------------


def _blocks(text: str, result: ParseResult) -> list[tuple[int, str, str]]:
    """(first line, text, category) for each question: blank lines separate questions, `//` lines
    are comments, `$CATEGORY:` lines set the category of the questions after them."""
    blocks: list[tuple[int, str, str]] = []
    category = ""
    current: list[str] = []
    start = 0

    def flush():
        if current:
            blocks.append((start, "\n".join(current), category))
            current.clear()

    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            if current:
                current.append("")  # keeps the line numbers of what follows
            continue
        if stripped.upper().startswith("$CATEGORY:"):
            flush()
            path = stripped.split(":", 1)[1].strip()
            category = path.rstrip("/").rsplit("/", 1)[-1].strip()
            if not category:
                result.errors.append(ParseError(number, "the $CATEGORY line names no category."))
            continue
        if not stripped:
            flush()
            continue
        if not current:
            start = number
        current.append(raw.rstrip())
    flush()
    return blocks


def _kind(answer: str) -> str:
    """The GIFT question type of an answer block, decided in Moodle's order."""
    if not answer:
        return "essay"
    if answer.startswith("#"):
        return "numerical"
    if "~" in answer:
        return "multichoice"
    if "=" in answer and "->" in answer:
        return "matching"
    if answer.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
        return "truefalse"
    return "short answer"


_NOT_SUPPORTED = {
    "essay": "essay questions (an empty answer block) are not supported.",
    "numerical": "numerical questions are not supported.",
    "matching": "matching questions are not supported.",
    "short answer": "short answer questions (no answer marked ~) are not supported.",
}


def _question(block: str) -> _Question:
    """One question block (escapes already hidden), or raise _Refused."""
    text = block
    pos = len(text) - len(text.lstrip())
    title = ""
    if text.startswith("::", pos):
        end = text.find("::", pos + 2)
        if end < 0:
            raise _Refused(pos, "the title is not closed with ::.")
        title = " ".join(_restore(text[pos + 2 : end]).split())
        pos = end + 2
    opening, closing = text.find("{", pos), text.find("}", pos)
    if opening < 0 and closing < 0:
        raise _Refused(pos, "description items (text with no answer block) are not supported.")
    if closing < 0:
        raise _Refused(opening, "the answer block opened here is never closed with }.")
    if opening < 0 or closing < opening:
        raise _Refused(closing, "this } closes no answer block: open it with {.")
    after = text[closing + 1 :]
    if "{" in after:
        raise _Refused(
            closing + 1 + after.index("{"),
            "cloze questions (more than one answer block) are not supported.",
        )
    body = text[opening + 1 : closing]
    general, general_at = None, body.rfind("####")
    if general_at >= 0:
        general, body = body[general_at + 4 :], body[:general_at]
    kind = _kind(body.strip())
    if kind in _NOT_SUPPORTED:
        at = opening + 1 + body.find("->") if kind == "matching" else opening
        raise _Refused(at, _NOT_SUPPORTED[kind])
    if _WORD.search(_restore(after)):
        raise _Refused(
            opening,
            "missing word questions (the answers inside the sentence) are not supported.",
        )
    # Punctuation after the answers ("…{T}.") stays at the end of the question, as in Moodle.
    prompt = _formatted(text[pos:opening].rstrip() + after.strip(), "moodle")
    if not prompt.text:
        raise _Refused(pos, "the question has no text.")
    question = _Question(title=title, prompt=prompt, kind="", answers=[])
    if general is not None:
        question.general = _formatted(general, prompt.fmt)
        question.general_offset = opening + 1 + general_at
    if kind == "truefalse":
        _true_false(question, body, opening + 1)
    else:
        _choice(question, body, opening + 1)
    return question


def _true_false(question: _Question, body: str, offset: int) -> None:
    """Moodle's split_truefalse_comment: `T#shown to a wrong answer#shown to a right one`."""
    word, *feedback = body.split("#", 2)
    truth = _TRUE_FALSE[word.strip().upper()]
    wrong, right = (_formatted(f, question.prompt.fmt) for f in [*feedback, "", ""][:2])
    question.kind = ItemKind.TRUE_FALSE
    question.answers = [
        _Answer(_Part("True", "plain"), truth, None, right if truth else wrong, offset),
        _Answer(_Part("False", "plain"), not truth, None, wrong if truth else right, offset),
    ]


def _choice(question: _Question, body: str, offset: int) -> None:
    marks = [i for i, char in enumerate(body) if char in "=~"]
    if body[: marks[0]].strip():
        raise _Refused(offset, "each answer must start with = (right) or ~ (wrong).")
    for start, end in zip(marks, [*marks[1:], len(body)], strict=True):
        chunk = body[start + 1 : end].lstrip()
        weight_match = _WEIGHT.match(chunk)
        weight = float(weight_match.group(1)) if weight_match else None
        chunk = chunk[weight_match.end() :] if weight_match else chunk
        answer, _, feedback = chunk.partition("#")
        part = _formatted(answer, question.prompt.fmt)
        if not part.text:
            raise _Refused(offset + start, "an answer has no text.")
        question.answers.append(
            _Answer(
                part,
                body[start] == "=",
                weight,
                _formatted(feedback, question.prompt.fmt),
                offset + start,
            )
        )
    _classify(question, offset)


def _classify(question: _Question, offset: int) -> None:
    answers = question.answers
    rights = [a for a in answers if a.correct]
    if len(rights) > 1:
        raise _Refused(
            rights[1].offset,
            "more than one answer is marked =; for a multiple-answer question give each "
            "answer a weight instead (~%50%…, ~%-100%…).",
        )
    if rights:
        if any(a.weight and a.weight > 0 for a in answers if not a.correct):
            raise _Refused(
                offset, "partial credit (a ~ answer with a positive weight) is not supported."
            )
        question.kind = ItemKind.SINGLE
        for answer in answers:
            answer.weight = None
    else:
        if not any(a.weight and a.weight > 0 for a in answers):
            raise _Refused(offset, "no answer is marked right (= or a positive ~%weight%).")
        question.kind = ItemKind.MULTIPLE
        for answer in answers:
            answer.correct = bool(answer.weight and answer.weight > 0)
    if len(answers) < 2:
        raise _Refused(offset, "a question needs at least two answers.")


def _item(question: _Question, line: int, category: str, line_at) -> ParsedItem:
    """The item in one format: HTML when the question is HTML or a part is HTML with markup."""
    parts = [question.prompt, *(a.text for a in question.answers)]
    parts += [a.feedback for a in question.answers] + [question.general or _Part("", "plain")]
    html = question.prompt.is_html or any(p.is_html and richtext.has_markup(p.text) for p in parts)
    target = richtext.HTML if html else richtext.PLAIN

    def convert(part: _Part) -> str:
        return richtext.part_text(part.text, part.fmt, target)

    prompt = convert(question.prompt)
    options = tuple(
        ParsedOption(
            convert(a.text),
            a.correct,
            line=line_at(a.offset),
            feedback=convert(a.feedback),
            weight=a.weight,
        )
        for a in question.answers
    )
    return ParsedItem(
        line=line,
        title=question.title or auto_title(richtext.as_plain(prompt, target)),
        prompt=prompt,
        kind=question.kind,
        options=options,
        rationale=convert(question.general) if question.general else "",
        category=category,
        rationale_line=line_at(question.general_offset) if question.general else 0,
        text_format=target,
    )


def parse(text: str) -> ParseResult:
    """Parse GIFT text into items and line-numbered errors (every question is tried)."""
    result = ParseResult()
    for line, block, category in _blocks(text, result):
        hidden = _protect(block)  # the escapes never span a line, so line numbers hold

        def line_at(offset: int, line=line, hidden=hidden) -> int:
            return line + hidden[: max(offset, 0)].count("\n")

        try:
            question = _question(hidden)
        except _Refused as refusal:
            result.errors.append(ParseError(line_at(refusal.offset), refusal.message))
            continue
        result.items.append(_item(question, line, category, line_at))
    result.errors.sort(key=lambda e: e.line)
    return result


# --- export ----------------------------------------------------------------------------------


def _weight(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _text(text: str, item: ParsedItem) -> str:
    """An answer or feedback as GIFT: escaped; marked [plain] where it would read as a tag."""
    escaped = _escape(text)
    if item.text_format != richtext.HTML and _FORMAT_TAG.match(text):
        return "[plain]" + escaped
    return escaped


def _feedback(option: ParsedOption, item: ParsedItem) -> str:
    return f"#{_text(option.feedback, item)}" if option.feedback else ""


def _answer_lines(item: ParsedItem) -> list[str]:
    if item.kind == ItemKind.TRUE_FALSE:
        right = next(o for o in item.options if o.correct)
        wrong = next(o for o in item.options if not o.correct)
        line = "TRUE" if right.text.strip().lower() == "true" else "FALSE"
        if wrong.feedback or right.feedback:
            line += f"#{_text(wrong.feedback, item)}"
        if right.feedback:
            line += f"#{_text(right.feedback, item)}"
        return [line]
    if item.kind == ItemKind.MULTIPLE:
        share = _weight(100 / max(1, sum(o.correct for o in item.options)))
        lines = []
        for option in item.options:
            if option.weight is not None:
                mark = f"~%{_weight(option.weight)}%"
            else:
                mark = f"~%{share}%" if option.correct else "~%-100%"
            lines.append(f"\t{mark}{_text(option.text, item)}{_feedback(option, item)}")
        return lines
    return [
        f"\t{'=' if o.correct else '~'}{_text(o.text, item)}{_feedback(o, item)}"
        for o in item.options
    ]


def dump(items: Iterable[ParsedItem], *, header: str = "") -> str:
    """GIFT text for `items`, grouped under `$CATEGORY:` lines (each item's `category`), that
    `parse` reads back to the same items (HTML items marked [html])."""
    lines = [f"// {line}" for line in header.splitlines()]
    category = None
    for item in items:
        if item.category != category:
            category = item.category
            lines += ["", f"$CATEGORY: {category}"]
        tag = "[html]" if item.text_format == richtext.HTML else ""
        prompt = tag + _escape(item.prompt) if tag else _text(item.prompt, item)
        lines += ["", f"::{_escape(item.title)}::{prompt} {{"]
        lines += _answer_lines(item)
        if item.rationale:
            lines.append(f"\t####{_text(item.rationale, item)}")
        lines.append("}")
    return "\n".join(lines).lstrip("\n") + "\n"
