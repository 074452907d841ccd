"""What a PowerPoint import kept and left out of each slide, and why: shown to the editor
before the draft lesson is saved, and kept with a big deck's import. Plain data."""

from dataclasses import asdict, dataclass, field


@dataclass
class SlideReport:
    number: int  # the slide's place in the deck, from 1
    title: str = ""
    hidden: bool = False  # hidden in the deck: left out of the lesson
    kept: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


@dataclass
class DeckReport:
    slides: list[SlideReport] = field(default_factory=list)

    @property
    def imported(self) -> list[SlideReport]:
        return [s for s in self.slides if not s.hidden]

    @property
    def hidden(self) -> list[SlideReport]:
        return [s for s in self.slides if s.hidden]

    @property
    def left_out(self) -> list[str]:
        """Every thing left out, as "Slide N: …" sentences."""
        return [f"Slide {s.number}: {reason}" for s in self.slides for reason in s.left_out]

    def as_dict(self) -> dict:
        return {"slides": [asdict(s) for s in self.slides]}

    @classmethod
    def from_dict(cls, data: dict | None) -> "DeckReport":
        return cls(slides=[SlideReport(**s) for s in (data or {}).get("slides", [])])
