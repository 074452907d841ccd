""" "Which track fits me?": a pure self-check (spec: certification-rules.md, section 2).

No Django, no database, no clock: the caller passes the applicant's `Answers` and, when an
administrator has changed an amount, a `Policy`. Money is always `Decimal`. The result is
advice for the applicant; staff still review the application itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from enrollment.rules import (
    DEFAULT_POLICY,
    Policy,
    RuleViolation,
    Track,
    reapplication_fee,
    required_days,
    training_fees,
)

MIN_CREDIT_HOURS = 60
MIN_MONTHS_EXPERIENCE = 36

CM3_NOTE = (
    "CM III no longer certifies: since July 1, 2013, licensed behavioral health professionals, "
    "those under supervision for licensure and CADCs provide case management under their "
    "license without ODMHSAS certification."
)
CM3_NOTE_LICENSED = (
    "You don't need this certification: since July 1, 2013, licensed behavioral health "
    "professionals, those under supervision for licensure and CADCs (formerly CM III) provide "
    "case management under their license without ODMHSAS certification, so you need not apply, "
    "train, take the exam or renew; the track here is for you only if you choose to certify."
)
TRANSCRIPT_NOTE = (
    "If your degree is not on the Approved Degree List, apply anyway with your official "
    "transcript: staff review it case by case. Incomplete degrees are not eligible."
)


class Education(StrEnum):
    """The highest education the applicant has completed."""

    NONE = "none"
    HIGH_SCHOOL = "high_school"
    SOME_COLLEGE = "some_college"
    BACHELOR = "bachelor"
    MASTER_IN_PROGRESS = "master_in_progress"
    MASTER = "master"

    @property
    def label(self) -> str:
        return _EDUCATION_LABELS[self]

    @property
    def has_bachelor(self) -> bool:
        """True for a conferred bachelor's degree or higher."""
        return self in (Education.BACHELOR, Education.MASTER_IN_PROGRESS, Education.MASTER)


_EDUCATION_LABELS = {
    Education.NONE: "No high school diploma or GED",
    Education.HIGH_SCHOOL: "High school diploma or GED",
    Education.SOME_COLLEGE: "College credits, no bachelor's degree",
    Education.BACHELOR: "Bachelor's degree",
    Education.MASTER_IN_PROGRESS: "Bachelor's degree, working on a master's for licensure",
    Education.MASTER: "Master's degree or higher",
}


@dataclass(frozen=True)
class Answers:
    """What the applicant tells the self-check; every flag means "current, in Oklahoma"."""

    education: Education
    behavioral_health_degree: bool
    college_credit_hours: int = 0
    months_experience: int = 0
    rn_license: bool = False
    adc_certified: bool = False
    cprp_certified: bool = False
    cm1_certified: bool = False
    licensed_professional: bool = False

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "education", Education(self.education))
        except ValueError:
            raise RuleViolation(f"“{self.education}” is not an education level.") from None
        if self.college_credit_hours < 0 or self.months_experience < 0:
            raise RuleViolation("Credit hours and months of experience cannot be negative.")


@dataclass(frozen=True)
class Recommendation:
    """The advised track (None: not eligible yet), why, and what it costs."""

    track: Track | None
    reasons: tuple[str, ...]
    days: tuple[int, ...]
    training_fee: Decimal
    reapplication_fee: Decimal
    notes: tuple[str, ...]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _days_text(days: tuple[int, ...]) -> str:
    *head, last = (str(day) for day in days)
    return f"Days {', '.join(head)} and {last}" if head else f"Day {last}"


def _degree_text(education: Education) -> str:
    return "a master's degree" if education is Education.MASTER else "a bachelor's degree"


def _choose(a: Answers) -> tuple[Track | None, list[str], bool]:
    """Return (track, reasons, relies_on_bh_degree) by the section 2 rules, in priority order."""
    degree = _degree_text(a.education)
    bh_degree = a.education.has_bachelor and a.behavioral_health_degree
    if a.cm1_certified and a.education.has_bachelor and (bh_degree or a.cprp_certified):
        why = "in a behavioral-health field" if bh_degree else "plus current CPRP certification"
        return (
            Track.CM1_UPGRADE,
            [
                f"You are already a certified CM I and now hold {degree} {why}.",
                "You upgrade to CM II by filing a reapplication, not a new application.",
            ],
            bh_degree,
        )
    grounds = []
    if bh_degree:
        grounds.append(f"You hold {degree} in a behavioral-health field.")
    if a.rn_license:
        grounds.append("You are an RN licensed in Oklahoma with behavioral-health experience.")
    if a.adc_certified:
        grounds.append("You are a certified alcohol and drug counselor in Oklahoma.")
    if a.education is Education.MASTER_IN_PROGRESS:
        grounds.append("You have a bachelor's degree and are working on a master's for licensure.")
    if grounds:
        return Track.CM2, grounds, bh_degree and len(grounds) == 1
    if a.education.has_bachelor and a.cprp_certified:
        return (
            Track.CM2_CPRP,
            [f"You hold {degree} (any field) and a current CPRP, CPRC or CFRP certification."],
            False,
        )
    credits, months = a.college_credit_hours, a.months_experience
    if a.education is not Education.NONE:
        if a.education.has_bachelor:
            return (
                Track.CM1,
                [f"You hold {degree}, which carries well over 60 credit hours."],
                False,
            )
        if credits >= MIN_CREDIT_HOURS:
            return Track.CM1, [f"You have {_plural(credits, 'college credit hour')}."], False
        if months >= MIN_MONTHS_EXPERIENCE:
            have = _plural(months, "month")
            return Track.CM1, [f"You have {have} of mental-health work experience."], False
    missing = []
    if a.education is Education.NONE:
        missing.append("you don't have a high school diploma or GED")
    if credits < MIN_CREDIT_HOURS and months < MIN_MONTHS_EXPERIENCE:
        have_credits, have_months = _plural(credits, "credit hour"), _plural(months, "month")
        missing.append(f"you have {have_credits} and {have_months}")
    reasons = [
        "CM I needs a high school diploma or GED and either 60 college credit hours or 36 months "
        f"of verifiable mental-health work experience; {' and '.join(missing)}.",
        "CM II needs a conferred bachelor's or master's degree in a behavioral-health field, an "
        "Oklahoma RN license with behavioral-health experience, an Oklahoma alcohol and drug "
        "counselor certification, or a bachelor's degree in any field plus a current CPRP.",
    ]
    return None, reasons, False


