"""Item text in two formats: plain text (shown escaped, line breaks kept) and HTML (kept only as
nh3 sanitizes it). Pure: the parsers convert with it, the pages render with it.

GIFT marks a part's format with `[html]`, `[plain]`, `[moodle]` or `[markdown]`; an item is
stored in one format, so a part in the other one is converted (`part_text`).
"""

import html
import re

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

PLAIN = "plain"
HTML = "html"
FORMATS = [(PLAIN, "Plain text"), (HTML, "HTML")]

_MARKUP = re.compile(r"<[a-zA-Z/!]|&[#a-zA-Z0-9]+;")


def sanitize(text: str) -> str:
    """HTML as nh3 keeps it: no scripts, no event handlers, no styles that run code."""
    return nh3.clean(text).strip()


def has_markup(text: str) -> bool:
    return bool(_MARKUP.search(text))


def html_to_plain(text: str) -> str:
    """The text of an HTML fragment (tags dropped, entities decoded)."""
    with_breaks = re.sub(r"(?i)<br\s*/?>|</p\s*>", "\n", text)
    return html.unescape(nh3.clean(with_breaks, tags=set())).strip()


def plain_to_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks as <br>."""
    return escape(text).replace("\n", "<br>")


def part_text(text: str, source: str, target: str) -> str:
    """`text` written in `source` format ("html" or anything else: plain) in `target` format."""
    if target == HTML:
        return sanitize(text) if source == HTML else plain_to_html(text)
    return html_to_plain(text) if source == HTML else text


def as_plain(text: str, fmt: str) -> str:
    return html_to_plain(text) if fmt == HTML else text


def render(text: str, fmt: str, *, block: bool = False) -> SafeString:
    """`text` ready for a template: sanitized HTML, or escaped plain text (line breaks kept;
    paragraphs when `block`)."""
    if fmt == HTML:
        return mark_safe(sanitize(text))  # noqa: S308 (nh3 has just cleaned it)
    if block:
        return mark_safe(linebreaks(escape(text)))  # noqa: S308 (escaped)
    return mark_safe(escape(text).replace("\n", "<br>"))  # noqa: S308 (escaped)
