"""Certification pages (the holder's `/certificate/`, the public `/verify/…`, the agency
portal `/agency/`, spec section 7). Thin handlers: they call selectors and services. One
module per audience: `agency.py` (the portal), `verification.py` (the applicant's
verification of employment)."""
