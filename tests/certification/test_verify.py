"""The public verification contract (spec section 7): /verify/, /verify/<number>/ and .json,
?on= for a past date, may-bill T1017 with its modifier, the signed credential, did.json, the
status lists, the lookup log, and no personal data on public pages."""

import json
from datetime import date

import pytest
from django.core.cache import cache

from certification.credentials.status_list import decode_status_list, status_bit
from certification.models import AgencyMembership, AgencyRole, VerificationLookup
from certification.services.certificates import certification_issue, certification_revoke
from lms import clock
from tests.factories.certification import employ, ready_application
from tests.readers import independently_verified

pytestmark = pytest.mark.django_db

BASE = "https://bhcm.example.org"
ISSUED = date(2026, 3, 10)  # valid through 2027-06-30


@pytest.fixture(autouse=True)
def _site(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 1000
    cache.clear()


def _issue(actor, track="cm2", **kwargs):
    with clock.frozen_at(ISSUED):
        return certification_issue(
            application=ready_application(track=track, **kwargs), actor=actor
        )


@pytest.fixture
def cm2(cert_staff):
    return _issue(cert_staff)


def _json(client, number, on=None):
    url = f"/verify/{number}.json" + (f"?on={on}" if on else "")
    return client.get(url)


def test_json_has_exactly_the_contract_fields(client, cm2):
    with clock.frozen_at(date(2026, 5, 1)):
        response = _json(client, cm2.number)
    assert response.status_code == 200
    assert response.json() == {
        "number": cm2.number,
        "holder": "Dana Whitehorse",
        "level": "CM II",
        "status": "active",
        "issued_on": "2026-03-10",
        "valid_through": "2027-06-30",
        "as_of": "2026-05-01",
        "may_bill_t1017": True,
        "modifier": "HN",
        "endorsements": [],
    }


@pytest.mark.parametrize(
    "on, status, may_bill",
    [
        ("2027-06-30", "active", True),
        ("2027-07-01", "suspended", False),
        ("2027-12-31", "suspended", False),
        ("2028-01-01", "terminated", False),
        ("2026-12-31", "active", True),
        ("2027-01-01", "active", True),
    ],
)
def test_on_answers_across_the_year_boundaries(client, cm2, on, status, may_bill):
    body = _json(client, cm2.number, on).json()
    assert (body["as_of"], body["status"], body["may_bill_t1017"]) == (on, status, may_bill)
    assert body["modifier"] == ("HN" if may_bill else None)


def test_cm1_bills_with_hm(client, cert_staff):
    cm1 = _issue(cert_staff, track="cm1", highest_education="high_school")
    body = _json(client, cm1.number, "2026-04-01").json()
    assert (body["level"], body["modifier"]) == ("CM I", "HM")


def test_may_not_bill_when_revoked(client, cm2, cert_staff):
    with clock.frozen_at(date(2026, 6, 1)):
        certification_revoke(certification=cm2, actor=cert_staff, reason="Fraud.")
    assert _json(client, cm2.number, "2026-05-31").json()["may_bill_t1017"] is True
    body = _json(client, cm2.number, "2026-06-01").json()
    assert (body["status"], body["may_bill_t1017"], body["modifier"]) == ("revoked", False, None)
    page = client.get(f"/verify/{cm2.number}/?on=2026-06-02")
    assert page.status_code == 200 and "Revoked" in page.text
    assert "May not bill T1017 on 2026-06-02" in page.text


def test_may_not_bill_once_employment_ended(client, cm2):
    cm2.holder.employments.update(ended_on=date(2026, 9, 1))
    assert _json(client, cm2.number, "2026-08-31").json()["may_bill_t1017"] is True
    body = _json(client, cm2.number, "2026-09-01").json()
    assert (body["status"], body["may_bill_t1017"]) == ("active", False)


def test_another_employment_keeps_billing(client, cm2):
    cm2.holder.employments.update(ended_on=date(2026, 9, 1))
    employ(cm2.holder, started_on=date(2026, 9, 1))
    assert _json(client, cm2.number, "2026-09-15").json()["may_bill_t1017"] is True


def test_suspended_and_terminated_pages_say_so(client, cm2):
    suspended = client.get(f"/verify/{cm2.number}/?on=2027-08-01")
    assert suspended.status_code == 200
    assert "Suspended" in suspended.text and "May not bill T1017" in suspended.text
    terminated = client.get(f"/verify/{cm2.number}/?on=2028-02-01")
    assert terminated.status_code == 200 and "Terminated" in terminated.text


def test_unknown_number_is_404_with_json(client, cm2):
    response = client.get("/verify/BHCM-2026-999999.json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_found"
    assert client.get("/verify/BHCM-2026-999999/").status_code == 404


def test_bad_date_is_refused_at_the_field(client, cm2):
    response = _json(client, cm2.number, "2026-13-45")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.json()["message"]
    page = client.get(f"/verify/{cm2.number}/?on=yesterday")
    assert page.status_code == 200 and 'id="on-error"' in page.text


def test_lookup_form_finds_a_number_or_says_not_found(client, cm2):
    found = client.get("/verify/", {"number": cm2.number.lower()})
    assert found.status_code == 302 and found["Location"] == f"/verify/{cm2.number}/"
    missing = client.get("/verify/", {"number": "BHCM-1999-000001"})
    assert missing.status_code == 404 and "No certificate has that number" in missing.text


def test_public_pages_hold_no_personal_data(client, cm2):
    application = cm2.application
    application.address_line1 = "77 Hidden Lane"
    application.save()
    page = client.get(f"/verify/{cm2.number}/").text
    body = json.dumps(_json(client, cm2.number).json())
    credential = client.get(f"/verify/{cm2.number}/credential.json").text
    for text in (page, body, credential):
        assert "Dana Whitehorse" in text
        assert cm2.holder.email not in text
        assert "77 Hidden Lane" not in text
        assert application.date_of_birth.isoformat() not in text


def test_rate_limited(client, cm2, settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 3
    codes = [_json(client, cm2.number).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert "wait a minute" in _json(client, cm2.number).json()["error"]


def test_credential_json_is_the_stored_bytes_and_verifies_with_did_json(client, cm2):
    response = client.get(f"/verify/{cm2.number}/credential.json")
    assert response.status_code == 200
    assert response.content.decode() == cm2.credential_json
    did = client.get("/.well-known/did.json").json()
    credential = json.loads(response.content)
    assert credential["issuer"]["id"] == did["id"] == "did:web:bhcm.example.org"
    assert independently_verified(credential, did)
    credential["credentialSubject"]["licenseNumber"] = "BHCM-2026-000999"
    assert not independently_verified(credential, did)


def _published_bit(client, purpose, index) -> bool:
    response = client.get(f"/credentials/status/{purpose}")
    assert response.status_code == 200
    listed = json.loads(response.content)
    did = client.get("/.well-known/did.json").json()
    assert independently_verified(listed, did)
    return status_bit(decode_status_list(listed["credentialSubject"]["encodedList"]), index)


def test_suspension_bit_shows_in_the_published_list(client, cm2):
    from certification.services.credentials import status_lists_publish

    with clock.frozen_at(date(2027, 6, 30)):
        status_lists_publish()
    assert _published_bit(client, "suspension", cm2.status_index) is False
    with clock.frozen_at(date(2027, 7, 1)):
        assert status_lists_publish() == ["suspension"]
        assert status_lists_publish() == []  # unchanged: not re-signed
    assert _published_bit(client, "suspension", cm2.status_index) is True
    assert _published_bit(client, "revocation", cm2.status_index) is False


def test_revocation_bit_shows_in_the_published_list(client, cm2, cert_staff):
    certification_revoke(certification=cm2, actor=cert_staff, reason="Fraud.")
    assert _published_bit(client, "revocation", cm2.status_index) is True


def test_lookups_are_logged_with_the_agency_of_a_signed_in_agency_user(client, cm2, agency_user):
    agency = cm2.application.agency
    client.get(f"/verify/{cm2.number}/")  # anonymous
    AgencyMembership.objects.create(user=agency_user, agency=agency, role=AgencyRole.VIEWER)
    client.force_login(agency_user)
    _json(client, cm2.number)
    rows = list(VerificationLookup.objects.order_by("checked_at"))
    assert [r.agency for r in rows] == [None, agency]
    assert {f.name for f in VerificationLookup._meta.fields} == {
        "id",
        "certification",
        "checked_at",
        "as_of",
        "agency",
    }  # no IP address or other viewer detail is kept

    client.force_login(cm2.holder)
    page = client.get("/certificate/")
    assert "checked 2 times" in page.text and agency.name in page.text


def test_certificate_page_is_the_holders_own(client, cm2, applicant):
    client.force_login(cm2.holder)
    page = client.get("/certificate/")
    assert page.status_code == 200
    assert cm2.number in page.text and f"{BASE}/verify/{cm2.number}/" in page.text
    assert "/certificate/pdf/" in page.text
    client.force_login(applicant)
    assert client.get("/certificate/").status_code == 404
    assert client.get("/certificate/pdf/").status_code == 404
    client.logout()
    assert client.get("/certificate/").status_code == 302


def test_the_t1017_facts_are_shown_from_data(client, cm2):
    from certification.models import BillingLimit

    BillingLimit.objects.filter(contract_type="111").update(monthly_units=57)
    page = client.get(f"/verify/{cm2.number}/?on=2026-04-01").text
    assert "May bill T1017 on 2026-04-01, modifier HN" in page
    assert "15 minutes" in page and "<td>16</td>" in page and "<td>57</td>" in page
