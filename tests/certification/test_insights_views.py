"""The insight pages: certification staff only, each page renders its pictures and tables,
every figure exports as CSV, the exam period refuses bad input at the field, and the number of
queries does not grow with the number of applications and certifications."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from lms import clock

pytestmark = pytest.mark.django_db

PAGES = ["index", "pipeline", "renewals", "classroom", "exam", "agencies"]
TODAY = date(2026, 3, 16)


@pytest.mark.embedded
@pytest.mark.parametrize("name", PAGES)
def test_certification_staff_see_each_page(client, cert_staff, name):
    client.force_login(cert_staff)
    with clock.frozen_at(TODAY):
        response = client.get(reverse(f"insights:{name}"))
    assert response.status_code == 200
    if name != "index":
        body = response.content.decode()
        assert "<table" in body and "Export" in body


@pytest.mark.parametrize("role", ["applicant", "trainer", "editor", "agency_user"])
@pytest.mark.parametrize("name", PAGES)
def test_nobody_else_opens_them(client, request, role, name):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(f"insights:{name}"))
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        # The admin sends people without admin access to sign in, and people with admin access
        # but not this permission back to the admin home with "no permission".
        assert response["Location"] == "/admin/" or "/login" in response["Location"]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("insights:pipeline"))
    assert response.status_code == 302 and "/login" in response["Location"]


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.embedded
def test_each_figure_exports_its_table_as_csv(client, cert_staff):
    from tests.factories.certification import certificate

    certificate(valid_through=date(2026, 6, 30), name="=HYPERLINK(evil)")
    client.force_login(cert_staff)
    with clock.frozen_at(TODAY):
        rows = _csv(client.get(reverse("insights:renewals"), {"export": "suspension"}))
        assert rows[0] == ["Certificate", "Name", "Level", "Renewal 2026", "Agencies"]
        assert rows[1][1:] == ["'=HYPERLINK(evil)", "CM II", "Not started", "No confirmed employer"]
        pipeline = _csv(client.get(reverse("insights:pipeline"), {"export": "pipeline"}))
        assert pipeline[0][0] == "Step" and len(pipeline) == 11
        assert client.get(reverse("insights:pipeline"), {"export": "nope"}).status_code == 404


def test_the_exam_period_refuses_bad_input_at_the_field(client, cert_staff):
    client.force_login(cert_staff)
    with clock.frozen_at(TODAY):
        backwards = client.get(
            reverse("insights:exam"), {"start": "2026-05-10", "end": "2026-05-01"}
        )
        nonsense = client.get(reverse("insights:exam"), {"start": "soon"})
        good = client.get(reverse("insights:exam"), {"start": "2026-01-01", "end": "2026-02-28"})
    assert "The end of the period must be on or after its start." in backwards.content.decode()
    assert "Enter a valid date." in nonsense.content.decode()
    body = good.content.decode()
    assert "Pass rate by track, Jan 1, 2026 – Feb 28, 2026" in body
    assert "error-message" not in body
    # The export keeps the chosen period.
    assert "start=2026-01-01&amp;end=2026-02-28&amp;export=topics" in body


def _seed(n: int, start: int, agency) -> None:
    """`n` applicants with a live application each, and `n` certificates due this year (half
    of them with a renewal started), written in bulk."""
    from certification.models import Certification, Employment, Renewal
    from enrollment.models import Application
    from lms.models import User

    users = User.objects.bulk_create(
        [User(email=f"bulk{start + i}@example.test", password="!") for i in range(n)]
    )
    statuses = ["submitted", "returned", "approved", "training_approved", "exam_passed"]
    tracks = ["cm1", "cm2", "cm2_cprp", "cm1_upgrade"]
    Application.objects.bulk_create(
        [
            Application(
                user=u,
                track=tracks[i % 4],
                status=statuses[i % 5],
                legal_first_name="Bulk",
                legal_last_name=f"Person {i}",
                date_of_birth=date(1980, 1, 1),
                expires_on=date(2026, 3, 16) + timedelta(days=i % 60),
            )
            for i, u in enumerate(users)
        ]
    )
    certs = Certification.objects.bulk_create(
        [
            Certification(
                holder=u,
                holder_name=f"Bulk Person {start + i}",
                level="CM II",
                number=f"B-{start + i:06d}",
                issued_on=date(2025, 2, 1),
                valid_through=date(2026, 6, 30),
                status_index=start + i,
            )
            for i, u in enumerate(users)
        ]
    )
    Renewal.objects.bulk_create(
        [
            Renewal(
                certification=c, year=2026, status="submitted", first_submitted_on=date(2026, 2, 1)
            )
            for c in certs[::2]
        ]
    )
    Employment.objects.bulk_create(
        [
            Employment(
                person=u, agency=agency, started_on=date(2020, 1, 1), confirmed_at=clock.now()
            )
            for u in users
        ]
    )


def _query_counts(client) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name in PAGES[1:]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(f"insights:{name}"))
        assert response.status_code == 200
        counts[name] = len(captured)
    return counts


def test_the_query_count_is_the_same_at_10_and_10000(client, cert_staff):
    from tests.factories.enrollment import QualifyingAgencyFactory

    agency = QualifyingAgencyFactory(name="Bulk Agency")
    client.force_login(cert_staff)
    with clock.frozen_at(TODAY):
        _seed(10, 0, agency)
        few = _query_counts(client)
        _seed(9_990, 10, agency)
        many = _query_counts(client)
        body = client.get(reverse("insights:renewals")).content.decode()
    assert many == few
    assert "Showing the first 200 of 10000 rows" in body


def test_the_suspension_list_names_each_holders_current_employers(client, cert_staff):
    from tests.factories.certification import certificate, employ
    from tests.factories.enrollment import QualifyingAgencyFactory

    north, south = (
        QualifyingAgencyFactory(name="North Agency"),
        QualifyingAgencyFactory(name="South Agency"),
    )
    held = certificate(valid_through=date(2026, 6, 30), name="Ann Holder", agency=north)
    employ(held.holder, agency=south)
    employ(
        held.holder, agency=QualifyingAgencyFactory(name="Old Agency"), ended_on=date(2025, 1, 1)
    )
    employ(held.holder, agency=QualifyingAgencyFactory(name="Unconfirmed"), confirmed=False)
    client.force_login(cert_staff)
    with clock.frozen_at(TODAY):
        rows = _csv(client.get(reverse("insights:renewals"), {"export": "suspension"}))
    assert [row[1] for row in rows[1:]] == ["Ann Holder"]
    assert "North Agency" in rows[1][4] and "South Agency" in rows[1][4]
    assert "Old Agency" not in rows[1][4] and "Unconfirmed" not in rows[1][4]
