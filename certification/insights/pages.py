"""The figures of each insight page, assembled from the selectors' rows: picture, table, CSV."""

from datetime import date

from django.urls import reverse

from certification.insights import agencies, classroom, exam, season
from certification.insights.charts import Bar, Segment, Series, bar_chart, line_chart
from certification.insights.figures import Cell, Figure, percent
from certification.insights.pipeline import pipeline_figure
from enrollment.rules import Track


def pipeline_page(today: date) -> list[Figure]:
    return [pipeline_figure(today)]


def _season_status(year: int, today: date) -> Figure:
    counts = season.season_counts(year, today)
    labels = [
        ("renewed", "Renewed"),
        ("submitted", "Submitted, waiting for review"),
        ("returned", "Returned for corrections"),
        ("drawn", "Drawn for audit"),
        ("in_progress", "Started, not submitted"),
        ("denied", "Denied"),
        ("not_started", "Not started"),
    ]
    queue = reverse("certification_admin:renewals")
    links = {
        "renewed": f"{queue}?status=approved&year={year}",
        "submitted": f"{queue}?status=submitted&year={year}",
        "returned": f"{queue}?status=returned&year={year}",
        "drawn": f"{queue}?drawn=yes&year={year}",
        "denied": f"{queue}?status=denied&year={year}",
    }
    rows = [[name, Cell(counts[key], links.get(key, ""))] for key, name in labels]
    rows.append(["Due this year", counts["due"]])
    bars = [Bar(name, (Segment("Certificates", counts[key]),)) for key, name in labels]
    return Figure(
        "renewal-status",
        f"Renewal {year}: where the certificates due stand today",
        ["Standing", "Certificates"],
        rows,
        svg=bar_chart(label=f"Renewal {year} by standing", bars=bars, maximum=counts["due"]),
        note="Drawn for audit overlaps the others (a drawn renewal is also submitted, returned "
        "or renewed).",
    )


def _season_weeks(year: int, today: date) -> Figure:
    weeks = season.season_weeks(year, today)
    rows = [
        [
            w.ends_on.isoformat(),
            w.renewed,
            w.submitted,
            w.returned,
            w.drawn,
            w.not_started,
            w.last_year_renewed,
            w.last_year_submitted,
        ]
        for w in weeks
    ]
    svg = line_chart(
        label=f"Renewals {year} week by week against {year - 1}",
        x_labels=[f"{w.ends_on:%b %-d}" for w in weeks],
        series=[
            Series(f"Renewed {year}", tuple(w.renewed for w in weeks)),
            Series(f"Submitted {year}", tuple(w.submitted for w in weeks)),
            Series(f"Renewed {year - 1}", tuple(w.last_year_renewed for w in weeks)),
            Series(f"Submitted {year - 1}", tuple(w.last_year_submitted for w in weeks)),
        ],
    )
    headers = [
        "Week ending",
        "Renewed",
        "Submitted",
        "Returns made",
        "Drawn for audit",
        "Not started",
        f"Renewed {year - 1}",
        f"Submitted {year - 1}",
    ]
    return Figure(
        "renewal-weeks",
        f"Renewal {year} week by week (Jan 1 – Jun 30), totals to date",
        headers,
        rows,
        svg=svg,
        note=f"Blank: the week has not begun. Last year's columns are the same week of {year - 1}.",
    )


def _suspension(year: int, today: date) -> Figure:
    people = season.suspension_list(year, today)
    before = today < date(year, 7, 1)
    title = (
        f"Suspended on Jul 1, {year} if nothing changes"
        if before
        else f"Suspended since Jul 1, {year} (not renewed)"
    )
    rows = [
        [
            Cell(p.number, reverse("certification_admin:certificate", args=[p.certification_id])),
            p.holder_name,
            p.level,
            p.renewal_status,
            p.agencies,
        ]
        for p in people
    ]
    lapsed = season.lapsed_counts(year, today)
    return Figure(
        "suspension",
        title,
        ["Certificate", "Name", "Level", f"Renewal {year}", "Agencies"],
        rows,
        extra={
            "count": len(people),
            "suspended": lapsed["suspended"],
            "terminated": lapsed["terminated"],
            "before": before,
        },
    )


def renewals_page(today: date) -> list[Figure]:
    year = today.year
    return [_season_status(year, today), _season_weeks(year, today), _suspension(year, today)]