def recommend_track(answers: Answers, *, policy: Policy = DEFAULT_POLICY) -> Recommendation:
    """Return the track that fits `answers` best, with reasons, days, fees and notes.

    Fees are the non-employee amounts (the self-check does not ask about ODMHSAS employment).
    A licensed professional still gets a track, after a first note that they need none.
    """
    track, reasons, relies_on_bh_degree = _choose(answers)
    notes = [CM3_NOTE_LICENSED if answers.licensed_professional else CM3_NOTE]
    if relies_on_bh_degree:
        notes.append(TRANSCRIPT_NOTE)
    if answers.behavioral_health_degree and not answers.education.has_bachelor:
        notes.append("A degree counts only once it is conferred; credit hours count toward CM I.")
    if answers.cm1_certified and track is Track.CM1:
        notes.append(
            "You are already a certified CM I: renew it each year. The upgrade to CM II needs a "
            "bachelor's degree in a behavioral-health field, or any bachelor's plus a CPRP."
        )
    if track is None:
        return Recommendation(None, tuple(reasons), (), Decimal("0"), Decimal("0"), tuple(notes))
    days = required_days(track)
    reasons.append(f"That makes {track.label} your track, with classroom {_days_text(days)}.")
    return Recommendation(
        track=track,
        reasons=tuple(reasons),
        days=days,
        training_fee=training_fees(track, odmhsas_employee=False, policy=policy),
        reapplication_fee=reapplication_fee(track, policy=policy),
        notes=tuple(notes),
    )


def describe_track(track: Track, *, policy: Policy = DEFAULT_POLICY) -> dict:
    """Return a track's label, days and non-employee fees, for choosing another track.

    Keys: track, label, days, training_fee, reapplication_fee, total_fee.
    Raises RuleViolation for an unknown track.
    """
    days = required_days(track)
    track = Track(track)
    training = training_fees(track, odmhsas_employee=False, policy=policy)
    reapply = reapplication_fee(track, policy=policy)
    return {
        "track": track,
        "label": track.label,
        "days": days,
        "training_fee": training,
        "reapplication_fee": reapply,
        "total_fee": training + reapply,
    }


def track_shortfalls(answers: Answers, track: Track) -> dict[str, str]:
    """Why `answers` do not qualify for `track`, by answer (an `Answers` attribute name) → a
    message a person can read; empty when they qualify. The same section 2 rules as
    `recommend_track`, asked of one chosen track instead of the best one.
    Raises RuleViolation for an unknown track."""
    track = Track(track)
    a = answers
    bachelor = a.education.has_bachelor
    bh_degree = bachelor and a.behavioral_health_degree
    if track is Track.CM1:
        if a.education is Education.NONE:
            return {"education": "CM I needs at least a high school diploma or GED."}
        if bachelor or a.college_credit_hours >= MIN_CREDIT_HOURS:
            return {}
        if a.months_experience >= MIN_MONTHS_EXPERIENCE:
            return {}
        why = (
            f"CM I needs {MIN_CREDIT_HOURS} college credit hours or {MIN_MONTHS_EXPERIENCE} "
            "months of verifiable mental-health work experience."
        )
        return {"college_credit_hours": why, "months_experience": why}
    if track is Track.CM2:
        if bh_degree or a.rn_license or a.adc_certified:
            return {}
        if a.education is Education.MASTER_IN_PROGRESS:
            return {}
        why = (
            "CM II needs a bachelor's or master's degree in a behavioral-health field, an "
            "Oklahoma RN licence, or an Oklahoma alcohol and drug counselor certification."
        )
        key = "behavioral_health_degree" if bachelor else "education"
        return {key: why}
    if track is Track.CM2_CPRP:
        shortfalls = {}
        if not bachelor:
            shortfalls["education"] = "CM II (CPRP/CPRC) needs a conferred bachelor's degree."
        if not a.cprp_certified:
            shortfalls["cprp_certified"] = (
                "CM II (CPRP/CPRC) needs a current CPRP, CPRC or CFRP certification."
            )
        return shortfalls
    shortfalls = {}
    if not a.cm1_certified:
        shortfalls["cm1_certified"] = "The CM I Upgrade is for people already certified as CM I."
    if not bachelor:
        shortfalls["education"] = "The CM I Upgrade needs a conferred bachelor's degree."
    elif not (bh_degree or a.cprp_certified):
        shortfalls["behavioral_health_degree"] = (
            "The CM I Upgrade needs a behavioral-health degree, or a current CPRP with any "
            "bachelor's degree."
        )
    return shortfalls
