"""People's certification records (plain Django models), one module per sub-domain as they
arrive (`agencies.py`, `certificates.py`, `renewals.py`), each re-exported here."""

from .certificates import (
    BillingLimit,
    CertificateNumberCounter,
    Certification,
    CertificationEvent,
    Endorsement,
    EndorsementKind,
    Level,
    PublishedStatusList,
    StatusListPurpose,
    VerificationLookup,
)
from .employment import Employment

__all__: list[str] = [
    "Employment",
    "BillingLimit",
    "CertificateNumberCounter",
    "Certification",
    "CertificationEvent",
    "Endorsement",
    "EndorsementKind",
    "Level",
    "PublishedStatusList",
    "StatusListPurpose",
    "VerificationLookup",
]
