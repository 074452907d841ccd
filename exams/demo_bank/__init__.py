"""The demo item bank: original items written from the seeds (ODMHSAS case management, the T1017
service, the job). Data only; `exams.demo.seed_exam_bank` loads it."""

from dataclasses import dataclass

from exams.rules import ItemKind


@dataclass(frozen=True)
class DemoItem:
    topic: str  # topic code
    title: str
    kind: str
    prompt: str
    options: tuple[tuple[str, bool], ...]
    rationale: str
    difficulty: str = ""


def mc(topic, title, prompt, right, wrongs, rationale, difficulty="") -> DemoItem:
    """Single answer; the key is listed first here and shuffled when served."""
    options = ((right, True), *((w, False) for w in wrongs))
    return DemoItem(topic, title, ItemKind.SINGLE, prompt, options, rationale, difficulty)


def ma(topic, title, prompt, rights, wrongs, rationale, difficulty="") -> DemoItem:
    options = (*((r, True) for r in rights), *((w, False) for w in wrongs))
    return DemoItem(topic, title, ItemKind.MULTIPLE, prompt, options, rationale, difficulty)


def tf(topic, title, statement, truth, rationale, difficulty="") -> DemoItem:
    options = (("True", truth), ("False", not truth))
    return DemoItem(topic, title, ItemKind.TRUE_FALSE, statement, options, rationale, difficulty)


TOPICS: list[tuple[str, str, str]] = [
    ("SBM", "Strengths-based model", "The ODMHSAS Strengths Based model of case management."),
    ("DOC", "Documentation", "Service plans and the eleven elements of every progress note."),
    ("T1017", "T1017 units and limits", "Units, daily and monthly limits, modifiers."),
    ("NRA", "Non-reimbursable activities", "What case management may not bill, travel time."),
    ("CRI", "Crisis diversion and covered services", "Crisis diversion, outreach, transitions."),
    ("CLT", "Caseload types", "Standard, intensive, wraparound; target populations."),
    ("QUAL", "Qualifications and certification", "CM I, CM II, specialties, renewal."),
    ("ETH", "Ethics and professional practice", "Boundaries, confidentiality, autonomy."),
]


def all_items() -> list[DemoItem]:
    from exams.demo_bank import billing, practice, profession

    return [*practice.ITEMS, *billing.ITEMS, *profession.ITEMS]