def classroom_page(today: date) -> list[Figure]:
    sessions = classroom.session_fill(today)
    session_rows = [
        [
            Cell(
                f"{s.date:%a %b %-d} · Day {s.day} · {s.venue}",
                reverse("classroom-sessions:inspect", args=[s.pk]),
            ),
            s.capacity,
            s.confirmed,
            percent(s.confirmed, s.capacity),
            s.waiting,
        ]
        for s in sessions
    ]
    days = classroom.fill_by_date(sessions)
    day_rows = [
        [
            d["date"].isoformat(),
            d["capacity"],
            d["confirmed"],
            percent(d["confirmed"], d["capacity"]),
            d["waiting"],
        ]
        for d in days
    ]
    absent = classroom.no_shows_by_date(today)
    absent_rows = [
        [
            r["date"].isoformat(),
            r["booked"],
            r["marked"],
            r["absent"],
            percent(r["absent"], r["marked"]),
        ]
        for r in absent
    ]
    fill_headers = ["Seats", "Booked", "Fill rate (%)", "Waitlist"]
    return [
        Figure(
            "session-fill",
            f"Fill rate per session, next {classroom.WEEKS} weeks",
            ["Session", *fill_headers],
            session_rows,
            svg=bar_chart(
                label="Fill rate per session",
                bars=[Bar(str(r[0]), (Segment("Fill rate", r[3] or 0),)) for r in session_rows],
                unit="%",
                maximum=100,
            ),
        ),
        Figure(
            "day-fill",
            f"Fill rate per day, next {classroom.WEEKS} weeks",
            ["Date", *fill_headers],
            day_rows,
            svg=bar_chart(
                label="Fill rate per day",
                bars=[
                    Bar(str(r[0]), (Segment("Booked", r[2]), Segment("Free", r[1] - r[2])))
                    for r in day_rows
                ],
            ),
        ),
        Figure(
            "no-shows",
            f"No-shows by day, past {classroom.WEEKS} weeks",
            ["Date", "Booked", "Attendance marked", "Absent", "Absent of marked (%)"],
            absent_rows,
            svg=bar_chart(
                label="No-shows by day",
                bars=[Bar(str(r[0]), (Segment("Absent", r[3]),)) for r in absent_rows],
            ),
        ),
    ]


def _rate_figure(key: str, title: str, heading: str, rows: list[dict], name) -> Figure:
    table = [
        [name(r["key"]), r["attempts"], r["passed"], percent(r["passed"], r["attempts"])]
        for r in rows
    ]
    return Figure(
        key,
        title,
        [heading, "Graded attempts", "Passed", "Pass rate (%)"],
        table,
        svg=bar_chart(
            label=title,
            bars=[Bar(str(r[0]), (Segment("Pass rate", r[3] or 0),)) for r in table],
            unit="%",
            maximum=100,
        ),
    )


def _track_name(value: str | None) -> str:
    try:
        return Track(value).label
    except ValueError:
        return "No application"


def exam_page(start: date, end: date) -> list[Figure]:
    period = f"{start:%b %-d, %Y} – {end:%b %-d, %Y}"
    topics = exam.topic_scores(start, end)
    topic_rows = [
        [t["topic__name"], t["items"], t["correct"], percent(t["correct"], t["items"])]
        for t in topics
    ]
    flagged = exam.dubious_items(start, end)
    return [
        _rate_figure(
            "pass-by-track",
            f"Pass rate by track, {period}",
            "Track",
            exam.pass_rates(start, end, "application__track"),
            _track_name,
        ),
        _rate_figure(
            "pass-by-attempt",
            f"Pass rate by attempt number, {period}",
            "Attempt",
            exam.pass_rates(start, end, "number"),
            lambda n: f"Attempt {n}",
        ),
        Figure(
            "topics",
            f"Share right per topic, {period}",
            ["Topic", "Items answered", "Right", "Right (%)"],
            topic_rows,
            svg=bar_chart(
                label=f"Share right per topic, {period}",
                bars=[Bar(r[0], (Segment("Right", r[3] or 0),)) for r in topic_rows],
                unit="%",
                maximum=100,
            ),
        ),
        Figure(
            "dubious",
            f"Items flagged dubious, {period}",
            ["Item", "Topic", "Candidates", "Facility", "Discrimination"],
            [
                [
                    d.title,
                    d.topic,
                    d.n,
                    "" if d.facility is None else f"{d.facility:.2f}",
                    "" if d.discrimination is None else f"{d.discrimination:.2f}",
                ]
                for d in flagged
            ],
        ),
    ]


def agencies_page(today: date) -> list[Figure]:
    rows = agencies.agency_rows(today)
    verifications = reverse("employment-verifications:index")
    table = [
        [
            r["name"],
            r["may_bill"],
            r["outstanding"],
            Cell(r["pending"], f"{verifications}?agency={r['pk']}" if r["pending"] else ""),
        ]
        for r in rows
    ]
    return [
        Figure(
            "agencies",
            "Agencies today",
            ["Agency", "May bill T1017 today", "Renewals outstanding", "Verifications pending"],
            table,
            svg=bar_chart(
                label="Case managers who may bill today, per agency",
                bars=[
                    Bar(
                        r["name"],
                        (
                            Segment("May bill", r["may_bill"]),
                            Segment("Renewal outstanding", r["outstanding"]),
                        ),
                    )
                    for r in rows
                ],
            ),
            note="A case manager whose renewal is outstanding may still bill until Jun 30; the "
            "bars stack both counts.",
        )
    ]
