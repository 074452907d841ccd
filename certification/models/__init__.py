"""People's certification records (plain Django models), one module per sub-domain as they
arrive (`agencies.py`, `certificates.py`, `renewals.py`), each re-exported here."""

from .agencies import AgencyAlert, AgencyMembership, AgencyRole, AlertChange, RosterEntry
from .calendar import AgencyDigestSent, HolderNotice, ReminderKind, RenewalReminder
from .certificates import (
    AppendOnlyError,
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
from .ceus import AuditSeed, CeuCap, CeuCategory, CeuConversion, CeuWindow
from .employment import Employment
from .renewals import (
    CeuEntry,
    CorrectionTarget,
    DocumentReview,
    Renewal,
    RenewalCorrection,
    RenewalEvent,
    RenewalStatus,
)
from .verification import VerificationRequest, VerificationStatus

__all__: list[str] = [
    "AgencyAlert",
    "AgencyDigestSent",
    "AgencyMembership",
    "AgencyRole",
    "AlertChange",
    "AppendOnlyError",
    "BillingLimit",
    "CertificateNumberCounter",
    "Certification",
    "CertificationEvent",
    "AuditSeed",
    "CeuCap",
    "CeuEntry",
    "CorrectionTarget",
    "DocumentReview",
    "Renewal",
    "RenewalCorrection",
    "RenewalEvent",
    "RenewalStatus",
    "CeuCategory",
    "CeuConversion",
    "CeuWindow",
    "Employment",
    "Endorsement",
    "EndorsementKind",
    "HolderNotice",
    "Level",
    "PublishedStatusList",
    "ReminderKind",
    "RenewalReminder",
    "RosterEntry",
    "StatusListPurpose",
    "VerificationLookup",
    "VerificationRequest",
    "VerificationStatus",
]
