"""The applicant's pages: self-check, start, the application form, uploads, and who may see what."""

import re
from datetime import date

import pytest
from django.core import mail
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from enrollment.models import (
    Application,
    ApplicationStatus,
    ApplicationUpload,
    ApprovedDegree,
    CertificationPolicy,
    ContractType,
    QualifyingAgency,
)
from enrollment.rules import Track
from enrollment.services.applications import (
    application_deny,
    application_return,
    application_start,
)
from enrollment.services.expiry import applications_expire
from lms.models import AuditEvent
from tests.factories.enrollment import ApplicationFactory
from tests.samples import image_bytes, pdf_bytes, with_jpeg_comment

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()
JPEG_WITH_HTML = with_jpeg_comment(image_bytes("JPEG"), b"<svg onload=alert(1)>")
REQUIRED = "Required before you can submit."


def pdf(name: str = "transcript.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def agency():
    return QualifyingAgency.objects.create(name="Red Rock CMHC", contract_type=ContractType.CMHC)


@pytest.fixture
def psychology():
    return ApprovedDegree.objects.get(name="Psychology")


def answers(agency, degree=None, **overrides) -> dict:
    """Every section filled in, as the form posts it (checkboxes left out are False)."""
    data = {
        "legal_first_name": "Ada",
        "legal_middle_name": "",
        "legal_last_name": "Lovelace",
        "date_of_birth": "1990-04-02",
        "phone": "405-555-0100",
        "address_line1": "1 Main St",
        "address_line2": "",
        "city": "Norman",
        "state": "OK",
        "postal_code": "73069",
        "county": "Cleveland",
        "highest_education": "bachelor",
        "college_credit_hours": "",
        "months_experience": "",
        "degree": degree.pk if degree else "",
        "degree_other": "",
        "institution": "University of Oklahoma",
        "rn_license_number": "",
        "agency": agency.pk,
        "job_title": "Case manager",
        "employment_start_date": "2024-01-15",
    }
    return data | overrides


def url(application) -> str:
    return f"/application/{application.pk}/"


@pytest.fixture
def draft(applicant):
    return application_start(user=applicant, track=Track.CM2)


@pytest.fixture
def submitted(client, applicant, draft, agency, psychology, django_capture_on_commit_callbacks):
    """A complete CM II application, submitted through the page, with its transcript."""
    client.force_login(applicant)
    data = answers(agency, psychology, action="submit", transcript=pdf())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(draft), data)
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    return draft


# --- Self-check ----------------------------------------------------------------------------------

SELFCHECK_CASES = [
    ({"education": "high_school", "college_credit_hours": "60"}, "CM I", "Day 1 and Day 2", "$50"),
    (
        {"education": "bachelor", "behavioral_health_degree": "on", "cm1_certified": "on"},
        "CM I Upgrade",
        "Day 3 and Day 4",
        "$65",
    ),
    (
        {"education": "bachelor", "behavioral_health_degree": "on"},
        "CM II New Applicant",
        "Day 2, Day 3 and Day 4",
        "$75",
    ),
    (
        {"education": "bachelor", "cprp_certified": "on"},
        "CM II New – CPRP/CPRC",
        "Day 1 and Day 2",
        "$50",
    ),
]


