"""Certification pages (spec section 7). Thin handlers: they call selectors and services. One
module per audience: `certificates.py` (the holder's `/certificate/`, the public `/verify/…`,
the issuer's did.json and status lists), `agency.py` (the portal), `verification.py` (the
applicant's verification of employment)."""
