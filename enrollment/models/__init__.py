from enrollment.models.applications import (
    Application,
    ApplicationReminder,
    ApplicationStatus,
    ApplicationUpload,
)
from enrollment.models.policy import CertificationPolicy
from enrollment.models.reference import ApprovedDegree, ContractType, QualifyingAgency

__all__ = [
    "Application",
    "ApplicationReminder",
    "ApplicationStatus",
    "ApplicationUpload",
    "ApprovedDegree",
    "CertificationPolicy",
    "ContractType",
    "QualifyingAgency",
]
