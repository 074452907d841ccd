"""Moodle GIFT: parse (multiple choice, multiple answer, true/false) and export, so a bank can make
the round trip. Other GIFT question types (essay, numerical, matching, short answer) are refused
with a line-numbered error. Pure: text in, data out.

    $CATEGORY: DOC
    ::DOC-1::Which element is required in every progress note? {
    =Start and stop times
    ~The member's diagnosis code
    ####Start and stop times are one of the eleven elements.
    }
"""

import re
from collections.abc import Iterable

from exams.bankfile import ParsedItem, ParsedOption, ParseError, ParseResult, auto_title
from exams.rules import ItemKind

_SPECIAL = "~=#{}:"
_FORMAT_TAG = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_TRUE_FALSE = re.compile(r"(T|F|TRUE|FALSE)\s*(#.*)?", re.IGNORECASE | re.DOTALL)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")


class _Refused(Exception):
    def __init__(self, offset: int, message: str):
        self.offset = offset
        self.message = message


def _find(text: str, token: str, start: int = 0) -> int:
    """Index of the first `token` at or after `start` that is not backslash-escaped, else -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(token, i):
            return i
        i += 1
    return -1


def _markers(body: str) -> list[int]:
    """Where each answer starts: every `=` or `~` that is not backslash-escaped."""
    marks, i = [], 0
    while i < len(body):
        if body[i] == "\\":
            i += 2
            continue
        if body[i] in "=~":
            marks.append(i)
        i += 1
    return marks


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text, flags=re.S)


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


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


def _answers(body: str, offset: int, line_at) -> tuple[str, tuple[ParsedOption, ...]]:
    """The kind and options of an answer block (without its general feedback); `line_at` turns
    an offset in the question block into a line of the file."""
    stripped = body.strip()
    if not stripped:
        raise _Refused(offset, "essay questions (an empty answer block) are not supported.")
    if stripped.startswith("#"):
        raise _Refused(offset, "numerical questions are not supported.")
    tf = _TRUE_FALSE.fullmatch(stripped)
    if tf:
        truth = tf.group(1).upper().startswith("T")
        at = line_at(offset)
        return ItemKind.TRUE_FALSE, (
            ParsedOption("True", truth, line=at),
            ParsedOption("False", not truth, line=at),
        )
    marks = _markers(body)
    if not marks or body[: marks[0]].strip():
        raise _Refused(offset, "each answer must start with = (right) or ~ (wrong).")
    tokens = []  # (marker, weight, text, offset)
    for start, end in zip(marks, [*marks[1:], len(body)], strict=True):
        chunk = body[start + 1 : end]
        weight_match = _WEIGHT.match(chunk)
        weight = float(weight_match.group(1)) if weight_match else None
        chunk = chunk[weight_match.end() :] if weight_match else chunk
        feedback_at = _find(chunk, "#")
        raw_text = chunk if feedback_at < 0 else chunk[:feedback_at]
        raw_text = _FORMAT_TAG.sub("", raw_text, count=1)  # "~[plain]blue" is "blue"
        if _find(raw_text, "->") >= 0:
            raise _Refused(offset + start, "matching questions are not supported.")
        text = _unescape(raw_text).strip()
        if not text:
            raise _Refused(offset + start, "an answer has no text.")
        tokens.append((body[start], weight, text, offset + start))
    return _choice(tokens, offset, line_at)


def _choice(tokens: list[tuple[str, float | None, str, int]], offset: int, line_at):
    rights = [t for t in tokens if t[0] == "="]
    wrongs = [t for t in tokens if t[0] == "~"]
    if not wrongs:
        raise _Refused(offset, "short-answer questions (every answer marked =) are not supported.")
    if len(rights) > 1:
        raise _Refused(
            rights[1][3],
            "more than one answer is marked =; for a multiple-answer question give each "
            "answer a weight instead (~%50%…, ~%-100%…).",
        )
    if rights:
        if any(w is not None and w > 0 for _, w, _, _ in wrongs):
            raise _Refused(
                offset, "partial credit (a ~ answer with a positive weight) is not supported."
            )
        kind = ItemKind.SINGLE
        options = tuple(
            ParsedOption(text, mark == "=", line=line_at(at)) for mark, _, text, at in tokens
        )
    else:
        if all(w is None for _, w, _, _ in tokens):
            raise _Refused(offset, "no answer is marked right (= or a positive ~%weight%).")
        kind = ItemKind.MULTIPLE
        options = tuple(
            ParsedOption(text, (w or 0) > 0, line=line_at(at)) for _, w, text, at in tokens
        )
        if not any(o.correct for o in options):
            raise _Refused(offset, "no answer has a positive weight.")
    if len(options) < 2:
        raise _Refused(offset, "a question needs at least two answers.")
    return kind, options


def _question(block: str, line_at) -> tuple[str, str, str, tuple[ParsedOption, ...], str, int]:
    """(title, prompt, kind, options, rationale, its line) of one question block, or raise
    _Refused."""
    rest, title, offset = block, "", 0
    lead = len(rest) - len(rest.lstrip())
    if rest.lstrip().startswith("::"):
        end = _find(rest, "::", lead + 2)
        if end < 0:
            raise _Refused(lead, "the title is not closed with ::.")
        title = _unescape(rest[lead + 2 : end]).strip()
        offset = end + 2
    tag = _FORMAT_TAG.match(rest, offset)
    if tag:
        offset = tag.end()
    opening = _find(rest, "{", offset)
    if opening < 0:
        raise _Refused(offset, "no answer block: a GIFT question needs its answers in { }.")
    closing = _find(rest, "}", opening + 1)
    if closing < 0:
        raise _Refused(opening, "the answer block opened here is never closed with }.")
    prompt = _unescape(rest[offset:opening]).strip()
    after = _unescape(rest[closing + 1 :]).strip()
    if after:  # "missing word" format: the blank is where the answers were
        prompt = f"{prompt} _____ {after}".strip()
    if not prompt:
        raise _Refused(offset, "the question has no text.")
    body = rest[opening + 1 : closing]
    general = _find(body, "####")
    rationale = _unescape(body[general + 4 :]).strip() if general >= 0 else ""
    body = body[:general] if general >= 0 else body
    kind, options = _answers(body, opening + 1, line_at)
    rationale_line = line_at(opening + 1 + general) if general >= 0 else 0
    return title, prompt, kind, options, rationale, rationale_line


def parse(text: str) -> ParseResult:
    """Parse GIFT text into items and line-numbered errors (every question is tried)."""
    result = ParseResult()
    for line, block, category in _blocks(text, result):

        def line_at(offset: int, line=line, block=block) -> int:
            return line + block[:offset].count("\n")

        try:
            title, prompt, kind, options, rationale, rationale_line = _question(block, line_at)
        except _Refused as refusal:
            result.errors.append(ParseError(line_at(refusal.offset), refusal.message))
            continue
        result.items.append(
            ParsedItem(
                line=line,
                title=title or auto_title(prompt),
                prompt=prompt,
                kind=kind,
                options=options,
                rationale=rationale,
                category=category,
                rationale_line=rationale_line,
            )
        )
    result.errors.sort(key=lambda e: e.line)
    return result


# --- export ----------------------------------------------------------------------------------


def _weight(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _answer_lines(item: ParsedItem) -> list[str]:
    if item.kind == ItemKind.TRUE_FALSE:
        truth = next((o.text.strip().lower() == "true") == o.correct for o in item.options)
        return ["TRUE" if truth else "FALSE"]
    if item.kind == ItemKind.MULTIPLE:
        right = sum(o.correct for o in item.options)
        share = _weight(100 / right)
        return [f"~%{share if o.correct else '-100'}%{_escape(o.text)}" for o in item.options]
    return [f"{'=' if o.correct else '~'}{_escape(o.text)}" for o in item.options]


def dump(items: Iterable[ParsedItem], *, header: str = "") -> str:
    """GIFT text for `items`, grouped under `$CATEGORY:` lines (each item's `category`)."""
    lines = [f"// {line}" for line in header.splitlines()]
    category = None
    for item in items:
        if item.category != category:
            category = item.category
            lines += ["", f"$CATEGORY: {category}"]
        lines += ["", f"::{_escape(item.title)}::{_escape(item.prompt)} {{"]
        lines += _answer_lines(item)
        if item.rationale:
            lines.append(f"####{_escape(item.rationale)}")
        lines.append("}")
    return "\n".join(lines).lstrip("\n") + "\n"