def test_selfcheck_needs_login(client):
    response = client.get("/apply/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_selfcheck_form_is_labelled_and_grouped(client, applicant):
    client.force_login(applicant)
    html = client.get("/apply/").content.decode()
    assert html.count("<fieldset") >= 3 and "<legend>Education</legend>" in html
    assert '<label for="id_college_credit_hours">' in html
    assert 'aria-describedby="id_months_experience_helptext"' in html
    assert "CM III no longer certifies" in html


@pytest.mark.parametrize(("posted", "label", "days", "total"), SELFCHECK_CASES)
def test_selfcheck_recommends_a_track_with_days_and_fees(
    client, applicant, posted, label, days, total
):
    client.force_login(applicant)
    response = client.post("/apply/", posted)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["result"]["days_label"] == days
    assert f"Your track: {label}</h2>" in html
    assert f"<dt>Total</dt><dd>{total}</dd>" in html
    assert f"Start my application as {label}</button>" in html
    assert "CM III no longer certifies" in html


def test_selfcheck_shows_the_reapplication_fee_for_the_upgrade(client, applicant):
    client.force_login(applicant)
    html = client.post("/apply/", SELFCHECK_CASES[1][0]).content.decode()
    assert "<dt>Reapplication fee</dt><dd>$15</dd>" in html
    assert "<dt>Training fee</dt><dd>$50" in html


def test_selfcheck_never_offers_cm3(client, applicant):
    client.force_login(applicant)
    html = client.post(
        "/apply/",
        {"education": "master", "behavioral_health_degree": "on", "licensed_professional": "on"},
    ).content.decode()
    options = re.findall(r'<option value="([^"]+)"', html)
    tracks = [o for o in options if o in {t.value for t in Track} or "cm3" in o]
    assert sorted(tracks) == sorted(t.value for t in Track)
    assert 'value="cm3"' not in html
    assert "Start my application as CM III" not in html
    assert "You don&#x27;t need this certification" in html or "need this certification" in html


def test_selfcheck_fees_follow_the_policy(client, applicant):
    policy = CertificationPolicy.load()
    policy.day_fee = 30
    policy.save()
    client.force_login(applicant)
    html = client.post("/apply/", SELFCHECK_CASES[2][0]).content.decode()
    assert "<dt>Total</dt><dd>$90</dd>" in html


def test_selfcheck_rejects_negative_numbers(client, applicant):
    client.force_login(applicant)
    response = client.post("/apply/", {"education": "high_school", "college_credit_hours": "-1"})
    assert response.context["result"] is None
    assert "college_credit_hours" in response.context["form"].errors


# --- Start ---------------------------------------------------------------------------------------


def test_start_creates_a_draft_and_opens_the_form(client, applicant):
    client.force_login(applicant)
    response = client.post("/apply/start/", {"track": "cm2"})
    application = Application.objects.get(user=applicant)
    assert application.status == ApplicationStatus.DRAFT and application.track == Track.CM2
    assert response.status_code == 302 and response.url == url(application)


def test_a_person_with_no_role_may_apply(client, make_user):
    person = make_user(None)
    client.force_login(person)
    assert client.post("/apply/start/", {"track": "cm1"}).status_code == 302
    assert Application.objects.filter(user=person).exists()


def test_start_refuses_a_second_open_application(client, applicant, draft):
    client.force_login(applicant)
    response = client.post("/apply/start/", {"track": "cm1"}, follow=True)
    assert response.redirect_chain[0][0] == "/dashboard/"
    assert "already have an application in progress" in response.content.decode()
    assert Application.objects.filter(user=applicant).count() == 1


def test_start_refuses_an_unknown_track(client, applicant):
    client.force_login(applicant)
    response = client.post("/apply/start/", {"track": "cm3"})
    assert response.status_code == 302 and response.url == "/apply/"
    assert not Application.objects.exists()


def test_start_is_post_only(client, applicant):
    client.force_login(applicant)
    assert client.get("/apply/start/").status_code == 405


@pytest.mark.parametrize("who", ["cert_staff", "trainer", "editor", "agency_user", "superuser"])
def test_staff_cannot_start_an_application(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post("/apply/start/", {"track": "cm1"}).status_code == 403
    assert not Application.objects.exists()
    html = client.get("/apply/").content.decode()
    assert "Start my application" not in html


# --- The application form ------------------------------------------------------------------------


def test_form_has_four_sections_in_order_with_completeness(client, applicant, draft):
    client.force_login(applicant)
    response = client.get(url(draft))
    html = response.content.decode()
    positions = [
        html.index(f'id="section-{key}"')
        for key in ("personal", "residence", "education", "employment")
    ]
    assert positions == sorted(positions)
    assert "0 of 4 required fields" in html and "Incomplete" in html
    assert 'type="date"' in html and 'name="transcript"' in html
    assert 'name="action" value="save"' in html and 'name="action" value="submit"' in html
    assert "cm1_certificate_number" not in response.context["form"].fields


def test_agency_select_shows_the_contract_type_and_hides_inactive_ones(
    client, applicant, draft, agency
):
    QualifyingAgency.objects.create(
        name="Closed Agency", contract_type=ContractType.PACT, active=False
    )
    client.force_login(applicant)
    html = client.get(url(draft)).content.decode()
    assert "Red Rock CMHC (111 – CMHC)" in html
    assert "Closed Agency" not in html


def test_upgrade_track_asks_for_the_cm1_certificate_number(client, applicant):
    # Starting the upgrade needs an active CM I (tests/certification/test_upgrade.py).
    application = ApplicationFactory(user=applicant, track=Track.CM1_UPGRADE)
    client.force_login(applicant)
    response = client.get(url(application))
    assert "cm1_certificate_number" in response.context["form"].fields


def test_the_upgrade_keeps_the_cm1_number_it_was_started_with(client, applicant):
    """The number comes from the person's own CM I (never typed): posting another one, or none,
    leaves it as it was, and the page shows it without letting it be edited."""
    application = ApplicationFactory(
        user=applicant, track=Track.CM1_UPGRADE, cm1_certificate_number="CM1-0042"
    )
    client.force_login(applicant)
    page = client.get(url(application)).content.decode()
    field = re.search(r"<input[^>]*name=\"cm1_certificate_number\"[^>]*>", page).group(0)
    assert "disabled" in field and 'value="CM1-0042"' in field
    for posted in ("CM1-9999", ""):
        data = {"cm1_certificate_number": posted, "legal_first_name": "Ada", "action": "save"}
        client.post(url(application), data, follow=True)
        application.refresh_from_db()
        assert application.cm1_certificate_number == "CM1-0042"
        assert application.legal_first_name == "Ada"


def test_save_keeps_an_incomplete_draft(client, applicant, draft):
    client.force_login(applicant)
    data = {"legal_first_name": "Ada", "legal_last_name": "Lovelace", "action": "save"}
    response = client.post(url(draft), data, follow=True)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.legal_first_name == "Ada"
    html = response.content.decode()
    assert "Saved." in html
    assert "2 of 4 required fields" in html


def test_save_with_a_transcript_records_it(client, applicant, draft):
    client.force_login(applicant)
    data = {"highest_education": "bachelor", "action": "save", "transcript": pdf("mine.pdf")}
    response = client.post(url(draft), data, follow=True)
    upload = ApplicationUpload.objects.get(application=draft)
    assert upload.original_name == "mine.pdf" and upload.kind == "pdf"
    assert "mine.pdf" in response.content.decode()


def test_submit_with_empty_fields_marks_each_field_and_submits_nothing(client, applicant, draft):
    client.force_login(applicant)
    data = {"legal_first_name": "Ada", "highest_education": "bachelor", "action": "submit"}
    response = client.post(url(draft), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    expected = {
        "legal_last_name",
        "date_of_birth",
        "phone",
        "address_line1",
        "city",
        "postal_code",
        "county",
        "degree",
        "institution",
        "transcript",
        "agency",
        "job_title",
        "employment_start_date",
    }
    assert set(errors) == expected
    assert all(errors[name] == [REQUIRED] for name in expected)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.legal_first_name == "Ada"
    assert not AuditEvent.objects.filter(verb="application.submitted").exists()
    html = response.content.decode()
    assert 'class="error-summary"' in html
    for key in ("personal", "residence", "education", "employment"):
        assert f'href="#section-{key}"' in html
    assert 'aria-describedby="id_legal_last_name_error"' in html
    assert 'id="id_legal_last_name_error"' in html


def test_full_submit_starts_the_clock_and_sends_an_email(submitted, applicant):
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert submitted.submitted_on is not None and submitted.expires_on is not None
    assert submitted.needs_transcript_review is False
    upload = ApplicationUpload.objects.get(application=submitted)
    assert upload.purpose == ApplicationUpload.Purpose.TRANSCRIPT
    assert (
        upload.original_name == "transcript.pdf"
        and upload.kind == "pdf"
        and upload.size == len(PDF)
    )
    assert storages["private"].exists(upload.storage_name)
    assert AuditEvent.objects.filter(
        verb="application.submitted", object_id=str(submitted.pk)
    ).exists()
    assert [m.to for m in mail.outbox] == [[applicant.email]]


def test_off_list_degree_goes_to_transcript_review(
    client, applicant, draft, agency, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    data = answers(
        agency, None, degree_other="Human Development", action="submit", transcript=pdf()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert draft.degree is None and draft.degree_other == "Human Development"
    assert draft.needs_transcript_review is True


def test_claimed_degree_needs_a_transcript(client, applicant, draft, agency, psychology):
    client.force_login(applicant)
    response = client.post(url(draft), answers(agency, psychology, action="submit"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"transcript": [REQUIRED]}
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "it looks like HTML"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "a Windows executable program"),
        (PDF + b"<html><script>alert(1)</script></html>", "This PDF has extra data after its end"),
        (JPEG_WITH_HTML, "This JPEG image has web page code (HTML or script) inside it"),
    ],
)
def test_spoofed_upload_is_refused_and_nothing_is_saved(
    client, applicant, draft, agency, psychology, content, reason
):
    client.force_login(applicant)
    data = answers(agency, psychology, action="submit", transcript=pdf("transcript.pdf", content))
    response = client.post(url(draft), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["transcript"] and reason in errors["transcript"][0]
    html = response.content.decode()
    assert 'value="Lovelace"' in html and 'value="University of Oklahoma"' in html
    assert reason in html
    assert not ApplicationUpload.objects.exists()
    draft.refresh_from_db()
    assert draft.legal_last_name == "" and draft.status == ApplicationStatus.DRAFT
    assert not storages["private"].exists("uploads")


def test_same_person_on_another_account_is_refused(client, applicant, draft, agency, make_user):
    other = make_user(None)
    first = application_start(user=other, track=Track.CM1)
    Application.objects.filter(pk=first.pk).update(
        legal_first_name="Ada", legal_last_name="Lovelace", date_of_birth=date(1990, 4, 2)
    )
    client.force_login(applicant)
    response = client.post(url(draft), answers(agency, action="save", legal_first_name="ada"))
    assert response.status_code == 200
    error = response.context["form"].errors["legal_last_name"][0]
    assert "Another account already belongs to a person with this legal name" in error
    assert 'href="/accounts/password/reset/"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.legal_last_name == "" and draft.city == ""


def test_existing_uploads_are_listed_with_a_download_link(client, applicant, submitted):
    upload = submitted.uploads.get()
    html = client.get(url(submitted)).content.decode()
    assert f'href="/application/{submitted.pk}/uploads/{upload.pk}/"' in html
    assert "transcript.pdf" in html and "PDF" in html


def test_returned_application_shows_corrections_and_can_be_resubmitted(
    client, applicant, submitted, cert_staff, django_capture_on_commit_callbacks
):
    application_return(
        application=submitted,
        actor=cert_staff,
        corrections={"phone": "This number is disconnected.", "transcript": "Upload all pages."},
    )
    response = client.get(url(submitted))
    html = response.content.decode()
    assert 'class="corrections-summary"' in html
    assert '<a href="#id_phone">Phone number</a>: This number is disconnected.' in html
    assert 'id="id_phone_correction"' in html and "This number is disconnected." in html
    assert 'id="id_transcript_correction"' in html and "Upload all pages." in html
    assert re.search(r'aria-describedby="id_phone_correction[^"]*"', html)
    data = answers(submitted.agency, submitted.degree, phone="405-555-0199", action="submit")
    data["reply__transcript"] = "All pages are in the file already."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(submitted), data)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert submitted.phone == "405-555-0199" and submitted.corrections == {}
    assert submitted.correction_replies == {"transcript": "All pages are in the file already."}


def test_submitted_application_is_read_only(client, applicant, submitted):
    response = client.get(url(submitted))
    html = response.content.decode()
    assert "enrollment/application_readonly.html" in [t.name for t in response.templates]
    assert "<dt>Legal last name</dt><dd>Lovelace</dd>" in html
    response = client.post(url(submitted), {"legal_last_name": "Byron", "action": "save"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.legal_last_name == "Lovelace"


def test_expired_application_is_read_only_and_offers_a_new_one(client, applicant, submitted):
    applications_expire(today=date(2100, 1, 1))
    submitted.refresh_from_db()
    response = client.post(url(submitted), {"legal_last_name": "Byron", "action": "submit"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.EXPIRED and submitted.legal_last_name == "Lovelace"
    html = client.get(url(submitted)).content.decode()
    expires = f"{submitted.expires_on:%B} {submitted.expires_on.day}, {submitted.expires_on.year}"
    assert f"It expired on {expires}" in html
    assert "not completed within six months of" in html
    assert 'href="/apply/">Start a new application</a>' in html


def test_denied_application_shows_the_reason(client, applicant, submitted, cert_staff):
    application_deny(application=submitted, actor=cert_staff, reason="The degree is not conferred.")
    html = client.get(url(submitted)).content.decode()
    assert "This application was denied" in html and "The degree is not conferred." in html


# --- Who may see what ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(submitted):
    from django.test import Client

    anonymous = Client()
    upload = submitted.uploads.get()
    for path in (url(submitted), f"{url(submitted)}uploads/{upload.pk}/"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    "who", ["other_applicant", "trainer", "editor", "agency_user", "cert_staff"]
)
def test_nobody_but_the_owner_sees_the_application_page(client, request, make_user, submitted, who):
    user = make_user(None) if who == "other_applicant" else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(url(submitted)).status_code == 404
    assert client.post(url(submitted), {"action": "save"}).status_code == 404


@pytest.mark.parametrize("who", ["other_applicant", "trainer", "editor", "agency_user"])
def test_nobody_but_owner_and_staff_downloads_an_upload(client, request, make_user, submitted, who):
    user = make_user(None) if who == "other_applicant" else request.getfixturevalue(who)
    upload = submitted.uploads.get()
    client.force_login(user)
    assert client.get(f"{url(submitted)}uploads/{upload.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["applicant", "cert_staff"])
def test_owner_and_certification_staff_download_an_upload(client, request, submitted, who):
    upload = submitted.uploads.get()
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"{url(submitted)}uploads/{upload.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "transcript.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(response.streaming_content) == PDF


def test_an_upload_is_only_found_under_its_own_application(client, applicant, submitted):
    upload = submitted.uploads.get()
    client.force_login(applicant)
    other = Application.objects.create(user=applicant, track=Track.CM1, status="denied")
    assert client.get(f"/application/{other.pk}/uploads/{upload.pk}/").status_code == 404


# --- Values checked at the field, track fit, prefill, resubmission rule ---------------------------


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("date_of_birth", "2030-01-01", "must be in the past"),
        ("date_of_birth", "2015-06-01", "at least 18 years old"),
        ("employment_start_date", "2035-01-01", "cannot be in the future"),
        ("phone", "call me", "US phone number"),
        ("phone", "123-555-0100", "US phone number"),
        ("postal_code", "ABCDE", "ZIP code"),
        ("postal_code", "7306", "ZIP code"),
        ("state", "ok", "Select a valid choice"),
        ("state", "ZZ", "Select a valid choice"),
    ],
)
def test_bad_values_are_refused_at_the_field_and_nothing_is_saved(
    client, applicant, draft, agency, psychology, field, value, message
):
    client.force_login(applicant)
    data = answers(agency, psychology, action="save", **{field: value})
    response = client.post(url(draft), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    html = response.content.decode()
    assert f'href="#id_{field}"' in html  # the summary links to the field
    draft.refresh_from_db()
    assert draft.legal_last_name == ""  # nothing saved


def test_good_values_are_saved_in_one_form(client, applicant, draft, agency, psychology):
    client.force_login(applicant)
    data = answers(agency, psychology, action="save", phone="(405) 555 0100")
    data["postal_code"] = "730691234"
    assert client.post(url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert (draft.phone, draft.postal_code, draft.state) == ("405-555-0100", "73069-1234", "OK")


def test_state_is_a_select_of_states(client, applicant, draft):
    client.force_login(applicant)
    html = client.get(url(draft)).content.decode()
    assert re.search(r'<select name="state"[^>]*id="id_state"', html)
    assert '<option value="OK" selected>Oklahoma</option>' in html


def test_answers_that_do_not_fit_the_track_are_refused_at_the_fields(
    client, applicant, agency, django_capture_on_commit_callbacks
):
    application = application_start(user=applicant, track=Track.CM2_CPRP)
    client.force_login(applicant)
    data = answers(agency, None, action="submit", highest_education="high_school")
    data["institution"] = ""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(application), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "conferred bachelor" in errors["highest_education"][0]
    assert "CPRP" in errors["cprp_certified"][0]
    assert "do not qualify for CM II New – CPRP/CPRC" in str(errors["__all__"])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert len(mail.outbox) == 0
    # With a bachelor's and a CPRP, the same track fits.
    fixed = data | {"highest_education": "bachelor", "institution": "OU", "cprp_certified": "on"}
    fixed["degree_other"] = "History"
    fixed["transcript"] = pdf()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(application), fixed)
    assert response.status_code == 302, response.context["form"].errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_selfcheck_answers_prefill_the_application(client, applicant):
    client.force_login(applicant)
    client.post(
        "/apply/",
        {"education": "some_college", "college_credit_hours": "64", "adc_certified": "on"},
    )
    response = client.post("/apply/start/", {"track": "cm1"})
    application = Application.objects.get(user=applicant)
    assert response.url == url(application)
    assert application.highest_education == "some_college"
    assert application.college_credit_hours == 64 and application.adc_certified is True
    html = client.get(url(application)).content.decode()
    assert 'value="64"' in html


def test_the_form_has_section_navigation_and_focuses_the_error_summary(client, applicant, draft):
    client.force_login(applicant)
    html = client.get(url(draft)).content.decode()
    nav = html.split('class="section-nav"')[1].split("</nav>")[0]
    for key in ("personal", "residence", "education", "employment"):
        assert f'href="#section-{key}"' in nav
    assert "0 of 4" in nav  # the personal section's completeness
    response = client.post(url(draft), {"phone": "call me", "action": "save"})
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'tabindex="-1"' in html
    assert "js/application.js" in html


def test_a_flagged_field_must_change_or_be_answered_before_resubmission(
    client, applicant, submitted, cert_staff, django_capture_on_commit_callbacks
):
    application_return(
        application=submitted, actor=cert_staff, corrections={"job_title": "Spell it out."}
    )
    data = answers(submitted.agency, submitted.degree, action="submit")
    response = client.post(url(submitted), data)
    assert response.status_code == 200
    assert "change the answer, or reply" in response.context["form"].errors["job_title"][0]
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.RETURNED
    html = client.get(url(submitted)).content.decode()
    assert 'name="reply__job_title"' in html
    # A reply is enough.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(submitted), data | {"reply__job_title": "It is my title."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_a_changed_flagged_field_allows_resubmission(
    client, applicant, submitted, cert_staff, django_capture_on_commit_callbacks
):
    application_return(
        application=submitted, actor=cert_staff, corrections={"job_title": "Spell it out."}
    )
    data = answers(submitted.agency, submitted.degree, action="submit", job_title="Case Manager II")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(submitted), data)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert submitted.returned_values["job_title"] == "Case manager"


# --- Confirmation steps for cancelling and moving a booking --------------------------------------


def test_cancel_and_move_ask_first_and_say_the_seat_frees(
    client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from enrollment.models import RegistrationStatus
    from enrollment.services.booking import registration_book
    from lms import clock
    from tests.factories.enrollment import make_session, ready

    application = ready()
    booked = registration_book(application=application, session=make_session(), user=None)
    later = make_session(on=clock.today() + timedelta(days=30), venue="Lawton Center")
    client.force_login(application.user)

    move = f"/classroom/bookings/{booked.pk}/move/"
    html = client.post(move, {"session": later.pk}).content.decode()
    assert "Move your Day 1 booking?" in html and "frees your seat" in html
    assert f'name="session" value="{later.pk}"' in html and 'name="confirmed" value="yes"' in html
    booked.refresh_from_db()
    assert booked.session_id != later.pk and booked.calendar_sequence == 0

    cancel = f"/classroom/bookings/{booked.pk}/cancel/"
    html = client.post(cancel).content.decode()
    assert "This frees your seat for someone else." in html and "Nothing is refunded" in html
    booked.refresh_from_db()
    assert booked.status == RegistrationStatus.CONFIRMED
    assert not AuditEvent.objects.filter(verb__startswith="registration.cancel").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel, {"confirmed": "yes"}, follow=True)
    assert "fee stays with your application" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == RegistrationStatus.CANCELLED


def test_a_flag_on_a_field_the_form_does_not_show_does_not_block_resubmission(
    client, applicant, submitted, cert_staff
):
    application_return(
        application=submitted,
        actor=cert_staff,
        corrections={"cm1_certificate_number": "Not needed.", "job_title": "Spell it out."},
    )
    data = answers(submitted.agency, submitted.degree, action="submit", job_title="Case Manager")
    assert client.post(url(submitted), data).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
