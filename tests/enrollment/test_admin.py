"""The certification back office in the Wagtail admin: the review queue, the detail page, the
three decisions, the reference lists, and who may see and do what."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from enrollment.models import (
    Application,
    ApplicationStatus,
    ApplicationUpload,
    ApprovedDegree,
    QualifyingAgency,
)
from lms import clock
from lms.models import AuditEvent
from lms.services import audit_record
from tests.factories.enrollment import (
    ApplicationFactory,
    QualifyingAgencyFactory,
    UserFactory,
    application_at,
)
from tests.readers import body, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db
S = ApplicationStatus

QUEUE = "/admin/applications/"


def _submitted(
    last_name="Alvarez", *, when=datetime(2026, 3, 2, 15, tzinfo=UTC), status=S.SUBMITTED, **fields
):
    """A submitted application as `application_submit` leaves it, submitted at `when`."""
    return application_at(
        status,
        submitted_on=when.date(),
        last_submitted_at=when,
        legal_last_name=last_name,
        legal_first_name="Rosa",
        **fields,
    )


def _detail(application):
    return f"{QUEUE}inspect/{application.pk}/"


def _decide(application, action):
    return f"{QUEUE}{action}/{application.pk}/"


def _events(application):
    return AuditEvent.objects.filter(object_id=str(application.pk), verb__startswith="application.")


def _unchanged(application, status=S.SUBMITTED):
    application.refresh_from_db()
    return application.status == status and not _events(application).exists()


# --- the queue ---------------------------------------------------------------------------------


def test_staff_see_the_queue_awaiting_review_oldest_first_and_no_drafts(client, cert_staff):
    newer = _submitted("Newer", when=datetime(2026, 3, 5, tzinfo=UTC))
    older = _submitted("Older", when=datetime(2026, 3, 1, tzinfo=UTC))
    decided = _submitted("Decided", when=datetime(2026, 1, 5, tzinfo=UTC), status=S.APPROVED)
    ApplicationFactory(legal_last_name="Drafty")  # never submitted: the applicant's business
    client.force_login(cert_staff)

    response = client.get(QUEUE)

    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f"{a.legal_last_name}, Rosa") for a in (older, newer, decided)]
    assert positions == sorted(positions)
    assert "Drafty" not in html
    assert _detail(older) in html
    assert f"{QUEUE}new/" not in html and f"{QUEUE}edit/" not in html
    assert f"{QUEUE}delete/" not in html


@pytest.fixture
def two_applications():
    plain = _submitted("Alvarez", track="cm1")
    agency = QualifyingAgencyFactory(name="Red Rock Behavioral Health")
    special = _submitted(
        "Brightwater",
        status=S.APPROVED,
        track="cm2",
        agency=agency,
        needs_transcript_review=True,
    )
    return plain, special


@pytest.mark.parametrize(
    "query",
    ["status=approved", "track=cm2", "agency={agency}", "needs_transcript_review=true"],
)
def test_filters_narrow_the_queue(client, cert_staff, two_applications, query):
    plain, special = two_applications
    client.force_login(cert_staff)

    response = client.get(f"{QUEUE}?{query.format(agency=special.agency_id)}")

    assert response.status_code == 200
    assert b"Brightwater, Rosa" in response.content
    assert b"Alvarez, Rosa" not in response.content


@pytest.mark.parametrize("query", ["bright", "BRIGHTWATER", "{email}"])
def test_search_by_legal_name_or_email(client, cert_staff, two_applications, query):
    plain, special = two_applications
    client.force_login(cert_staff)

    response = client.get(QUEUE, {"q": query.format(email=special.user.email)})

    assert b"Brightwater, Rosa" in response.content
    assert b"Alvarez, Rosa" not in response.content


def test_csv_export_has_the_columns_and_follows_the_filters(client, cert_staff, two_applications):
    plain, special = two_applications
    client.force_login(cert_staff)

    response = client.get(QUEUE, {"export": "csv", "track": "cm2"})

    assert response.status_code == 200
    assert 'filename="applications.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "Application",
        "Legal last name",
        "Legal first name",
        "Email",
        "Track",
        "Status",
        "Agency",
        "Needs transcript review",
        "Submitted on",
        "Last submitted at",
        "Expires on",
        "Decided at",
    ]
    assert rows[1:] == [
        [
            str(special.pk),
            "Brightwater",
            "Rosa",
            special.user.email,
            "CM II New Applicant",
            "Approved",
            "Red Rock Behavioral Health",
            "yes",
            "2026-03-02",
            "2026-03-02 09:00:00",  # 15:00 UTC, in Oklahoma
            "2026-09-02",
            "",
        ]
    ]


def test_csv_export_keeps_formula_like_names_as_text(client, cert_staff):
    _submitted('=HYPERLINK("http://evil.example","x")')
    client.force_login(cert_staff)

    response = client.get(QUEUE, {"export": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'


def test_xlsx_export(client, cert_staff, two_applications):
    client.force_login(cert_staff)
    response = client.get(QUEUE, {"export": "xlsx", "track": "cm2"})
    assert response.status_code == 200
    assert "applications.xlsx" in response["Content-Disposition"]
    csv_export = csv_rows(body(client.get(QUEUE, {"export": "csv", "track": "cm2"})))
    rows = xlsx_rows(body(response))
    assert rows[0] == csv_export[0]  # the same columns as the CSV
    assert len(rows) == 2  # the filter applies: Brightwater only
    assert rows[1][1] == "Brightwater"
    assert "Red Rock Behavioral Health" in rows[1]
    assert rows[1][0] == int(csv_export[1][0])  # the same application


# --- the detail page ---------------------------------------------------------------------------


def test_detail_shows_sections_clock_uploads_and_history(client, cert_staff):
    application = _submitted(
        "Alvarez",
        highest_education="bachelor",
        degree_other="Human Services",
        institution="Rose State College",
        needs_transcript_review=True,
    )
    upload = ApplicationUpload.objects.create(
        application=application,
        purpose=ApplicationUpload.Purpose.TRANSCRIPT,
        storage_name="a1b2c3.pdf",
        original_name="rose-state-transcript.pdf",
        kind="pdf",
        size=48_000,
    )
    audit_record(
        actor=application.user,
        verb="application.submitted",
        obj=application,
        from_state="draft",
        to_state="submitted",
    )
    client.force_login(cert_staff)

    with clock.frozen_at(date(2026, 8, 23)):
        response = client.get(_detail(application))

    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Personal", "Residence", "Education", "Employment", "Uploads", "History"):
        assert heading in html
    for text in (
        "Legal last name",
        "Alvarez",
        "Degree field, if not on the list",
        "Human Services",
    ):
        assert text in html
    assert "Submitted, awaiting review" in html
    assert "September 2, 2026" in html and "10 days left" in html
    assert "Yes: the degree is not on the Approved Degree List" in html
    assert "rose-state-transcript.pdf" in html
    assert f'href="/application/{application.pk}/uploads/{upload.pk}/"' in html
    assert "46.9\xa0KB" in html
    assert "application.submitted" in html and application.user.email in html
    assert "Approve application" in html and "Deny application" in html
    assert "Return application" in html


def test_detail_shows_corrections_and_reason_and_no_forms_the_status_forbids(client, cert_staff):
    returned = _submitted(status=S.RETURNED, corrections={"phone": "The number is not reachable."})
    client.force_login(cert_staff)

    html = client.get(_detail(returned)).content.decode()

    assert "Phone number" in html and "The number is not reachable." in html
    assert "Approve application" not in html and "Deny application" not in html
    assert "Return application" not in html


def test_drafts_are_not_shown_to_staff(client, cert_staff):
    draft = ApplicationFactory()
    client.force_login(cert_staff)
    assert client.get(_detail(draft)).status_code == 404


# --- decisions ---------------------------------------------------------------------------------


def test_approve(client, cert_staff, django_capture_on_commit_callbacks):
    application = _submitted()
    client.force_login(cert_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide(application, "approve"), {"confirmed": "yes"})

    assert response.status_code == 302 and response["Location"] == _detail(application)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    event = _events(application).get()
    assert (event.verb, event.actor, event.from_state, event.to_state) == (
        "application.approved",
        cert_staff,
        "submitted",
        "approved",
    )
    # (approval also asks the employer to verify employment: that email goes elsewhere)
    approved = [m.to for m in mail.outbox if m.subject == "Your application was approved"]
    assert approved == [[application.user.email]]
    assert "approved" in client.get(response["Location"]).content.decode()


def test_deny_without_a_reason_changes_nothing(
    client, cert_staff, django_capture_on_commit_callbacks
):
    application = _submitted()
    client.force_login(cert_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide(application, "deny"), {"reason": "   "})

    assert response.status_code == 200
    assert "Give the reason for the denial" in response.content.decode()
    assert _unchanged(application)
    assert mail.outbox == []


def test_deny_with_a_reason(client, cert_staff, django_capture_on_commit_callbacks):
    application = _submitted()
    client.force_login(cert_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _decide(application, "deny"),
            {"reason": "The degree is not yet conferred.", "confirmed": "yes"},
        )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.DENIED
    assert application.decision_reason == "The degree is not yet conferred."
    event = _events(application).get()
    assert (event.verb, event.actor, event.reason) == (
        "application.denied",
        cert_staff,
        "The degree is not yet conferred.",
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [application.user.email]
    assert "The degree is not yet conferred." in mail.outbox[0].body


def test_return_with_two_corrections(client, cert_staff, django_capture_on_commit_callbacks):
    application = _submitted()
    client.force_login(cert_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _decide(application, "return"),
            {
                "phone": "The number is not reachable.",
                "transcript": "Upload the official transcript, all pages.",
                "city": "  ",
            },
        )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.RETURNED
    assert application.corrections == {
        "phone": "The number is not reachable.",
        "transcript": "Upload the official transcript, all pages.",
    }
    event = _events(application).get()
    assert (event.verb, event.actor, event.to_state) == (
        "application.returned",
        cert_staff,
        "returned",
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [application.user.email]
    body = mail.outbox[0].body
    assert "Phone number: The number is not reachable." in body
    assert "Transcript: Upload the official transcript, all pages." in body


def test_return_without_any_correction_is_refused(
    client, cert_staff, django_capture_on_commit_callbacks
):
    application = _submitted()
    client.force_login(cert_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide(application, "return"), {"phone": ""})

    assert response.status_code == 200
    assert "Say what to correct for at least one field." in response.content.decode()
    assert _unchanged(application)
    assert mail.outbox == []


def test_a_move_the_status_forbids_is_refused_with_the_services_message(
    client, cert_staff, django_capture_on_commit_callbacks
):
    application = _submitted(status=S.DENIED)
    client.force_login(cert_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide(application, "approve"), follow=True)

    assert "An application that is denied cannot become approved." in response.content.decode()
    assert _unchanged(application, S.DENIED)
    assert mail.outbox == []


def test_approving_twice_changes_nothing_the_second_time(
    client, cert_staff, django_capture_on_commit_callbacks
):
    application = _submitted(status=S.APPROVED)
    client.force_login(cert_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide(application, "approve"), follow=True)

    assert "already was approved; nothing changed." in response.content.decode()
    assert _unchanged(application, S.APPROVED)
    assert mail.outbox == []


# --- who may see and do what ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "trainer", "applicant", "agency_user"])
def test_other_roles_see_no_applications(client, request, who):
    user = request.getfixturevalue(who)
    application = _submitted("Confidential", user=user if who == "applicant" else UserFactory())
    client.force_login(user)

    for url in (QUEUE, _detail(application), f"{QUEUE}?export=csv"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"Confidential" not in response.content


@pytest.mark.parametrize("who", ["editor", "trainer", "applicant"])
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("approve", {"confirmed": "yes"}),
        ("deny", {"reason": "No.", "confirmed": "yes"}),
        ("return", {"phone": "Wrong."}),
        ("track-change", {"track": "cm2", "reason": "No.", "confirmed": "yes"}),
    ],
)
def test_other_roles_cannot_decide(
    client, request, who, action, data, django_capture_on_commit_callbacks
):
    application = _submitted()
    client.force_login(request.getfixturevalue(who))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide(application, action), data)

    assert response.status_code == 403  # no admin rights: the 403 page, not a redirect loop
    assert _unchanged(application)
    assert mail.outbox == []


def test_viewing_without_the_decide_permission_shows_no_decisions(client, make_user):
    viewer = make_user(None)
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_application"),
    )
    application = _submitted()
    client.force_login(viewer)

    html = client.get(_detail(application)).content.decode()
    response = client.post(_decide(application, "approve"))

    assert "Alvarez" in html and "Approve application" not in html
    assert response.status_code == 403
    assert _unchanged(application)


@pytest.mark.parametrize("who", ["cert_staff", "superuser"])
def test_nobody_adds_edits_copies_or_deletes_applications(client, request, who):
    application = _submitted()
    client.force_login(request.getfixturevalue(who))

    assert client.get(QUEUE).status_code == 200
    for url in ("new/", f"edit/{application.pk}/", f"copy/{application.pk}/"):
        assert client.get(QUEUE + url).status_code in (302, 403, 404), url
        assert client.post(QUEUE + url, {"track": "cm2"}).status_code in (302, 403, 404), url
    for url in (f"delete/{application.pk}/", f"history/{application.pk}/"):
        assert client.get(QUEUE + url).status_code in (302, 403, 404), url
    assert client.post(f"{QUEUE}delete/{application.pk}/").status_code in (302, 403, 404)
    assert Application.objects.filter(pk=application.pk, track="cm1").exists()
    assert Application.objects.count() == 1


def test_menu_shows_applications_to_staff_only(client, cert_staff, editor):
    client.force_login(cert_staff)
    staff_home = client.get("/admin/").content.decode()
    client.force_login(editor)
    editor_home = client.get("/admin/").content.decode()

    assert QUEUE in staff_home and "/admin/qualifying-agencies/" in staff_home
    assert QUEUE not in editor_home and "/admin/qualifying-agencies/" not in editor_home
    assert "/admin/snippets/enrollment/approveddegree/" in editor_home


# --- reference lists ---------------------------------------------------------------------------

DEGREES = "/admin/snippets/enrollment/approveddegree/"
AGENCIES = "/admin/qualifying-agencies/"


def test_editor_lists_and_adds_approved_degrees(client, editor):
    ApprovedDegree.objects.create(name="Addiction studies")
    client.force_login(editor)

    listing = client.get(DEGREES)
    response = client.post(f"{DEGREES}add/", {"name": "Rehabilitation Counseling", "active": "on"})

    assert listing.status_code == 200 and b"Addiction studies" in listing.content
    assert response.status_code == 302
    assert ApprovedDegree.objects.filter(name="Rehabilitation Counseling", active=True).exists()


def test_staff_may_look_at_degrees_but_not_change_them(client, cert_staff):
    client.force_login(cert_staff)
    assert client.get(DEGREES).status_code == 200
    assert client.post(f"{DEGREES}add/", {"name": "Astrology"}).status_code in (302, 403)
    assert not ApprovedDegree.objects.filter(name="Astrology").exists()


def test_a_degree_named_on_an_application_is_not_deleted(client, editor):
    used = ApprovedDegree.objects.create(name="Behavioral health science")
    unused = ApprovedDegree.objects.create(name="Peer recovery studies")
    ApplicationFactory(highest_education="bachelor", degree=used)
    client.force_login(editor)

    refused = client.post(f"{DEGREES}delete/{used.pk}/", follow=True)
    deleted = client.post(f"{DEGREES}delete/{unused.pk}/")

    assert "Mark it inactive instead." in refused.content.decode()
    assert ApprovedDegree.objects.filter(pk=used.pk).exists()
    assert deleted.status_code == 302 and not ApprovedDegree.objects.filter(pk=unused.pk).exists()


def test_staff_add_and_filter_qualifying_agencies(client, cert_staff):
    QualifyingAgencyFactory(name="Prairie CMHC", contract_type="111")
    client.force_login(cert_staff)

    response = client.post(
        f"{AGENCIES}new/",
        {"name": "Red Rock PACT", "contract_type": "114", "city": "Tulsa", "active": "on"},
    )
    listing = client.get(AGENCIES, {"contract_type": "114"})
    export = client.get(AGENCIES, {"export": "csv"})

    assert response.status_code == 302
    assert QualifyingAgency.objects.filter(name="Red Rock PACT", contract_type="114").exists()
    assert b"Red Rock PACT" in listing.content and b"Prairie CMHC" not in listing.content
    assert b"Red Rock PACT" in b"".join(export.streaming_content)


def test_staff_cannot_delete_agencies_and_editors_cannot_see_them(client, cert_staff, editor):
    agency = QualifyingAgencyFactory()
    client.force_login(cert_staff)
    assert client.post(f"{AGENCIES}delete/{agency.pk}/").status_code in (302, 403)
    client.force_login(editor)
    assert client.get(AGENCIES).status_code in (302, 403)
    assert QualifyingAgency.objects.filter(pk=agency.pk).exists()


def test_an_agency_named_on_an_application_is_not_deleted_even_by_a_superuser(client, superuser):
    application = _submitted()
    client.force_login(superuser)

    response = client.post(f"{AGENCIES}delete/{application.agency_id}/", follow=True)

    assert "Mark it inactive instead." in response.content.decode()
    assert QualifyingAgency.objects.filter(pk=application.agency_id).exists()


# --- confirmation steps, track change, before and after ----------------------------------------


@pytest.mark.parametrize(
    ("action", "data", "consequence"),
    [
        ("approve", {}, "The web-based training opens for the applicant."),
        ("deny", {"reason": "Not conferred."}, "The application closes for good"),
        (
            "track-change",
            {"track": "cm1", "reason": "High school and 40 months."},
            "Fees: $75.00 become $50.00.",
        ),
    ],
)
def test_a_decision_asks_for_confirmation_and_says_what_will_happen(
    client, cert_staff, action, data, consequence, django_capture_on_commit_callbacks
):
    application = _submitted(track="cm2")
    client.force_login(cert_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide(application, action), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert consequence in html
    assert 'name="confirmed" value="yes"' in html and "Yes, confirm" in html
    for name, value in data.items():
        assert f'name="{name}" value="{value}"' in html  # carried to the confirmation
    assert _unchanged(application)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide(application, action), data | {"confirmed": "yes"})
    assert response.status_code == 302
    # The applicant is told once (approval also asks the employer to verify employment).
    told = [m for m in mail.outbox if m.to == [application.user.email]]
    assert _events(application).count() == 1 and len(told) == 1


def test_staff_change_the_track_before_approval(
    client, cert_staff, django_capture_on_commit_callbacks
):
    application = _submitted(track="cm2")
    client.force_login(cert_staff)
    html = client.get(_detail(application)).content.decode()
    assert "Change the track of application" in html
    data = {"track": "cm1_upgrade", "reason": "Already a CM I.", "confirmed": "yes"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide(application, "track-change"), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.track == "cm1_upgrade" and application.status == S.SUBMITTED
    event = _events(application).get()
    assert (event.verb, event.actor, event.from_state, event.to_state, event.reason) == (
        "application.track_changed",
        cert_staff,
        "cm2",
        "cm1_upgrade",
        "Already a CM I.",
    )
    (message,) = mail.outbox
    assert message.to == [application.user.email]
    assert "from CM II New Applicant to CM I Upgrade" in message.body
    assert "Already a CM I." in message.body
    assert "Classroom days: Day 3 and Day 4" in message.body
    assert "Reapplication fee: $" in message.body and message.alternatives


def test_the_track_change_needs_a_reason_and_is_refused_after_approval(
    client, cert_staff, django_capture_on_commit_callbacks
):
    application = _submitted(track="cm2")
    client.force_login(cert_staff)
    response = client.post(
        _decide(application, "track-change"), {"track": "cm1", "reason": " ", "confirmed": "yes"}
    )
    assert response.status_code == 200
    assert "Give the reason for the change" in response.content.decode()
    assert _unchanged(application)
    approved = _submitted("Baker", status=S.APPROVED, track="cm2")
    assert "Change the track" not in client.get(_detail(approved)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _decide(approved, "track-change"),
            {"track": "cm1", "reason": "Wrong.", "confirmed": "yes"},
            follow=True,
        )
    assert "only before the application is approved" in response.content.decode()
    approved.refresh_from_db()
    assert approved.track == "cm2" and mail.outbox == []


def test_staff_see_each_changed_field_before_and_after(client, cert_staff):
    from enrollment.services.applications import application_return, application_submit

    application = _submitted(job_title="Case manager")
    application_return(
        application=application, actor=cert_staff, corrections={"phone": "Disconnected."}
    )
    application.refresh_from_db()
    application.phone = "918-555-0199"
    application.city = "Tulsa"
    application.correction_replies = {"phone": "New number."}
    application.save()
    application_submit(application=application, user=application.user)
    client.force_login(cert_staff)
    html = client.get(_detail(application)).content.decode()
    changes = html.split("Changes since it was returned")[1].split("</table>")[0]
    assert "<del>405-555-0100</del>" in changes and "<ins>918-555-0199</ins>" in changes
    assert "<del>Oklahoma City</del>" in changes and "<ins>Tulsa</ins>" in changes
    assert "Job title" not in changes  # unchanged answers are not listed
    assert "New number." in html


def test_locking_attendance_asks_first_and_counts_who_moves_on(client, cert_staff, trainer):
    from datetime import timedelta

    from enrollment.services.booking import registration_book
    from enrollment.services.roster import session_attendance_mark
    from tests.factories.enrollment import make_session, ready

    session = make_session(on=clock.today() - timedelta(days=1))
    session.trainers.add(trainer)
    week_before = clock.now() - timedelta(days=8)
    ana, ben = (
        registration_book(application=ready(), session=session, user=None, now=week_before)
        for _ in range(2)
    )
    session_attendance_mark(
        session=session, actor=trainer, marks={ana.pk: ("present", ""), ben.pk: ("absent", "")}
    )
    client.force_login(cert_staff)
    url = f"/admin/classroom-sessions/lock/{session.pk}/"
    html = client.post(url).content.decode()
    assert "Lock the attendance of" in html
    assert "1 attended" in html and "1 missed: their booking closes, which frees the seat" in html
    session.refresh_from_db()
    assert session.attendance_locked_at is None
    client.post(url, {"confirmed": "yes"})
    session.refresh_from_db()
    assert session.attendance_locked_at is not None
