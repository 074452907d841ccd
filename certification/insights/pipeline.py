"""Pipeline: live applications by step of the nine and by track, and how many expire in the
next 30 days. One aggregate query for the applications, one count for step 1 (accounts with no
application yet)."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from certification.insights.charts import Bar, Segment, bar_chart
from certification.insights.figures import Cell, Figure
from enrollment.models import Application, ApplicationStatus
from enrollment.models.applications import CLOCK_RUNNING
from enrollment.rules import Track
from enrollment.selectors.dashboard import step_definitions
from lms.models import User
from lms.roles import Role

S = ApplicationStatus
EXPIRING_DAYS = 30
# The step of the nine each live status is working on (the applicant dashboard's reading);
# classroom registration and attendance share the status "training approved".
STATUS_STEPS: tuple[tuple[ApplicationStatus, int], ...] = (
    (S.DRAFT, 2),
    (S.SUBMITTED, 3),
    (S.RETURNED, 3),
    (S.APPROVED, 4),
    (S.TRAINING_COMPLETE, 4),
    (S.TRAINING_APPROVED, 5),
    (S.CLASSROOM_COMPLETE, 7),
    (S.EXAM_PASSED, 8),
    (S.EMPLOYMENT_VERIFIED, 9),
)


def _step_titles() -> dict[int, str]:
    """The nine steps' titles, as the apps register them on the dashboard."""
    return {int(d.order): d.title for d in step_definitions() if float(d.order).is_integer()}


def _step_label(step: int, status: ApplicationStatus, titles: dict[int, str]) -> str:
    title = "Classroom registration and attendance" if step == 5 else titles.get(step, "")
    return f"{step}. {title}: {status.label}"


def list_url(status: str, track: str = "") -> str:
    """The admin application list filtered to `status` (and `track`); drafts are never listed."""
    if status == S.DRAFT:
        return ""
    query = {"status": status, **({"track": track} if track else {})}
    return f"{reverse('applications:index')}?{urlencode(query)}"


def pipeline_counts(today: date) -> dict:
    """{(status, track): (count, expiring in the next 30 days)} and step 1's account count."""
    until = today + timedelta(days=EXPIRING_DAYS)
    rows = (
        Application.objects.filter(status__in=[s for s, _ in STATUS_STEPS])
        .values("status", "track")
        .annotate(
            n=Count("pk"),
            expiring=Count(
                "pk",
                filter=Q(status__in=CLOCK_RUNNING, expires_on__gte=today, expires_on__lte=until),
            ),
        )
        .order_by()
    )
    counts = {(r["status"], r["track"]): (r["n"], r["expiring"]) for r in rows}
    accounts = (
        User.objects.filter(groups__name=Role.APPLICANT.value)
        .exclude(Exists(Application.objects.filter(user=OuterRef("pk"))))
        .count()
    )
    return {"counts": counts, "accounts": accounts}


def pipeline_figure(today: date) -> Figure:
    data = pipeline_counts(today)
    counts = data["counts"]
    tracks = list(Track)
    headers = ["Step", *[t.label for t in tracks], "Total", f"Expiring in {EXPIRING_DAYS} days"]
    rows = [["1. Account: signed up, no application yet", *[""] * len(tracks)]]
    rows[0] += [data["accounts"], ""]
    bars = []
    titles = _step_titles()
    for status, step in STATUS_STEPS:
        label = _step_label(step, status, titles)
        cells = [counts.get((status, t.value), (0, 0)) for t in tracks]
        links = [list_url(status, t.value) for t in tracks]
        total = sum(n for n, _ in cells)
        expiring = sum(e for _, e in cells)
        rows.append(
            [
                label,
                *[(n, href if n else "") for (n, _), href in zip(cells, links, strict=True)],
                (total, list_url(status) if total else ""),
                expiring,
            ]
        )
        bars.append(
            Bar(
                label,
                tuple(
                    Segment(t.label, n, href)
                    for t, (n, _), href in zip(tracks, cells, links, strict=True)
                ),
            )
        )
    rows = [[Cell(*v) if isinstance(v, tuple) else v for v in row] for row in rows]
    svg = bar_chart(label="Applications by step and track", bars=bars)
    return Figure(
        "pipeline",
        "Applications by step and track",
        headers,
        rows,
        svg=svg,
        note="Each bar and number links to the application list with that step and track. "
        "Drafts are not in the staff list, so they are not linked.",
    )
