from enrollment.models.applications import (
    Application,
    ApplicationReminder,
    ApplicationStatus,
    ApplicationUpload,
    EmployeeConfirmation,
)
from enrollment.models.policy import CertificationPolicy
from enrollment.models.reference import ApprovedDegree, ContractType, QualifyingAgency
from enrollment.models.sessions import (
    Attendance,
    ClassroomSession,
    Registration,
    RegistrationReminder,
    RegistrationStatus,
    SessionStatus,
    WaitlistEntry,
    WaitlistStatus,
)

__all__ = [
    "Attendance",
    "ClassroomSession",
    "Registration",
    "RegistrationReminder",
    "RegistrationStatus",
    "SessionStatus",
    "WaitlistEntry",
    "WaitlistStatus",
    "Application",
    "ApplicationReminder",
    "ApplicationStatus",
    "ApplicationUpload",
    "ApprovedDegree",
    "CertificationPolicy",
    "EmployeeConfirmation",
    "ContractType",
    "QualifyingAgency",
]
