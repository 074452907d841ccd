"""What the GIFT and Aiken parsers produce: items and line-numbered errors. Pure data."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParsedOption:
    text: str
    correct: bool


@dataclass(frozen=True)
class ParsedItem:
    line: int  # where the question starts in the file (1-based)
    title: str
    prompt: str
    kind: str  # an exams.rules.ItemKind value
    options: tuple[ParsedOption, ...]
    rationale: str = ""
    category: str = ""  # the GIFT $CATEGORY in force, "" when none


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
    return parsers[fmt](text)


def auto_title(prompt: str, limit: int = 60) -> str:
    """A short title from the first words of a prompt."""
    flat = " ".join(prompt.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"
