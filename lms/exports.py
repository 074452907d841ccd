"""Helpers for files people open in a spreadsheet."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """People type their own names and notes: a cell that starts like a formula is kept as text,
    so a spreadsheet program never runs it (Wagtail already protects its XLSX exports)."""
    return f"'{value}" if value[:1] in _FORMULA_STARTS else value
