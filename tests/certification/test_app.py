"""The certification app is installed, its URLconf is included at the site root before
Wagtail's catch-all, and its rules are the spec's rules."""

from datetime import date

from django.apps import apps
from django.urls import get_resolver

import enrollment.rules
from certification import rules


def test_certification_app_is_installed():
    config = apps.get_app_config("certification")
    assert config.verbose_name == "Certification"
    assert config.name == "certification"


def test_certification_urls_are_included_at_the_root_before_wagtail():
    resolver = get_resolver()
    assert "certification" in resolver.namespace_dict
    prefix, included = resolver.namespace_dict["certification"]
    assert prefix == ""
    assert included.urlconf_name.__name__ == "certification.urls"
    names = [getattr(p, "urlconf_name", None) for p in resolver.url_patterns]
    modules = [getattr(n, "__name__", n) for n in names]
    assert modules.index("certification.urls") < modules.index("wagtail.urls")


def test_rules_are_the_spec_functions_in_enrollment_rules():
    for name in ("first_renewal_year", "renewal_phase", "certification_status", "renewal_fee"):
        assert getattr(rules, name) is getattr(enrollment.rules, name)
    assert rules.first_renewal_year(date(2026, 12, 1)) == 2027
    assert rules.renewal_phase(2027, date(2027, 7, 1)) == "late"
    assert rules.certification_status(date(2027, 6, 30), date(2027, 7, 1)) == "suspended"
