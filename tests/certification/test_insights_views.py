"""The insight pages: certification staff only, each page renders its pictures and tables,
every figure exports as CSV, the exam period refuses bad input at the field, and the number of
queries does not grow with the number of applications and certifications."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from lms import clock

pytestmark = pytest.mark.django_db

PAGES = ["index", "pipeline", "renewals", "classroom", "exam", "agencies"]
TODAY = date(2026, 3, 16)


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
