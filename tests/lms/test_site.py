import pytest
from django.core.management import call_command
from wagtail.models import Site

from lms.management.commands.seed_demo import DEMO_ACCOUNTS
from lms.models import HomePage, User
from lms.roles import Role, roles_of

pytestmark = pytest.mark.django_db


def test_home_page_is_an_editable_wagtail_page_served_at_root(client):
    home = Site.objects.get(is_default_site=True).root_page.specific
    assert isinstance(home, HomePage)
    home.title = "Certification for case managers"
    home.save_revision().publish()
    response = client.get("/")
    assert response.status_code == 200
    assert b"Certification for case managers" in response.content


def test_base_template_is_accessible_shell(client):
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert 'class="skip-link" href="#main"' in html
    assert 'id="main"' in html and "<main" in html
    assert 'role="banner"' in html and 'role="contentinfo"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert 'name="viewport"' in html
    assert "BHCM Certification" in html


def test_dashboard_needs_login(client, applicant):
    assert client.get("/dashboard/").status_code == 302
    client.force_login(applicant)
    assert client.get("/dashboard/").status_code == 200


def test_seed_demo_is_idempotent_and_makes_one_account_per_role(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    # lms's own accounts, plus the certificate holders certification's demo seeder adds
    certification_demo = ("certified", "lapsed", "ready", "renewing", "audited", "corrections")
    demo = User.objects.filter(email__endswith="@demo.bhcm.test")
    assert demo.count() == len(DEMO_ACCOUNTS) + len(certification_demo)
    for role in Role:
        holders = list(User.objects.filter(groups__name=role.value))
        assert holders and all(roles_of(u) == {role} for u in holders)
        assert all(u.email in out for u in holders)
    assert User.objects.get(email="submitted@demo.bhcm.test").applications.get().status == (
        "submitted"
    )
    assert "demo-staff-pass" in out
    assert User.objects.get(email="admin@demo.bhcm.test").is_superuser
    assert HomePage.objects.count() == 1


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="only with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.filter(email__endswith="@demo.bhcm.test").exists()
