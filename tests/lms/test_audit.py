import pytest

from lms.models import AuditEvent
from lms.services import audit_record
from tests.readers import body, csv_rows

pytestmark = pytest.mark.django_db


def test_audit_record_writes_actor_verb_states_and_reason(cert_staff, applicant):
    event = audit_record(
        actor=cert_staff,
        verb="approve",
        obj=applicant,
        from_state="submitted",
        to_state="approved",
        reason="All documents in order",
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.verb, stored.subject) == (cert_staff, "approve", applicant)
    assert (stored.from_state, stored.to_state) == ("submitted", "approved")
    assert stored.reason == "All documents in order"
    assert stored.created_at is not None


def test_system_events_have_no_actor(applicant):
    event = audit_record(actor=None, verb="expire", obj=applicant)
    assert event.actor is None and event.actor_label == "system"


def test_audit_events_cannot_be_edited_or_deleted(applicant):
    event = audit_record(actor=None, verb="expire", obj=applicant)
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_staff_see_the_log_in_the_admin_but_no_edit_or_delete(client, cert_staff, superuser):
    event = audit_record(actor=cert_staff, verb="approve", obj=cert_staff, to_state="approved")
    client.force_login(cert_staff)
    listing = client.get("/admin/audit/")
    assert listing.status_code == 200
    assert b"approve" in listing.content
    assert client.get(f"/admin/audit/inspect/{event.pk}/").status_code == 200
    other = audit_record(actor=None, verb="expire", obj=cert_staff, reason="Six months passed.")
    export = client.get("/admin/audit/?export=csv")
    assert export.status_code == 200
    rows = csv_rows(body(export))
    assert len(rows[0]) == 8 and rows[0][2].lower() == "verb"  # the columns of list_export
    by_verb = {row[2]: row for row in rows[1:]}
    assert set(by_verb) == {"approve", "expire"}
    assert by_verb["approve"][1] == event.actor_label and by_verb["approve"][6] == "approved"
    assert by_verb["expire"][1] == "system" and by_verb["expire"][7] == other.reason
    filtered = csv_rows(body(client.get("/admin/audit/?export=csv&verb=expire")))
    assert [row[2] for row in filtered[1:]] == ["expire"]  # the export follows the filter
    for who in (cert_staff, superuser):
        client.force_login(who)
        assert client.get(f"/admin/audit/edit/{event.pk}/").status_code in (302, 403)
        assert client.post(f"/admin/audit/delete/{event.pk}/").status_code in (302, 403)
        assert client.get("/admin/audit/new/").status_code in (302, 403)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
