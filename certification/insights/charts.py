"""Small server-drawn SVG charts: horizontal (optionally stacked, optionally linked) bars and
lines. Each picture carries an accessible name and a <title> on every mark; the page shows the
same numbers in a table beneath it, so the picture is never the only way to read them."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colours with at least 3:1 contrast against white (non-text contrast, WCAG 1.4.11).
PALETTE = ("#1f5f99", "#b5462a", "#2f7d32", "#6b4c9a", "#8a6d00", "#3d3d3d")
DASHES = ("", "6 4", "2 3", "10 3 2 3")
ROW_HEIGHT = 26
LABEL_WIDTH = 260
PLOT_WIDTH = 420


@dataclass(frozen=True)
class Segment:
    name: str
    value: float
    href: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


def _number(value: float) -> str:
    return f"{value:g}"


def _legend(names: list[str], y: int) -> list[str]:
    parts, x = [], 0
    for index, name in enumerate(names):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"></rect>'
            f'<text x="{x + 16}" y="{y + 11}" font-size="12" fill="#1a1a1a">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    return parts


def bar_chart(*, label: str, bars: list[Bar], unit: str = "", maximum: float = 0) -> SafeString:
    """Horizontal bars, one row each, stacked by segment (same segment names in each bar). A
    segment with an `href` is a link (the chart is then a group of links, not an image)."""
    names = list(dict.fromkeys(s.name for bar in bars for s in bar.segments))
    top = max([maximum] + [bar.total for bar in bars]) or 1
    linked = any(s.href for bar in bars for s in bar.segments)
    height = ROW_HEIGHT * len(bars) + (30 if len(names) > 1 else 8)
    width = LABEL_WIDTH + PLOT_WIDTH + 60
    role = 'role="group"' if linked else 'role="img"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {role} aria-label="{escape(label)}" '
        f'viewBox="0 0 {width} {height}" class="insight-chart" width="100%" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(label)}</title>'
    ]
    for row, bar in enumerate(bars):
        y = row * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 17}" text-anchor="end" font-size="12" '
            f'fill="#1a1a1a">{escape(bar.label)}</text>'
        )
        x = float(LABEL_WIDTH)
        for segment in bar.segments:
            w = PLOT_WIDTH * segment.value / top
            colour = PALETTE[names.index(segment.name) % len(PALETTE)]
            text = f"{bar.label}, {segment.name}: {_number(segment.value)}{unit}"
            rect = (
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{ROW_HEIGHT - 8}" '
                f'fill="{colour}"><title>{escape(text)}</title></rect>'
            )
            if segment.href and segment.value:
                rect = f'<a href="{escape(segment.href)}" aria-label="{escape(text)}">{rect}</a>'
            parts.append(rect)
            x += w
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 17}" font-size="12" fill="#1a1a1a">'
            f"{_number(bar.total)}{escape(unit)}</text>"
        )
    if len(names) > 1:
        parts.append(f'<g transform="translate({LABEL_WIDTH},0)">')
        parts += _legend(names, ROW_HEIGHT * len(bars) + 10)
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text and attribute is escaped above)


def line_chart(*, label: str, x_labels: list[str], series: list[Series]) -> SafeString:
    """One line per series over the same x positions; a None value breaks the line (a week
    still to come)."""
    width, height, left, bottom = 720, 260, 50, 40
    plot_w, plot_h = width - left - 20, height - bottom - 30
    top = max([v for s in series for v in s.values if v is not None] + [1])
    step = plot_w / max(len(x_labels) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {width} {height}" class="insight-chart" width="100%" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(label)}</title>',
        f'<line x1="{left}" y1="{plot_h + 10}" x2="{left + plot_w}" y2="{plot_h + 10}" '
        'stroke="#3d3d3d"></line>',
        f'<text x="{left - 6}" y="{plot_h + 14}" text-anchor="end" font-size="11">0</text>',
        f'<text x="{left - 6}" y="16" text-anchor="end" font-size="11">{_number(top)}</text>',
    ]
    for index, x_label in enumerate(x_labels):
        if index % 4 == 0 or index == len(x_labels) - 1:
            parts.append(
                f'<text x="{left + index * step:.1f}" y="{plot_h + 26}" text-anchor="middle" '
                f'font-size="11">{escape(x_label)}</text>'
            )
    for number, one in enumerate(series):
        colour, dash = PALETTE[number % len(PALETTE)], DASHES[number % len(DASHES)]
        points = [
            (left + i * step, 10 + plot_h - plot_h * v / top, v)
            for i, v in enumerate(one.values)
            if v is not None
        ]
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
            f"{dash_attr}><title>{escape(one.name)}</title></polyline>"
        )
        x, y, v = points[-1]
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
            f"<title>{escape(one.name)}: {_number(v)}</title></circle>"
        )
    parts.append(f'<g transform="translate({left},{height - 14})">')
    parts += _legend([s.name for s in series], -2)
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text and attribute is escaped above)
