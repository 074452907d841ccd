"""The renewal season of a year: where the certificates due that year stand (renewed,
submitted, returned, drawn for audit, started, not started), week by week from Jan 1 to Jun 30
against the year before, who will be suspended on Jul 1 if nothing changes (with their
agencies), and from Jul 1 how many are suspended and how many were terminated on Jan 1.

Every number comes from a fixed set of aggregate queries; the weekly curves group by day in
SQL and are summed into weeks here."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate

from certification.models import Certification, Employment, Renewal, RenewalEvent
from certification.models.renewals import RenewalStatus
from lms.clock import LOCAL_TZ

R = RenewalStatus


def in_force(on: date) -> Q:
    """Not revoked and not superseded on `on`."""
    return (Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)) & (
        Q(superseded_on__isnull=True) | Q(superseded_on__gt=on)
    )


def due_in(year: int, on: date) -> QuerySet[Certification]:
    """Certificates the season of `year` is about: issued before that year (a certificate issued
    in year X is first renewed in X+1), valid through at least Jun 30 of it, in force on `on`."""
    return Certification.objects.filter(
        in_force(on), issued_on__lt=date(year, 1, 1), valid_through__gte=date(year, 6, 30)
    )


def week_ends(year: int) -> list[date]:
    """The last day of each week of the season: Jan 7, Jan 14, … and Jun 30."""
    ends, day, last = [], date(year, 1, 7), date(year, 6, 30)
    while day < last:
        ends.append(day)
        day += timedelta(days=7)
    return [*ends, last]


def season_counts(year: int, today: date) -> dict[str, int]:
    """Where the certificates due in `year` stand today, in one query."""
    this = Q(renewals__year=year)
    counts = due_in(year, today).aggregate(
        due=Count("pk", distinct=True),
        renewed=Count("renewals", filter=this & Q(renewals__status=R.APPROVED)),
        submitted=Count("renewals", filter=this & Q(renewals__status=R.SUBMITTED)),
        returned=Count("renewals", filter=this & Q(renewals__status=R.RETURNED)),
        drawn=Count("renewals", filter=this & Q(renewals__audit_selected=True)),
        in_progress=Count("renewals", filter=this & Q(renewals__status=R.DRAFT)),
        denied=Count("renewals", filter=this & Q(renewals__status=R.DENIED)),
        started=Count("renewals", filter=this),
    )
    counts["not_started"] = counts["due"] - counts.pop("started")
    return counts


def _grouped(queryset, day_expression) -> dict[date, int]:
    rows = queryset.annotate(day=day_expression).values("day").annotate(n=Count("pk")).order_by()
    return {r["day"]: r["n"] for r in rows if r["day"] is not None}


def daily_counts(year: int) -> dict[str, dict[date, int]]:
    """Per day of `year`'s renewals: first submissions, approvals, audit draws, starts and
    returns (five grouped queries)."""
    renewals = Renewal.objects.filter(year=year)
    return {
        "submitted": _grouped(renewals, F("first_submitted_on")),
        "drawn": _grouped(renewals.filter(audit_selected=True), F("first_submitted_on")),
        "renewed": _grouped(
            renewals.filter(status=R.APPROVED), TruncDate("decided_at", tzinfo=LOCAL_TZ)
        ),
        "started": _grouped(renewals, TruncDate("created_at", tzinfo=LOCAL_TZ)),
        "returned": _grouped(
            RenewalEvent.objects.filter(renewal__year=year, verb="returned"),
            TruncDate("at", tzinfo=LOCAL_TZ),
        ),
    }


def _cumulative(per_day: dict[date, int], ends: list[date]) -> list[int]:
    """Running totals at each week's end (everything dated on or before it)."""
    totals, days = [], sorted(per_day.items())
    running, index = 0, 0
    for end in ends:
        while index < len(days) and days[index][0] <= end:
            running += days[index][1]
            index += 1
        totals.append(running)
    return totals


@dataclass(frozen=True)
class Week:
    ends_on: date
    renewed: int | None
    submitted: int | None
    returned: int | None
    drawn: int | None
    not_started: int | None
    last_year_renewed: int
    last_year_submitted: int


def season_weeks(year: int, today: date) -> list[Week]:
    """Week by week Jan 1 – Jun 30 of `year` (cumulative), beside the same weeks a year before.
    Weeks that have not begun yet are blank for this year."""
    ends, last_ends = week_ends(year), week_ends(year - 1)
    now, before = daily_counts(year), daily_counts(year - 1)
    due = due_in(year, today).count()
    this = {key: _cumulative(values, ends) for key, values in now.items()}
    last = {key: _cumulative(before[key], last_ends) for key in ("renewed", "submitted")}
    weeks = []
    for i, end in enumerate(ends):
        future = end - timedelta(days=6) > today
        j = min(i, len(last_ends) - 1)

        def value(key, i=i, future=future):
            return None if future else this[key][i]

        weeks.append(
            Week(
                end,
                value("renewed"),
                value("submitted"),
                value("returned"),
                value("drawn"),
                None if future else due - this["started"][i],
                last["renewed"][j],
                last["submitted"][j],
            )
        )
    return weeks


@dataclass(frozen=True)
class AtRisk:
    certification_id: int
    number: str
    holder_name: str
    level: str
    renewal_status: str
    agencies: str


def suspension_list(year: int, today: date) -> list[AtRisk]:
    """Before Jul 1 of `year`: who will be suspended on Jul 1 if nothing changes (valid through
    Jun 30 and not renewed); from Jul 1 to Dec 31: who is suspended. Two queries."""
    certificates = (
        Certification.objects.filter(
            in_force(today), valid_through=date(year, 6, 30), issued_on__lte=today
        )
        .annotate(
            renewal_status=Subquery(
                Renewal.objects.filter(certification=OuterRef("pk"), year=year).values("status")[:1]
            )
        )
        .values("pk", "number", "holder_name", "level", "holder_id", "renewal_status")
        .order_by("holder_name", "pk")
    )
    if today > date(year, 12, 31):
        return []
    agencies = defaultdict(list)
    employed = Employment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today),
        confirmed_at__isnull=False,
        started_on__lte=today,
        agency__active=True,
        # a semi-join on the holders (not a join through the person to every certificate):
        # the same people, and a plan that stays linear on freshly loaded tables
        person_id__in=certificates.values("holder_id"),
    ).values_list("person_id", "agency__name")
    for person_id, name in employed.distinct().order_by("agency__name"):
        agencies[person_id].append(name)
    labels = dict(R.choices)
    return [
        AtRisk(
            c["pk"],
            c["number"],
            c["holder_name"],
            c["level"],
            labels.get(c["renewal_status"], "Not started"),
            ", ".join(agencies[c["holder_id"]]) or "No confirmed employer",
        )
        for c in certificates
    ]


def lapsed_counts(year: int, today: date) -> dict[str, int | None]:
    """From Jul 1 of `year`: how many are suspended (valid through Jun 30 of `year`, not
    renewed); always: how many were terminated on Jan 1 of `year` (valid through Jun 30 of the
    year before). One query."""
    counts = Certification.objects.filter(in_force(today), issued_on__lte=today).aggregate(
        suspended=Count("pk", filter=Q(valid_through=date(year, 6, 30))),
        terminated=Count("pk", filter=Q(valid_through=date(year - 1, 6, 30))),
    )
    if today < date(year, 7, 1):
        counts["suspended"] = None  # nobody is suspended for this year before Jul 1
    return counts
