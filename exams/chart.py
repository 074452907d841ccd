"""The score distribution as a picture: a PNG histogram drawn with Pillow."""

import io
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from exams.stats import histogram

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 56, 48
INK, MUTED, BAR, PASS, GRID = "#1b1f24", "#4a5563", "#0b5d7a", "#b42318", "#d0d7de"


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # an older Pillow without scalable default font
        return ImageFont.load_default()


def score_histogram_png(percents: Sequence[float], *, pass_mark: int, title: str) -> bytes:
    """A bar chart of attempts per 10-point score band, with the pass mark as a red line."""
    bins = histogram(percents)
    step = max(1, math.ceil(max(count for _, _, count in bins) * 1.1 / 4))
    top = step * 4  # four whole-number grid steps, with headroom for the labels
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    small, large = _font(12), _font(16)
    draw.text((LEFT, 10), title, fill=INK, font=large)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    for step in range(5):  # horizontal grid and counts
        value = top * step / 4
        y = base - plot_h * step / 4
        draw.line([(LEFT, y), (WIDTH - RIGHT, y)], fill=GRID)
        draw.text(
            (8, y - 7), f"{value:.0f}" if top >= 4 else f"{value:.1f}", fill=MUTED, font=small
        )
    slot = plot_w / len(bins)
    for index, (low, high, count) in enumerate(bins):
        x0 = LEFT + index * slot + 4
        height = plot_h * count / top
        if count:
            draw.rectangle([x0, base - height, x0 + slot - 8, base], fill=BAR)
            draw.text((x0 + slot / 2 - 8, base - height - 16), str(count), fill=INK, font=small)
        draw.text((x0, base + 6), f"{low}-{high}", fill=MUTED, font=small)
    x_pass = LEFT + plot_w * pass_mark / 100
    draw.line([(x_pass, TOP), (x_pass, base)], fill=PASS, width=3)
    draw.text((x_pass + 4, TOP - 16), f"pass mark {pass_mark}%", fill=PASS, font=small)
    draw.text(
        (LEFT, HEIGHT - 20), f"Score (%), {len(percents)} graded attempts", fill=MUTED, font=small
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
