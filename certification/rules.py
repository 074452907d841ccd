"""The certification rules, pure (spec: certification-rules.md, section 6).

The spec fixes `enrollment/rules.py` as the home of these functions (acceptance checks import
them from there), so this module re-exports them rather than moving them: code in
`certification/` imports its rules from here, and rules that only certification needs are
added below. Same contract as every `rules.py`: plain inputs, plain outputs or a
`RuleViolation`; no database, no clock, no settings reads.
"""

from enrollment.rules import (
    DEFAULT_POLICY,
    CertificationStatus,
    Policy,
    RenewalPhase,
    RuleViolation,
    certification_status,
    ceu_shortfall,
    ceu_window,
    first_renewal_year,
    reapply_allowed_on,
    renewal_fee,
    renewal_phase,
)

__all__ = [
    "DEFAULT_POLICY",
    "CertificationStatus",
    "Policy",
    "RenewalPhase",
    "RuleViolation",
    "ceu_shortfall",
    "ceu_window",
    "certification_status",
    "first_renewal_year",
    "reapply_allowed_on",
    "renewal_fee",
    "renewal_phase",
]
