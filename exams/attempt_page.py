"""The attempt page's questions, rendered once per paper and marked per request.

Rendering forty questions through the template engine cost more than everything else the page
does, on every visit. So the questions are rendered when the paper is drawn (when the exam opens
for the person, before they press Start), with nothing chosen, and kept with the attempt; each
visit only marks the saved answers on that HTML (`checked` on the chosen options, "answered" on
the question buttons) with one pass of a regular expression. The HTML carries what the candidate
may see (prompt, options under their random keys), never the keys or the rationale.
"""

import re

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from exams import richtext, rules

TEMPLATE = "exams/_attempt_items.html"

# As _attempt_items.html writes them: an option's input, and a question's button.
_MARKS = re.compile(
    r'name="q-(?P<position>\d+)" value="(?P<key>[^"]+)"'
    r'|class="exam-goto" data-goto="(?P<goto>\d+)" aria-label="(?P<label>[^"]*)"'
)


def candidate_item(entry: dict) -> dict:
    """An item as the candidate sees it (from a served entry or row: position, kind, prompt,
    text_format, options): the prompt and options ready for a template, without the keys."""
    fmt = entry["text_format"]
    return {
        "position": entry["position"],
        "number": entry["position"] + 1,
        "kind": entry["kind"],
        "multiple": entry["kind"] == rules.ItemKind.MULTIPLE,
        "prompt": entry["prompt"],
        "prompt_html": richtext.render(entry["prompt"], fmt),
        "options": [
            {"key": o["key"], "text": o["text"], "html": richtext.render(o["text"], fmt)}
            for o in entry["options"]
        ],
    }


def page_render(entries: list[dict]) -> str:
    """The questions of a paper (served entries or rows, in position order) as HTML, nothing
    chosen."""
    items = [candidate_item({"position": n, **entry}) for n, entry in enumerate(entries)]
    return render_to_string(TEMPLATE, {"items": items})


def page_mark(html: str, responses: dict[int, list[str]]) -> SafeString:
    """`html` (from `page_render`) with the saved answers chosen: `responses` maps a position
    to the option keys saved for it."""
    chosen = {(position, key) for position, keys in responses.items() for key in keys or ()}
    answered = {position for position, keys in responses.items() if keys}
    if not answered:
        return mark_safe(html)  # noqa: S308 (rendered by page_render, which escapes)

    def mark(match: re.Match) -> str:
        if match["goto"] is not None:
            if int(match["goto"]) not in answered:
                return match[0]
            return (
                f'class="exam-goto is-answered" data-goto="{match["goto"]}" '
                f'aria-label="{match["label"]}, answered"'
            )
        if (int(match["position"]), match["key"]) in chosen:
            return f"{match[0]} checked"
        return match[0]

    return mark_safe(_MARKS.sub(mark, html))  # noqa: S308 (our own rendered HTML, keys are ours)
