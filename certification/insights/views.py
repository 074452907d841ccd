"""The insight pages in the Wagtail admin (certification staff only, everyone else 403): the
overview, then one page each for the pipeline, the renewal season, the classroom, the exam and
the agencies. `?export=<figure>` answers with that figure's numbers as CSV."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from certification.insights import pages
from certification.insights.figures import Figure, csv_response
from certification.insights.forms import PeriodForm
from lms import clock
from lms.roles import Capability, can

PAGES = (
    ("pipeline", "Pipeline", "Applications at each step of the nine, by track, and expiring soon."),
    ("renewals", "Renewal season", "This year's renewals week by week, and who will be suspended."),
    ("classroom", "Classroom", "How full the coming sessions are, waitlists and no-shows."),
    ("exam", "Exam", "Pass rates by track and attempt, topic scores and dubious items."),
    ("agencies", "Agencies", "Who may bill today, renewals outstanding, verifications pending."),
)
SHOWN_ROWS = 200


def _staff_only(request: HttpRequest) -> None:
    if not can(request.user, Capability.ALL_APPLICANT_RECORDS):
        raise PermissionDenied


def index(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    links = [(title, reverse(f"insights:{key}"), blurb) for key, title, blurb in PAGES]
    context = {"page_title": "Insights", "header_title": "Insights", "links": links}
    return render(request, "certification/insights/index.html", context)


def _page(request: HttpRequest, key: str, figures: list[Figure], **extra) -> HttpResponse:
    wanted = request.GET.get("export")
    if wanted:
        for figure in figures:
            if figure.key == wanted:
                return csv_response(figure)
        raise Http404("No such figure.")
    title = next(t for k, t, _ in PAGES if k == key)
    query = request.GET.copy()
    query.pop("export", None)
    context = {
        "page_title": f"Insights: {title}",
        "header_title": title,
        "figures": figures,
        "pages": [(t, reverse(f"insights:{k}"), k == key) for k, t, _ in PAGES],
        "shown_rows": SHOWN_ROWS,
        "export_query": query.urlencode(),
        "today": clock.today(),
        **extra,
    }
    return render(request, "certification/insights/page.html", context)


def pipeline(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return _page(request, "pipeline", pages.pipeline_page(clock.today()))


def renewals(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return _page(request, "renewals", pages.renewals_page(clock.today()))


def classroom(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return _page(request, "classroom", pages.classroom_page(clock.today()))


def exam(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = PeriodForm(request.GET if request.GET.keys() - {"export"} else None, today=clock.today())
    start, end = form.period()
    return _page(request, "exam", pages.exam_page(start, end), period_form=form)


def agencies(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return _page(request, "agencies", pages.agencies_page(clock.today()))
