"""Each role lands on its work after signing in; /admin/ without admin rights is a 403 page with
the way to one's own work (was an endless redirect loop); every error page is in the site's
layout, the CSRF failure too. Runs on both databases (marker `embedded`)."""

import pytest
from django.test import Client, RequestFactory

from lms import views
from lms.roles import Role
from tests.factories.enrollment import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

LAYOUT = 'class="site-header"'


def _sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:1000]
    return response.url


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        (Role.APPLICANT, "/dashboard/"),
        (Role.CERTIFICATION_STAFF, "/admin/"),
        (Role.CONTENT_EDITOR, "/admin/pages/"),
        (Role.TRAINER, "/classroom/trainer/"),
        (Role.AGENCY, "/agency/"),
    ],
)
def test_each_role_lands_on_its_work(client, make_user, role, lands_on):
    user = make_user(role)
    if role is Role.AGENCY:  # the portal is for an agency's own users
        from certification.models import AgencyMembership, AgencyRole
        from tests.factories.enrollment import QualifyingAgencyFactory

        AgencyMembership.objects.create(
            user=user, agency=QualifyingAgencyFactory(), role=AgencyRole.VIEWER
        )
    assert _sign_in(client, user) == lands_on
    assert client.get(lands_on, follow=True).status_code == 200


def test_superuser_lands_on_the_admin_home_and_next_still_wins(client, superuser):
    assert _sign_in(client, superuser) == "/admin/"
    client.logout()
    response = client.post(
        "/accounts/login/?next=/training/", {"login": superuser.email, "password": PASSWORD}
    )
    assert response.url == "/training/"


@pytest.mark.parametrize(
    ("role", "way_out"),
    [
        (Role.APPLICANT, 'href="/dashboard/">Go to your dashboard'),
        (Role.TRAINER, 'href="/classroom/trainer/">See your sessions'),
        (Role.AGENCY, 'href="/agency/">Open the agency portal'),
    ],
)
def test_admin_without_admin_rights_is_a_403_page_not_a_redirect_loop(
    client, make_user, role, way_out
):
    client.force_login(make_user(role))
    for url in ("/admin/", "/admin/pages/", "/admin/applications/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain == []
        assert response.status_code == 403
        page = response.content.decode()
        assert LAYOUT in page and "The admin is for staff" in page
        assert way_out in page


def test_admin_for_anonymous_visitors_is_the_one_sign_in_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/admin/")


def test_admin_users_still_reach_the_admin(client, cert_staff, editor):
    for user in (cert_staff, editor):
        client.force_login(user)
        assert client.get("/admin/").status_code == 200


def test_404_page_in_the_site_layout_with_a_way_on(client, applicant):
    client.force_login(applicant)
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    page = response.content.decode()
    assert LAYOUT in page and "Page not found" in page and 'href="/dashboard/"' in page


def test_500_page_in_the_site_layout(applicant):
    request = RequestFactory().get("/")
    request.user = applicant
    response = views.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert LAYOUT in page and "Something went wrong" in page


def test_a_csrf_failure_is_a_page_in_the_layout_not_a_bare_403(applicant):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    assert response.status_code == 403
    page = response.content.decode()
    assert LAYOUT in page and "This form has expired" in page
    assert "403 Forbidden" not in page and "CSRF verification failed" not in page


@pytest.mark.parametrize(
    ("role", "way_on"),
    [
        (Role.TRAINER, 'href="/classroom/trainer/">See your sessions'),
        (Role.AGENCY, 'href="/agency/">Open the agency portal'),
        (Role.CONTENT_EDITOR, 'href="/admin/pages/">Open the page tree'),
    ],
)
def test_the_dashboard_sends_non_applicants_on_to_their_work(client, make_user, role, way_on):
    client.force_login(make_user(role))
    page = client.get("/dashboard/").content.decode()
    assert "Your work is elsewhere" in page and way_on in page
