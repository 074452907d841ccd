"""What every insight page shows: a figure (its picture, its table, its CSV) built from rows
the selectors computed in SQL."""

import csv
from dataclasses import dataclass, field

from django.http import HttpResponse

from lms.exports import csv_safe


@dataclass(frozen=True)
class Cell:
    """A table cell; `href` makes it a link to the people behind the number."""

    value: object
    href: str = ""

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


def cell(value: object, href: str = "") -> Cell:
    return value if isinstance(value, Cell) else Cell(value, href)


@dataclass
class Figure:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    svg: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        self.rows = [[cell(v) for v in row] for row in self.rows]


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` as a percentage with one decimal (None when there is no whole)."""
    return round(100 * part / whole, 1) if whole else None


def csv_response(figure: Figure) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="insights-{figure.key}.csv"'
    writer = csv.writer(response)
    writer.writerow(figure.headers)
    for row in figure.rows:
        writer.writerow([csv_safe(str(value)) for value in row])
    return response
