"""Employment over time: an agency records that a person has left, from a date. From that
date `is_employed_on` is false, so the person may not bill T1017 there (spec section 7)."""

from datetime import date

from django.db import transaction

from certification.models import AgencyMembership, AlertChange, Employment
from certification.services._common import is_certification_staff, mail, staff_emails
from enrollment.rules import RuleViolation
from lms.models import User
from lms.services import audit_record


def _may_record_for(actor: User, agency_id: int) -> bool:
    if is_certification_staff(actor):
        return True
    membership = AgencyMembership.objects.filter(user=actor, agency_id=agency_id).first()
    return membership is not None and membership.is_attester


def employment_end(*, employment: Employment, actor: User, ended_on: date) -> Employment:
    """Record that the person left: `ended_on` is the first day no longer employed. The person,
    certification staff and the agency's users (alert "employment ended") are told. A no-op
    when already ended on that day; raises RuleViolation, writing nothing, for an actor who
    is not an attester of the agency (or staff), a date before the start, or an employment
    already ended on another day."""
    if not _may_record_for(actor, employment.agency_id):
        raise RuleViolation("Only an attester of this agency can record that someone has left.")
    from certification.services.alerts import agency_alert_status_changed

    with transaction.atomic():
        locked = Employment.objects.select_for_update().get(pk=employment.pk)
        if locked.ended_on == ended_on:
            return locked
        if locked.ended_on is not None:
            raise RuleViolation(f"This employment already ended on {locked.ended_on:%B %-d, %Y}.")
        if ended_on < locked.started_on:
            raise RuleViolation("Employment cannot end before it started.")
        locked.ended_on = ended_on
        locked.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            verb="employment.ended",
            obj=locked,
            to_state=ended_on.isoformat(),
            reason=f"Recorded for {locked.agency.name}.",
        )
        context = {"employment": locked, "agency": locked.agency}
        mail("employment_ended", [locked.person.email], for_person=True, **context)
        mail("employment_ended", staff_emails(), for_person=False, **context)
        agency_alert_status_changed(
            person=locked.person,
            change=AlertChange.EMPLOYMENT_ENDED,
            key=f"{locked.pk}:{ended_on.isoformat()}",
            agencies=[locked.agency_id],
        )
    return locked
