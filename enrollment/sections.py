"""The application's four sections, which fields each needs before submission, and how complete
each one is. Pure: it reads attributes of an application-like object, nothing else."""

from dataclasses import dataclass
from typing import Any

from enrollment.rules import Track
from enrollment.selfcheck import Education

TRANSCRIPT = "transcript"  # a pseudo-field: satisfied by an uploaded transcript
DEGREE = "degree"  # satisfied by a degree on the list or a named field not on it


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "personal",
        "Personal",
        ("legal_first_name", "legal_middle_name", "legal_last_name", "date_of_birth", "phone"),
    ),
    Section(
        "residence",
        "Residence",
        ("address_line1", "address_line2", "city", "state", "postal_code", "county"),
    ),
    Section(
        "education",
        "Education",
        (
            "highest_education",
            "college_credit_hours",
            "months_experience",
            "degree",
            "degree_other",
            "institution",
            "rn_license_number",
            "adc_certified",
            "cprp_certified",
            "cm1_certificate_number",
        ),
    ),
    Section(
        "employment",
        "Employment",
        ("agency", "job_title", "employment_start_date", "odmhsas_employee"),
    ),
)
SECTION_BY_KEY = {section.key: section for section in SECTIONS}
SECTION_OF_FIELD = {field: s.key for s in SECTIONS for field in s.fields} | {
    TRANSCRIPT: "education"
}

_DEGREE_LEVELS = {e.value for e in Education if e.has_bachelor}


def required_fields(app: Any) -> dict[str, tuple[str, ...]]:
    """Section key → the fields that must be filled before this application can be submitted."""
    education = ["highest_education"]
    if app.highest_education == "some_college":
        education.append("college_credit_hours")
    if app.highest_education in _DEGREE_LEVELS:
        education += [DEGREE, "institution", TRANSCRIPT]
    if app.track == Track.CM1_UPGRADE:
        education.append("cm1_certificate_number")
    return {
        "personal": ("legal_first_name", "legal_last_name", "date_of_birth", "phone"),
        "residence": ("address_line1", "city", "state", "postal_code", "county"),
        "education": tuple(education),
        "employment": ("agency", "job_title", "employment_start_date"),
    }


def _filled(app: Any, field: str, has_transcript: bool) -> bool:
    if field == TRANSCRIPT:
        return has_transcript
    if field == DEGREE:
        return app.degree_id is not None or bool(app.degree_other.strip())
    value = getattr(app, f"{field}_id" if field in ("agency",) else field)
    return value not in (None, "") and not (isinstance(value, str) and not value.strip())


def missing_fields(app: Any, *, has_transcript: bool) -> dict[str, list[str]]:
    """Section key → required fields still empty (sections with none missing are left out)."""
    missing = {}
    for key, fields in required_fields(app).items():
        empty = [f for f in fields if not _filled(app, f, has_transcript)]
        if empty:
            missing[key] = empty
    return missing


def completeness(app: Any, *, has_transcript: bool) -> dict[str, tuple[int, int]]:
    """Section key → (required fields filled, required fields in all)."""
    result = {}
    for key, fields in required_fields(app).items():
        filled = sum(1 for f in fields if _filled(app, f, has_transcript))
        result[key] = (filled, len(fields))
    return result


# An `Answers` attribute → the application field where the applicant gives it.
ANSWER_FIELD = {
    "education": "highest_education",
    "behavioral_health_degree": DEGREE,
    "college_credit_hours": "college_credit_hours",
    "months_experience": "months_experience",
    "rn_license": "rn_license_number",
    "adc_certified": "adc_certified",
    "cprp_certified": "cprp_certified",
    "cm1_certified": "cm1_certificate_number",
}


def track_fit_errors(app: Any) -> dict[str, str]:
    """Application field → why the answers do not qualify for the application's track (the
    self-check's rules decide); empty when they do, or when the education is not given yet
    (the missing field says so). A degree not on the list counts: staff review its transcript."""
    from enrollment.selfcheck import Answers, track_shortfalls

    if not app.highest_education:
        return {}
    answers = Answers(
        education=Education(app.highest_education),
        behavioral_health_degree=app.degree_id is not None or bool(app.degree_other.strip()),
        college_credit_hours=app.college_credit_hours or 0,
        months_experience=app.months_experience or 0,
        rn_license=bool(app.rn_license_number.strip()),
        adc_certified=app.adc_certified,
        cprp_certified=app.cprp_certified,
        cm1_certified=app.track == Track.CM1_UPGRADE and bool(app.cm1_certificate_number.strip()),
    )
    shortfalls = track_shortfalls(answers, Track(app.track))
    return {ANSWER_FIELD[key]: message for key, message in shortfalls.items()}
