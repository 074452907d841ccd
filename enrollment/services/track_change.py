"""Staff correct an application's track before approval (spec section 2: the track decides the
classroom days and the fees)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from enrollment import rules
from enrollment.models import Application, ApplicationStatus
from enrollment.rules import RuleViolation, Track
from enrollment.selectors.applications import days_label, policy_get
from enrollment.services.applications import _mail
from lms.models import User
from lms.services import audit_record

S = ApplicationStatus
# Before approval: once training opens, the required courses and days follow the track.
CHANGEABLE = frozenset({S.SUBMITTED, S.RETURNED})


@dataclass(frozen=True)
class TrackFees:
    """What a track costs this applicant, as the policy now stands."""

    days: str
    training_fee: Decimal
    reapplication_fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.training_fee + self.reapplication_fee


def track_fees(application: Application, track: Track | str) -> TrackFees:
    """The days and fees of `track` for this applicant (ODMHSAS employees: no day fees)."""
    policy = policy_get()
    return TrackFees(
        days=days_label(rules.required_days(track)),
        training_fee=rules.training_fees(
            track, odmhsas_employee=application.odmhsas_employee, policy=policy
        ),
        reapplication_fee=rules.reapplication_fee(track, policy=policy),
    )


def application_track_change(
    *, application: Application, actor: User, track: Track | str, reason: str
) -> Application:
    """Move a submitted or returned application to another track, before approval. The reason
    is required, audited and sent to the applicant with the new days and fees. A no-op when the
    track is already `track`. Raises RuleViolation after approval or without a reason."""
    track = Track(track)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason for the change; the applicant will read it.")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.track == track:
            return locked
        if locked.status not in CHANGEABLE:
            raise RuleViolation(
                "The track can be changed only before the application is approved; this one is "
                f"{locked.get_status_display().lower()}."
            )
        before = Track(locked.track)
        locked.track = track
        locked.save(update_fields=["track"])
        audit_record(
            actor=actor,
            verb="application.track_changed",
            obj=locked,
            from_state=before,
            to_state=track,
            reason=reason,
        )
        _mail(
            locked,
            "application_track_changed",
            before=before.label,
            after=track.label,
            reason=reason,
            fees=track_fees(locked, track),
        )
    return locked
