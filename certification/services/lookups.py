"""The public lookup log: one row per check of a certificate's page or JSON."""

from datetime import date

from certification.models import Certification, VerificationLookup
from enrollment.models import QualifyingAgency


def lookup_record(
    *, certification: Certification, as_of: date, agency: QualifyingAgency | None
) -> VerificationLookup:
    """Record that someone checked `certification` for the day `as_of`; the agency only when
    the viewer is a signed-in agency user. Nothing about the viewer beyond that is stored."""
    return VerificationLookup.objects.create(
        certification=certification, as_of=as_of, agency=agency
    )
