"""CEU rules as admin-editable data: the defaults loaded, staff edit them in the admin
(validated at the field, audited with old and new values), the selector builds the rules."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from certification.models import CeuCap, CeuCategory, CeuConversion, CeuWindow
from certification.renewal_rules import DEFAULT_CEU_RULES, CeuEntry, ceu_shortfall_detailed
from certification.selectors.ceus import ceu_rules_get
from lms.models import AuditEvent

pytestmark = pytest.mark.django_db
CATS = "/admin/ceu-categories/"
CAPS = "/admin/ceu-caps/"


def _category_form(**overrides):
    return {"key": "ethics", "label": "Ethics", "minimum_hours": "3", "order": "0", **overrides}


def test_the_migration_loads_the_spec_defaults():
    assert ceu_rules_get() == DEFAULT_CEU_RULES


def test_staff_change_a_minimum_and_the_rules_follow(client, cert_staff):
    client.force_login(cert_staff)
    ethics = CeuCategory.objects.get(key="ethics")
    response = client.post(f"{CATS}edit/{ethics.pk}/", _category_form(minimum_hours="4"))
    assert response.status_code == 302
    assert ceu_rules_get().categories[0].minimum_hours == D("4")
    entries = [
        CeuEntry("ethics", 3, date(2026, 1, 5)),
        CeuEntry("strengths_based", 3, date(2026, 1, 5)),
        CeuEntry("general", 6, date(2026, 1, 5)),
    ]
    assert ceu_shortfall_detailed(entries, 2026, ceu_rules_get()).missing == {"ethics": D("1")}
    event = AuditEvent.objects.get(verb="ceucategory.changed", object_id=str(ethics.pk))
    assert event.actor == cert_staff
    assert json.loads(event.reason) == {"minimum_hours": ["3.00", "4"]}


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (_category_form(minimum_hours="-1"), "minimum_hours", "greater than or equal to 0"),
        (_category_form(minimum_hours="10"), "minimum_hours", "more than the 12"),
        (_category_form(key="General"), "key", "lowercase"),
    ],
)
def test_bad_category_is_refused_at_the_field(client, cert_staff, form, field, message):
    client.force_login(cert_staff)
    ethics = CeuCategory.objects.get(key="ethics")
    response = client.post(f"{CATS}edit/{ethics.pk}/", form)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    ethics.refresh_from_db()
    assert (ethics.key, ethics.minimum_hours) == ("ethics", D("3"))
    assert not AuditEvent.objects.filter(verb__startswith="ceucategory.").exists()


def test_keys_are_unique(client, cert_staff):
    client.force_login(cert_staff)
    response = client.post(f"{CATS}new/", _category_form(minimum_hours="0"))
    assert response.status_code == 200
    assert "key" in response.context["form"].errors
    assert CeuCategory.objects.count() == 3


def test_a_new_category_and_a_cap_over_the_total(client, cert_staff):
    client.force_login(cert_staff)
    response = client.post(
        f"{CATS}new/", _category_form(key="cultural", label="Cultural competence", order="3")
    )
    assert response.status_code == 302
    assert [c.key for c in ceu_rules_get().categories][-1] == "cultural"
    assert AuditEvent.objects.filter(verb="ceucategory.created").count() == 1

    cap = CeuCap.objects.get()
    form = {"provider_type": "agency_in_house", "label": "In-house", "max_hours_per_year": "13"}
    response = client.post(f"{CAPS}edit/{cap.pk}/", form)
    assert "cannot exceed the 12" in " ".join(response.context["form"].errors["max_hours_per_year"])
    cap.refresh_from_db()
    assert cap.max_hours_per_year == D("3")
    response = client.post(f"{CAPS}edit/{cap.pk}/", {**form, "max_hours_per_year": "2"})
    assert response.status_code == 302
    assert ceu_rules_get().caps[0].max_hours_per_year == D("2")


def test_conversion_factor_must_be_positive_and_delete_is_audited(client, cert_staff):
    client.force_login(cert_staff)
    conversion = CeuConversion.objects.get()
    url = f"/admin/ceu-conversions/edit/{conversion.pk}/"
    form = {"unit": "college_credit_hours", "label": "College credit hours", "factor": "0"}
    response = client.post(url, form)
    assert "factor" in response.context["form"].errors
    response = client.post(f"/admin/ceu-conversions/delete/{conversion.pk}/")
    assert response.status_code == 302
    assert ceu_rules_get().conversions == ()
    event = AuditEvent.objects.get(verb="ceuconversion.deleted")
    assert json.loads(event.reason)["factor"] == ["4.00", None]


def test_window_is_edited_as_a_setting(client, cert_staff):
    client.force_login(cert_staff)
    url = f"/admin/settings/certification/ceuwindow/{CeuWindow.load().pk}/"
    response = client.post(
        url, {"start_month": "2", "start_day": "29", "end_month": "6", "end_day": "30"}
    )
    assert "February 29" in " ".join(response.context["form"].errors["start_day"])
    assert CeuWindow.load().start_month == 7
    response = client.post(
        url, {"start_month": "1", "start_day": "1", "end_month": "12", "end_day": "31"}
    )
    assert response.status_code == 302
    rules = ceu_rules_get()
    assert (rules.window_start_month_day, rules.window_end_month_day) == ((1, 1), (12, 31))
    assert AuditEvent.objects.filter(verb="ceuwindow.changed").count() == 1


def test_the_list_exports_and_applicants_are_kept_out(client, cert_staff, applicant):
    client.force_login(cert_staff)
    export = client.get(f"{CATS}?export=csv")
    assert export.status_code == 200
    assert b"strengths_based" in b"".join(export.streaming_content)
    client.force_login(applicant)
    assert client.get(CATS).status_code in (302, 403)


def test_the_total_is_read_from_the_certification_policy(client, cert_staff):
    from enrollment.models import CertificationPolicy

    policy = CertificationPolicy.load()
    policy.ceu_total_hours = D("10")
    policy.save()
    assert ceu_rules_get().total_hours == D("10")
    client.force_login(cert_staff)
    cap = CeuCap.objects.get()
    form = {"provider_type": "agency_in_house", "label": "In-house", "max_hours_per_year": "11"}
    response = client.post(f"{CAPS}edit/{cap.pk}/", form)
    assert "cannot exceed the 10" in " ".join(response.context["form"].errors["max_hours_per_year"])
