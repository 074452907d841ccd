"""Aiken format (Moodle): a question, lettered options, and an `ANSWER:` line.

    What is the unit length of T1017?
    A. 15 minutes
    B) 30 minutes
    ANSWER: A

Read as Moodle's `question/format/aiken/format.php` reads it: the space after the letter's
bracket is optional (`A)Text`), and the text is plain (Moodle escapes it). Only single-answer
multiple choice exists in Aiken. Errors carry the line they are on; a broken
question is skipped and parsing carries on with the next one.
"""

import re

from exams.bankfile import ParsedItem, ParsedOption, ParseError, ParseResult, auto_title
from exams.rules import ItemKind

# As Moodle reads it: a letter, ")" or ".", then the text, a space after the bracket optional.
_OPTION = re.compile(r"^([A-Z])[.)][ \t]*(\S.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


class _Question:
    def __init__(self, line: int, prompt: str):
        self.line = line
        self.prompt_lines = [prompt]
        self.options: list[tuple[str, str, int]] = []  # (letter, text, line)
        self.broken = False


def _finish(q: _Question, answer: str, line: int, result: ParseResult) -> None:
    if q.broken:
        return
    if len(q.options) < 2:
        result.errors.append(
            ParseError(q.line, "a question needs at least two options (A. …, B. …).")
        )
        return
    letter = answer.strip().upper()
    letters = [opt[0] for opt in q.options]
    if not re.fullmatch(r"[A-Z]", letter):
        result.errors.append(ParseError(line, f"the ANSWER must be one letter, not {answer!r}."))
        return
    if letter not in letters:
        result.errors.append(
            ParseError(line, f"ANSWER: {letter} names no option of the question on line {q.line}.")
        )
        return
    prompt = "\n".join(q.prompt_lines)
    result.items.append(
        ParsedItem(
            line=q.line,
            title=auto_title(prompt),
            prompt=prompt,
            kind=ItemKind.SINGLE,
            options=tuple(
                ParsedOption(text, ltr == letter, line=at) for ltr, text, at in q.options
            ),
        )
    )


def parse(text: str) -> ParseResult:
    """Parse Aiken text into items and line-numbered errors."""
    result = ParseResult()
    current: _Question | None = None
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        if answer:
            if current is None:
                result.errors.append(ParseError(number, "ANSWER line without a question."))
            else:
                _finish(current, answer.group(1), number, result)
            current = None
            continue
        option = _OPTION.match(line)
        if current is None:
            current = _Question(number, line)
        elif option and not current.broken:
            expected = chr(ord("A") + len(current.options))
            if option.group(1) != expected:
                result.errors.append(
                    ParseError(number, f"option {expected} expected, found {option.group(1)}.")
                )
                current.broken = True
            else:
                current.options.append((option.group(1), option.group(2).strip(), number))
        elif current.options and not current.broken:
            # A new question began before the last one had its ANSWER line.
            result.errors.append(ParseError(current.line, "this question has no ANSWER line."))
            current = _Question(number, line)
        elif not current.broken:
            current.prompt_lines.append(line)
    if current is not None and not current.broken:
        result.errors.append(ParseError(current.line, "this question has no ANSWER line."))
    return result
